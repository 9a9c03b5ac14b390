/* \summary: the open-addressing hash index from hashes to item numbers */
#include "fot_index.h"

#include "fot_bigmem.h"

#define INITIAL_SLOTS 64u

void
fot_index_init(fot_index *ix)
{
    ix->slots = fot_bigmem_table0(INITIAL_SLOTS, sizeof(fot_index_slot));
    ix->mask = INITIAL_SLOTS - 1;
    ix->count = 0;
}

void
fot_index_destroy(fot_index *ix)
{
    fot_bigmem_free(ix->slots);
    ix->slots = NULL;
}

static void
place(fot_index *ix, uint32_t hash, uint32_t item)
{
    uint32_t i = hash & ix->mask;
    while (ix->slots[i].item != 0)
        i = (i + 1) & ix->mask;
    ix->slots[i].hash = hash;
    ix->slots[i].item = item;
}

void
fot_index_insert(fot_index *ix, uint32_t hash, uint32_t item)
{
    if ((ix->count + 1) * 2 > ix->mask + 1) {
        fot_index_slot *old = ix->slots;
        uint32_t old_size = ix->mask + 1;
        ix->slots = fot_bigmem_table0((size_t)old_size * 2, sizeof(fot_index_slot));
        ix->mask = old_size * 2 - 1;
        for (uint32_t i = 0; i < old_size; i++)
            if (old[i].item)
                place(ix, old[i].hash, old[i].item);
        fot_bigmem_free(old);
    }
    place(ix, hash, item);
    ix->count++;
}

static bool
slot_used(const void *slot)
{
    return ((const fot_index_slot *)slot)->item != 0;
}

static uint32_t
slot_hash(const void *slot)
{
    return ((const fot_index_slot *)slot)->hash;
}

void
fot_index_remove(fot_index *ix, uint32_t hash, uint32_t item)
{
    uint32_t i = hash & ix->mask;
    while (ix->slots[i].item != item) {
        if (ix->slots[i].item == 0)
            return;
        i = (i + 1) & ix->mask;
    }
    i = fot_index_backshift(ix->slots, sizeof *ix->slots, ix->mask, i, slot_used, slot_hash);
    ix->slots[i].item = 0;
    ix->count--;
}

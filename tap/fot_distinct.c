/* \summary: distinct-value maps: 64-bit values counted in one pass, 48-bit keys held and let go */
#include "fot_distinct.h"

#include <glib.h>

#include "fot_bigmem.h"
#include "fot_index.h"

#define INITIAL_SLOTS 64u

void
fot_count_map_init(fot_count_map *m)
{
    m->slots = fot_bigmem_table0(INITIAL_SLOTS, sizeof(fot_count_slot));
    m->mask = INITIAL_SLOTS - 1;
    m->distinct = 0;
}

void
fot_count_map_destroy(fot_count_map *m)
{
    fot_bigmem_free(m->slots);
    m->slots = NULL;
}

static uint32_t
find_slot(const fot_count_map *m, uint64_t key)
{
    uint32_t i = fot_hash64(key) & m->mask;
    while (m->slots[i].refs != 0 && m->slots[i].key != key)
        i = (i + 1) & m->mask;
    return i;
}

static void
grow(fot_count_map *m)
{
    fot_count_slot *old = m->slots;
    uint32_t old_size = m->mask + 1;
    m->slots = fot_bigmem_table0((size_t)old_size * 2, sizeof(fot_count_slot));
    m->mask = old_size * 2 - 1;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i].refs)
            m->slots[find_slot(m, old[i].key)] = old[i];
    fot_bigmem_free(old);
}

bool
fot_count_map_add(fot_count_map *m, uint64_t key)
{
    uint32_t i = find_slot(m, key);
    if (m->slots[i].refs++ != 0)
        return false;
    m->slots[i].key = key;
    if (++m->distinct * 2 > m->mask + 1)
        grow(m);
    return true;
}

/* ---- 48-bit keys ---- */

#define COUNT_MAX 0xffffu

static uint64_t
slot_key(uint64_t slot)
{
    return slot >> 16;
}

static bool
slot48_used(const void *slot)
{
    return *(const uint64_t *)slot != 0;
}

static uint32_t
slot48_hash(const void *slot)
{
    return fot_hash64(slot_key(*(const uint64_t *)slot));
}

void
fot_key48_map_init(fot_key48_map *m)
{
    m->slots = fot_bigmem_table0(INITIAL_SLOTS, sizeof(uint64_t));
    m->mask = INITIAL_SLOTS - 1;
    m->distinct = 0;
    m->spill = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

void
fot_key48_map_destroy(fot_key48_map *m)
{
    fot_bigmem_free(m->slots);
    m->slots = NULL;
    g_hash_table_destroy(m->spill);
}

static uint32_t
find48(const fot_key48_map *m, uint64_t key)
{
    uint32_t i = fot_hash64(key) & m->mask;
    while (m->slots[i] != 0 && slot_key(m->slots[i]) != key)
        i = (i + 1) & m->mask;
    return i;
}

static void
grow48(fot_key48_map *m)
{
    uint64_t *old = m->slots;
    uint32_t old_size = m->mask + 1;
    m->slots = fot_bigmem_table0((size_t)old_size * 2, sizeof(uint64_t));
    m->mask = old_size * 2 - 1;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i])
            m->slots[find48(m, slot_key(old[i]))] = old[i];
    fot_bigmem_free(old);
}

bool
fot_key48_map_add(fot_key48_map *m, uint64_t key)
{
    uint32_t i = find48(m, key);
    uint64_t s = m->slots[i];
    if (s == 0) {
        m->slots[i] = key << 16 | 1;
        if (++m->distinct * 2 > m->mask + 1)
            grow48(m);
        return true;
    }
    if ((s & COUNT_MAX) < COUNT_MAX) {
        m->slots[i] = s + 1;
    } else {
        gint64 k = (gint64)key;
        guint extra = GPOINTER_TO_UINT(g_hash_table_lookup(m->spill, &k));
        g_hash_table_insert(m->spill, g_memdup2(&k, sizeof k), GUINT_TO_POINTER(extra + 1));
    }
    return false;
}

bool
fot_key48_map_remove(fot_key48_map *m, uint64_t key)
{
    uint32_t i = find48(m, key);
    uint64_t s = m->slots[i];
    if (s == 0)
        return false;
    if ((s & COUNT_MAX) == COUNT_MAX) {
        gint64 k = (gint64)key;
        guint extra = GPOINTER_TO_UINT(g_hash_table_lookup(m->spill, &k));
        if (extra > 0) {
            if (extra == 1)
                g_hash_table_remove(m->spill, &k);
            else
                g_hash_table_insert(m->spill, g_memdup2(&k, sizeof k), GUINT_TO_POINTER(extra - 1));
            return false;
        }
    }
    if ((s & COUNT_MAX) > 1) {
        m->slots[i] = s - 1;
        return false;
    }
    i = fot_index_backshift(m->slots, sizeof *m->slots, m->mask, i, slot48_used, slot48_hash);
    m->slots[i] = 0;
    m->distinct--;
    return true;
}

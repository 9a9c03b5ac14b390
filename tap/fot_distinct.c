#include "fot_distinct.h"

#include <glib.h>

#include "fot_index.h"

#define INITIAL_SLOTS 64u

void
fot_count_map_init(fot_count_map *m)
{
    m->slots = g_new0(fot_count_slot, INITIAL_SLOTS);
    m->mask = INITIAL_SLOTS - 1;
    m->distinct = 0;
}

void
fot_count_map_destroy(fot_count_map *m)
{
    g_free(m->slots);
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
    m->slots = g_new0(fot_count_slot, (gsize)old_size * 2);
    m->mask = old_size * 2 - 1;
    for (uint32_t i = 0; i < old_size; i++)
        if (old[i].refs)
            m->slots[find_slot(m, old[i].key)] = old[i];
    g_free(old);
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

bool
fot_count_map_remove(fot_count_map *m, uint64_t key)
{
    uint32_t i = find_slot(m, key);
    if (m->slots[i].refs == 0 || --m->slots[i].refs != 0)
        return false;
    for (uint32_t j = (i + 1) & m->mask; m->slots[j].refs != 0; j = (j + 1) & m->mask) {
        uint32_t home = fot_hash64(m->slots[j].key) & m->mask;
        bool movable = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].refs = 0;
    m->distinct--;
    return true;
}

uint32_t
fot_count_map_get(const fot_count_map *m, uint64_t key)
{
    return m->slots[find_slot(m, key)].refs;
}

/* Maps from a value to how many hold it, for distinct counts: fot_count_map
 * is filled in one pass (the active sessions' servers and ports, counted
 * when asked: fot_active_counts.h); fot_key48_map is kept as holders come and
 * go (per-CE port use), so it knows when a value's last holder went. */
#ifndef FOT_DISTINCT_H
#define FOT_DISTINCT_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_index.h"

/* Any 64-bit value: an open-addressing map from value to the times it was added. */
typedef struct fot_count_slot {
    uint64_t key;
    uint32_t refs; /* 0: empty */
} fot_count_slot;

typedef struct fot_count_map {
    fot_count_slot *slots;
    uint32_t mask;
    uint32_t distinct;
} fot_count_map;

void fot_count_map_init(fot_count_map *m);
void fot_count_map_destroy(fot_count_map *m);
/* Return true when key was not there before (a new distinct value). */
bool fot_count_map_add(fot_count_map *m, uint64_t key);

/* The same for 48-bit keys, in 8 bytes a slot: key << 16 | count (0: empty).
 * Counts past 65535 spill into a small side table. For per-CE port use,
 * which has an entry per live session and so must be compact. */
typedef struct fot_key48_map {
    uint64_t *slots;
    uint32_t mask;
    uint32_t distinct;
    struct _GHashTable *spill; /* key -> count above 65535 */
} fot_key48_map;

void fot_key48_map_init(fot_key48_map *m);
void fot_key48_map_destroy(fot_key48_map *m);
/* True when key was not held before / when its last holder went. */
bool fot_key48_map_add(fot_key48_map *m, uint64_t key);
bool fot_key48_map_remove(fot_key48_map *m, uint64_t key);

/* Start fetching the slot where key's lookup begins. */
static inline void
fot_key48_map_prefetch(const fot_key48_map *m, uint64_t key)
{
    __builtin_prefetch(&m->slots[fot_hash64(key) & m->mask]);
}

#endif

/* Distinct-value counters: reference counts by value, so that whether a value
 * is still in use is known as its users come and go. */
#ifndef FOT_DISTINCT_H
#define FOT_DISTINCT_H

#include <stdbool.h>
#include <stdint.h>

/* Any 64-bit value: an open-addressing map from value to reference count. */
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
/* Return true when key's last reference went (one distinct value fewer). */
bool fot_count_map_remove(fot_count_map *m, uint64_t key);
uint32_t fot_count_map_get(const fot_count_map *m, uint64_t key);

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
bool fot_key48_map_add(fot_key48_map *m, uint64_t key);
bool fot_key48_map_remove(fot_key48_map *m, uint64_t key);

#endif

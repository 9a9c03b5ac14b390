/* Distinct-value counters kept up to date as sessions open and close, so the
 * number of distinct ports or addresses at any instant costs nothing to read. */
#ifndef FOT_DISTINCT_H
#define FOT_DISTINCT_H

#include <stdbool.h>
#include <stdint.h>

/* Ports (or ICMP identifiers): a reference count per value. */
typedef struct fot_port_refs {
    uint32_t distinct;
    uint32_t refs[65536];
} fot_port_refs;

static inline void
fot_port_refs_add(fot_port_refs *p, uint16_t port)
{
    if (p->refs[port]++ == 0)
        p->distinct++;
}

static inline void
fot_port_refs_remove(fot_port_refs *p, uint16_t port)
{
    if (--p->refs[port] == 0)
        p->distinct--;
}

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

#endif

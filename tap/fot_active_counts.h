/* The active sessions and their distinct values, by protocol: what sum's
 * header and every stat row show. Counted when asked, from the pool's lines
 * in order: keeping them up to date as sessions opened and closed cost random
 * writes into reference counts at every opening and closing, many times more. */
#ifndef FOT_ACTIVE_COUNTS_H
#define FOT_ACTIVE_COUNTS_H

#include <stdint.h>

typedef enum { FOT_P_TCP, FOT_P_UDP, FOT_P_ICMP, FOT_P_COUNT } fot_proto_index;

fot_proto_index fot_proto_index_of(uint8_t ip_proto);

typedef struct fot_proto_counts {
    uint32_t sessions;
    uint32_t dst_ips;   /* distinct server IPv4 addresses */
    uint32_t src_ports; /* distinct client ports (ICMP: identifiers) */
    uint32_t dst_ports; /* distinct server ports */
} fot_proto_counts;

typedef struct fot_counts {
    uint32_t sessions;
    fot_proto_counts proto[FOT_P_COUNT];
} fot_counts;

struct fot_pool;

/* The last counts, kept while nothing changed: stat rows through an idle
 * stretch of capture ask for the same counts again. */
typedef struct fot_active_counts {
    uint64_t changes; /* the engine's change count when counted; 0: never */
    fot_counts counts;
} fot_active_counts;

/* The counts of the sessions in pool; changes: how many times sessions have
 * opened, closed or turned round (a new number counts again). */
void fot_active_counts_get(fot_active_counts *cache, const struct fot_pool *pool, uint64_t changes, fot_counts *out);

#endif

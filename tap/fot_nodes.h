/* The engine's outer IPv6 addresses (private to the engine's files): one
 * node per CE/B4 or BR/AFTR address, found through a hash index. The fields
 * from is_ce on are the CE/B4's, kept by fot_ce.
 *
 * A packet reads the fields up to `source`: the first cache line of the
 * node (nodes are aligned to lines). Nodes no session refers to wait on an
 * idle list, oldest first, and are reused when the table is full. */
#ifndef FOT_NODES_H
#define FOT_NODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_idle.h"
#include "fot_index.h"
#include "fot_softwire.h"

typedef struct fot_node {
    _Alignas(64) uint8_t addr[16];
    uint32_t hash;
    uint32_t refs;                 /* tunnels it is an end of */
    fot_idle_links idle;           /* on the idle list while nothing refers to it */
    uint32_t tunnels[2];           /* the first two tunnels it was an end of, numbers + 1 */
    bool is_ce;
    bool many_ips;       /* more than one client IPv4 behind it */
    bool private_ip;     /* a private client IPv4 behind it */
    uint8_t mechanism;   /* fot_mechanism */
    uint8_t why;         /* fot_why: what made its mechanism */
    uint32_t held_sets;  /* its first held port set, number (0: none) */
    uint64_t *verdicts;  /* a CE without held sets: packets by verdict, allocated when first judged */
    uint8_t source;      /* fot_set_source */
    bool conflict;       /* another CE claimed its MAP IPv4 + PSID first */
    bool claimed;        /* it holds a claim in the CE table's claims */
    fot_port_set set;
    uint32_t client_ip;  /* the first client IPv4 seen */
    uint16_t port_min, port_max;
    uint32_t ports_in_use, peak_ports;
    uint32_t active_sessions;
    int64_t peak_time;
    uint64_t sessions;
} fot_node;
_Static_assert(offsetof(fot_node, source) <= 64, "what a packet reads of a node is one cache line");

/* Told of a CE/B4 node about to be reused for another address. */
typedef void (*fot_nodes_forget_fn)(void *ctx, fot_node *n);

typedef struct fot_nodes {
    fot_node *nodes;
    uint32_t count, cap;
    uint32_t limit;                /* past it, idle nodes are reused */
    fot_idle_list idle;
    fot_index index;
    uint64_t forgotten_ces;        /* CE/B4 nodes reused for another address */
    fot_nodes_forget_fn forget;
    void *forget_ctx;
} fot_nodes;

/* limit: 0 for none. */
void fot_nodes_init(fot_nodes *t, uint32_t limit, fot_nodes_forget_fn forget, void *ctx);
void fot_nodes_destroy(fot_nodes *t);

static inline bool
fot_nodes_match(const void *ctx, uint32_t item, const void *key)
{
    const fot_nodes *t = ctx;
    return memcmp(t->nodes[item - 1].addr, key, 16) == 0;
}

/* addr's node number + 1, or 0 (hash: fot_hash_addr16(addr)). */
static inline uint32_t
fot_nodes_find(const fot_nodes *t, const uint8_t addr[16], uint32_t hash)
{
    return fot_index_find(&t->index, hash, fot_nodes_match, t, addr);
}

/* addr's node number, made (idle, unreferenced) if new. */
uint32_t fot_nodes_get(fot_nodes *t, const uint8_t addr[16]);
void fot_nodes_ref(fot_nodes *t, uint32_t n);
void fot_nodes_unref(fot_nodes *t, uint32_t n);

#endif

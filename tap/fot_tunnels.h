/* The engine's tunnels (private to the engine's files): each pair of outer
 * IPv6 addresses sessions run between, which of its two ends is the CE/B4,
 * and how strong the evidence for that is (fot_orient.h decides it). A
 * tunnel lists its sessions, so that when stronger evidence turns it round,
 * every one of them moves to the other end together.
 *
 * A tunnel is kept while its sessions come and go, so a later session keeps
 * the tunnel's orientation; one without sessions waits on an idle list,
 * oldest first, and is reused when the table is full. A tunnel holds a
 * reference on both its address nodes. */
#ifndef FOT_TUNNELS_H
#define FOT_TUNNELS_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_idle.h"
#include "fot_index.h"
#include "fot_pool.h"

/* What decided which end is the CE/B4, weakest first. */
typedef enum {
    FOT_EVIDENCE_FIRST_PACKET, /* the sender of the tunnel's first packet */
    FOT_EVIDENCE_MARKERS,      /* the end whose side opened more sessions (TCP SYN, ICMP echo request) */
    FOT_EVIDENCE_PEERS,        /* the other end is in tunnels with FOT_BR_PEERS peers or more: a BR/AFTR */
    FOT_EVIDENCE_CONFIG,       /* br=, a binding's B4, a MAP rule's CE */
    FOT_EVIDENCE_SRC,          /* src= matched an inner address on that side */
} fot_evidence;

typedef struct fot_tunnel {
    uint32_t end[2];               /* node numbers, end[0] <= end[1] */
    uint32_t hash;
    uint32_t refs;                 /* active sessions */
    fot_idle_links idle;           /* on the idle list while nothing refers to it */
    uint32_t first;                /* its first session (item), 0: none */
    uint32_t opened[2];            /* sessions whose markers say end[i]'s side opened them */
    uint8_t ce;                    /* 0 or 1: the end that is the CE/B4 */
    uint8_t evidence;              /* fot_evidence */
} fot_tunnel;

/* Told of a tunnel about to be reused: its ends' nodes lose a reference. */
typedef void (*fot_tunnels_drop_fn)(void *ctx, const fot_tunnel *t);

typedef struct fot_tunnels {
    fot_tunnel *tunnels; /* numbers are 0-based */
    uint32_t count, cap, limit;
    fot_idle_list idle;
    fot_index index;
    fot_pool *pool;      /* whose cold parts link each tunnel's sessions */
    fot_tunnels_drop_fn drop;
    void *drop_ctx;
} fot_tunnels;

void fot_tunnels_init(fot_tunnels *t, fot_pool *pool, uint32_t limit, fot_tunnels_drop_fn drop, void *ctx);
void fot_tunnels_destroy(fot_tunnels *t);

/* The tunnel between nodes a and b (either order); *made: it is new (its
 * ce and evidence are then for the caller to set). */
uint32_t fot_tunnels_get(fot_tunnels *t, uint32_t a, uint32_t b, bool *made);
/* The tunnel between a and b, number + 1, without making it (0: none). */
uint32_t fot_tunnels_find(const fot_tunnels *t, uint32_t a, uint32_t b);

/* The index hash of the pair, the same in either order. */
static inline uint32_t
fot_tunnels_pair_hash(uint32_t a, uint32_t b)
{
    return a <= b ? fot_hash64((uint64_t)a << 32 | b) : fot_hash64((uint64_t)b << 32 | a);
}

/* Ahead of fot_tunnels_get(a, b), in two steps: the index slot, then the
 * tunnel it names (a hint: any tunnel of that hash). */
static inline void
fot_tunnels_prefetch_slot(const fot_tunnels *t, uint32_t a, uint32_t b)
{
    fot_index_prefetch(&t->index, fot_tunnels_pair_hash(a, b));
}

static inline void
fot_tunnels_prefetch(const fot_tunnels *t, uint32_t a, uint32_t b)
{
    uint32_t item = fot_index_peek(&t->index, fot_tunnels_pair_hash(a, b));
    if (item)
        __builtin_prefetch(&t->tunnels[item - 1]);
}

static inline fot_tunnel *
fot_tunnel_at(const fot_tunnels *t, uint32_t n)
{
    return &t->tunnels[n];
}

/* Which end node is (0 or 1). */
static inline unsigned
fot_tunnel_end_of(const fot_tunnel *x, uint32_t node)
{
    return x->end[1] == node && x->end[0] != node;
}

/* A session joins, or leaves, its tunnel's list (the cold part's tunnel says which). */
void fot_tunnels_add_session(fot_tunnels *t, uint32_t n, uint32_t item);
void fot_tunnels_remove_session(fot_tunnels *t, uint32_t item);

#endif

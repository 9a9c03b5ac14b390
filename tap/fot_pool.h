/* The engine's session pool (private to the engine's files): fixed-size
 * records in chunks that never move, so growth copies nothing and no packet
 * of a known session allocates.
 *
 * A chunk holds FOT_POOL_CHUNK_SIZE fot_sessions of one cache line each in
 * 2 MiB (one huge page), then their cold parts (what only opening, relinking
 * and reports read); chunks are aligned to FOT_POOL_CHUNK_ALIGN, so a
 * session's cold part is found from its address alone. Item numbers are
 * 1-based; a free session has ce FOT_POOL_FREE, which no key holds. */
#ifndef FOT_POOL_H
#define FOT_POOL_H

#include <stdint.h>

#include "fot_bigmem.h"
#include "fot_session.h"

typedef struct fot_session_cold {
    uint32_t hash;       /* its key's, in the session index */
    uint32_t prev, next; /* expiry list of its class, item numbers (0: none); next links the free list */
    uint32_t serial;
    uint32_t tunnel;                   /* its tunnel's number (fot_tunnels.h) */
    uint32_t tunnel_prev, tunnel_next; /* the tunnel's other sessions, item numbers (0: none) */
    int64_t first;
} fot_session_cold;

#define FOT_POOL_FREE UINT32_MAX

#define FOT_POOL_CHUNK_BITS 15
#define FOT_POOL_CHUNK_SIZE (1u << FOT_POOL_CHUNK_BITS)
#define FOT_POOL_CHUNK_HOT ((size_t)FOT_POOL_CHUNK_SIZE * sizeof(fot_session))
#define FOT_POOL_CHUNK_BYTES (FOT_POOL_CHUNK_HOT + (size_t)FOT_POOL_CHUNK_SIZE * sizeof(fot_session_cold))
#define FOT_POOL_CHUNK_ALIGN ((size_t)4 << 20)
_Static_assert(sizeof(fot_session) == 64, "a session's packets read one cache line");
_Static_assert(FOT_POOL_CHUNK_HOT == FOT_HUGE_PAGE, "a chunk's sessions fill one huge page");
_Static_assert(FOT_POOL_CHUNK_BYTES <= FOT_POOL_CHUNK_ALIGN, "a chunk's cold parts are inside its alignment");

typedef struct fot_pool {
    fot_session **chunks;
    uint32_t chunk_count;
    uint32_t used;      /* items handed out so far, free or not: 1..used are valid */
    uint32_t free_head; /* item number, 0: none */
} fot_pool;

void fot_pool_init(fot_pool *p);
void fot_pool_destroy(fot_pool *p);
/* A session record to fill (its hot and cold parts hold whatever they held). */
uint32_t fot_pool_alloc(fot_pool *p);
/* Back onto the free list; its ce becomes FOT_POOL_FREE. */
void fot_pool_release(fot_pool *p, uint32_t item);

static inline fot_session *
fot_pool_session(const fot_pool *p, uint32_t item)
{
    uint32_t i = item - 1;
    return &p->chunks[i >> FOT_POOL_CHUNK_BITS][i & (FOT_POOL_CHUNK_SIZE - 1)];
}

static inline fot_session_cold *
fot_pool_cold_of(const fot_session *s)
{
    uintptr_t base = (uintptr_t)s & ~(uintptr_t)(FOT_POOL_CHUNK_ALIGN - 1);
    return (fot_session_cold *)(base + FOT_POOL_CHUNK_HOT) + ((uintptr_t)s - base) / sizeof(fot_session);
}

static inline fot_session_cold *
fot_pool_cold(const fot_pool *p, uint32_t item)
{
    return fot_pool_cold_of(fot_pool_session(p, item));
}

#endif

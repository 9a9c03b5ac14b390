/* \summary: the session pool: chunks of one-line session records, and their free list */
#include "fot_pool.h"

#include <glib.h>

uint32_t
fot_session_serial(const fot_session *s)
{
    return fot_pool_cold_of(s)->serial;
}

int64_t
fot_session_first(const fot_session *s)
{
    return fot_pool_cold_of(s)->first;
}

void
fot_pool_init(fot_pool *p)
{
    p->chunks = NULL;
    p->chunk_count = p->used = p->free_head = 0;
}

void
fot_pool_destroy(fot_pool *p)
{
    for (uint32_t i = 0; i < p->chunk_count; i++)
        fot_bigmem_free(p->chunks[i]);
    g_free(p->chunks);
    fot_pool_init(p);
}

uint32_t
fot_pool_alloc(fot_pool *p)
{
    if (p->free_head) {
        uint32_t item = p->free_head;
        p->free_head = fot_pool_cold(p, item)->next;
        return item;
    }
    if (p->used == p->chunk_count * FOT_POOL_CHUNK_SIZE) {
        p->chunks = g_renew(fot_session *, p->chunks, p->chunk_count + 1);
        fot_session *chunk = fot_bigmem_alloc(FOT_POOL_CHUNK_BYTES, FOT_POOL_CHUNK_ALIGN);
        /* A second chunk makes the table bigger than the TLB reaches; a
         * small table (a short capture, each fuzz input) keeps plain pages. */
        if (p->chunk_count > 0)
            fot_bigmem_huge(chunk, FOT_POOL_CHUNK_HOT);
        p->chunks[p->chunk_count++] = chunk;
    }
    return ++p->used;
}

void
fot_pool_release(fot_pool *p, uint32_t item)
{
    fot_pool_session(p, item)->ce = FOT_POOL_FREE; /* a batch's look-ahead may still name it */
    fot_pool_cold(p, item)->next = p->free_head;
    p->free_head = item;
}

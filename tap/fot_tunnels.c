/* \summary: tunnels between pairs of outer addresses, their session lists and idle list */
#include "fot_tunnels.h"

#include <glib.h>
#include <string.h>

void
fot_tunnels_init(fot_tunnels *t, fot_pool *pool, uint32_t limit, fot_tunnels_drop_fn drop, void *ctx)
{
    memset(t, 0, sizeof *t);
    t->limit = limit ? limit : UINT32_MAX;
    t->pool = pool;
    fot_index_init(&t->index);
    t->drop = drop;
    t->drop_ctx = ctx;
}

void
fot_tunnels_destroy(fot_tunnels *t)
{
    g_free(t->tunnels);
    t->tunnels = NULL;
    fot_index_destroy(&t->index);
}

typedef struct pair {
    uint32_t a, b;
} pair;

static bool
pair_match(const void *ctx, uint32_t item, const void *key)
{
    const fot_tunnel *x = &((const fot_tunnels *)ctx)->tunnels[item - 1];
    const pair *p = key;
    return x->end[0] == p->a && x->end[1] == p->b;
}

static void
idle_unlink(fot_tunnels *t, uint32_t n)
{
    fot_idle_unlink(&t->idle, &t->tunnels[0].idle, sizeof t->tunnels[0], n);
}

static void
idle_append(fot_tunnels *t, uint32_t n)
{
    fot_idle_append(&t->idle, &t->tunnels[0].idle, sizeof t->tunnels[0], n);
}

/* The table is full: reuse the tunnel idle the longest. */
static uint32_t
recycle(fot_tunnels *t)
{
    uint32_t n = t->idle.head - 1;
    fot_tunnel *x = &t->tunnels[n];
    idle_unlink(t, n);
    fot_index_remove(&t->index, x->hash, n + 1);
    t->drop(t->drop_ctx, x);
    return n;
}

uint32_t
fot_tunnels_find(const fot_tunnels *t, uint32_t a, uint32_t b)
{
    pair p = { MIN(a, b), MAX(a, b) };
    return fot_index_find(&t->index, fot_tunnels_pair_hash(a, b), pair_match, t, &p);
}

uint32_t
fot_tunnels_get(fot_tunnels *t, uint32_t a, uint32_t b, bool *made)
{
    uint32_t item = fot_tunnels_find(t, a, b);
    *made = item == 0;
    if (item)
        return item - 1;
    uint32_t n;
    if (t->count >= t->limit && t->idle.head) {
        n = recycle(t);
    } else {
        if (t->count == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 64;
            t->tunnels = g_renew(fot_tunnel, t->tunnels, t->cap);
        }
        n = t->count++;
    }
    fot_tunnel *x = &t->tunnels[n];
    memset(x, 0, sizeof *x);
    x->end[0] = MIN(a, b);
    x->end[1] = MAX(a, b);
    x->hash = fot_tunnels_pair_hash(a, b);
    fot_index_insert(&t->index, x->hash, n + 1);
    idle_append(t, n);
    return n;
}

void
fot_tunnels_add_session(fot_tunnels *t, uint32_t n, uint32_t item)
{
    fot_tunnel *x = &t->tunnels[n];
    fot_session_cold *c = fot_pool_cold(t->pool, item);
    if (x->refs++ == 0)
        idle_unlink(t, n);
    c->tunnel = n;
    c->tunnel_prev = 0;
    c->tunnel_next = x->first;
    if (x->first)
        fot_pool_cold(t->pool, x->first)->tunnel_prev = item;
    x->first = item;
}

void
fot_tunnels_remove_session(fot_tunnels *t, uint32_t item)
{
    fot_session_cold *c = fot_pool_cold(t->pool, item);
    fot_tunnel *x = &t->tunnels[c->tunnel];
    if (c->tunnel_prev)
        fot_pool_cold(t->pool, c->tunnel_prev)->tunnel_next = c->tunnel_next;
    else
        x->first = c->tunnel_next;
    if (c->tunnel_next)
        fot_pool_cold(t->pool, c->tunnel_next)->tunnel_prev = c->tunnel_prev;
    if (--x->refs == 0)
        idle_append(t, c->tunnel);
}

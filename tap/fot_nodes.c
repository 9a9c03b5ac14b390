/* \summary: outer IPv6 address nodes, their hash index, and the idle list that bounds them */
#include "fot_nodes.h"

#include <string.h>

#include "fot_bigmem.h"

void
fot_nodes_init(fot_nodes *t, uint32_t limit, fot_nodes_forget_fn forget, void *ctx)
{
    memset(t, 0, sizeof *t);
    t->limit = limit ? limit : UINT32_MAX;
    fot_index_init(&t->index);
    t->forget = forget;
    t->forget_ctx = ctx;
}

void
fot_nodes_destroy(fot_nodes *t)
{
    fot_bigmem_free(t->nodes);
    t->nodes = NULL;
    fot_index_destroy(&t->index);
}

static void
idle_unlink(fot_nodes *t, uint32_t n)
{
    fot_idle_unlink(&t->idle, &t->nodes[0].idle, sizeof t->nodes[0], n);
}

static void
idle_append(fot_nodes *t, uint32_t n)
{
    fot_idle_append(&t->idle, &t->nodes[0].idle, sizeof t->nodes[0], n);
}

void
fot_nodes_ref(fot_nodes *t, uint32_t n)
{
    if (t->nodes[n].refs++ == 0)
        idle_unlink(t, n);
}

void
fot_nodes_unref(fot_nodes *t, uint32_t n)
{
    if (--t->nodes[n].refs == 0)
        idle_append(t, n);
}

/* The table is full: reuse the node idle the longest. Its CE record, if any,
 * is lost, and counted. */
static uint32_t
recycle(fot_nodes *t)
{
    uint32_t n = t->idle.head - 1;
    fot_node *x = &t->nodes[n];
    idle_unlink(t, n);
    fot_index_remove(&t->index, x->hash, n + 1);
    if (x->is_ce) {
        t->forget(t->forget_ctx, x);
        t->forgotten_ces++;
    }
    return n;
}

static void
grow(fot_nodes *t)
{
    t->cap = t->cap ? t->cap * 2 : 64;
    fot_node *grown = fot_bigmem_alloc((size_t)t->cap * sizeof(fot_node), _Alignof(fot_node));
    if (t->count)
        memcpy(grown, t->nodes, (size_t)t->count * sizeof(fot_node));
    fot_bigmem_free(t->nodes);
    t->nodes = grown;
}

uint32_t
fot_nodes_get(fot_nodes *t, const uint8_t addr[16])
{
    uint32_t hash = fot_hash_addr16(addr);
    uint32_t item = fot_nodes_find(t, addr, hash);
    if (item)
        return item - 1;
    uint32_t n;
    if (t->count >= t->limit && t->idle.head) {
        n = recycle(t);
    } else {
        if (t->count == t->cap)
            grow(t);
        n = t->count++;
    }
    fot_node *x = &t->nodes[n];
    memset(x, 0, sizeof *x);
    memcpy(x->addr, addr, 16);
    x->hash = hash;
    fot_index_insert(&t->index, hash, n + 1);
    idle_append(t, n);
    return n;
}

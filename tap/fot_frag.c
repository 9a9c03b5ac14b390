/* \summary: pending fragment sums, keyed by packet identity; not on the hot path. */
#include "fot_frag.h"

#include <glib.h>
#include <string.h>

#include "fot_index.h"
#include "fot_time.h"

typedef struct entry {
    fot_frag_key key;
    int64_t first;
    fot_frag_sum sum;
} entry;

struct fot_frag_table {
    GHashTable *entries; /* entry* -> same entry */
    int64_t last_sweep;
};

void
fot_frag_key_outer(fot_frag_key *k, const uint8_t src6[16], const uint8_t dst6[16], uint32_t id)
{
    memset(k, 0, sizeof *k);
    k->kind = FOT_FRAG_OUTER_IPV6;
    k->id = id;
    memcpy(k->src6, src6, 16);
    memcpy(k->dst6, dst6, 16);
}

void
fot_frag_key_inner(fot_frag_key *k, const fot_ipv4 *ip, const uint8_t *src6, const uint8_t *dst6)
{
    memset(k, 0, sizeof *k);
    k->kind = FOT_FRAG_INNER_IPV4;
    k->proto = ip->proto;
    k->id = ip->id;
    k->src4 = ip->src;
    k->dst4 = ip->dst;
    if (src6) {
        memcpy(k->src6, src6, 16);
        memcpy(k->dst6, dst6, 16);
    }
}

guint
fot_frag_key_hash(gconstpointer p)
{
    return fot_hash_bytes(p, sizeof(fot_frag_key));
}

gboolean
fot_frag_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(fot_frag_key)) == 0;
}

fot_frag_table *
fot_frag_new(void)
{
    fot_frag_table *t = g_new0(fot_frag_table, 1);
    t->entries = g_hash_table_new_full(fot_frag_key_hash, fot_frag_key_equal, NULL, g_free);
    return t;
}

void
fot_frag_free(fot_frag_table *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->entries);
    g_free(t);
}

void
fot_frag_clear(fot_frag_table *t)
{
    g_hash_table_remove_all(t->entries);
    t->last_sweep = 0;
}

static uint64_t
sweep(fot_frag_table *t, int64_t now)
{
    uint64_t dropped = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, t->entries);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        entry *e = k;
        if (now - e->first >= FOT_FRAG_MAX_AGE_S * FOT_NS_PER_SEC) {
            dropped += e->sum.fragments;
            g_hash_table_iter_remove(&it);
        }
    }
    t->last_sweep = now;
    return dropped;
}

uint64_t
fot_frag_add(fot_frag_table *t, const fot_frag_key *key, int64_t now, uint32_t ipv6_len, uint32_t ipv4_len)
{
    uint64_t dropped = 0;
    if (g_hash_table_size(t->entries) > 0 && now - t->last_sweep >= FOT_NS_PER_SEC)
        dropped = sweep(t, now);
    entry *e = g_hash_table_lookup(t->entries, key);
    if (!e) {
        if (g_hash_table_size(t->entries) >= FOT_FRAG_MAX_ENTRIES)
            return dropped + 1;
        e = g_new0(entry, 1);
        e->key = *key;
        e->first = now;
        g_hash_table_add(t->entries, e);
    }
    e->sum.fragments++;
    e->sum.ipv6_len += ipv6_len;
    e->sum.ipv4_len += ipv4_len;
    return dropped;
}

fot_frag_sum
fot_frag_take(fot_frag_table *t, const fot_frag_key *key)
{
    fot_frag_sum sum = { 0, 0, 0 };
    entry *e = g_hash_table_lookup(t->entries, key);
    if (e) {
        sum = e->sum;
        g_hash_table_remove(t->entries, e);
    }
    return sum;
}

uint64_t
fot_frag_pending(const fot_frag_table *t)
{
    uint64_t n = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, t->entries);
    while (g_hash_table_iter_next(&it, &k, NULL))
        n += ((const entry *)k)->sum.fragments;
    return n;
}

/* \summary: fragment series by (source, destination, identification); not on the hot path. */
#include "fot_defrag.h"

#include <glib.h>
#include <string.h>

#include "fot_time.h"

typedef struct span {
    size_t start, end;
} span;

typedef struct series {
    fot_frag_key key;   /* FOT_FRAG_OUTER_IPV6: addresses and identification */
    int64_t first;
    bool theirs;
    bool have_end;
    size_t end;         /* from the fragment with M = 0 */
    uint32_t fragments;
    uint32_t ipv6_len;
    GArray *covered;    /* span, sorted, disjoint, not touching */
    uint8_t head[FOT_DEFRAG_HEAD];
} series;

struct fot_defrag {
    GHashTable *series; /* series* -> same */
    int64_t last_sweep;
    bool every_series;
};

static void
series_free(gpointer p)
{
    series *s = p;
    g_array_free(s->covered, TRUE);
    g_free(s);
}

fot_defrag *
fot_defrag_new(void)
{
    fot_defrag *d = g_new0(fot_defrag, 1);
    d->series = g_hash_table_new_full(fot_frag_key_hash, fot_frag_key_equal, NULL, series_free);
    return d;
}

fot_defrag *
fot_defrag_new_every_series(void)
{
    fot_defrag *d = fot_defrag_new();
    d->every_series = true;
    return d;
}

void
fot_defrag_free(fot_defrag *d)
{
    if (!d)
        return;
    g_hash_table_destroy(d->series);
    g_free(d);
}

static uint64_t
sweep(fot_defrag *d, int64_t now)
{
    uint64_t dropped = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, d->series);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const series *s = k;
        if (now - s->first >= FOT_FRAG_MAX_AGE_S * FOT_NS_PER_SEC) {
            if (!s->theirs)
                dropped += s->fragments;
            g_hash_table_iter_remove(&it);
        }
    }
    d->last_sweep = now;
    return dropped;
}

static bool
is_covered(const GArray *covered, size_t at)
{
    for (guint i = 0; i < covered->len; i++) {
        const span *c = &g_array_index(covered, span, i);
        if (at < c->start)
            return false;
        if (at < c->end)
            return true;
    }
    return false;
}

/* The head bytes this fragment is the first to bring. */
static void
fill_head(series *s, const fot_fragment *f)
{
    for (size_t at = f->offset; at < f->offset + f->bytes && at < FOT_DEFRAG_HEAD; at++)
        if (!is_covered(s->covered, at))
            s->head[at] = f->data[at - f->offset];
}

static void
cover(GArray *covered, size_t start, size_t end)
{
    guint i = 0;
    while (i < covered->len && g_array_index(covered, span, i).end < start)
        i++;
    span merged = { start, end };
    while (i < covered->len && g_array_index(covered, span, i).start <= end) {
        const span *c = &g_array_index(covered, span, i);
        merged.start = MIN(merged.start, c->start);
        merged.end = MAX(merged.end, c->end);
        g_array_remove_index(covered, i);
    }
    g_array_insert_val(covered, i, merged);
}

static series *
start_series(fot_defrag *d, const fot_frag_key *key, int64_t now, bool theirs)
{
    if (g_hash_table_size(d->series) >= FOT_FRAG_MAX_ENTRIES)
        return NULL;
    series *s = g_new0(series, 1);
    s->key = *key;
    s->first = now;
    s->theirs = theirs;
    s->covered = g_array_new(FALSE, FALSE, sizeof(span));
    g_hash_table_add(d->series, s);
    return s;
}

fot_defrag_status
fot_defrag_add_fragment(fot_defrag *d, const fot_fragment *f, int64_t now, fot_defrag_packet *out, uint64_t *given_up)
{
    *given_up = 0;
    if (g_hash_table_size(d->series) > 0 && now - d->last_sweep >= FOT_NS_PER_SEC)
        *given_up = sweep(d, now);
    series *s = g_hash_table_lookup(d->series, &f->key);
    if (!s) {
        bool mine = d->every_series || f->starts_plain;
        s = start_series(d, &f->key, now, !mine);
        if (!s) { /* no room: never counted if it was to be ours */
            *given_up += mine;
            return mine ? FOT_DEFRAG_HELD : FOT_DEFRAG_THEIRS;
        }
    }
    if (s->theirs)
        return FOT_DEFRAG_THEIRS;

    s->fragments++;
    s->ipv6_len += f->ipv6_len;
    fill_head(s, f);
    if (f->len)
        cover(s->covered, f->offset, f->offset + f->len);
    if (!f->more && !s->have_end) {
        s->have_end = true;
        s->end = f->offset + f->len;
    }
    const span *first = s->covered->len ? &g_array_index(s->covered, span, 0) : NULL;
    if (!s->have_end || !first || first->start != 0 || first->end < s->end)
        return FOT_DEFRAG_HELD;
    out->length = s->end;
    out->head_len = MIN(s->end, (size_t)FOT_DEFRAG_HEAD);
    memcpy(out->head, s->head, out->head_len);
    out->ipv6_len = s->ipv6_len;
    g_hash_table_remove(d->series, s);
    return FOT_DEFRAG_COMPLETE;
}

fot_defrag_status
fot_defrag_add(fot_defrag *d, const fot_tunnel_fragment *f, int64_t now, fot_defrag_packet *out, uint64_t *given_up)
{
    fot_fragment frag = {
        .offset = f->offset, .more = f->more, .data = f->data, .len = f->len, .bytes = f->len, .ipv6_len = f->ipv6_len,
        .starts_plain = f->starts_plain,
    };
    memset(&frag.key, 0, sizeof frag.key);
    frag.key.kind = FOT_FRAG_OUTER_IPV6;
    memcpy(frag.key.src6, f->src, 16);
    memcpy(frag.key.dst6, f->dst, 16);
    frag.key.id = f->id;
    return fot_defrag_add_fragment(d, &frag, now, out, given_up);
}

uint64_t
fot_defrag_pending(const fot_defrag *d)
{
    uint64_t n = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, d->series);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const series *s = k;
        if (!s->theirs)
            n += s->fragments;
    }
    return n;
}

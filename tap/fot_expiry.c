/* \summary: expiry lists by timeout class, in time-bucket order, sorted only where due */
#include "fot_expiry.h"

#include <string.h>

#include "fot_time.h"

/* Sorted as (time, item) pairs: the sort then reads no session records. */
typedef struct last_seen {
    int64_t last;
    uint32_t item;
} last_seen;

void
fot_expiry_init(fot_expiry *x, const fot_pool *pool, const uint32_t timeout_s[FOT_CLASS_COUNT])
{
    memset(x, 0, sizeof *x);
    x->pool = pool;
    for (int c = 0; c < FOT_CLASS_COUNT; c++) {
        x->timeout[c] = (int64_t)timeout_s[c] * FOT_NS_PER_SEC;
        while ((x->timeout[c] >> (x->bucket_shift[c] + 1)) >= 8)
            x->bucket_shift[c]++;
        x->sorted_upto[c] = -1;
    }
    x->quiet_until = INT64_MIN;
    x->sort_buf = g_array_new(FALSE, FALSE, sizeof(last_seen));
}

void
fot_expiry_destroy(fot_expiry *x)
{
    g_array_free(x->sort_buf, TRUE);
    x->sort_buf = NULL;
}

static inline fot_session *
session_at(const fot_expiry *x, uint32_t item)
{
    return fot_pool_session(x->pool, item);
}

static inline fot_session_cold *
cold_at(const fot_expiry *x, uint32_t item)
{
    return fot_pool_cold(x->pool, item);
}

static inline int64_t
bucket_of(const fot_expiry *x, int c, int64_t t)
{
    return t >> x->bucket_shift[c];
}

/* The time bucket b of class c starts at (not a left shift: b may be negative). */
static inline int64_t
bucket_start(const fot_expiry *x, int c, int64_t b)
{
    return b * ((int64_t)1 << x->bucket_shift[c]);
}

/* No session of class c expires before its head's bucket starts plus the
 * timeout: the list is in bucket order. */
static int64_t
earliest_expiry(const fot_expiry *x, int c)
{
    uint32_t h = x->head[c];
    return h ? bucket_start(x, c, bucket_of(x, c, session_at(x, h)->last)) + x->timeout[c] : INT64_MAX;
}

void
fot_expiry_unlink(fot_expiry *x, uint32_t item)
{
    const fot_session *s = session_at(x, item);
    fot_session_cold *c = fot_pool_cold_of(s);
    if (c->prev)
        cold_at(x, c->prev)->next = c->next;
    else
        x->head[s->tclass] = c->next;
    if (c->next)
        cold_at(x, c->next)->prev = c->prev;
    else
        x->tail[s->tclass] = c->prev;
    c->prev = c->next = 0;
}

void
fot_expiry_append(fot_expiry *x, uint32_t item)
{
    const fot_session *s = session_at(x, item);
    fot_session_cold *c = fot_pool_cold_of(s);
    c->prev = x->tail[s->tclass];
    c->next = 0;
    if (c->prev) {
        cold_at(x, c->prev)->next = item;
    } else {
        x->head[s->tclass] = item;
        x->quiet_until = MIN(x->quiet_until, earliest_expiry(x, s->tclass));
    }
    x->tail[s->tclass] = item;
}

void
fot_expiry_prefetch_neighbours(const fot_expiry *x, uint32_t item)
{
    const fot_session_cold *c = cold_at(x, item);
    if (c->prev)
        __builtin_prefetch(&cold_at(x, c->prev)->next, 1);
    if (c->next)
        __builtin_prefetch(&cold_at(x, c->next)->prev, 1);
}

void
fot_expiry_touched(fot_expiry *x, uint32_t item, bool stayed, fot_class new_class)
{
    fot_session *s = session_at(x, item);
    if (s->tclass != new_class) {
        fot_expiry_unlink(x, item);
        s->tclass = (uint8_t)new_class;
        fot_expiry_append(x, item);
    } else if (x->tail[s->tclass] != item && !stayed) { /* keep each list in bucket order */
        fot_expiry_unlink(x, item);
        fot_expiry_append(x, item);
    }
}

static int
compare_last(gconstpointer a, gconstpointer b)
{
    int64_t p = ((const last_seen *)a)->last, q = ((const last_seen *)b)->last;
    return p < q ? -1 : p > q;
}

/* Class c's list from item on, while its sessions are in bucket b, as pairs
 * in list order; *rest: the first one after. */
static void
collect_run(const fot_expiry *x, GArray *run, uint32_t item, int64_t bucket, int c, uint32_t *rest)
{
    g_array_set_size(run, 0);
    for (; item; item = cold_at(x, item)->next) {
        const fot_session *s = session_at(x, item);
        if (bucket_of(x, c, s->last) != bucket)
            break;
        last_seen p = { s->last, item };
        g_array_append_val(run, p);
    }
    *rest = item;
}

/* Put class c's head bucket in exact last-seen order (g_array_sort is
 * stable: equal times keep their list order). */
static void
sort_head_bucket(fot_expiry *x, int c)
{
    int64_t b = bucket_of(x, c, session_at(x, x->head[c])->last);
    if (b <= x->sorted_upto[c])
        return;
    GArray *run = x->sort_buf;
    uint32_t rest;
    collect_run(x, run, x->head[c], b, c, &rest);
    g_array_sort(run, compare_last);
    const last_seen *items = (const last_seen *)(void *)run->data;
    uint32_t n = run->len;
    for (uint32_t i = 0; i < n; i++) {
        fot_session_cold *s = cold_at(x, items[i].item);
        s->prev = i ? items[i - 1].item : 0;
        s->next = i + 1 < n ? items[i + 1].item : rest;
    }
    x->head[c] = items[0].item;
    if (rest)
        cold_at(x, rest)->prev = items[n - 1].item;
    else
        x->tail[c] = items[n - 1].item;
    x->sorted_upto[c] = b;
}

/* Class c's head, if a session of its head bucket may have expired at now:
 * then the bucket is sorted and the head is the class's next to expire. */
static uint32_t
due_head(fot_expiry *x, int c, int64_t now)
{
    uint32_t h = x->head[c];
    if (!h)
        return 0;
    int64_t b = bucket_of(x, c, session_at(x, h)->last);
    if (b > x->sorted_upto[c]) {
        if (bucket_start(x, c, b) + x->timeout[c] > now)
            return 0;
        sort_head_bucket(x, c);
    }
    return x->head[c];
}

uint32_t
fot_expiry_next_due(fot_expiry *x, int64_t now, int64_t *when)
{
    uint32_t item = 0;
    for (int c = 0; c < FOT_CLASS_COUNT; c++) {
        uint32_t h = due_head(x, c, now);
        if (!h)
            continue;
        int64_t end = session_at(x, h)->last + x->timeout[c];
        if (end <= now && (!item || end < *when)) {
            item = h;
            *when = end;
        }
    }
    return item;
}

void
fot_expiry_settle(fot_expiry *x)
{
    x->quiet_until = INT64_MAX;
    for (int c = 0; c < FOT_CLASS_COUNT; c++)
        x->quiet_until = MIN(x->quiet_until, earliest_expiry(x, c));
}

/* The oldest list head, once the head buckets are sorted. */
uint32_t
fot_expiry_least_recent(fot_expiry *x)
{
    uint32_t oldest = 0;
    for (int c = 0; c < FOT_CLASS_COUNT; c++) {
        if (!x->head[c])
            continue;
        sort_head_bucket(x, c);
        if (!oldest || session_at(x, x->head[c])->last < session_at(x, oldest)->last)
            oldest = x->head[c];
    }
    return oldest;
}

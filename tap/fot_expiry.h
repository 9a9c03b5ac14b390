/* The engine's expiry lists (private to the engine's files): one list of
 * sessions per timeout class, so that expiry only ever looks at list heads.
 *
 * A list is kept in order of time buckets (1/8 of the class's timeout or
 * less, a power of two in ns) of each session's last packet, not of the
 * packets themselves: a packet moves its session to the list's tail only when
 * it starts a new bucket. At 200 000 sessions each move costs two cache misses
 * (the neighbours), and most packets of a session fall in its current bucket.
 * Before a head bucket can hold an expired session, it is sorted by last
 * packet (stably, once); from then on the sessions of sorted buckets move on
 * every packet. So expiry still takes sessions in exact order of expiry time. */
#ifndef FOT_EXPIRY_H
#define FOT_EXPIRY_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "fot_pool.h"

typedef struct fot_expiry {
    const fot_pool *pool;
    int64_t timeout[FOT_CLASS_COUNT];
    int bucket_shift[FOT_CLASS_COUNT]; /* a bucket is 2^shift ns */
    uint32_t head[FOT_CLASS_COUNT], tail[FOT_CLASS_COUNT];
    int64_t sorted_upto[FOT_CLASS_COUNT]; /* buckets up to this one are in exact last-seen order */
    int64_t quiet_until;                  /* no session can expire before this time (a lower bound) */
    GArray *sort_buf;                     /* one head bucket's items, while it is sorted */
} fot_expiry;

void fot_expiry_init(fot_expiry *x, const fot_pool *pool, const uint32_t timeout_s[FOT_CLASS_COUNT]);
void fot_expiry_destroy(fot_expiry *x);

/* A session joins the tail of its class's list (its last already set). */
void fot_expiry_append(fot_expiry *x, uint32_t item);
void fot_expiry_unlink(fot_expiry *x, uint32_t item);

/* Would a packet at now leave the session where it is (same bucket, not sorted)? */
static inline bool
fot_expiry_stays(const fot_expiry *x, const fot_session *s, int64_t now)
{
    int c = s->tclass;
    int64_t b = s->last >> x->bucket_shift[c]; /* a shift is a floor, also of negative times */
    return b > x->sorted_upto[c] && b == now >> x->bucket_shift[c];
}

/* The list neighbours a move will write, fetched meanwhile. */
void fot_expiry_prefetch_neighbours(const fot_expiry *x, uint32_t item);

/* After a packet: the session's last is set; it goes to class new_class,
 * and stayed is what fot_expiry_stays said before its last changed. */
void fot_expiry_touched(fot_expiry *x, uint32_t item, bool stayed, fot_class new_class);

/* Nothing can be due before now: no list needs a look. */
static inline bool
fot_expiry_quiet(const fot_expiry *x, int64_t now)
{
    return now < x->quiet_until;
}

/* The session due first at now (0: none), and when it ended (*when). */
uint32_t fot_expiry_next_due(fot_expiry *x, int64_t now, int64_t *when);
/* After the due sessions went: the earliest time one can be due again. */
void fot_expiry_settle(fot_expiry *x);
/* The session seen least recently (the lists must not be empty). */
uint32_t fot_expiry_least_recent(fot_expiry *x);

/* Capture time at which s ends unless another packet comes. */
static inline int64_t
fot_expiry_end(const fot_expiry *x, const fot_session *s)
{
    return s->last + x->timeout[s->tclass];
}

#endif

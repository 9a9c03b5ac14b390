/* \summary: the notes kept per frame for later dissections, compactly */
/* The kept notes: records in fixed-size chunks (no reallocation of the bulk,
 * no allocation per frame), found by frame number through a bitmap with a
 * running count per 64 frames. Values shared by a session's packets (its
 * endpoints, CE/B4, BR/AFTR) or by a CE's (mechanism, PSID, port set, which
 * change a few times at most) are kept once and joined back at lookup. */
#include "fot_notes.h"

#include <glib.h>
#include <string.h>

#include "fot_active_counts.h"
#include "fot_index.h"
#include "fot_packet.h"

#define CHUNK_BITS 13u /* elements per chunk: 8192 (256 KiB of frame records) */
#define CHUNK_MASK ((1u << CHUNK_BITS) - 1)

/* A growable array of fixed-size elements that never moves them. */
typedef struct chunked {
    GPtrArray *chunks;
    uint32_t count;
    uint32_t size;
} chunked;

static void
chunked_init(chunked *c, uint32_t size)
{
    c->chunks = g_ptr_array_new_with_free_func(g_free);
    c->count = 0;
    c->size = size;
}

static void *
chunked_at(const chunked *c, uint32_t i)
{
    return (char *)g_ptr_array_index(c->chunks, i >> CHUNK_BITS) + (size_t)(i & CHUNK_MASK) * c->size;
}

/* Make elements [count, i] exist, zero-filled; return element i. */
static void *
chunked_reach(chunked *c, uint32_t i)
{
    while (c->chunks->len <= i >> CHUNK_BITS)
        g_ptr_array_add(c->chunks, g_malloc0((size_t)c->size << CHUNK_BITS));
    if (i >= c->count)
        c->count = i + 1;
    return chunked_at(c, i);
}

static uint64_t
chunked_bytes(const chunked *c)
{
    return (uint64_t)c->chunks->len * ((uint64_t)c->size << CHUNK_BITS) + c->chunks->len * sizeof(void *);
}

enum { SWAPPED = 64 }; /* record flag beside fot_note's: the session seen turned around */

/* The per-frame values. */
typedef struct frame_record {
    uint32_t session;
    uint32_t session_packets;
    uint32_t active_sessions;
    uint32_t bytes_lo;        /* session bytes, bits 0-31 */
    uint16_t bytes_hi;        /* bits 32-47 */
    uint16_t ce_ports_lo;     /* CE ports in use (0 to 65 536), bits 0-15 */
    uint32_t packet_bytes : 24;
    uint32_t wide : 1;        /* some values are in the wide table */
    uint32_t verdict : 4;     /* fot_verdict */
    uint32_t inbound : 1;     /* FOT_NOTE_INBOUND */
    uint32_t spare : 2;
    uint64_t gap : 50;        /* ns; a gap is below the longest timeout (one week < 2^50 ns) */
    uint64_t tclass : 3;
    uint64_t ended_class : 3;
    uint64_t ce_ports_hi : 1;
    uint64_t flags : 7;
} frame_record;
G_STATIC_ASSERT(sizeof(frame_record) == 32);

#define WIDE_BYTES (UINT64_C(1) << 48)
#define WIDE_PACKET_BYTES (1u << 24)
#define WIDE_GAP (INT64_C(1) << 50)

/* The set a crossing frame took past the threshold (few frames: a side table). */
typedef struct crossing {
    uint64_t set_size;
    uint32_t ipv4;
    uint16_t psid;
    bool one_of_several;
} crossing;

typedef struct wide_values {
    uint64_t session_packets, session_bytes;
    int64_t gap;
    uint32_t packet_bytes;
} wide_values;

/* One session, as its first frame saw it (SWAPPED frames see it turned around). */
typedef struct session_record {
    uint32_t client_ip, server_ip;
    uint16_t client_port, server_port;
    uint32_t ce;        /* address number, 0 while unknown */
    uint32_t br_proto;  /* BR/AFTR address number << 2 | protocol index */
} session_record;
G_STATIC_ASSERT(sizeof(session_record) == 20);

typedef struct address {
    uint8_t bytes[16];
    uint32_t last_change; /* newest CE state change, item number in changes; 0: never a CE */
} address;

/* A CE/B4's mechanism and port set from frame `frame` on. */
typedef struct ce_change {
    uint32_t frame;
    uint32_t set_size;
    uint16_t psid;
    uint8_t mechanism;
    uint8_t has_psid : 1, why : 7;
    uint32_t previous; /* item number of the change before, 0: none */
} ce_change;

struct fot_notes {
    chunked records;     /* frame_record, in frame order */
    chunked map_bits;    /* uint64_t: bit f-1 set when frame f has a record */
    chunked map_rank;    /* uint32_t: records before each 64-frame word */
    chunked sessions;    /* session_record by serial - 1 */
    chunked addresses;   /* address by number - 1 */
    fot_index address_index;
    chunked changes;     /* ce_change */
    GHashTable *wide;    /* frame -> wide_values */
    GHashTable *crossings; /* frame -> crossing, for CROSSED_THRESHOLD frames */
    uint32_t last_frame;
};

fot_notes *
fot_notes_new(void)
{
    fot_notes *n = g_new0(fot_notes, 1);
    chunked_init(&n->records, sizeof(frame_record));
    chunked_init(&n->map_bits, sizeof(uint64_t));
    chunked_init(&n->map_rank, sizeof(uint32_t));
    chunked_init(&n->sessions, sizeof(session_record));
    chunked_init(&n->addresses, sizeof(address));
    chunked_init(&n->changes, sizeof(ce_change));
    fot_index_init(&n->address_index);
    n->wide = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    n->crossings = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return n;
}

void
fot_notes_free(fot_notes *n)
{
    if (!n)
        return;
    g_ptr_array_free(n->records.chunks, TRUE);
    g_ptr_array_free(n->map_bits.chunks, TRUE);
    g_ptr_array_free(n->map_rank.chunks, TRUE);
    g_ptr_array_free(n->sessions.chunks, TRUE);
    g_ptr_array_free(n->addresses.chunks, TRUE);
    g_ptr_array_free(n->changes.chunks, TRUE);
    fot_index_destroy(&n->address_index);
    g_hash_table_destroy(n->wide);
    g_hash_table_destroy(n->crossings);
    g_free(n);
}

/* ---- frame map ---- */

static void
map_add(fot_notes *n, uint32_t frame, uint32_t record)
{
    uint32_t word = (frame - 1) / 64;
    for (uint32_t w = n->map_bits.count; w <= word; w++) {
        chunked_reach(&n->map_bits, w);
        *(uint32_t *)chunked_reach(&n->map_rank, w) = record; /* frames only increase */
    }
    *(uint64_t *)chunked_at(&n->map_bits, word) |= UINT64_C(1) << ((frame - 1) % 64);
}

static bool
map_find(const fot_notes *n, uint32_t frame, uint32_t *record)
{
    if (frame == 0 || (frame - 1) / 64 >= n->map_bits.count)
        return false;
    uint32_t word = (frame - 1) / 64, bit = (frame - 1) % 64;
    uint64_t bits = *(const uint64_t *)chunked_at(&n->map_bits, word);
    if (!(bits >> bit & 1))
        return false;
    *record = *(const uint32_t *)chunked_at(&n->map_rank, word) +
              (uint32_t)__builtin_popcountll(bits & ((UINT64_C(1) << bit) - 1));
    return true;
}

/* ---- addresses and CE states ---- */

static uint32_t
address_hash(const uint8_t a[16])
{
    uint64_t hi, lo;
    memcpy(&hi, a, 8);
    memcpy(&lo, a + 8, 8);
    return fot_hash64(hi ^ (lo * UINT64_C(0x9e3779b97f4a7c15)));
}

static bool
address_match(const void *ctx, uint32_t item, const void *key)
{
    const address *a = chunked_at(ctx, item - 1);
    return memcmp(a->bytes, key, 16) == 0;
}

static uint32_t
address_number(fot_notes *n, const uint8_t bytes[16])
{
    uint32_t hash = address_hash(bytes);
    uint32_t item = fot_index_find(&n->address_index, hash, address_match, &n->addresses, bytes);
    if (item)
        return item;
    address *a = chunked_reach(&n->addresses, n->addresses.count);
    memcpy(a->bytes, bytes, 16);
    fot_index_insert(&n->address_index, hash, n->addresses.count);
    return n->addresses.count;
}

static void
ce_state_note(fot_notes *n, uint32_t ce, uint32_t frame, const fot_note *note)
{
    address *a = chunked_at(&n->addresses, ce - 1);
    bool has_psid = note->flags & FOT_NOTE_HAS_PSID;
    if (a->last_change) {
        const ce_change *c = chunked_at(&n->changes, a->last_change - 1);
        if (c->mechanism == note->mechanism && c->why == note->why && c->has_psid == has_psid &&
            c->psid == note->psid && c->set_size == note->ce_port_set_size)
            return;
    }
    ce_change *c = chunked_reach(&n->changes, n->changes.count);
    *c = (ce_change){ frame, note->ce_port_set_size, note->psid, note->mechanism, has_psid, note->why & 127,
                      a->last_change };
    a->last_change = n->changes.count;
}

static const ce_change *
ce_state_at(const fot_notes *n, uint32_t ce, uint32_t frame)
{
    const address *a = chunked_at(&n->addresses, ce - 1);
    for (uint32_t item = a->last_change; item;) {
        const ce_change *c = chunked_at(&n->changes, item - 1);
        if (c->frame <= frame)
            return c;
        item = c->previous;
    }
    return NULL; /* not reached: a frame's CE was noted at that frame */
}

/* ---- put, get ---- */

static const uint8_t proto_of_index[FOT_P_COUNT] = { FOT_IPPROTO_TCP, FOT_IPPROTO_UDP, FOT_IPPROTO_ICMP };

bool
fot_notes_put(fot_notes *n, uint32_t frame, const fot_note *note)
{
    if (frame <= n->last_frame || note->session == 0 || n->records.count == UINT32_MAX)
        return false;
    n->last_frame = frame;
    uint32_t ce = address_number(n, note->ce), br = address_number(n, note->br);
    ce_state_note(n, ce, frame, note);

    session_record *s = chunked_reach(&n->sessions, note->session - 1);
    if (s->ce == 0 || (note->flags & FOT_NOTE_NEW_SESSION))
        *s = (session_record){ note->client_ip, note->server_ip, note->client_port, note->server_port, ce,
                               br << 2 | fot_proto_index_of(note->proto) };
    bool swapped = s->ce != ce; /* turned around by a later SYN */

    uint32_t index = n->records.count;
    map_add(n, frame, index);
    frame_record *r = chunked_reach(&n->records, index);
    int64_t gap = note->flags & FOT_NOTE_REOPENED ? note->reopen_gap : note->gap < 0 ? 0 : note->gap;
    bool wide = note->session_bytes >= WIDE_BYTES || note->session_packets > UINT32_MAX ||
                note->packet_bytes >= WIDE_PACKET_BYTES || gap >= WIDE_GAP;
    uint8_t flags = (uint8_t)((note->flags & ~SWAPPED) | (swapped ? SWAPPED : 0));
    r->session = note->session;
    r->session_packets = (uint32_t)note->session_packets;
    r->active_sessions = note->active_sessions;
    r->bytes_lo = (uint32_t)note->session_bytes;
    r->bytes_hi = (uint16_t)(note->session_bytes >> 32);
    r->ce_ports_lo = (uint16_t)note->ce_ports_in_use;
    r->ce_ports_hi = note->ce_ports_in_use >> 16 & 1;
    r->packet_bytes = note->packet_bytes & (WIDE_PACKET_BYTES - 1);
    r->gap = (uint64_t)gap & (WIDE_GAP - 1);
    r->tclass = note->tclass;
    r->ended_class = note->ended_class;
    r->verdict = note->verdict & 15;
    r->flags = flags & 127;
    r->inbound = (note->flags & FOT_NOTE_INBOUND) != 0;
    r->wide = wide;
    if (note->flags & FOT_NOTE_CROSSED_THRESHOLD) {
        crossing *x = g_new(crossing, 1);
        *x = (crossing){ note->crossed_set_size, note->crossed_ipv4, note->crossed_psid, note->crossed_one_of_several };
        g_hash_table_insert(n->crossings, GUINT_TO_POINTER(frame), x);
    }
    if (wide) {
        wide_values *w = g_new(wide_values, 1);
        *w = (wide_values){ note->session_packets, note->session_bytes, gap, note->packet_bytes };
        g_hash_table_insert(n->wide, GUINT_TO_POINTER(frame), w);
    }
    return true;
}

bool
fot_notes_get(const fot_notes *n, uint32_t frame, fot_note *out)
{
    uint32_t index;
    if (!map_find(n, frame, &index))
        return false;
    const frame_record *r = chunked_at(&n->records, index);
    const session_record *s = chunked_at(&n->sessions, r->session - 1);
    uint8_t flags = (uint8_t)r->flags;
    bool swapped = flags & SWAPPED;
    uint32_t ce = swapped ? s->br_proto >> 2 : s->ce, br = swapped ? s->ce : s->br_proto >> 2;
    const ce_change *c = ce_state_at(n, ce, frame);
    memset(out, 0, sizeof *out);
    out->session = r->session;
    out->flags = (uint8_t)((flags & ~(SWAPPED | FOT_NOTE_HAS_PSID)) | (c && c->has_psid ? FOT_NOTE_HAS_PSID : 0) |
                           (r->inbound ? FOT_NOTE_INBOUND : 0));
    out->proto = proto_of_index[s->br_proto & 3];
    out->tclass = r->tclass;
    out->mechanism = c ? c->mechanism : 0;
    out->why = c ? c->why : 0;
    out->ended_class = r->ended_class;
    out->verdict = (uint8_t)r->verdict;
    out->client_ip = swapped ? s->server_ip : s->client_ip;
    out->server_ip = swapped ? s->client_ip : s->server_ip;
    out->client_port = swapped ? s->server_port : s->client_port;
    out->server_port = swapped ? s->client_port : s->server_port;
    out->psid = c ? c->psid : 0;
    memcpy(out->ce, ((const address *)chunked_at(&n->addresses, ce - 1))->bytes, 16);
    memcpy(out->br, ((const address *)chunked_at(&n->addresses, br - 1))->bytes, 16);
    out->active_sessions = r->active_sessions;
    out->ce_ports_in_use = (uint32_t)r->ce_ports_hi << 16 | r->ce_ports_lo;
    out->ce_port_set_size = c ? c->set_size : 0;
    out->packet_bytes = r->packet_bytes;
    out->session_packets = r->session_packets;
    out->session_bytes = (uint64_t)r->bytes_hi << 32 | r->bytes_lo;
    int64_t gap = (int64_t)r->gap;
    const crossing *x = flags & FOT_NOTE_CROSSED_THRESHOLD ? g_hash_table_lookup(n->crossings, GUINT_TO_POINTER(frame))
                                                            : NULL;
    if (x) {
        out->crossed_set_size = x->set_size;
        out->crossed_ipv4 = x->ipv4;
        out->crossed_psid = x->psid;
        out->crossed_one_of_several = x->one_of_several;
    }
    if (r->wide) {
        const wide_values *w = g_hash_table_lookup(n->wide, GUINT_TO_POINTER(frame));
        out->session_packets = w->session_packets;
        out->session_bytes = w->session_bytes;
        out->packet_bytes = w->packet_bytes;
        gap = w->gap;
    }
    out->gap = flags & FOT_NOTE_NEW_SESSION ? -1 : gap;
    out->reopen_gap = flags & FOT_NOTE_REOPENED ? gap : 0;
    return true;
}

void
fot_notes_size_of(const fot_notes *n, fot_notes_size *out)
{
    out->frames = chunked_bytes(&n->records) + chunked_bytes(&n->map_bits) + chunked_bytes(&n->map_rank);
    out->sessions = chunked_bytes(&n->sessions);
    out->addresses = chunked_bytes(&n->addresses) + chunked_bytes(&n->changes) +
                     ((uint64_t)n->address_index.mask + 1) * sizeof(fot_index_slot);
    out->wide = (uint64_t)g_hash_table_size(n->wide) * (sizeof(wide_values) + 3 * sizeof(void *)) +
                (uint64_t)g_hash_table_size(n->crossings) * (sizeof(crossing) + 3 * sizeof(void *));
}

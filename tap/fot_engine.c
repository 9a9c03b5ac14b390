/* \summary: the session engine: the session index, opening, closing and turning sessions round, batches */
/* A packet finds its session through one hash index over the pool
 * (fot_pool.h); the session's CE/B4 and BR/AFTR are address nodes
 * (fot_nodes.h) whose CE state fot_ce_state.h keeps; expiry lists
 * (fot_expiry.h) end sessions in order of expiry time. No allocation on the
 * path of a packet of a known session. */
#include "fot_engine.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "fot_ce_state.h"
#include "fot_expiry.h"
#include "fot_index.h"
#include "fot_nodes.h"
#include "fot_orient.h"
#include "fot_packet.h"
#include "fot_pool.h"

typedef struct session_key {
    uint32_t ce, client_ip, server_ip;
    uint16_t client_port, server_port;
    uint8_t proto;
} session_key;

struct fot_engine {
    fot_config cfg;
    bool started;
    int64_t now;
    fot_pool pool;
    fot_expiry expiry;
    fot_index sessions;
    uint32_t active;
    uint32_t serial;
    uint64_t changes;           /* sessions opened, closed or turned round: what the counts read */
    fot_active_counts *counted; /* behind a pointer: fot_engine_counts keeps it from a const engine */
    fot_nodes nodes;
    fot_ce_state ce;
    const fot_bindings *bindings;
    uint64_t tally[FOT_TALLY_COUNT];
    uint64_t evicted_sessions;
    fot_end_fn on_end;
    void *on_end_ud;
};

static inline fot_session *
item_session(const fot_engine *e, uint32_t item)
{
    return fot_pool_session(&e->pool, item);
}

static void
init_state(fot_engine *e)
{
    e->started = false;
    e->now = 0;
    fot_pool_init(&e->pool);
    fot_expiry_init(&e->expiry, &e->pool, e->cfg.timeout_s);
    fot_index_init(&e->sessions);
    e->active = e->serial = 0;
    e->changes = 1;
    e->counted = g_new0(fot_active_counts, 1);
    /* Each session refers to two nodes: this many nodes always include an idle one. */
    fot_nodes_init(&e->nodes, e->cfg.max_sessions ? e->cfg.max_sessions * 2 + 2 : 0, fot_ce_forget, &e->ce);
    fot_ce_state_init(&e->ce, &e->nodes, &e->cfg, e->bindings);
    memset(e->tally, 0, sizeof e->tally);
    e->evicted_sessions = 0;
}

static void
free_state(fot_engine *e)
{
    fot_ce_state_destroy(&e->ce);
    fot_nodes_destroy(&e->nodes);
    fot_index_destroy(&e->sessions);
    fot_expiry_destroy(&e->expiry);
    fot_pool_destroy(&e->pool);
    g_free(e->counted);
}

fot_engine *
fot_engine_new(const fot_config *cfg)
{
    fot_engine *e = g_new0(fot_engine, 1);
    fot_config_copy(&e->cfg, cfg);
    /* Built (or found built) once, before the first packet; its messages go out once. */
    fot_bindings *table = fot_softwire_table(e->cfg.softwire);
    fputs(fot_bindings_take_messages(table), stderr);
    e->bindings = table;
    init_state(e);
    return e;
}

void
fot_engine_free(fot_engine *e)
{
    if (!e)
        return;
    free_state(e);
    fot_config_clear(&e->cfg);
    g_free(e);
}

void
fot_engine_reset(fot_engine *e)
{
    free_state(e);
    init_state(e);
}

const fot_config *
fot_engine_config(const fot_engine *e)
{
    return &e->cfg;
}

const uint8_t *
fot_engine_node_addr(const fot_engine *e, uint32_t n)
{
    return e->nodes.nodes[n].addr;
}

/* ---- the session index ---- */

/* From the CE/B4's address hash, not its node number: a packet's two
 * candidate slots are then known before its nodes are looked up, and all
 * four lookups can be fetched from memory at once (fot_engine_packets). */
static uint32_t
key_hash(uint32_t ce_addr_hash, const session_key *k)
{
    uint64_t a = (uint64_t)ce_addr_hash << 32 | k->client_ip;
    uint64_t b = (uint64_t)k->server_ip << 32 | (uint32_t)k->client_port << 16 | k->server_port;
    return fot_hash64(a ^ (b * UINT64_C(0x9e3779b97f4a7c15)) ^ k->proto);
}

static bool
session_match(const void *ctx, uint32_t item, const void *key)
{
    const fot_session *s = item_session(ctx, item);
    const session_key *k = key;
    return s->ce == k->ce && s->client_ip == k->client_ip && s->server_ip == k->server_ip &&
           s->client_port == k->client_port && s->server_port == k->server_port && s->proto == k->proto;
}

static session_key
key_of(const fot_session *s)
{
    session_key k = { s->ce, s->client_ip, s->server_ip, s->client_port, s->server_port, s->proto };
    return k;
}

static uint32_t
session_hash(const fot_engine *e, const session_key *k)
{
    return key_hash(e->nodes.nodes[k->ce].hash, k);
}

static uint32_t
session_find(const fot_engine *e, const session_key *k, uint32_t hash)
{
    return fot_index_find(&e->sessions, hash, session_match, e, k);
}

static session_key
packet_key(const fot_event *ev, fot_dir dir, uint32_t ce)
{
    session_key k = { ce, ev->inner_src, ev->inner_dst, ev->src_port, ev->dst_port, ev->proto };
    if (dir == FOT_DIR_DOWN)
        k = (session_key){ ce, ev->inner_dst, ev->inner_src, ev->dst_port, ev->src_port, ev->proto };
    return k;
}

/* ---- opening, closing, turning round ---- */

static void
session_close(fot_engine *e, uint32_t item, fot_end_reason why, int64_t when)
{
    fot_session *s = item_session(e, item);
    if (e->on_end)
        e->on_end(s, why, when, e->on_end_ud);
    fot_expiry_unlink(&e->expiry, item);
    fot_index_remove(&e->sessions, fot_pool_cold_of(s)->hash, item);
    fot_ce_session_closed(&e->ce, s);
    fot_nodes_unref(&e->nodes, s->ce);
    fot_nodes_unref(&e->nodes, s->br);
    e->active--;
    e->changes++;
    fot_pool_release(&e->pool, item);
}

/* Mostly nothing is due: the expiry lists say so without a look. */
void
fot_engine_advance(fot_engine *e, int64_t now)
{
    if (e->started && now <= e->now)
        return;
    e->started = true;
    e->now = now;
    if (fot_expiry_quiet(&e->expiry, now))
        return;
    uint32_t item;
    int64_t when;
    while ((item = fot_expiry_next_due(&e->expiry, now, &when)))
        session_close(e, item, FOT_END_TIMEOUT, when);
    fot_expiry_settle(&e->expiry);
}

static fot_class
initial_class(const fot_session *s)
{
    switch (s->proto) {
    case FOT_IPPROTO_TCP:
        return FOT_CLASS_TCP;
    case FOT_IPPROTO_UDP:
        return (s->client_port == 53 || s->server_port == 53) ? FOT_CLASS_DNS : FOT_CLASS_UDP;
    default:
        return FOT_CLASS_ICMP;
    }
}

/* addr's node: known (number + 1, 0: not) when it still holds addr, else fot_nodes_get. */
static uint32_t
node_known(fot_engine *e, uint32_t known, const uint8_t addr[16])
{
    if (known && memcmp(e->nodes.nodes[known - 1].addr, addr, 16) == 0)
        return known - 1;
    return fot_nodes_get(&e->nodes, addr);
}

/* src_node, dst_node: the outer addresses' nodes + 1 as the packet found them (0: none). */
static uint32_t
session_open(fot_engine *e, const fot_event *ev, fot_dir dir, fot_orient how, uint32_t src_node, uint32_t dst_node)
{
    if (e->cfg.max_sessions && e->active >= e->cfg.max_sessions) {
        /* At the cap: end the session seen least recently. */
        session_close(e, fot_expiry_least_recent(&e->expiry), FOT_END_EVICTED, e->now);
        e->evicted_sessions++;
    }
    bool up = dir == FOT_DIR_UP;
    uint32_t ce = node_known(e, up ? src_node : dst_node, up ? ev->outer_src : ev->outer_dst);
    fot_nodes_ref(&e->nodes, ce);
    uint32_t br = node_known(e, up ? dst_node : src_node, up ? ev->outer_dst : ev->outer_src);
    fot_nodes_ref(&e->nodes, br);
    uint32_t item = fot_pool_alloc(&e->pool);
    fot_session *s = item_session(e, item);
    fot_session_cold *c = fot_pool_cold_of(s);
    memset(s, 0, sizeof *s);
    memset(c, 0, sizeof *c);
    e->active++;
    e->changes++;
    s->ce = ce;
    s->br = br;
    s->client_ip = up ? ev->inner_src : ev->inner_dst;
    s->server_ip = up ? ev->inner_dst : ev->inner_src;
    s->client_port = up ? ev->src_port : ev->dst_port;
    s->server_port = up ? ev->dst_port : ev->src_port;
    s->proto = ev->proto;
    s->orient = (uint8_t)how;
    s->tclass = (uint8_t)initial_class(s);
    c->serial = ++e->serial;
    c->first = s->last = e->now; /* before it joins its list, whose order is by last */
    session_key k = key_of(s);
    c->hash = session_hash(e, &k);
    fot_index_insert(&e->sessions, c->hash, item);
    fot_ce_session_opened(&e->ce, s, ev, dir, e->now);
    fot_expiry_append(&e->expiry, item);
    return item;
}

/* The first packet guessed wrong (a SYN now comes from the "server"): turn the
 * session around, which moves it to the other side's CE/B4. */
static void
session_flip(fot_engine *e, uint32_t item)
{
    fot_session *s = item_session(e, item);
    fot_session_cold *c = fot_pool_cold_of(s);
    e->changes++;
    fot_index_remove(&e->sessions, c->hash, item);
    fot_ce_session_leaving(&e->ce, s);
    uint32_t t32;
    uint16_t t16;
    uint64_t t64;
    t32 = s->ce, s->ce = s->br, s->br = t32;
    t32 = s->client_ip, s->client_ip = s->server_ip, s->server_ip = t32;
    t16 = s->client_port, s->client_port = s->server_port, s->server_port = t16;
    t64 = s->packets[0], s->packets[0] = s->packets[1], s->packets[1] = t64;
    t64 = s->bytes[0], s->bytes[0] = s->bytes[1], s->bytes[1] = t64;
    s->orient = FOT_ORIENT_MARKER;
    session_key k = key_of(s);
    c->hash = session_hash(e, &k);
    fot_index_insert(&e->sessions, c->hash, item);
    fot_ce_session_turned(&e->ce, s, e->now);
}

/* ---- a packet, alone or in a batch ---- */

/* Where a packet's lookups go, found ahead of counting it. */
typedef struct lookahead {
    uint32_t src_hash, dst_hash; /* the outer addresses' */
    uint32_t src_node, dst_node; /* the outer addresses' node numbers + 1 as found ahead (0: none) */
    bool up, down;               /* which of the two was a CE/B4 node ahead: for that side */
    uint32_t up_hash, down_hash; /* the session key's hash (else 0) */
    uint32_t up_item, down_item; /* and the first session its slot names (else 0) */
} lookahead;

/* Memory is asked for in steps, each step for all of a batch's packets, so
 * that one packet's waits overlap the others' (hints only: count_packet
 * checks what was found ahead, as packets before it in the batch may change
 * the table). First the node slots of the outer addresses. */
static void
fetch_node_slots(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    la->src_hash = fot_hash_addr16(ev->outer_src);
    la->dst_hash = fot_hash_addr16(ev->outer_dst);
    fot_index_prefetch(&e->nodes.index, la->src_hash);
    fot_index_prefetch(&e->nodes.index, la->dst_hash);
}

/* Then the nodes those slots name: the line a packet reads of each. */
static void
fetch_nodes(const fot_engine *e, const lookahead *la)
{
    uint32_t src = fot_index_peek(&e->nodes.index, la->src_hash);
    uint32_t dst = fot_index_peek(&e->nodes.index, la->dst_hash);
    if (src)
        __builtin_prefetch(&e->nodes.nodes[src - 1]);
    if (dst)
        __builtin_prefetch(&e->nodes.nodes[dst - 1]);
}

/* Then the session slot on the side that is a CE/B4 (mostly one: the other
 * side is the BR/AFTR); a side with no node yet holds no session. */
static void
fetch_session_slots(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    uint32_t src = fot_nodes_find(&e->nodes, ev->outer_src, la->src_hash);
    uint32_t dst = fot_nodes_find(&e->nodes, ev->outer_dst, la->dst_hash);
    la->src_node = src;
    la->dst_node = dst;
    la->up = src && e->nodes.nodes[src - 1].is_ce;
    la->down = dst && e->nodes.nodes[dst - 1].is_ce;
    la->up_hash = la->down_hash = 0;
    if (la->up) {
        session_key k = packet_key(ev, FOT_DIR_UP, 0);
        la->up_hash = key_hash(la->src_hash, &k);
        fot_index_prefetch(&e->sessions, la->up_hash);
    }
    if (la->down) {
        session_key k = packet_key(ev, FOT_DIR_DOWN, 0);
        la->down_hash = key_hash(la->dst_hash, &k);
        fot_index_prefetch(&e->sessions, la->down_hash);
    }
}

/* TCP FIN/ACK or RST: the session moves to the closing class. */
static bool
tcp_closing(const fot_event *ev)
{
    return (ev->tcp_flags & FOT_TCP_RST) || ((ev->tcp_flags & FOT_TCP_FIN) && (ev->tcp_flags & FOT_TCP_ACK));
}

/* Last the session that slot names: the one line a packet reads of it, and
 * for a closing TCP packet, which moves it to the closing class's list, its
 * links, through which the list neighbours are found. */
static void
fetch_session(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    la->up_item = la->up ? fot_index_peek(&e->sessions, la->up_hash) : 0;
    la->down_item = la->down ? fot_index_peek(&e->sessions, la->down_hash) : 0;
    bool moves = ev->proto == FOT_IPPROTO_TCP && tcp_closing(ev);
    if (la->up_item) {
        __builtin_prefetch(item_session(e, la->up_item));
        if (moves)
            __builtin_prefetch(fot_pool_cold(&e->pool, la->up_item));
    }
    if (la->down_item) {
        __builtin_prefetch(item_session(e, la->down_item));
        if (moves)
            __builtin_prefetch(fot_pool_cold(&e->pool, la->down_item));
    }
}

/* The node found ahead if it still holds addr (a node is only ever reused for
 * another address), else a lookup: packets before in the batch may have added it. */
static uint32_t
node_again(const fot_engine *e, uint32_t ahead, const uint8_t addr[16], uint32_t hash)
{
    if (ahead && memcmp(e->nodes.nodes[ahead - 1].addr, addr, 16) == 0)
        return ahead;
    return fot_nodes_find(&e->nodes, addr, hash);
}

/* The session of key k: the one found ahead when it still holds the key
 * (only one session does), else a lookup, with the key's hash if it was
 * computed ahead (0: not). */
static uint32_t
session_again(const fot_engine *e, uint32_t item, uint32_t hash, uint32_t ce_addr_hash, const session_key *k)
{
    if (item && session_match(e, item, k))
        return item;
    return session_find(e, k, hash ? hash : key_hash(ce_addr_hash, k));
}

/* The packet's markers contradict a session oriented by its first packet:
 * the client is behind this packet's other outer address. Returns the
 * session the packet belongs to, turned round or opened that way. */
static uint32_t
reorient(fot_engine *e, const fot_event *ev, uint32_t item, fot_dir turned, uint32_t src_any, uint32_t dst_any,
         fot_packet_result *r)
{
    const fot_session *s = item_session(e, item);
    uint32_t other = turned == FOT_DIR_UP ? src_any : dst_any;
    uint32_t twin = 0;
    if (other && e->nodes.nodes[other - 1].is_ce) {
        session_key k = { other - 1, s->server_ip, s->client_ip, s->server_port, s->client_port, s->proto };
        twin = session_find(e, &k, session_hash(e, &k));
    }
    r->dir = turned;
    if (twin) /* already open that way round: never two sessions with one key */
        return twin;
    if (other == s->br + 1) {
        session_flip(e, item); /* the first packet's guess was wrong */
        return item;
    }
    r->opened = true; /* another CE/B4's session with the same inner addresses */
    return session_open(e, ev, turned, FOT_ORIENT_MARKER, src_any, dst_any);
}

/* The session of the packet, found or opened; r gets its direction and whether it opened. */
static uint32_t
find_or_open(fot_engine *e, const fot_event *ev, const lookahead *la, fot_packet_result *r)
{
    /* Only a node that is a CE can hold the session's key. */
    uint32_t item = 0;
    uint32_t src_any = node_again(e, la->src_node, ev->outer_src, la->src_hash);
    uint32_t dst_any = node_again(e, la->dst_node, ev->outer_dst, la->dst_hash);
    if (src_any && e->nodes.nodes[src_any - 1].is_ce) {
        session_key up = packet_key(ev, FOT_DIR_UP, src_any - 1);
        item = session_again(e, la->up_item, la->up_hash, la->src_hash, &up);
    }
    if (!item && dst_any && e->nodes.nodes[dst_any - 1].is_ce) {
        session_key down = packet_key(ev, FOT_DIR_DOWN, dst_any - 1);
        item = session_again(e, la->down_item, la->down_hash, la->dst_hash, &down);
        r->dir = FOT_DIR_DOWN;
    }
    if (!item) {
        fot_orient how;
        r->dir = fot_orient_new(&e->ce, ev, &how);
        r->opened = true;
        return session_open(e, ev, r->dir, how, src_any, dst_any);
    }
    int m = fot_orient_marker(ev);
    bool contradicts = (m > 0 && r->dir == FOT_DIR_DOWN) || (m < 0 && r->dir == FOT_DIR_UP);
    if (contradicts && item_session(e, item)->orient == FOT_ORIENT_FIRST_PACKET)
        return reorient(e, ev, item, r->dir == FOT_DIR_UP ? FOT_DIR_DOWN : FOT_DIR_UP, src_any, dst_any, r);
    return item;
}

static fot_packet_result
count_packet(fot_engine *e, const fot_event *ev, const lookahead *la)
{
    fot_engine_advance(e, ev->time);
    fot_packet_result r = { NULL, FOT_DIR_UP, false, FOT_VERDICT_NONE, false, false, 0, 0, -1 };
    e->ce.crossed_threshold = false;
    uint32_t item = find_or_open(e, ev, la, &r);

    fot_session *s = item_session(e, item);
    bool stays = !r.opened && fot_expiry_stays(&e->expiry, s, e->now);
    if (!stays)
        fot_expiry_prefetch_neighbours(&e->expiry, item);
    if (!r.opened)
        r.gap = e->now - s->last;
    s->packets[r.dir]++;
    s->bytes[r.dir] += e->cfg.bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len;
    s->last = e->now;
    bool closes = s->tclass == FOT_CLASS_TCP && tcp_closing(ev);
    fot_expiry_touched(&e->expiry, item, stays, closes ? FOT_CLASS_TCP_CLOSING : (fot_class)s->tclass);
    uint32_t row = fot_ce_count_packet(&e->ce, s, ev, r.dir, &r.verdict);
    r.out_of_set = fot_verdict_out_of_set(r.verdict);
    if (row) {
        const fot_held_set *a = fot_ce_held_set(&e->ce, row);
        r.set_ports = a->ports_in_use;
        r.set_size = fot_set_size(&a->set, (fot_set_source)a->source);
    }
    r.crossed_threshold = e->ce.crossed_threshold;
    r.session = s;
    return r;
}

fot_packet_result
fot_engine_packet(fot_engine *e, const fot_event *ev)
{
    lookahead la;
    fetch_node_slots(e, ev, &la);
    fetch_nodes(e, &la);
    fetch_session_slots(e, ev, &la);
    fetch_session(e, ev, &la);
    return count_packet(e, ev, &la);
}

void
fot_engine_packets(fot_engine *e, const fot_timed_event *batch, unsigned n)
{
    lookahead la[FOT_ENGINE_BATCH];
    g_assert(n <= FOT_ENGINE_BATCH);
    for (unsigned i = 0; i < n; i++)
        fetch_node_slots(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++)
        fetch_nodes(e, &la[i]);
    for (unsigned i = 0; i < n; i++)
        fetch_session_slots(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++)
        fetch_session(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++) {
        fot_engine_advance(e, batch[i].clock);
        count_packet(e, &batch[i].ev, &la[i]);
    }
}

/* ---- what the views read ---- */

void
fot_engine_on_end(fot_engine *e, fot_end_fn fn, void *ud)
{
    e->on_end = fn;
    e->on_end_ud = ud;
}

int64_t
fot_engine_now(const fot_engine *e)
{
    return e->now;
}

bool
fot_engine_started(const fot_engine *e)
{
    return e->started;
}

void
fot_engine_tally(fot_engine *e, fot_tally which, uint64_t n)
{
    e->tally[which] += n;
}

uint64_t
fot_engine_tally_get(const fot_engine *e, fot_tally which)
{
    return e->tally[which];
}

uint32_t
fot_engine_active(const fot_engine *e)
{
    return e->active;
}

void
fot_engine_counts(const fot_engine *e, fot_counts *out)
{
    fot_active_counts_get(e->counted, &e->pool, e->changes, out);
}

uint64_t
fot_engine_sessions_opened(const fot_engine *e)
{
    return e->serial;
}

uint64_t
fot_engine_evicted(const fot_engine *e)
{
    return e->evicted_sessions;
}

uint64_t
fot_engine_forgotten_ces(const fot_engine *e)
{
    return e->nodes.forgotten_ces;
}

/* In the order of the pool: its lines one after the other, not the list
 * order, which would cost a miss a session and a sort of the unsorted buckets. */
void
fot_engine_foreach(const fot_engine *e, fot_session_fn fn, void *ud)
{
    for (uint32_t item = 1; item <= e->pool.used; item++) {
        const fot_session *s = item_session(e, item);
        if (s->ce != FOT_POOL_FREE)
            fn(s, ud);
    }
}

int64_t
fot_engine_expiry(const fot_engine *e, const fot_session *s)
{
    return fot_expiry_end(&e->expiry, s);
}

void
fot_engine_ce(const fot_engine *e, uint32_t node, fot_ce_info *out)
{
    fot_ce_info_of(&e->ce, node, out);
}

void
fot_engine_foreach_ce(const fot_engine *e, fot_ce_fn fn, void *ud)
{
    fot_ce_foreach(&e->ce, fn, ud);
}

void
fot_engine_foreach_ce_row(const fot_engine *e, fot_ce_fn fn, void *ud)
{
    fot_ce_foreach_row(&e->ce, fn, ud);
}

uint32_t
fot_engine_max_ce_ports(const fot_engine *e)
{
    return e->ce.max_ce_ports;
}

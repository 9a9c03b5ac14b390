/* \summary: the session engine: the session index, opening, closing and turning sessions round, batches */
/* A session belongs to its tunnel: its key is the tunnel's two outer
 * addresses and the inner 5-tuple, the same for both directions, so a packet
 * finds its session with one probe of one hash index over the pool
 * (fot_pool.h), whichever side sent it. The tunnel (fot_tunnels.h) says which
 * end is the CE/B4 (fot_orient.h); its sessions turn round with it. The ends
 * are address nodes (fot_nodes.h) whose CE state fot_ce_state.h keeps;
 * expiry lists (fot_expiry.h) end sessions in order of expiry time. No
 * allocation on the path of a packet of a known session. */
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
#include "fot_tunnels.h"

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
    fot_tunnels tunnels;
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

/* A tunnel reused for another pair lets go of its ends. */
static void
drop_tunnel(void *ctx, const fot_tunnel *x)
{
    fot_engine *e = ctx;
    fot_nodes_unref(&e->nodes, x->end[0]);
    if (x->end[1] != x->end[0])
        fot_nodes_unref(&e->nodes, x->end[1]);
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
    /* A session has a tunnel and a tunnel two nodes: this many of each always include an idle one. */
    uint32_t tunnels = e->cfg.max_sessions ? e->cfg.max_sessions + 1 : 0;
    fot_nodes_init(&e->nodes, tunnels ? tunnels * 2 + 2 : 0, fot_ce_forget, &e->ce);
    fot_tunnels_init(&e->tunnels, &e->pool, tunnels, drop_tunnel, e);
    fot_ce_state_init(&e->ce, &e->nodes, &e->cfg, e->bindings);
    memset(e->tally, 0, sizeof e->tally);
    e->evicted_sessions = 0;
}

static void
free_state(fot_engine *e)
{
    fot_ce_state_destroy(&e->ce);
    fot_tunnels_destroy(&e->tunnels);
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

/* One side of a session: its outer address (by hash) and inner IPv4:port. */
static inline uint64_t
side_word(uint32_t addr_hash, uint32_t ip, uint16_t port)
{
    return ((uint64_t)addr_hash << 32 | ip) ^ ((uint64_t)port * UINT64_C(0x9e3779b97f4a7c15));
}

/* The same for both directions, as Suricata's flow hash: each side mixed on
 * its own, then added. Only hashes of the outer addresses go in, so a
 * packet's slot is known before any node is looked up. */
static inline uint32_t
key_hash(uint64_t side_a, uint64_t side_b, uint8_t proto)
{
    return fot_hash64(((uint64_t)fot_hash64(side_a) + fot_hash64(side_b)) << 8 ^ proto);
}

static uint32_t
session_hash(const fot_engine *e, const fot_session *s)
{
    const fot_node *n = e->nodes.nodes;
    return key_hash(side_word(n[s->ce].hash, s->client_ip, s->client_port),
                    side_word(n[s->br].hash, s->server_ip, s->server_port), s->proto);
}

static uint32_t
packet_hash(const fot_event *ev, uint32_t src_hash, uint32_t dst_hash)
{
    return key_hash(side_word(src_hash, ev->inner_src, ev->src_port), side_word(dst_hash, ev->inner_dst, ev->dst_port),
                    ev->proto);
}

/* What a lookup compares: the packet, its outer addresses' hashes, and where
 * the direction it found goes. */
typedef struct packet_key {
    const fot_event *ev;
    uint32_t src_hash, dst_hash;
    fot_dir *dir;
} packet_key;

static inline bool
node_holds(const fot_node *n, const uint8_t addr[16], uint32_t hash)
{
    return n->hash == hash && memcmp(n->addr, addr, 16) == 0;
}

static bool
session_match(const void *ctx, uint32_t item, const void *key)
{
    const fot_engine *e = ctx;
    const packet_key *k = key;
    const fot_event *ev = k->ev;
    const fot_session *s = item_session(e, item);
    if (s->ce == FOT_POOL_FREE || s->proto != ev->proto)
        return false;
    const fot_node *ce = &e->nodes.nodes[s->ce], *br = &e->nodes.nodes[s->br];
    if (s->client_ip == ev->inner_src && s->client_port == ev->src_port && s->server_ip == ev->inner_dst &&
        s->server_port == ev->dst_port && node_holds(ce, ev->outer_src, k->src_hash) &&
        node_holds(br, ev->outer_dst, k->dst_hash)) {
        *k->dir = FOT_DIR_UP;
        return true;
    }
    if (s->client_ip == ev->inner_dst && s->client_port == ev->dst_port && s->server_ip == ev->inner_src &&
        s->server_port == ev->src_port && node_holds(ce, ev->outer_dst, k->dst_hash) &&
        node_holds(br, ev->outer_src, k->src_hash)) {
        *k->dir = FOT_DIR_DOWN;
        return true;
    }
    return false;
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
    fot_ce_session_closed(&e->ce, s, when);
    fot_tunnels_remove_session(&e->tunnels, item);
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

/* A new session of tunnel t; up: the packet's sender is the CE/B4 side. */
static uint32_t
session_open(fot_engine *e, const fot_event *ev, uint32_t t, bool up)
{
    if (e->cfg.max_sessions && e->active >= e->cfg.max_sessions) {
        /* At the cap: end the session seen least recently. */
        session_close(e, fot_expiry_least_recent(&e->expiry), FOT_END_EVICTED, e->now);
        e->evicted_sessions++;
    }
    const fot_tunnel *x = fot_tunnel_at(&e->tunnels, t);
    uint32_t item = fot_pool_alloc(&e->pool);
    fot_session *s = item_session(e, item);
    fot_session_cold *c = fot_pool_cold_of(s);
    memset(s, 0, sizeof *s);
    memset(c, 0, sizeof *c);
    e->active++;
    e->changes++;
    s->ce = x->end[x->ce];
    s->br = x->end[!x->ce];
    s->client_ip = up ? ev->inner_src : ev->inner_dst;
    s->server_ip = up ? ev->inner_dst : ev->inner_src;
    s->client_port = up ? ev->src_port : ev->dst_port;
    s->server_port = up ? ev->dst_port : ev->src_port;
    s->proto = ev->proto;
    s->tclass = (uint8_t)initial_class(s);
    c->serial = ++e->serial;
    c->first = s->last = e->now; /* before it joins its list, whose order is by last */
    c->hash = session_hash(e, s);
    fot_index_insert(&e->sessions, c->hash, item);
    fot_tunnels_add_session(&e->tunnels, t, item);
    fot_ce_session_opened(&e->ce, s, ev, up ? FOT_DIR_UP : FOT_DIR_DOWN, e->now);
    fot_expiry_append(&e->expiry, item);
    return item;
}

/* Its tunnel turned round: the session moves to the other end's CE/B4, its
 * client and server change places. Its key, the same both ways, stays. */
static void
session_turn(fot_engine *e, uint32_t item)
{
    fot_session *s = item_session(e, item);
    e->changes++;
    fot_ce_session_leaving(&e->ce, s, e->now);
    uint32_t t32;
    uint16_t t16;
    uint64_t t64;
    t32 = s->ce, s->ce = s->br, s->br = t32;
    t32 = s->client_ip, s->client_ip = s->server_ip, s->server_ip = t32;
    t16 = s->client_port, s->client_port = s->server_port, s->server_port = t16;
    t64 = s->packets[0], s->packets[0] = s->packets[1], s->packets[1] = t64;
    t64 = s->bytes[0], s->bytes[0] = s->bytes[1], s->bytes[1] = t64;
    s->flags ^= FOT_SESSION_INBOUND;
    fot_ce_session_turned(&e->ce, s, e->now);
}

static void
tunnel_turn(fot_engine *e, uint32_t t)
{
    for (uint32_t item = fot_tunnel_at(&e->tunnels, t)->first; item; item = fot_pool_cold(&e->pool, item)->tunnel_next)
        session_turn(e, item);
}

/* Evidence in the tunnel's ends changed (configuration, peers): turn it if it says so. */
static void
tunnel_review(fot_engine *e, uint32_t t)
{
    fot_tunnel *x = fot_tunnel_at(&e->tunnels, t);
    unsigned end;
    fot_evidence kind = fot_orient_ends(&e->ce, x, &end);
    if (kind != FOT_EVIDENCE_FIRST_PACKET && fot_orient_update(x, kind, end))
        tunnel_turn(e, t);
}

/* Node n is an end of new tunnel t. Reaching FOT_BR_PEERS tunnels makes it
 * a BR/AFTR by the peers' evidence, which may turn its first tunnels round
 * (later ones are judged as they come). */
static void
note_peer(fot_engine *e, uint32_t n, uint32_t t)
{
    fot_node *x = &e->nodes.nodes[n];
    fot_nodes_ref(&e->nodes, n);
    for (unsigned i = 0; i < 2; i++)
        if (!x->tunnels[i]) {
            x->tunnels[i] = t + 1;
            return;
        }
    if (x->refs != FOT_BR_PEERS)
        return;
    for (unsigned i = 0; i < 2; i++) {
        uint32_t earlier = x->tunnels[i] - 1;
        const fot_tunnel *f = fot_tunnel_at(&e->tunnels, earlier);
        if (earlier != t && (f->end[0] == n || f->end[1] == n))
            tunnel_review(e, earlier);
    }
}

/* The tunnel of a packet whose session is new, made if need be. */
static uint32_t
tunnel_of(fot_engine *e, const fot_event *ev, uint32_t *src, bool *made)
{
    *src = fot_nodes_get(&e->nodes, ev->outer_src);
    /* Held while the other end is found: an idle node is the first a full
     * table reuses, and the sender's may be idle. */
    fot_nodes_ref(&e->nodes, *src);
    uint32_t dst = fot_nodes_get(&e->nodes, ev->outer_dst);
    fot_nodes_unref(&e->nodes, *src);
    uint32_t t = fot_tunnels_get(&e->tunnels, *src, dst, made);
    if (*made) {
        note_peer(e, *src, t);
        if (dst != *src)
            note_peer(e, dst, t);
    }
    return t;
}

/* ---- a packet, alone or in a batch ---- */

/* Where a packet's lookup goes, found ahead of counting it. */
typedef struct lookahead {
    uint32_t src_hash, dst_hash; /* the outer addresses' */
    uint32_t hash;               /* the session key's */
    uint32_t item;               /* the first session its slot names (0: none) */
    uint32_t src_node, dst_node; /* without one: the nodes its outer addresses' slots name, + 1 (0: none) */
} lookahead;

/* Memory is asked for in steps, each step for all of a batch's packets, so
 * that one packet's waits overlap the others' (hints only: find_session
 * checks what was found ahead, as packets before it in the batch may change
 * the table). First the session slot. */
static void
fetch_slot(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    la->src_hash = fot_hash_addr16(ev->outer_src);
    la->dst_hash = fot_hash_addr16(ev->outer_dst);
    la->hash = packet_hash(ev, la->src_hash, la->dst_hash);
    fot_index_prefetch(&e->sessions, la->hash);
}

/* TCP FIN/ACK or RST: the session moves to the closing class. */
static bool
tcp_closing(const fot_event *ev)
{
    return (ev->tcp_flags & FOT_TCP_RST) || ((ev->tcp_flags & FOT_TCP_FIN) && (ev->tcp_flags & FOT_TCP_ACK));
}

/* Then the session that slot names: the one line a packet reads of it, and
 * for a closing TCP packet, which moves it to the closing class's list, its
 * links, through which the list neighbours are found. */
static void
fetch_session(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    la->item = fot_index_peek(&e->sessions, la->hash);
    if (!la->item) { /* a new session, most likely: its ends are looked up next */
        fot_index_prefetch(&e->nodes.index, la->src_hash);
        fot_index_prefetch(&e->nodes.index, la->dst_hash);
        return;
    }
    __builtin_prefetch(item_session(e, la->item));
    if (ev->proto == FOT_IPPROTO_TCP && tcp_closing(ev))
        __builtin_prefetch(fot_pool_cold(&e->pool, la->item));
}

/* Then its CE/B4 and BR/AFTR: the line a packet reads of each. */
static void
fetch_nodes(const fot_engine *e, const lookahead *la)
{
    if (!la->item)
        return;
    const fot_session *s = item_session(e, la->item);
    if (s->ce == FOT_POOL_FREE)
        return;
    __builtin_prefetch(&e->nodes.nodes[s->ce]);
    __builtin_prefetch(&e->nodes.nodes[s->br]);
}

/* In a batch, the steps after the nodes' are for new sessions: their
 * outer addresses' nodes and tunnel slot, ... */
static void
fetch_new_ends(const fot_engine *e, lookahead *la)
{
    la->src_node = fot_index_peek(&e->nodes.index, la->src_hash);
    la->dst_node = fot_index_peek(&e->nodes.index, la->dst_hash);
    if (!la->src_node || !la->dst_node)
        return;
    __builtin_prefetch(&e->nodes.nodes[la->src_node - 1]);
    __builtin_prefetch(&e->nodes.nodes[la->dst_node - 1]);
    fot_tunnels_prefetch_slot(&e->tunnels, la->src_node - 1, la->dst_node - 1);
}

/* ... then the tunnel, ... */
static void
fetch_tunnel(const fot_engine *e, const lookahead *la)
{
    if (!la->item && la->src_node && la->dst_node)
        fot_tunnels_prefetch(&e->tunnels, la->src_node - 1, la->dst_node - 1);
}

/* ... last what a new session of a known tunnel writes beyond it: the link
 * of the tunnel's first session, and its CE's port use. */
static void
fetch_tunnel_links(const fot_engine *e, const fot_event *ev, const lookahead *la)
{
    if (la->item || !la->src_node || !la->dst_node)
        return;
    uint32_t a = la->src_node - 1, b = la->dst_node - 1;
    uint32_t t = fot_tunnels_find(&e->tunnels, a, b);
    if (!t)
        return;
    const fot_tunnel *x = fot_tunnel_at(&e->tunnels, t - 1);
    if (x->first)
        __builtin_prefetch(fot_pool_cold(&e->pool, x->first), 1);
    if (ev->proto == FOT_IPPROTO_TCP || ev->proto == FOT_IPPROTO_UDP) {
        bool up = x->end[x->ce] == a;
        fot_ce_prefetch_port(&e->ce, x->end[x->ce], up ? ev->src_port : ev->dst_port);
    }
}

/* The packet's session (0: none) and the direction it goes in it. */
static uint32_t
find_session(const fot_engine *e, const fot_event *ev, const lookahead *la, fot_dir *dir)
{
    packet_key k = { ev, la->src_hash, la->dst_hash, dir };
    if (la->item && session_match(e, la->item, &k))
        return la->item;
    return fot_index_find(&e->sessions, la->hash, session_match, e, &k);
}

/* The side that opened a session, by its packet's marker m (else the sender),
 * as an end of tunnel x; sender_end: the packet's sender's. */
static unsigned
opener_end(int m, unsigned sender_end)
{
    return m < 0 ? !sender_end : sender_end;
}

static uint32_t
open_for(fot_engine *e, const fot_event *ev, fot_dir *dir)
{
    uint32_t src;
    bool made;
    uint32_t t = tunnel_of(e, ev, &src, &made);
    fot_tunnel *x = fot_tunnel_at(&e->tunnels, t);
    unsigned src_end = fot_tunnel_end_of(x, src), end;
    fot_evidence kind = fot_orient_evidence(&e->ce, x, ev, src_end, &end);
    int m = fot_orient_marker(ev);
    unsigned opener = opener_end(m, src_end);
    if (m)
        x->opened[opener]++;
    if (made) {
        x->ce = (uint8_t)end;
        x->evidence = (uint8_t)kind;
    } else if (fot_orient_update(x, kind, end)) {
        tunnel_turn(e, t);
    }
    *dir = src_end == x->ce ? FOT_DIR_UP : FOT_DIR_DOWN;
    uint32_t item = session_open(e, ev, t, *dir == FOT_DIR_UP);
    item_session(e, item)->flags = (uint8_t)((m ? FOT_SESSION_MARKED : 0) | (opener != x->ce ? FOT_SESSION_INBOUND : 0));
    return item;
}

/* The first marker of a known session says who opened it, which counts as
 * evidence for its tunnel and may turn it round (and *dir with it). */
static void
first_marker(fot_engine *e, uint32_t item, int m, fot_dir *dir)
{
    fot_session *s = item_session(e, item);
    uint32_t t = fot_pool_cold(&e->pool, item)->tunnel;
    fot_tunnel *x = fot_tunnel_at(&e->tunnels, t);
    unsigned sender = *dir == FOT_DIR_UP ? x->ce : !x->ce;
    unsigned opener = opener_end(m, sender);
    s->flags = (uint8_t)(FOT_SESSION_MARKED | (opener != x->ce ? FOT_SESSION_INBOUND : 0));
    x->opened[opener]++;
    if (fot_orient_update(x, FOT_EVIDENCE_MARKERS, opener)) {
        tunnel_turn(e, t);
        *dir = *dir == FOT_DIR_UP ? FOT_DIR_DOWN : FOT_DIR_UP;
    }
}

/* Count the packet; its result in *out when the caller wants it (NULL in a
 * batch: nothing is built that no one reads). */
static void
count_packet(fot_engine *e, const fot_event *ev, const lookahead *la, fot_packet_result *out)
{
    fot_engine_advance(e, ev->time);
    e->ce.crossed_threshold = false;
    fot_dir dir = FOT_DIR_UP;
    bool opened = false;
    uint32_t item = find_session(e, ev, la, &dir);
    if (!item) {
        item = open_for(e, ev, &dir);
        opened = true;
    } else if (!(item_session(e, item)->flags & FOT_SESSION_MARKED)) {
        int m = fot_orient_marker(ev);
        if (m)
            first_marker(e, item, m, &dir);
    }

    fot_session *s = item_session(e, item);
    bool stays = !opened && fot_expiry_stays(&e->expiry, s, e->now);
    if (!stays)
        fot_expiry_prefetch_neighbours(&e->expiry, item);
    int64_t gap = opened ? -1 : e->now - s->last;
    s->packets[dir]++;
    s->bytes[dir] += e->cfg.bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len;
    s->last = e->now;
    bool closes = s->tclass == FOT_CLASS_TCP && tcp_closing(ev);
    fot_expiry_touched(&e->expiry, item, stays, closes ? FOT_CLASS_TCP_CLOSING : (fot_class)s->tclass);
    fot_verdict verdict;
    uint32_t row = fot_ce_count_packet(&e->ce, s, ev, dir, &verdict);
    bool crossed = e->ce.crossed_threshold;
    if (crossed)
        fot_ce_tell_crossed(&e->ce, e->now);
    if (!out)
        return;
    *out = (fot_packet_result){ .session = s, .dir = dir, .opened = opened, .verdict = verdict,
                                .out_of_set = fot_verdict_out_of_set(verdict), .crossed_threshold = crossed,
                                .gap = gap };
    if (row) {
        const fot_held_set *a = fot_ce_held_set(&e->ce, row);
        out->set_ports_in_use = a->ports_in_use;
        out->set_size = fot_set_size(&a->set, (fot_set_source)a->source);
        out->set_ipv4 = a->set.ipv4;
        out->set_psid = a->set.psid;
        out->several_sets = a->next || e->nodes.nodes[s->ce].held_sets != row;
    }
}

fot_packet_result
fot_engine_packet(fot_engine *e, const fot_event *ev)
{
    lookahead la;
    fetch_slot(e, ev, &la);
    fetch_session(e, ev, &la);
    fetch_nodes(e, &la);
    fot_packet_result r;
    count_packet(e, ev, &la, &r);
    return r;
}

void
fot_engine_packets(fot_engine *e, const fot_timed_event *batch, unsigned n)
{
    lookahead la[FOT_ENGINE_BATCH];
    g_assert(n <= FOT_ENGINE_BATCH);
    for (unsigned i = 0; i < n; i++)
        fetch_slot(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++)
        fetch_session(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++) {
        if (la[i].item)
            fetch_nodes(e, &la[i]);
        else
            fetch_new_ends(e, &la[i]);
    }
    for (unsigned i = 0; i < n; i++)
        fetch_tunnel(e, &la[i]);
    for (unsigned i = 0; i < n; i++)
        fetch_tunnel_links(e, &batch[i].ev, &la[i]);
    for (unsigned i = 0; i < n; i++) {
        fot_engine_advance(e, batch[i].clock);
        count_packet(e, &batch[i].ev, &la[i], NULL);
    }
}

/* ---- what the views read ---- */

void
fot_engine_on_end(fot_engine *e, fot_end_fn fn, void *ud)
{
    e->on_end = fn;
    e->on_end_ud = ud;
}

void
fot_engine_on_exhaustion(fot_engine *e, fot_exhaustion_fn fn, void *ud)
{
    e->ce.on_exhaustion = fn;
    e->ce.on_exhaustion_ud = ud;
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

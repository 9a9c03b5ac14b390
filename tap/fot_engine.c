/* Session table: a pool of fixed-size records, a hash index over it, and one
 * list per timeout class, so expiry only ever looks at list heads. Distinct
 * counts are reference counts updated as sessions open and close. No
 * allocation on the path of a packet of a known session.
 *
 * A list is kept in order of time buckets (1/8 of the class's timeout or
 * less, a power of two in ns) of each session's last packet, not of the
 * packets themselves: a packet moves its session to the list's tail only when
 * it starts a new bucket. At 200 000 sessions each move costs two cache misses
 * (the neighbours), and most packets of a session fall in its current bucket.
 * Before a head bucket can hold an expired session, it is sorted by last
 * packet (stably, once); from then on the sessions of sorted buckets move on
 * every packet. So expiry still takes sessions in exact order of expiry time. */
#include "fot_engine.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fot_bigmem.h"
#include "fot_bindings.h"
#include "fot_distinct.h"
#include "fot_index.h"
#include "fot_packet.h"
#include "fot_time.h"

/* An outer IPv6 address; the fields from is_ce on matter once it is a CE/B4.
 * A packet reads the fields up to verdicts: the first cache line of the
 * node (fetch_nodes asks for it; nodes are aligned to lines). Nodes no
 * session refers to wait on an idle list, oldest first, and are reused when
 * the node table is full. */
typedef struct node {
    _Alignas(64) uint8_t addr[16];
    uint32_t hash;
    uint32_t refs;               /* sessions using it as CE or BR */
    uint32_t idle_prev, idle_next; /* node numbers + 1 on the idle list */
    bool is_ce;
    bool many_ips;       /* more than one client IPv4 behind it */
    bool private_ip;     /* a private client IPv4 behind it */
    uint8_t mechanism;   /* fot_mechanism */
    uint32_t accounts;   /* its first port-set account, number (0: none) */
    uint64_t *verdicts;  /* a CE without accounts: packets by verdict, allocated when first judged */
    uint8_t source;      /* fot_set_source */
    bool conflict;       /* another CE claimed its MAP IPv4 + PSID first */
    bool claimed;        /* it holds a claim in the engine's claims */
    fot_port_set set;
    uint32_t client_ip;  /* the first client IPv4 seen */
    uint16_t port_min, port_max;
    uint32_t ports_in_use, peak_ports;
    uint32_t active_sessions;
    int64_t peak_time;
    uint64_t sessions;
} node;
_Static_assert(offsetof(node, source) <= 64, "what a packet reads of a node is one cache line");

/* One port set a CE holds (a softwire of a B4, or its MAP set): the in-set
 * port use and the verdicts of the packets that fall on it; one row of the ce
 * view. Accounts of a CE are chained in (IPv4, PSID) order. */
typedef struct account {
    uint32_t ce;         /* node */
    uint32_t next;       /* the CE's next account, number (0: none) */
    uint32_t softwire;   /* binding number; 0: a MAP rule's set */
    fot_port_set set;
    uint8_t source;      /* fot_set_source */
    bool many_ips;
    uint32_t used_ip;    /* the first client IPv4 counted on it */
    uint32_t ports_in_use, peak_ports;
    int64_t peak_time;
    uint64_t sessions;
    uint64_t verdicts[FOT_VERDICT_COUNT];
} account;

typedef struct session_key {
    uint32_t ce, client_ip, server_ip;
    uint16_t client_port, server_port;
    uint8_t proto;
} session_key;

/* Sorted as (time, item) pairs: the sort then reads no session records. */
typedef struct last_seen {
    int64_t last;
    uint32_t item;
} last_seen;

/* The CE node of a free session: no key holds it, so no lookup matches. */
#define FREE_CE UINT32_MAX

/* What a session keeps beside its fot_session: written when it opens, moves
 * in its expiry list or ends, and read by reports; not by its packets. */
typedef struct session_cold {
    uint32_t hash;
    uint32_t prev, next; /* expiry list of the class, item numbers (0: none) */
    uint32_t serial;
    int64_t first;
} session_cold;

/* Sessions live in chunks that never move, so growth copies nothing. A
 * chunk holds CHUNK_SIZE fot_sessions of one cache line each in 2 MiB (one
 * huge page), then their session_cold parts; chunks are aligned to
 * CHUNK_ALIGN, so a session's cold part is found from its address alone.
 * Item numbers are 1-based. */
#define CHUNK_BITS 15
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define CHUNK_HOT ((size_t)CHUNK_SIZE * sizeof(fot_session))
#define CHUNK_BYTES (CHUNK_HOT + (size_t)CHUNK_SIZE * sizeof(session_cold))
#define CHUNK_ALIGN ((size_t)4 << 20)
_Static_assert(sizeof(fot_session) == 64, "a session's packets read one cache line");
_Static_assert(CHUNK_HOT == FOT_HUGE_PAGE, "a chunk's sessions fill one huge page");
_Static_assert(CHUNK_BYTES <= CHUNK_ALIGN, "a chunk's cold parts are inside its alignment");

/* The last fot_engine_counts, while no session came, went or turned round:
 * stat rows through an idle stretch of capture ask for the same counts again. */
typedef struct counts_seen {
    uint64_t changes; /* the engine's changes when counted; 0: never */
    fot_counts counts;
} counts_seen;

struct fot_engine {
    fot_config cfg;
    int64_t timeout[FOT_CLASS_COUNT];
    int bucket_shift[FOT_CLASS_COUNT]; /* a bucket is 2^shift ns */
    bool started;
    int64_t now;
    int64_t quiet_until; /* no session can expire before this time (a lower bound) */

    fot_session **chunks;
    uint32_t chunk_count, pool_used, free_head;
    uint32_t active;
    uint64_t changes;     /* sessions opened, closed or turned round: what fot_counts reads */
    counts_seen *counted; /* behind a pointer: fot_engine_counts keeps it from a const engine */
    fot_index sessions;
    uint32_t head[FOT_CLASS_COUNT], tail[FOT_CLASS_COUNT];
    int64_t sorted_upto[FOT_CLASS_COUNT]; /* buckets up to this one are in exact last-seen order */
    GArray *sort_buf;                      /* one head bucket's items, while it is sorted */
    uint32_t serial;

    node *nodes;
    uint32_t node_count, node_cap, node_limit;
    uint32_t idle_head, idle_tail; /* node numbers + 1 */
    fot_index node_index;

    uint64_t tally[FOT_TALLY_COUNT];
    uint64_t evicted_sessions, forgotten_ces;
    fot_end_fn on_end;
    void *on_end_ud;

    fot_key48_map ce_ports;   /* (CE node << 16 | client port) -> TCP/UDP sessions using it */
    fot_key48_map set_ports;  /* (account << 16 | client port) -> in-set TCP/UDP sessions using it */
    account *accounts;        /* numbers are 1-based */
    uint32_t account_count, account_cap, free_accounts;
    GHashTable *claims;       /* MAP (IPv4 prefix, PSID) key -> CE node + 1 that claimed it first */
    const fot_bindings *bindings;
    uint32_t *ce_port_hist;   /* number of CEs with n ports in use, n = 0..65536 */
    uint32_t max_ce_ports;
    bool crossed_threshold;   /* by the packet being counted */
};

static inline fot_session *
item_session(const fot_engine *e, uint32_t item)
{
    uint32_t i = item - 1;
    return &e->chunks[i >> CHUNK_BITS][i & (CHUNK_SIZE - 1)];
}

static inline session_cold *
cold_of(const fot_session *s)
{
    uintptr_t base = (uintptr_t)s & ~(uintptr_t)(CHUNK_ALIGN - 1);
    return (session_cold *)(base + CHUNK_HOT) + ((uintptr_t)s - base) / sizeof(fot_session);
}

static inline session_cold *
item_cold(const fot_engine *e, uint32_t item)
{
    return cold_of(item_session(e, item));
}

uint32_t
fot_session_serial(const fot_session *s)
{
    return cold_of(s)->serial;
}

int64_t
fot_session_first(const fot_session *s)
{
    return cold_of(s)->first;
}

fot_proto_index
fot_proto_index_of(uint8_t ip_proto)
{
    return ip_proto == FOT_IPPROTO_TCP ? FOT_P_TCP : ip_proto == FOT_IPPROTO_UDP ? FOT_P_UDP : FOT_P_ICMP;
}

const char *
fot_proto_name(uint8_t ip_proto)
{
    static const char *const names[FOT_P_COUNT] = { "TCP", "UDP", "ICMP" };
    return names[fot_proto_index_of(ip_proto)];
}

static void
init_state(fot_engine *e)
{
    e->started = false;
    e->now = 0;
    e->quiet_until = INT64_MIN;
    e->chunks = NULL;
    e->chunk_count = e->pool_used = e->free_head = e->active = 0;
    fot_index_init(&e->sessions);
    memset(e->head, 0, sizeof e->head);
    memset(e->tail, 0, sizeof e->tail);
    for (int c = 0; c < FOT_CLASS_COUNT; c++)
        e->sorted_upto[c] = -1;
    e->sort_buf = g_array_new(FALSE, FALSE, sizeof(last_seen));
    e->serial = 0;
    e->changes = 1;
    e->counted = g_new0(counts_seen, 1);
    e->nodes = NULL;
    e->node_count = e->node_cap = 0;
    e->idle_head = e->idle_tail = 0;
    /* Each session refers to two nodes: this many nodes always include an idle one. */
    e->node_limit = e->cfg.max_sessions ? e->cfg.max_sessions * 2 + 2 : UINT32_MAX;
    fot_index_init(&e->node_index);
    memset(e->tally, 0, sizeof e->tally);
    e->evicted_sessions = e->forgotten_ces = 0;
    fot_key48_map_init(&e->ce_ports);
    fot_key48_map_init(&e->set_ports);
    e->accounts = NULL;
    e->account_count = e->account_cap = e->free_accounts = 0;
    e->claims = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    e->ce_port_hist = g_new0(uint32_t, 65537);
    e->max_ce_ports = 0;
}

static void
free_state(fot_engine *e)
{
    for (uint32_t i = 0; i < e->chunk_count; i++)
        fot_bigmem_free(e->chunks[i]);
    g_free(e->chunks);
    fot_index_destroy(&e->sessions);
    for (uint32_t i = 0; i < e->node_count; i++)
        g_free(e->nodes[i].verdicts);
    fot_bigmem_free(e->nodes);
    fot_index_destroy(&e->node_index);
    fot_key48_map_destroy(&e->ce_ports);
    fot_key48_map_destroy(&e->set_ports);
    g_free(e->accounts);
    g_hash_table_destroy(e->claims);
    g_free(e->ce_port_hist);
    g_array_free(e->sort_buf, TRUE);
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
    for (int c = 0; c < FOT_CLASS_COUNT; c++) {
        e->timeout[c] = (int64_t)cfg->timeout_s[c] * FOT_NS_PER_SEC;
        while ((e->timeout[c] >> (e->bucket_shift[c] + 1)) >= 8)
            e->bucket_shift[c]++;
    }
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

/* ---- outer IPv6 addresses (CE/B4 and BR/AFTR) ---- */

static bool
node_match(const void *ctx, uint32_t item, const void *key)
{
    const fot_engine *e = ctx;
    return memcmp(e->nodes[item - 1].addr, key, 16) == 0;
}

static uint32_t
node_find(const fot_engine *e, const uint8_t addr[16], uint32_t hash)
{
    return fot_index_find(&e->node_index, hash, node_match, e, addr);
}

static void
idle_unlink(fot_engine *e, uint32_t n)
{
    node *x = &e->nodes[n];
    if (x->idle_prev)
        e->nodes[x->idle_prev - 1].idle_next = x->idle_next;
    else
        e->idle_head = x->idle_next;
    if (x->idle_next)
        e->nodes[x->idle_next - 1].idle_prev = x->idle_prev;
    else
        e->idle_tail = x->idle_prev;
    x->idle_prev = x->idle_next = 0;
}

static void
idle_append(fot_engine *e, uint32_t n)
{
    node *x = &e->nodes[n];
    x->idle_prev = e->idle_tail;
    x->idle_next = 0;
    if (e->idle_tail)
        e->nodes[e->idle_tail - 1].idle_next = n + 1;
    else
        e->idle_head = n + 1;
    e->idle_tail = n + 1;
}

static void
node_ref(fot_engine *e, uint32_t n)
{
    if (e->nodes[n].refs++ == 0)
        idle_unlink(e, n);
}

static void ce_forget(fot_engine *e, node *n);

static void
node_unref(fot_engine *e, uint32_t n)
{
    if (--e->nodes[n].refs == 0)
        idle_append(e, n);
}

/* The table is full: reuse the node idle the longest. Its CE record, if any,
 * is lost, and counted. */
static uint32_t
node_recycle(fot_engine *e)
{
    uint32_t n = e->idle_head - 1;
    node *x = &e->nodes[n];
    idle_unlink(e, n);
    fot_index_remove(&e->node_index, x->hash, n + 1);
    if (x->is_ce) {
        ce_forget(e, x);
        e->forgotten_ces++;
    }
    return n;
}

static uint32_t
node_get(fot_engine *e, const uint8_t addr[16])
{
    uint32_t hash = fot_hash_addr16(addr);
    uint32_t item = node_find(e, addr, hash);
    if (item)
        return item - 1;
    uint32_t n;
    if (e->node_count >= e->node_limit && e->idle_head) {
        n = node_recycle(e);
    } else {
        if (e->node_count == e->node_cap) {
            e->node_cap = e->node_cap ? e->node_cap * 2 : 64;
            node *grown = fot_bigmem_alloc((size_t)e->node_cap * sizeof(node), _Alignof(node));
            if (e->node_count)
                memcpy(grown, e->nodes, (size_t)e->node_count * sizeof(node));
            fot_bigmem_free(e->nodes);
            e->nodes = grown;
        }
        n = e->node_count++;
    }
    node *x = &e->nodes[n];
    memset(x, 0, sizeof *x);
    memcpy(x->addr, addr, 16);
    x->hash = hash;
    fot_index_insert(&e->node_index, hash, n + 1);
    idle_append(e, n);
    return n;
}

const uint8_t *
fot_engine_node_addr(const fot_engine *e, uint32_t n)
{
    return e->nodes[n].addr;
}

/* ---- CE/B4 insight ---- */

const char *
fot_mechanism_name(fot_mechanism m)
{
    static const char *const names[] = { "unknown", "DS-Lite", "MAP-E", "LW4o6" };
    return names[m];
}

/* A MAP rule's CE: its whole address is the one the rule derives from its EA
 * bits (RFC 7597 section 6: IPv4 and PSID in the interface identifier, subnet
 * ID 0; or the older layout). A rule prefix may also cover BRs and other
 * tunnel endpoints, and spoofed or misconfigured sources. */
static const fot_map_rule *
rule_of_ce(const fot_softwire *sw, const uint8_t addr[16], fot_port_set *set)
{
    const fot_map_rule *r = fot_softwire_find_rule(sw, addr);
    if (!r)
        return NULL;
    fot_map_rule_port_set(r, addr, set);
    return fot_map_is_address(r, set, addr) ? r : NULL;
}

/* ---- port sets: the one size and the one exhaustion rule every view uses ---- */

/* Ports of a whole set across every address of it (a CE may get an IPv4 prefix). */
static uint64_t
set_ports(const fot_port_set *set, fot_set_source source)
{
    if (source != FOT_SET_RULE && source != FOT_SET_BINDING)
        return 0;
    return (uint64_t)fot_port_set_size(set) << (32 - set->ipv4_len);
}

uint64_t
fot_ce_set_size(const fot_ce_info *ce)
{
    return set_ports(&ce->set, ce->source);
}

static bool
near_exhaustion(uint64_t size, uint32_t ports, uint32_t threshold)
{
    return size && (uint64_t)ports * 100 >= (uint64_t)threshold * size;
}

bool
fot_ce_near_exhaustion(const fot_ce_info *ce, uint32_t threshold)
{
    return near_exhaustion(fot_ce_set_size(ce), ce->peak_ports, threshold);
}

static inline account *
account_at(const fot_engine *e, uint32_t a)
{
    return &e->accounts[a - 1];
}

static uint64_t
account_size(const account *a)
{
    return set_ports(&a->set, (fot_set_source)a->source);
}

static int
set_order(const fot_port_set *a, const fot_port_set *b)
{
    if (a->ipv4 != b->ipv4)
        return a->ipv4 < b->ipv4 ? -1 : 1;
    return a->psid < b->psid ? -1 : a->psid > b->psid;
}

/* A new account for n, kept in (IPv4, PSID) order so rows never depend on
 * the order of the binding table. */
static void
account_add(fot_engine *e, node *n, uint32_t softwire, const fot_port_set *set, fot_set_source source)
{
    uint32_t a;
    if (e->free_accounts) {
        a = e->free_accounts;
        e->free_accounts = account_at(e, a)->next;
    } else {
        if (e->account_count == e->account_cap) {
            e->account_cap = e->account_cap ? e->account_cap * 2 : 16;
            e->accounts = g_renew(account, e->accounts, e->account_cap);
        }
        a = ++e->account_count;
    }
    account *x = account_at(e, a);
    memset(x, 0, sizeof *x);
    x->ce = (uint32_t)(n - e->nodes);
    x->softwire = softwire;
    x->set = *set;
    x->source = (uint8_t)source;
    uint32_t *link = &n->accounts;
    while (*link && set_order(&account_at(e, *link)->set, set) < 0)
        link = &account_at(e, *link)->next;
    x->next = *link;
    *link = a;
}

/* The account a client IPv4:port counts on: the set holding it, else one on
 * the same address, else the CE's first; 0 when the CE has none. A CE holds
 * few sets, so this walk is short. */
static uint32_t
account_of(const fot_engine *e, const node *n, uint32_t ip, uint16_t port, bool in_set)
{
    uint32_t same_ip = 0;
    for (uint32_t a = n->accounts; a; a = account_at(e, a)->next) {
        const fot_port_set *set = &account_at(e, a)->set;
        if (in_set && fot_port_set_contains(set, ip, port))
            return a;
        uint32_t mask = set->ipv4_len ? UINT32_MAX << (32 - set->ipv4_len) : 0;
        if (!same_ip && (ip & mask) == set->ipv4)
            same_ip = a;
    }
    return same_ip ? same_ip : n->accounts;
}

static uint64_t
claim_key(const fot_port_set *set)
{
    return (uint64_t)set->ipv4 << 24 | (uint64_t)set->ipv4_len << 16 | set->psid;
}

/* A MAP CE's IPv4 + PSID: the first CE to claim it holds it; a later one is in conflict. */
static void
claim(fot_engine *e, node *n)
{
    uint64_t key = claim_key(&n->set);
    uint32_t holder = GPOINTER_TO_UINT(g_hash_table_lookup(e->claims, &key));
    uint32_t me = (uint32_t)(n - e->nodes) + 1;
    if (!holder) {
        uint64_t *k = g_new(uint64_t, 1);
        *k = key;
        g_hash_table_insert(e->claims, k, GUINT_TO_POINTER(me));
        n->claimed = true;
    } else if (holder != me) {
        n->conflict = true;
    }
}

static void
unclaim(fot_engine *e, node *n)
{
    uint64_t key = claim_key(&n->set);
    if (n->claimed)
        g_hash_table_remove(e->claims, &key);
}

/* First time as a CE: what the configuration says of it. */
static void
ce_init(fot_engine *e, node *n)
{
    n->is_ce = true;
    e->ce_port_hist[0]++;
    uint32_t first = fot_bindings_of_b4(e->bindings, n->addr);
    fot_port_set set;
    if (first) {
        for (uint32_t b = first; b; b = fot_bindings_get(e->bindings, b)->next_of_b4) {
            fot_binding_port_set(fot_bindings_get(e->bindings, b), &set);
            account_add(e, n, b, &set, FOT_SET_BINDING);
        }
        n->set = account_at(e, n->accounts)->set;
        n->source = FOT_SET_BINDING;
    } else if (rule_of_ce(e->cfg.softwire, n->addr, &set)) {
        n->set = set;
        n->source = FOT_SET_RULE;
        account_add(e, n, 0, &set, FOT_SET_RULE);
        claim(e, n);
    }
}

/* The evidence rule (README, "Mechanism"): configuration first, then the
 * MAP interface identifier, then the inner addresses, then the ports. */
static void
ce_classify(fot_engine *e, node *n)
{
    uint16_t psid;
    fot_iid_layout iid;
    if (n->source == FOT_SET_BINDING) {
        n->mechanism = FOT_MECH_LW4O6;
    } else if (n->source == FOT_SET_RULE) {
        n->mechanism = FOT_MECH_MAPE;
    } else if (!n->many_ips && (iid = fot_map_iid(n->addr, n->client_ip, &psid)) != FOT_IID_NONE) {
        n->mechanism = FOT_MECH_MAPE;
        if (n->source != FOT_SET_IID) {
            n->source = FOT_SET_IID;
            n->set.ipv4 = n->client_ip;
            n->set.ipv4_len = 32;
            n->set.psid = psid;
            claim(e, n);
        }
    } else if (n->private_ip || n->many_ips) {
        if (n->source == FOT_SET_IID)
            unclaim(e, n);
        n->mechanism = FOT_MECH_DSLITE;
        n->source = FOT_SET_NONE;
        n->conflict = n->claimed = false;
    } else if (n->peak_ports >= 4 && n->port_max - n->port_min < 4096) {
        n->mechanism = FOT_MECH_LW4O6; /* one public IPv4, ports in one narrow range */
    } else {
        n->mechanism = FOT_MECH_UNKNOWN;
    }
}

static void
hist_changed(fot_engine *e, uint32_t before, uint32_t after)
{
    e->ce_port_hist[before]--;
    e->ce_port_hist[after]++;
    if (after > e->max_ce_ports)
        e->max_ce_ports = after;
    while (e->max_ce_ports > 0 && e->ce_port_hist[e->max_ce_ports] == 0)
        e->max_ce_ports--;
}

static void
ce_ports_changed(fot_engine *e, node *n, uint32_t before)
{
    hist_changed(e, before, n->ports_in_use);
    if (n->ports_in_use > n->peak_ports) {
        n->peak_ports = n->ports_in_use;
        n->peak_time = e->now;
    }
}

/* The threshold is crossed when a set's peak first reaches it: once per set. */
static void
set_ports_changed(fot_engine *e, account *a)
{
    if (a->ports_in_use <= a->peak_ports)
        return;
    uint64_t size = account_size(a);
    e->crossed_threshold |= !near_exhaustion(size, a->peak_ports, e->cfg.threshold) &&
                            near_exhaustion(size, a->ports_in_use, e->cfg.threshold);
    a->peak_ports = a->ports_in_use;
    a->peak_time = e->now;
}

static bool
uses_port(const fot_session *s)
{
    return s->proto == FOT_IPPROTO_TCP || s->proto == FOT_IPPROTO_UDP;
}

static bool
in_set(fot_verdict v)
{
    return v == FOT_VERDICT_BOUND || v == FOT_VERDICT_WRONG_BR;
}

/* A session joins its CE: counts, port use, and what its client says. A CE
 * with port sets counts only in-set ports in use: out-of-set ones hold no
 * port of its sets. */
static void
ce_attach(fot_engine *e, const fot_session *s)
{
    node *n = &e->nodes[s->ce];
    n->active_sessions++;
    if (n->sessions++ == 0)
        n->client_ip = s->client_ip;
    else if (s->client_ip != n->client_ip)
        n->many_ips = true;
    n->private_ip |= fot_ipv4_is_private(s->client_ip);
    uint32_t a = n->accounts ? account_of(e, n, s->client_ip, s->client_port, in_set(s->verdict)) : 0;
    if (a) {
        account *x = account_at(e, a);
        if (x->sessions++ == 0)
            x->used_ip = s->client_ip;
        else if (x->used_ip != s->client_ip)
            x->many_ips = true;
        if (uses_port(s) && in_set(s->verdict) &&
            fot_key48_map_add(&e->set_ports, (uint64_t)a << 16 | s->client_port)) {
            x->ports_in_use++;
            n->ports_in_use++;
            ce_ports_changed(e, n, n->ports_in_use - 1);
            set_ports_changed(e, x);
        }
    } else if (uses_port(s)) {
        if (n->ports_in_use == 0 && n->peak_ports == 0) {
            n->port_min = n->port_max = s->client_port;
        } else {
            n->port_min = MIN(n->port_min, s->client_port);
            n->port_max = MAX(n->port_max, s->client_port);
        }
        if (fot_key48_map_add(&e->ce_ports, (uint64_t)s->ce << 16 | s->client_port)) {
            n->ports_in_use++;
            ce_ports_changed(e, n, n->ports_in_use - 1);
        }
    }
    ce_classify(e, n);
}

/* A node that is no CE any more: taken for one by a wrong first-packet
 * guess, or recycled. */
static void
ce_forget(fot_engine *e, node *n)
{
    e->ce_port_hist[0]--;
    unclaim(e, n);
    g_free(n->verdicts);
    uint32_t a = n->accounts;
    while (a) { /* onto the free list */
        uint32_t next = account_at(e, a)->next;
        account_at(e, a)->next = e->free_accounts;
        e->free_accounts = a;
        a = next;
    }
    size_t keep = offsetof(node, is_ce); /* accounts and verdicts too */
    memset((char *)n + keep, 0, sizeof *n - keep);
}

static void
ce_detach(fot_engine *e, const fot_session *s)
{
    node *n = &e->nodes[s->ce];
    n->active_sessions--;
    if (!uses_port(s))
        return;
    if (n->accounts) {
        uint32_t a = account_of(e, n, s->client_ip, s->client_port, in_set(s->verdict));
        if (in_set(s->verdict) && fot_key48_map_remove(&e->set_ports, (uint64_t)a << 16 | s->client_port)) {
            account_at(e, a)->ports_in_use--;
            n->ports_in_use--;
            ce_ports_changed(e, n, n->ports_in_use + 1);
        }
    } else if (fot_key48_map_remove(&e->ce_ports, (uint64_t)s->ce << 16 | s->client_port)) {
        n->ports_in_use--;
        ce_ports_changed(e, n, n->ports_in_use + 1);
    }
}

/* What the BR would decide for the session's client IPv4:port; a MAP CE
 * whose IPv4 + PSID another CE claimed first is in conflict. */
static fot_verdict
judge(const fot_engine *e, const fot_session *s, uint16_t port)
{
    const node *n = &e->nodes[s->ce];
    fot_judgement j;
    fot_softwire_judge(e->cfg.softwire, n->addr, e->nodes[s->br].addr, s->client_ip, port, &j);
    if (n->conflict && (j.verdict == FOT_VERDICT_BOUND || j.verdict == FOT_VERDICT_NONE))
        return FOT_VERDICT_CONFLICT;
    return j.verdict;
}

/* ICMP: an echo or timestamp identifier is the CE's port only when the CE
 * side chose it (its requests, the replies to them); an error is judged by
 * the CE-side port of the packet it quotes. */
static bool
icmp_query(uint8_t type)
{
    return type == FOT_ICMP_ECHO_REQUEST || type == FOT_ICMP_TIMESTAMP_REQUEST || type == FOT_ICMP_ECHO_REPLY ||
           type == FOT_ICMP_TIMESTAMP_REPLY;
}

/* The CE side chose the identifier: its request going up, or the reply coming down. */
static bool
ce_chose_id(const fot_event *ev, fot_dir dir)
{
    bool request = ev->icmp_type == FOT_ICMP_ECHO_REQUEST || ev->icmp_type == FOT_ICMP_TIMESTAMP_REQUEST;
    return icmp_query(ev->icmp_type) && request == (dir == FOT_DIR_UP);
}

/* A session's verdict, judged once: TCP and UDP by the client port; ICMP by
 * the identifier only when the CE side chose it. */
static fot_verdict
session_verdict(const fot_engine *e, const fot_session *s, const fot_event *ev, fot_dir dir)
{
    if (s->proto == FOT_IPPROTO_ICMP && !ce_chose_id(ev, dir))
        return FOT_VERDICT_NONE;
    return judge(e, s, s->client_port);
}

static fot_verdict
packet_verdict(const fot_engine *e, const fot_session *s, const fot_event *ev, fot_dir dir, uint16_t *port)
{
    *port = s->client_port;
    if (ev->proto != FOT_IPPROTO_ICMP)
        return (fot_verdict)s->verdict;
    if (icmp_query(ev->icmp_type))
        return ce_chose_id(ev, dir) ? judge(e, s, s->client_port) : FOT_VERDICT_NONE;
    if (!ev->quoted)
        return FOT_VERDICT_NONE;
    /* Sent to the CE, an error quotes the CE's packet (its source port); from the CE, one sent to it. */
    *port = dir == FOT_DIR_UP ? ev->quoted_dst_port : ev->quoted_src_port;
    return judge(e, s, *port);
}

/* Count the packet's verdict on its row; returns the row's account (0: the CE has none). */
static uint32_t
count_verdict(fot_engine *e, const fot_session *s, fot_verdict v, uint16_t port)
{
    node *n = &e->nodes[s->ce];
    uint32_t a = n->accounts ? account_of(e, n, s->client_ip, port, in_set(v)) : 0;
    if (v == FOT_VERDICT_NONE)
        return a;
    if (a) {
        account_at(e, a)->verdicts[v]++;
    } else {
        if (!n->verdicts)
            n->verdicts = g_new0(uint64_t, FOT_VERDICT_COUNT);
        n->verdicts[v]++;
    }
    return a;
}

static void
fill_row(const fot_engine *e, const node *n, const account *a, fot_ce_info *out)
{
    memset(out, 0, sizeof *out);
    out->node = (uint32_t)(n - e->nodes);
    out->addr = n->addr;
    out->mechanism = (fot_mechanism)n->mechanism;
    out->active_sessions = n->active_sessions;
    if (a) {
        out->source = (fot_set_source)a->source;
        out->set = a->set;
        out->client_ip = a->used_ip;
        out->many_ips = a->many_ips;
        out->ports_in_use = a->ports_in_use;
        out->peak_ports = a->peak_ports;
        out->peak_time = a->peak_time;
        out->sessions = a->sessions;
        out->softwire = a->softwire;
        memcpy(out->verdicts, a->verdicts, sizeof out->verdicts);
    } else {
        out->source = (fot_set_source)n->source;
        out->set = n->set;
        out->client_ip = n->client_ip;
        out->many_ips = n->many_ips;
        out->ports_in_use = n->ports_in_use;
        out->peak_ports = n->peak_ports;
        out->peak_time = n->peak_time;
        out->sessions = n->sessions;
        if (n->verdicts)
            memcpy(out->verdicts, n->verdicts, sizeof out->verdicts);
    }
    for (int v = 0; v < FOT_VERDICT_COUNT; v++)
        if (fot_verdict_out_of_set((fot_verdict)v))
            out->out_of_set += out->verdicts[v];
}

void
fot_engine_ce(const fot_engine *e, uint32_t index, fot_ce_info *out)
{
    const node *n = &e->nodes[index];
    fill_row(e, n, NULL, out);
    /* The CE as a whole: every set's verdicts and sessions. */
    for (uint32_t a = n->accounts; a; a = account_at(e, a)->next)
        for (int v = 0; v < FOT_VERDICT_COUNT; v++) {
            out->verdicts[v] += account_at(e, a)->verdicts[v];
            out->out_of_set += fot_verdict_out_of_set((fot_verdict)v) ? account_at(e, a)->verdicts[v] : 0;
        }
}

void
fot_engine_foreach_ce(const fot_engine *e, fot_ce_fn fn, void *ud)
{
    for (uint32_t i = 0; i < e->node_count; i++) {
        if (!e->nodes[i].is_ce)
            continue;
        fot_ce_info info;
        fot_engine_ce(e, i, &info);
        fn(&info, ud);
    }
}

void
fot_engine_foreach_ce_row(const fot_engine *e, fot_ce_fn fn, void *ud)
{
    for (uint32_t i = 0; i < e->node_count; i++) {
        const node *n = &e->nodes[i];
        if (!n->is_ce)
            continue;
        fot_ce_info info;
        if (!n->accounts) { /* a CE with sets has them from its start: nothing counts on n itself */
            fill_row(e, n, NULL, &info);
            fn(&info, ud);
        }
        for (uint32_t a = n->accounts; a; a = account_at(e, a)->next) {
            fill_row(e, n, account_at(e, a), &info);
            fn(&info, ud);
        }
    }
}

uint32_t
fot_engine_max_ce_ports(const fot_engine *e)
{
    return e->max_ce_ports;
}

/* ---- sessions ---- */

/* From the CE/B4's address hash, not its node number: a packet's two
 * candidate slots are then known before its nodes are looked up, and all
 * four lookups can be fetched from memory at once (fot_engine_packet). */
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
    return key_hash(e->nodes[k->ce].hash, k);
}

static uint32_t
session_find(const fot_engine *e, const session_key *k, uint32_t hash)
{
    return fot_index_find(&e->sessions, hash, session_match, e, k);
}

/* A shift is a floor, also of the negative times a clock set back may give. */
static inline int64_t
bucket_of(const fot_engine *e, int c, int64_t t)
{
    return t >> e->bucket_shift[c];
}

/* The time bucket b of class c starts at (not a left shift: b may be negative). */
static inline int64_t
bucket_start(const fot_engine *e, int c, int64_t b)
{
    return b * ((int64_t)1 << e->bucket_shift[c]);
}

/* No session of class c expires before its head's bucket starts plus the
 * timeout: the list is in bucket order. */
static int64_t
earliest_expiry(const fot_engine *e, int c)
{
    uint32_t h = e->head[c];
    return h ? bucket_start(e, c, bucket_of(e, c, item_session(e, h)->last)) + e->timeout[c] : INT64_MAX;
}

static void
list_unlink(fot_engine *e, uint32_t item)
{
    const fot_session *s = item_session(e, item);
    session_cold *c = cold_of(s);
    if (c->prev)
        item_cold(e, c->prev)->next = c->next;
    else
        e->head[s->tclass] = c->next;
    if (c->next)
        item_cold(e, c->next)->prev = c->prev;
    else
        e->tail[s->tclass] = c->prev;
    c->prev = c->next = 0;
}

static void
list_append(fot_engine *e, uint32_t item)
{
    const fot_session *s = item_session(e, item);
    session_cold *c = cold_of(s);
    c->prev = e->tail[s->tclass];
    c->next = 0;
    if (c->prev) {
        item_cold(e, c->prev)->next = item;
    } else {
        e->head[s->tclass] = item;
        e->quiet_until = MIN(e->quiet_until, earliest_expiry(e, s->tclass));
    }
    e->tail[s->tclass] = item;
}

static int
compare_last(gconstpointer a, gconstpointer b)
{
    int64_t x = ((const last_seen *)a)->last, y = ((const last_seen *)b)->last;
    return x < y ? -1 : x > y;
}

/* Class c's list from item on, while its sessions are in bucket b, as pairs
 * in list order; *rest: the first one after. */
static void
collect_run(const fot_engine *e, GArray *run, uint32_t item, int64_t bucket, int c, uint32_t *rest)
{
    g_array_set_size(run, 0);
    for (; item; item = item_cold(e, item)->next) {
        const fot_session *s = item_session(e, item);
        if (bucket_of(e, c, s->last) != bucket)
            break;
        last_seen p = { s->last, item };
        g_array_append_val(run, p);
    }
    *rest = item;
}

/* Put class c's head bucket in exact last-seen order (g_array_sort is
 * stable: equal times keep their list order). */
static void
sort_head_bucket(fot_engine *e, int c)
{
    int64_t b = bucket_of(e, c, item_session(e, e->head[c])->last);
    if (b <= e->sorted_upto[c])
        return;
    GArray *run = e->sort_buf;
    uint32_t rest;
    collect_run(e, run, e->head[c], b, c, &rest);
    g_array_sort(run, compare_last);
    const last_seen *items = (const last_seen *)(void *)run->data;
    uint32_t n = run->len;
    for (uint32_t i = 0; i < n; i++) {
        session_cold *x = item_cold(e, items[i].item);
        x->prev = i ? items[i - 1].item : 0;
        x->next = i + 1 < n ? items[i + 1].item : rest;
    }
    e->head[c] = items[0].item;
    if (rest)
        item_cold(e, rest)->prev = items[n - 1].item;
    else
        e->tail[c] = items[n - 1].item;
    e->sorted_upto[c] = b;
}

/* Class c's head, if a session of its head bucket may have expired at now:
 * then the bucket is sorted and the head is the class's next to expire. */
static uint32_t
due_head(fot_engine *e, int c, int64_t now)
{
    uint32_t h = e->head[c];
    if (!h)
        return 0;
    int64_t b = bucket_of(e, c, item_session(e, h)->last);
    if (b > e->sorted_upto[c]) {
        if (bucket_start(e, c, b) + e->timeout[c] > now)
            return 0;
        sort_head_bucket(e, c);
    }
    return e->head[c];
}

/* A packet at now leaves its session where it is: same bucket, not sorted. */
static bool
stays_in_place(const fot_engine *e, const fot_session *s, int64_t now)
{
    int64_t b = bucket_of(e, s->tclass, s->last);
    return b > e->sorted_upto[s->tclass] && b == bucket_of(e, s->tclass, now);
}

/* The expiry list's neighbours a relink will write, fetched meanwhile. */
static void
prefetch_neighbours(const fot_engine *e, uint32_t item)
{
    const session_cold *c = item_cold(e, item);
    if (c->prev)
        __builtin_prefetch(&item_cold(e, c->prev)->next, 1);
    if (c->next)
        __builtin_prefetch(&item_cold(e, c->next)->prev, 1);
}

static uint32_t
pool_alloc(fot_engine *e)
{
    if (e->free_head) {
        uint32_t item = e->free_head;
        e->free_head = item_cold(e, item)->next;
        return item;
    }
    if (e->pool_used == e->chunk_count * CHUNK_SIZE) {
        e->chunks = g_renew(fot_session *, e->chunks, e->chunk_count + 1);
        fot_session *chunk = fot_bigmem_alloc(CHUNK_BYTES, CHUNK_ALIGN);
        /* A second chunk makes the table bigger than the TLB reaches; a
         * small table (a short capture, each fuzz input) keeps plain pages. */
        if (e->chunk_count > 0)
            fot_bigmem_huge(chunk, CHUNK_HOT);
        e->chunks[e->chunk_count++] = chunk;
    }
    return ++e->pool_used;
}

static void
session_close(fot_engine *e, uint32_t item, fot_end_reason why, int64_t when)
{
    fot_session *s = item_session(e, item);
    if (e->on_end)
        e->on_end(s, why, when, e->on_end_ud);
    list_unlink(e, item);
    session_cold *c = cold_of(s);
    fot_index_remove(&e->sessions, c->hash, item);
    ce_detach(e, s);
    node_unref(e, s->ce);
    node_unref(e, s->br);
    e->active--;
    e->changes++;
    s->ce = FREE_CE; /* a batch's guess (lookahead) may still name it */
    c->next = e->free_head;
    e->free_head = item;
}

/* At the cap: end the session seen least recently (the oldest list head,
 * once the head buckets are sorted). */
static void
evict_least_recent(fot_engine *e)
{
    uint32_t oldest = 0;
    for (int c = 0; c < FOT_CLASS_COUNT; c++) {
        if (!e->head[c])
            continue;
        sort_head_bucket(e, c);
        if (!oldest || item_session(e, e->head[c])->last < item_session(e, oldest)->last)
            oldest = e->head[c];
    }
    session_close(e, oldest, FOT_END_EVICTED, e->now);
    e->evicted_sessions++;
}

/* Mostly nothing is due: quiet_until says so without looking at the lists. */
void
fot_engine_advance(fot_engine *e, int64_t now)
{
    if (e->started && now <= e->now)
        return;
    e->started = true;
    e->now = now;
    if (now < e->quiet_until)
        return;
    for (;;) {
        uint32_t item = 0;
        int64_t expiry = 0;
        for (int c = 0; c < FOT_CLASS_COUNT; c++) {
            uint32_t h = due_head(e, c, now);
            if (!h)
                continue;
            int64_t x = item_session(e, h)->last + e->timeout[c];
            if (x <= now && (!item || x < expiry)) {
                item = h;
                expiry = x;
            }
        }
        if (!item)
            break;
        session_close(e, item, FOT_END_TIMEOUT, expiry);
    }
    e->quiet_until = INT64_MAX;
    for (int c = 0; c < FOT_CLASS_COUNT; c++)
        e->quiet_until = MIN(e->quiet_until, earliest_expiry(e, c));
}

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

/* Which side a packet's markers say is the client: 1 the sender, -1 the
 * receiver, 0 no marker. An ICMP error goes back to whoever sent the packet
 * that caused it, so its receiver is the client side. */
static int
marker(const fot_event *ev)
{
    if (ev->proto == FOT_IPPROTO_TCP) {
        if (!(ev->tcp_flags & FOT_TCP_SYN) || (ev->tcp_flags & FOT_TCP_RST))
            return 0;
        return (ev->tcp_flags & FOT_TCP_ACK) ? -1 : 1;
    }
    if (ev->proto != FOT_IPPROTO_ICMP)
        return 0;
    switch (ev->icmp_type) {
    case FOT_ICMP_ECHO_REQUEST:
    case FOT_ICMP_TIMESTAMP_REQUEST:
        return 1;
    case FOT_ICMP_ECHO_REPLY:
    case FOT_ICMP_TIMESTAMP_REPLY:
    case FOT_ICMP_UNREACHABLE:
    case FOT_ICMP_SOURCE_QUENCH:
    case FOT_ICMP_REDIRECT:
    case FOT_ICMP_TIME_EXCEEDED:
    case FOT_ICMP_PARAMETER_PROBLEM:
        return -1;
    default:
        return 0;
    }
}

/* A B4 with a binding, or a MAP rule's CE. */
static bool
configured_ce(const fot_engine *e, const uint8_t addr[16])
{
    fot_port_set set;
    return fot_bindings_of_b4(e->bindings, addr) || rule_of_ce(e->cfg.softwire, addr, &set);
}

static fot_dir
orient_new(const fot_engine *e, const fot_event *ev, fot_orient *how)
{
    if (fot_config_src_matches(&e->cfg, ev->inner_src)) {
        *how = FOT_ORIENT_SRC_HINT;
        return FOT_DIR_UP;
    }
    if (fot_config_src_matches(&e->cfg, ev->inner_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return FOT_DIR_DOWN;
    }
    const fot_softwire *sw = e->cfg.softwire;
    if (fot_softwire_is_br(sw, ev->outer_src) || fot_softwire_is_br(sw, ev->outer_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return fot_softwire_is_br(sw, ev->outer_dst) ? FOT_DIR_UP : FOT_DIR_DOWN;
    }
    if (configured_ce(e, ev->outer_src) || configured_ce(e, ev->outer_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return configured_ce(e, ev->outer_src) ? FOT_DIR_UP : FOT_DIR_DOWN;
    }
    int m = marker(ev);
    *how = m ? FOT_ORIENT_MARKER : FOT_ORIENT_FIRST_PACKET;
    return m < 0 ? FOT_DIR_DOWN : FOT_DIR_UP;
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

/* addr's node: known (number + 1, 0: not) when it still holds addr, else node_get. */
static uint32_t
node_known(fot_engine *e, uint32_t known, const uint8_t addr[16])
{
    if (known && memcmp(e->nodes[known - 1].addr, addr, 16) == 0)
        return known - 1;
    return node_get(e, addr);
}

/* src_node, dst_node: the outer addresses' nodes + 1 as the packet found them (0: none). */
static uint32_t
session_open(fot_engine *e, const fot_event *ev, fot_dir dir, fot_orient how, uint32_t src_node, uint32_t dst_node)
{
    if (e->cfg.max_sessions && e->active >= e->cfg.max_sessions)
        evict_least_recent(e);
    bool up = dir == FOT_DIR_UP;
    uint32_t ce = node_known(e, up ? src_node : dst_node, up ? ev->outer_src : ev->outer_dst);
    node_ref(e, ce);
    uint32_t br = node_known(e, up ? dst_node : src_node, up ? ev->outer_dst : ev->outer_src);
    node_ref(e, br);
    uint32_t item = pool_alloc(e);
    fot_session *s = item_session(e, item);
    session_cold *c = cold_of(s);
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
    if (!e->nodes[ce].is_ce)
        ce_init(e, &e->nodes[ce]);
    s->verdict = (uint8_t)session_verdict(e, s, ev, dir);
    ce_attach(e, s);
    list_append(e, item);
    return item;
}

/* The first packet guessed wrong (a SYN now comes from the "server"): turn the
 * session around, which moves it to the other side's CE/B4. */
static void
session_flip(fot_engine *e, uint32_t item)
{
    fot_session *s = item_session(e, item);
    session_cold *c = cold_of(s);
    e->changes++;
    fot_index_remove(&e->sessions, c->hash, item);
    ce_detach(e, s);
    if (--e->nodes[s->ce].sessions == 0)
        ce_forget(e, &e->nodes[s->ce]);
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
    if (!e->nodes[s->ce].is_ce)
        ce_init(e, &e->nodes[s->ce]);
    if (s->proto != FOT_IPPROTO_ICMP || s->verdict != FOT_VERDICT_NONE) /* the other side is the client now */
        s->verdict = (uint8_t)judge(e, s, s->client_port);
    ce_attach(e, s);
}

/* Where a packet's lookups go, found ahead of counting it. */
typedef struct lookahead {
    uint32_t src_hash, dst_hash; /* the outer addresses' */
    uint32_t src_node, dst_node; /* the outer addresses' node numbers + 1 as found ahead (0: none) */
    bool up, down;               /* which of the two was a CE/B4 node ahead: for that side */
    uint32_t up_hash, down_hash; /* the session key's hash (else 0) */
    uint32_t up_item, down_item; /* and the first session its slot names (else 0) */
} lookahead;

static session_key
packet_key(const fot_event *ev, fot_dir dir, uint32_t ce)
{
    session_key k = { ce, ev->inner_src, ev->inner_dst, ev->src_port, ev->dst_port, ev->proto };
    if (dir == FOT_DIR_DOWN)
        k = (session_key){ ce, ev->inner_dst, ev->inner_src, ev->dst_port, ev->src_port, ev->proto };
    return k;
}

/* Memory is asked for in steps, each step for all of a batch's packets, so
 * that one packet's waits overlap the others' (hints only: packet_ahead
 * checks what was found ahead, as packets before it in the batch may change
 * the table). First the node slots of the outer addresses. */
static void
fetch_node_slots(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    la->src_hash = fot_hash_addr16(ev->outer_src);
    la->dst_hash = fot_hash_addr16(ev->outer_dst);
    fot_index_prefetch(&e->node_index, la->src_hash);
    fot_index_prefetch(&e->node_index, la->dst_hash);
}

/* Then the nodes those slots name: the line a packet reads of each. */
static void
fetch_nodes(const fot_engine *e, const lookahead *la)
{
    uint32_t src = fot_index_peek(&e->node_index, la->src_hash), dst = fot_index_peek(&e->node_index, la->dst_hash);
    if (src)
        __builtin_prefetch(&e->nodes[src - 1]);
    if (dst)
        __builtin_prefetch(&e->nodes[dst - 1]);
}

/* Then the session slot on the side that is a CE/B4 (mostly one: the other
 * side is the BR/AFTR); a side with no node yet holds no session. */
static void
fetch_session_slots(const fot_engine *e, const fot_event *ev, lookahead *la)
{
    uint32_t src = node_find(e, ev->outer_src, la->src_hash), dst = node_find(e, ev->outer_dst, la->dst_hash);
    la->src_node = src;
    la->dst_node = dst;
    la->up = src && e->nodes[src - 1].is_ce;
    la->down = dst && e->nodes[dst - 1].is_ce;
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
            __builtin_prefetch(item_cold(e, la->up_item));
    }
    if (la->down_item) {
        __builtin_prefetch(item_session(e, la->down_item));
        if (moves)
            __builtin_prefetch(item_cold(e, la->down_item));
    }
}

static fot_packet_result packet_ahead(fot_engine *e, const fot_event *ev, const lookahead *la);

/* The node found ahead if it still holds addr (a node is only ever reused for
 * another address), else a lookup: packets before in the batch may have added it. */
static uint32_t
node_again(const fot_engine *e, uint32_t ahead, const uint8_t addr[16], uint32_t hash)
{
    if (ahead && memcmp(e->nodes[ahead - 1].addr, addr, 16) == 0)
        return ahead;
    return node_find(e, addr, hash);
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

fot_packet_result
fot_engine_packet(fot_engine *e, const fot_event *ev)
{
    lookahead la;
    fetch_node_slots(e, ev, &la);
    fetch_nodes(e, &la);
    fetch_session_slots(e, ev, &la);
    fetch_session(e, ev, &la);
    return packet_ahead(e, ev, &la);
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
        packet_ahead(e, &batch[i].ev, &la[i]);
    }
}

static fot_packet_result
packet_ahead(fot_engine *e, const fot_event *ev, const lookahead *la)
{
    fot_engine_advance(e, ev->time);
    fot_packet_result r = { NULL, FOT_DIR_UP, false, FOT_VERDICT_NONE, false, false, 0, 0, -1 };
    e->crossed_threshold = false;

    /* Only a node that is a CE can hold the session's key. */
    uint32_t item = 0;
    uint32_t src_any = node_again(e, la->src_node, ev->outer_src, la->src_hash);
    uint32_t dst_any = node_again(e, la->dst_node, ev->outer_dst, la->dst_hash);
    uint32_t src_node = src_any && e->nodes[src_any - 1].is_ce ? src_any : 0;
    uint32_t dst_node = dst_any && e->nodes[dst_any - 1].is_ce ? dst_any : 0;
    if (src_node) {
        session_key up = packet_key(ev, FOT_DIR_UP, src_node - 1);
        item = session_again(e, la->up_item, la->up_hash, la->src_hash, &up);
    }
    if (!item && dst_node) {
        session_key down = packet_key(ev, FOT_DIR_DOWN, dst_node - 1);
        item = session_again(e, la->down_item, la->down_hash, la->dst_hash, &down);
        r.dir = FOT_DIR_DOWN;
    }

    if (item) {
        int m = marker(ev);
        bool contradicts = (m > 0 && r.dir == FOT_DIR_DOWN) || (m < 0 && r.dir == FOT_DIR_UP);
        const fot_session *s = item_session(e, item);
        if (contradicts && s->orient == FOT_ORIENT_FIRST_PACKET) {
            /* The marker puts the client behind this packet's other outer address. */
            fot_dir turned = r.dir == FOT_DIR_UP ? FOT_DIR_DOWN : FOT_DIR_UP;
            uint32_t other = turned == FOT_DIR_UP ? src_node : dst_node;
            uint32_t twin = 0;
            if (other) {
                session_key k = { other - 1, s->server_ip, s->client_ip, s->server_port, s->client_port, s->proto };
                twin = session_find(e, &k, session_hash(e, &k));
            }
            if (twin) { /* already open that way round: never two sessions with one key */
                item = twin;
            } else if ((turned == FOT_DIR_UP ? src_any : dst_any) == s->br + 1) {
                session_flip(e, item); /* the first packet's guess was wrong */
            } else { /* another CE/B4's session with the same inner addresses */
                item = session_open(e, ev, turned, FOT_ORIENT_MARKER, src_any, dst_any);
                r.opened = true;
            }
            r.dir = turned;
        }
    } else {
        fot_orient how;
        r.dir = orient_new(e, ev, &how);
        item = session_open(e, ev, r.dir, how, src_any, dst_any);
        r.opened = true;
    }

    fot_session *s = item_session(e, item);
    bool stays = !r.opened && stays_in_place(e, s, e->now);
    if (!stays)
        prefetch_neighbours(e, item);
    if (!r.opened)
        r.gap = e->now - s->last;
    s->packets[r.dir]++;
    s->bytes[r.dir] += e->cfg.bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len;
    s->last = e->now;
    bool closing = tcp_closing(ev);
    bool newest = e->tail[s->tclass] == item;
    if (s->tclass == FOT_CLASS_TCP && closing) {
        list_unlink(e, item);
        s->tclass = FOT_CLASS_TCP_CLOSING;
        list_append(e, item);
    } else if (!newest && !stays) { /* keep each list in bucket order */
        list_unlink(e, item);
        list_append(e, item);
    }
    uint16_t port;
    r.verdict = packet_verdict(e, s, ev, r.dir, &port);
    r.out_of_set = fot_verdict_out_of_set(r.verdict);
    uint32_t row = count_verdict(e, s, r.verdict, port);
    if (row) {
        const account *a = account_at(e, row);
        r.set_ports = a->ports_in_use;
        r.set_size = account_size(a);
    }
    r.crossed_threshold = e->crossed_threshold;
    r.session = s;
    return r;
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

static uint32_t
count_bits(const uint64_t *bits, size_t words)
{
    uint32_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint32_t)__builtin_popcountll(bits[i]);
    return n;
}

/* Counted when asked (a stat row, a table), from the pool's lines in order:
 * keeping them up to date as sessions opened and closed cost random writes
 * into reference counts at every opening and closing, many times more. */
static void
count_sessions(const fot_engine *e, fot_counts *out)
{
    enum { WORDS = 65536 / 64 };
    memset(out, 0, sizeof *out);
    fot_count_map ips[FOT_P_COUNT];
    uint64_t *client_ports = g_new0(uint64_t, FOT_P_COUNT * WORDS);
    uint64_t *server_ports = g_new0(uint64_t, FOT_P_COUNT * WORDS);
    for (int p = 0; p < FOT_P_COUNT; p++)
        fot_count_map_init(&ips[p]);
    for (uint32_t item = 1; item <= e->pool_used; item++) {
        const fot_session *s = item_session(e, item);
        if (s->ce == FREE_CE)
            continue;
        fot_proto_index p = fot_proto_index_of(s->proto);
        out->proto[p].sessions++;
        fot_count_map_add(&ips[p], s->server_ip);
        client_ports[p * WORDS + s->client_port / 64] |= UINT64_C(1) << (s->client_port % 64);
        server_ports[p * WORDS + s->server_port / 64] |= UINT64_C(1) << (s->server_port % 64);
    }
    for (int p = 0; p < FOT_P_COUNT; p++) {
        out->proto[p].dst_ips = ips[p].distinct;
        out->proto[p].src_ports = count_bits(client_ports + p * WORDS, WORDS);
        out->proto[p].dst_ports = count_bits(server_ports + p * WORDS, WORDS);
        out->sessions += out->proto[p].sessions;
        fot_count_map_destroy(&ips[p]);
    }
    g_free(client_ports);
    g_free(server_ports);
}

void
fot_engine_counts(const fot_engine *e, fot_counts *out)
{
    if (e->counted->changes != e->changes) {
        count_sessions(e, &e->counted->counts);
        e->counted->changes = e->changes;
    }
    *out = e->counted->counts;
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
    return e->forgotten_ces;
}

/* In the order of the pool: its lines one after the other, not the list
 * order, which would cost a miss a session and a sort of the unsorted buckets. */
void
fot_engine_foreach(const fot_engine *e, fot_session_fn fn, void *ud)
{
    for (uint32_t item = 1; item <= e->pool_used; item++) {
        const fot_session *s = item_session(e, item);
        if (s->ce != FREE_CE)
            fn(s, ud);
    }
}

int64_t
fot_engine_expiry(const fot_engine *e, const fot_session *s)
{
    return s->last + e->timeout[s->tclass];
}

/* libFuzzer target: the session engine and the modes over time.
 *
 * The input is a small program. Its first 8 bytes choose a -z argument string
 * (mode and options from fixed lists, parsed by fot_config_parse_args) and the
 * driver: fot_run, as tshark drives it, or the fot_engine API alone. Each
 * later record is one call: a frame at a time that mostly moves forward, a
 * tunnelled packet built from small pools of addresses and ports (so sessions
 * collide, reverse, time out, reopen and flip), a tally, a check, a reset.
 * At each check record and at the end, invariants that hold for every input
 * are checked through the public API; a broken one aborts. */
#include <arpa/inet.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fot_args.h"
#include "fot_bindings.h"
#include "fot_engine.h"
#include "fot_mode.h"
#include "fot_packet.h"
#include "fot_report.h"
#include "fot_run.h"
#include "fot_time.h"

static void
broken(const char *what, int line)
{
    fprintf(stderr, "fuzz_engine.c:%d: invariant broken: %s\n", line, what);
    abort();
}

#define CHECK(cond) ((cond) ? (void)0 : broken(#cond, __LINE__))

/* ---- the input ---- */

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

/* Past the end every read gives zeros, so any input is a whole program. */
static uint8_t
take8(reader *r)
{
    if (r->left == 0)
        return 0;
    r->left--;
    return *r->p++;
}

static uint16_t
take16(reader *r)
{
    uint16_t hi = take8(r);
    return (uint16_t)(hi << 8 | take8(r));
}

/* The low n bits of *word, shifted out. */
static unsigned
take_bits(uint64_t *word, unsigned n)
{
    unsigned v = (unsigned)(*word & ((UINT64_C(1) << n) - 1));
    *word >>= n;
    return v;
}

/* ---- what the header chooses from ---- */

#define HEADER_BYTES 8

/* With these intervals and timeouts, the rows a stat run still prints through
 * a skipped gap (the longest timeout's worth) stay under 500. */
static const char *const intervals[8] = { "1", "0.5", "2.5", "7", "60", "0.75", "1.000000001", "10" };
static const char *const timeout_options[FOT_CLASS_COUNT] = { "tcp_timeout", "tcp_close_timeout", "udp_timeout",
                                                              "dns_timeout", "icmp_timeout" };
static const char *const timeouts[8] = { NULL, "1", "2", "3", "10", "60", "240", "5" }; /* NULL: default */
static const char *const sorts[4] = { "bytes", "packets", "recent", "oldest" };
static const char *const heights[4] = { "30", "0", "1", "3" };
static const char *const refreshes[4] = { "auto", "on", "off", "on" };
static const char *const delimiters[4] = { NULL, "tab", "||", "semicolon" };
static const char *const srcs[4] = { NULL, "192.168.0.0/16", "198.51.100.5", "0.0.0.0/0" };
static const char *const thresholds[4] = { NULL, "1", "50", "100" };
/* The cap: none, or small enough that sessions are evicted and nodes recycled. */
static const char *const max_sessions[4] = { "0", "1", "3", NULL };

/* RFC 7597 Appendix A; the Japanese parameters (offset 4, legacy interface
 * identifiers); one over a DS-Lite B4 (4 PSID bits); a short one that gives
 * each CE a /28 and covers most addresses below, so the longest prefix wins. */
static const char *const map_rules[4] = {
    "2001:db8::/40;192.0.2.0/24;16;6",
    "2001:db8:1000::/36;198.51.100.0/24;16;4",
    "2001:db8:1::/48;203.0.113.0/24;12;4",
    "2001:db8::/32;192.0.2.0/24;4",
};
static const char *const lw_bindings[3] = {
    "2001:db8:aaaa::5;198.51.100.5;3;6",
    "2001:db8:aaaa::6;198.51.100.5;4;6",
    "2001:db8:2::1;192.0.2.1;0;0",
};
static const char *const brs[2] = { "2001:db8:ffff::1", "2001:db8::ffff/128" };

/* Outer IPv6 addresses: what the rules, bindings and BRs above are about. */
static const char *const outer_text[8] = {
    "2001:db8:ffff::1",                     /* BR/AFTR: brs[0]; under map_rules[3] */
    "2001:db8:1::1",                        /* DS-Lite B4; under map_rules[2] */
    "2001:db8:2::1",                        /* DS-Lite B4; lw_bindings[2] */
    "2001:db8:12:3400:0:c000:212:34",       /* MAP-E CE of map_rules[0]: 192.0.2.18, PSID 0x34 */
    "2001:db8:1c89:a000:c6:3364:c800:9a00", /* MAP-E CE of map_rules[1], legacy IID: 198.51.100.200 */
    "2001:db8:aaaa::5",                     /* LW4o6 B4 of lw_bindings[0] */
    "2001:db8:aaaa::6",                     /* LW4o6 B4 of lw_bindings[1] */
    "2001:db8::ffff",                       /* brs[1]; inside map_rules[0] and [3] */
};
static uint8_t outer_pool[G_N_ELEMENTS(outer_text)][16];

static const uint32_t inner_pool[8] = {
    0xc0a8010a, /* 192.168.1.10: private, a DS-Lite client */
    0x0a000001, /* 10.0.0.1 */
    0xc0000212, /* 192.0.2.18: the IPv4 of map_rules[0]'s CE */
    0xc63364c8, /* 198.51.100.200: the IPv4 of map_rules[1]'s CE */
    0xc6336405, /* 198.51.100.5: the bindings' IPv4 */
    0xcb00710a, /* 203.0.113.10: servers */
    0xcb007135, /* 203.0.113.53 */
    0x08080808, /* 8.8.8.8 */
};

/* DNS (its own timeout class), servers, a port in lw_bindings[0]'s set and
 * one in map_rules[1]'s CE's set, a high one, 0; index 7 reads 16 bits. */
static const uint16_t port_pool[7] = { 53, 80, 443, 1408, 6560, 40000, 0 };

/* Capture times given: FOT_TIME_MIN..FOT_TIME_MAX (about 1897 to 2116), the
 * bounds the plugin clamps pcapng timestamps to. */
#define TIME_MIN FOT_TIME_MIN
#define TIME_MAX FOT_TIME_MAX

static const int64_t start_times[4] = {
    INT64_C(1714521600) * FOT_NS_PER_SEC,    /* 2024-05-01T00:00:00Z */
    0,                                       /* the epoch */
    -INT64_C(86400) * FOT_NS_PER_SEC,        /* before it: floors of negative times */
    INT64_C(4102444800) * FOT_NS_PER_SEC,    /* 2100-01-01 */
};

/* Jumps (expiring a class, skipping a gap) print up to the longest timeout's
 * worth of stat rows each; this many per input keeps every input fast. */
#define JUMPS_PER_INPUT 16

static FILE *devnull;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (unsigned i = 0; i < G_N_ELEMENTS(outer_pool); i++)
        if (inet_pton(AF_INET6, outer_text[i], outer_pool[i]) != 1)
            abort();
    devnull = fopen("/dev/null", "w");
    if (!devnull)
        abort();
    return 0;
}

/* ---- the program's state ---- */

typedef struct harness {
    fot_run *run;        /* the run driver: as tshark drives it */
    fot_engine *engine;  /* the engine driver: the engine API alone */
    int frac_digits;
    int64_t cursor;      /* time of the last frame */
    int64_t latest;      /* the latest frame time: the run's clock */
    bool framed;         /* a frame has been given */
    unsigned jumps_left;
    /* What the engine must report, counted here since its start or reset. */
    int64_t engine_time; /* the latest time given to it */
    bool engine_timed;
    uint64_t tally[FOT_TALLY_COUNT];
    uint64_t ended, evicted;
    int64_t last_end;    /* sessions end in time order */
    GString *text;       /* rendered reports, thrown away */
} harness;

static const fot_engine *
engine_of(const harness *h)
{
    return h->run ? fot_run_engine(h->run) : h->engine;
}

static const fot_config *
config_of(const harness *h)
{
    return fot_engine_config(engine_of(h));
}

static bool
in_outer_pool(const uint8_t addr[16])
{
    for (unsigned i = 0; i < G_N_ELEMENTS(outer_pool); i++)
        if (memcmp(addr, outer_pool[i], 16) == 0)
            return true;
    return false;
}

static bool
in_inner_pool(uint32_t ip)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(inner_pool); i++)
        if (inner_pool[i] == ip)
            return true;
    return false;
}

/* ---- invariants ---- */

static int
compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t
distinct(uint32_t *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_u32);
    uint32_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += i == 0 || v[i] != v[i - 1];
    return count;
}

static int
compare_key(const void *a, const void *b)
{
    const fot_session *x = *(const fot_session *const *)a, *y = *(const fot_session *const *)b;
    uint64_t kx[4] = { (uint64_t)x->ce << 8 | x->proto, (uint64_t)x->client_ip << 16 | x->client_port,
                       (uint64_t)x->server_ip << 16 | x->server_port, x->br };
    uint64_t ky[4] = { (uint64_t)y->ce << 8 | y->proto, (uint64_t)y->client_ip << 16 | y->client_port,
                       (uint64_t)y->server_ip << 16 | y->server_port, y->br };
    for (int i = 0; i < 4; i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

static bool
valid_class(const fot_session *s)
{
    switch (s->proto) {
    case FOT_IPPROTO_TCP:
        return s->tclass == FOT_CLASS_TCP || s->tclass == FOT_CLASS_TCP_CLOSING;
    case FOT_IPPROTO_UDP:
        return s->tclass == ((s->client_port == 53 || s->server_port == 53) ? FOT_CLASS_DNS : FOT_CLASS_UDP);
    case FOT_IPPROTO_ICMP:
        return s->tclass == FOT_CLASS_ICMP && s->client_port == s->server_port;
    default:
        return false;
    }
}

static void
collect_session(const fot_session *s, void *ud)
{
    g_ptr_array_add(ud, (gpointer)s);
}

static void
collect_ce(const fot_ce_info *ce, void *ud)
{
    g_array_append_val((GArray *)ud, *ce);
}

static void
check_session(const harness *h, const fot_session *s)
{
    const fot_engine *e = engine_of(h);
    const fot_config *c = config_of(h);
    int64_t now = fot_engine_now(e);
    CHECK(valid_class(s));
    CHECK((s->flags & ~(FOT_SESSION_INBOUND | FOT_SESSION_MARKED)) == 0);
    CHECK(s->packets[0] + s->packets[1] >= 1);
    CHECK(fot_session_first(s) <= s->last && s->last <= now);
    CHECK(fot_engine_expiry(e, s) == s->last + (int64_t)c->timeout_s[s->tclass] * FOT_NS_PER_SEC);
    CHECK(fot_engine_expiry(e, s) > now); /* active */
    CHECK(fot_session_serial(s) >= 1 && fot_session_serial(s) <= fot_engine_sessions_opened(e));
    CHECK(in_outer_pool(fot_engine_node_addr(e, s->ce)) && in_outer_pool(fot_engine_node_addr(e, s->br)));
    CHECK(in_inner_pool(s->client_ip) && in_inner_pool(s->server_ip));
}

/* Distinct counts per protocol, recomputed from the sessions. */
static void
check_counts(const fot_engine *e, GPtrArray *all)
{
    fot_counts counts;
    fot_engine_counts(e, &counts);
    CHECK(counts.sessions == all->len);
    uint32_t *ips = g_new(uint32_t, all->len + 1), *cports = g_new(uint32_t, all->len + 1),
             *sports = g_new(uint32_t, all->len + 1);
    for (int p = 0; p < FOT_P_COUNT; p++) {
        size_t n = 0;
        for (guint i = 0; i < all->len; i++) {
            const fot_session *s = g_ptr_array_index(all, i);
            if (fot_proto_index_of(s->proto) != (fot_proto_index)p)
                continue;
            ips[n] = s->server_ip;
            cports[n] = s->client_port;
            sports[n] = s->server_port;
            n++;
        }
        CHECK(counts.proto[p].sessions == n);
        CHECK(counts.proto[p].dst_ips == distinct(ips, n));
        CHECK(counts.proto[p].src_ports == distinct(cports, n));
        CHECK(counts.proto[p].dst_ports == distinct(sports, n));
    }
    g_free(ips);
    g_free(cports);
    g_free(sports);
}

/* A session is its key: no two active sessions share one. Serials are unique. */
static void
check_unique(GPtrArray *all)
{
    const fot_session **sorted = g_new(const fot_session *, all->len + 1);
    uint32_t *serials = g_new(uint32_t, all->len + 1);
    for (guint i = 0; i < all->len; i++) {
        sorted[i] = g_ptr_array_index(all, i);
        serials[i] = fot_session_serial(sorted[i]);
    }
    qsort(sorted, all->len, sizeof *sorted, compare_key);
    for (guint i = 1; i < all->len; i++)
        CHECK(compare_key(&sorted[i - 1], &sorted[i]) != 0);
    CHECK(distinct(serials, all->len) == all->len);
    g_free(sorted);
    g_free(serials);
}

static void
check_ce(const harness *h, const fot_ce_info *ce, GPtrArray *all)
{
    const fot_engine *e = engine_of(h);
    const fot_softwire *sw = config_of(h)->softwire;
    CHECK(memcmp(ce->addr, fot_engine_node_addr(e, ce->node), 16) == 0);
    CHECK(in_outer_pool(ce->addr));

    uint32_t active = 0, n_ports = 0;
    uint32_t *ports = g_new(uint32_t, all->len + 1);
    for (guint i = 0; i < all->len; i++) {
        const fot_session *s = g_ptr_array_index(all, i);
        if (s->ce != ce->node)
            continue;
        active++;
        if (s->proto == FOT_IPPROTO_TCP || s->proto == FOT_IPPROTO_UDP)
            ports[n_ports++] = s->client_port;
    }
    CHECK(ce->active_sessions == active);
    /* A CE with whole port sets counts in-set ports only. */
    if (ce->source == FOT_SET_RULE || ce->source == FOT_SET_BINDING)
        CHECK(ce->ports_in_use <= n_ports); /* each in-set port of a set is some session's */
    else
        CHECK(ce->ports_in_use == distinct(ports, n_ports));
    g_free(ports);
    CHECK(ce->ports_in_use <= ce->peak_ports && ce->peak_ports <= 65536);
    CHECK(ce->peak_ports == 0 || ce->peak_time <= fot_engine_now(e)); /* no peak yet: time 0 */
    CHECK(ce->active_sessions <= ce->sessions);

    /* A whole port set comes from the configuration only; the rest is evidence. */
    const fot_bindings *t = fot_softwire_table((fot_softwire *)sw);
    uint32_t first = fot_bindings_of_b4(t, ce->addr);
    if (first) {
        CHECK(ce->source == FOT_SET_BINDING && ce->mechanism == FOT_MECH_LW4O6);
        bool one_of_its = false; /* the CE's first set in (IPv4, PSID) order is one of its softwires */
        for (uint32_t n = first; n; n = fot_bindings_get(t, n)->next_of_b4) {
            const fot_binding *b = fot_bindings_get(t, n);
            one_of_its |= ce->set.ipv4 == b->ipv4 && ce->set.psid == b->psid && ce->set.psid_len == b->psid_len &&
                          ce->set.offset == b->offset;
        }
        CHECK(one_of_its);
    } else {
        CHECK(ce->source != FOT_SET_BINDING);
    }
    if (ce->source == FOT_SET_RULE)
        CHECK(fot_softwire_find_rule(sw, ce->addr) != NULL);
    if (ce->source == FOT_SET_RULE || ce->source == FOT_SET_IID)
        CHECK(ce->mechanism == FOT_MECH_MAPE);
    uint64_t refused = 0;
    for (int v = 0; v < FOT_VERDICT_COUNT; v++)
        refused += fot_verdict_out_of_set((fot_verdict)v) ? ce->verdicts[v] : 0;
    CHECK(ce->out_of_set == refused);
    if (ce->mechanism == FOT_MECH_DSLITE)
        CHECK(ce->source == FOT_SET_NONE);
    if (ce->source == FOT_SET_RULE || ce->source == FOT_SET_BINDING) {
        CHECK(ce->set.psid_len + ce->set.offset <= 16 && ce->set.ipv4_len <= 32);
        CHECK(ce->set.psid_len == 16 || ce->set.psid >> ce->set.psid_len == 0);
    }
}

static void
check_ces(const harness *h, GPtrArray *all)
{
    const fot_engine *e = engine_of(h);
    GArray *ces = g_array_new(FALSE, FALSE, sizeof(fot_ce_info));
    fot_engine_foreach_ce(e, collect_ce, ces);
    uint64_t active = 0, opened = 0;
    uint32_t most_ports = 0;
    for (guint i = 0; i < ces->len; i++) {
        const fot_ce_info *ce = &g_array_index(ces, fot_ce_info, i);
        for (guint j = 0; j < i; j++)
            CHECK(g_array_index(ces, fot_ce_info, j).node != ce->node);
        check_ce(h, ce, all);
        active += ce->active_sessions;
        opened += ce->sessions;
        most_ports = MAX(most_ports, ce->ports_in_use);
    }
    CHECK(active == all->len); /* so every session's CE is one of these */
    CHECK(fot_engine_max_ce_ports(e) == most_ports);
    /* Every session opened counts at its CE, unless that CE record was dropped. */
    if (fot_engine_forgotten_ces(e) == 0)
        CHECK(opened == fot_engine_sessions_opened(e));
    else
        CHECK(opened <= fot_engine_sessions_opened(e));
    g_array_free(ces, TRUE);
}

static void
check_all(const harness *h, bool finished)
{
    const fot_engine *e = engine_of(h);
    const fot_config *c = config_of(h);
    GPtrArray *all = g_ptr_array_new();
    fot_engine_foreach(e, collect_session, all);
    for (guint i = 0; i < all->len; i++)
        check_session(h, g_ptr_array_index(all, i));
    check_counts(e, all);
    check_unique(all);
    check_ces(h, all);

    CHECK(c->max_sessions == 0 || all->len <= c->max_sessions);
    CHECK(fot_engine_evicted(e) <= fot_engine_sessions_opened(e));
    for (int k = 0; k < FOT_TALLY_COUNT; k++)
        CHECK(fot_engine_tally_get(e, (fot_tally)k) == h->tally[k]);
    /* Capture time never goes back; fot_run_finish may move it to the last stat row. */
    if (h->engine_timed) {
        CHECK(fot_engine_started(e));
        CHECK(finished ? fot_engine_now(e) >= h->engine_time : fot_engine_now(e) == h->engine_time);
    }
    if (h->engine) { /* the engine driver sees every end */
        CHECK(h->ended + all->len == fot_engine_sessions_opened(e));
        CHECK(h->evicted == fot_engine_evicted(e));
    }
    g_ptr_array_free(all, TRUE);
}

/* What fot_report_top orders by, higher first. */
static int64_t
rank(const fot_session *s, fot_sort sort)
{
    switch (sort) {
    case FOT_SORT_BYTES:
        return (int64_t)(s->bytes[0] + s->bytes[1]);
    case FOT_SORT_PACKETS:
        return (int64_t)(s->packets[0] + s->packets[1]);
    case FOT_SORT_RECENT:
        return s->last;
    case FOT_SORT_OLDEST:
        return -fot_session_first(s);
    }
    return 0;
}

/* The top `limit` sessions in order, and none left out ranks above the last. */
static void
check_top(const harness *h, fot_sort sort, uint32_t limit)
{
    const fot_engine *e = engine_of(h);
    GPtrArray *all = g_ptr_array_new();
    fot_engine_foreach(e, collect_session, all);
    size_t count;
    const fot_session **top = fot_report_top(e, sort, limit, &count);
    CHECK(count == (limit && limit < all->len ? limit : all->len));
    GHashTable *chosen = g_hash_table_new(NULL, NULL);
    for (size_t i = 0; i < count; i++) {
        CHECK(i == 0 || rank(top[i - 1], sort) >= rank(top[i], sort));
        CHECK(g_hash_table_add(chosen, (gpointer)top[i])); /* no session twice */
    }
    for (guint i = 0; i < all->len; i++) {
        const fot_session *s = g_ptr_array_index(all, i);
        if (!g_hash_table_remove(chosen, s))
            CHECK(count > 0 && rank(s, sort) <= rank(top[count - 1], sort));
    }
    CHECK(g_hash_table_size(chosen) == 0); /* every one chosen is active */
    g_hash_table_destroy(chosen);
    g_free(top);
    g_ptr_array_free(all, TRUE);
}

/* ---- the engine driver's own checks ---- */

static void
session_ended(const fot_session *s, fot_end_reason why, int64_t when, void *ud)
{
    harness *h = ud;
    const fot_engine *e = h->engine;
    if (why == FOT_END_TIMEOUT) {
        CHECK(when == fot_engine_expiry(e, s) && when <= fot_engine_now(e));
    } else {
        CHECK(why == FOT_END_EVICTED && when == fot_engine_now(e));
        h->evicted++;
    }
    CHECK(h->ended == 0 || when >= h->last_end);
    h->last_end = when;
    h->ended++;
}

/* The packet's session, oriented: UP is client to server. */
static void
check_result(const harness *h, const fot_event *ev, const fot_packet_result *res)
{
    const fot_engine *e = h->engine;
    const fot_session *s = res->session;
    CHECK(s != NULL && s->proto == ev->proto);
    bool up = res->dir == FOT_DIR_UP;
    CHECK(s->client_ip == (up ? ev->inner_src : ev->inner_dst));
    CHECK(s->server_ip == (up ? ev->inner_dst : ev->inner_src));
    CHECK(s->client_port == (up ? ev->src_port : ev->dst_port));
    CHECK(s->server_port == (up ? ev->dst_port : ev->src_port));
    CHECK(memcmp(fot_engine_node_addr(e, s->ce), up ? ev->outer_src : ev->outer_dst, 16) == 0);
    CHECK(s->last == fot_engine_now(e));
    if (res->opened) { /* the BR is the first packet's: not part of the key */
        CHECK(memcmp(fot_engine_node_addr(e, s->br), up ? ev->outer_dst : ev->outer_src, 16) == 0);
        CHECK(s->packets[0] + s->packets[1] == 1 && fot_session_serial(s) == fot_engine_sessions_opened(e));
        CHECK(res->gap == -1);
    } else {
        CHECK(res->gap >= 0);
    }
    fot_ce_info ce;
    fot_engine_ce(e, s->ce, &ce);
    CHECK(res->out_of_set == fot_verdict_out_of_set(res->verdict));
    CHECK(!res->crossed_threshold || (res->set_size && (uint64_t)res->set_ports_in_use * 100 >=
                                                           (uint64_t)config_of(h)->threshold * res->set_size));
}

/* ---- records ---- */

static void
note_engine_time(harness *h, int64_t t)
{
    if (!h->engine_timed || t > h->engine_time)
        h->engine_time = t;
    h->engine_timed = true;
}

/* A frame at t, unless t is outside the time domain. */
static void
frame(harness *h, int64_t t)
{
    if (t < TIME_MIN || t > TIME_MAX)
        return;
    h->cursor = t;
    if (!h->framed || t > h->latest)
        h->latest = t;
    h->framed = true;
    if (h->run)
        fot_run_frame(h->run, t);
    else
        fot_engine_advance(h->engine, t);
    note_engine_time(h, t);
}

static int64_t
interval_of(const harness *h)
{
    return config_of(h)->interval_ns;
}

/* Forward by up to 8 intervals, or back a little: jitter in nanoseconds. */
static void
step(harness *h, uint8_t op, reader *r)
{
    int64_t quarters = op >> 3;
    frame(h, h->cursor + quarters * (interval_of(h) / 4) + (int8_t)take8(r));
}

/* Back by 2^30 to 2^61 ns: out-of-order frames, a clock set back. */
static void
step_back(harness *h, uint8_t op)
{
    frame(h, h->cursor - (INT64_C(1) << (30 + (op >> 3))));
}

/* Just past one class's timeout (after the latest frame, or after the last
 * one), onto an interval boundary, or past a gap of more stat rows than
 * FOT_MAX_GAP_ROWS; never into the gaps in between, which would print up to
 * a million rows. */
static void
jump(harness *h, uint8_t op, reader *r)
{
    const int64_t interval = interval_of(h);
    unsigned kind = op >> 3 & 3, arg = op >> 5;
    if (kind == 2) {
        int64_t boundary = fot_time_floor(h->latest, interval) + interval * (1 + arg % 4);
        frame(h, boundary + (int64_t)(take8(r) % 3) - 1);
        return;
    }
    if (h->jumps_left == 0)
        return;
    h->jumps_left--;
    if (kind == 3) {
        int64_t gap = (FOT_MAX_GAP_ROWS + 2 + (int64_t)take16(r)) * interval + ((int64_t)arg << 56);
        frame(h, h->latest + gap);
    } else {
        uint32_t timeout = config_of(h)->timeout_s[arg % FOT_CLASS_COUNT];
        frame(h, (kind == 0 ? h->latest : h->cursor) + (int64_t)timeout * FOT_NS_PER_SEC + (int8_t)take8(r));
    }
}

static uint16_t
pick_port(unsigned index, reader *r)
{
    return index < 7 ? port_pool[index] : take16(r);
}

static void
packet(harness *h, uint8_t op, reader *r)
{
    static const uint8_t protos[4] = { FOT_IPPROTO_TCP, FOT_IPPROTO_UDP, FOT_IPPROTO_ICMP, FOT_IPPROTO_TCP };
    if (!h->framed)
        frame(h, h->cursor); /* a packet belongs to a frame */
    uint8_t outer = take8(r), inner = take8(r), ports = take8(r), marks = take8(r);
    fot_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time = h->cursor;
    memcpy(ev.outer_src, outer_pool[outer & 7], 16);
    memcpy(ev.outer_dst, outer_pool[outer >> 3 & 7], 16);
    ev.inner_src = inner_pool[inner & 7];
    ev.inner_dst = inner_pool[inner >> 3 & 7];
    ev.proto = protos[op >> 3 & 3];
    ev.src_port = pick_port(ports & 7, r);
    ev.dst_port = ev.proto == FOT_IPPROTO_ICMP ? ev.src_port : pick_port(ports >> 3 & 7, r);
    if (ev.proto == FOT_IPPROTO_TCP)
        ev.tcp_flags = marks;
    else if (ev.proto == FOT_IPPROTO_ICMP)
        ev.icmp_type = marks;
    /* Lengths up to 2^32 - 1, so byte totals get large. */
    ev.ipv6_len = (uint32_t)take16(r) << (8 * (outer >> 6));
    ev.ipv4_len = ev.ipv6_len - MIN(ev.ipv6_len, (uint32_t)(inner >> 6) * 20);

    note_engine_time(h, ev.time); /* the engine driver may start at a packet after a reset */
    if (h->run) {
        fot_run_packet(h->run, &ev, h->frac_digits);
        return;
    }
    fot_packet_result res = fot_engine_packet(h->engine, &ev);
    check_result(h, &ev, &res);
}

static void
tally(harness *h, uint8_t op, reader *r)
{
    fot_tally which = (fot_tally)((op >> 3) % FOT_TALLY_COUNT);
    uint64_t n = take8(r);
    h->tally[which] += n;
    if (h->run)
        fot_run_tally(h->run, which, n);
    else
        fot_engine_tally(h->engine, which, n);
}

/* The sum view as the GUI shows it (numbered) or tshark, in both layouts. */
static void
render(harness *h, bool numbered)
{
    size_t log_at, log_len;
    if (numbered)
        fot_report_window(h->text, engine_of(h), NULL, 72);
    else
        fot_report_sum(h->text, engine_of(h), NULL);
    fot_report_sum_original(h->text, engine_of(h), NULL, &log_at, &log_len);
    CHECK(log_at + log_len <= h->text->len);
    g_string_truncate(h->text, 0);
}

/* Engine driver only: the engine starts over; the run owns its engine. */
static void
reset(harness *h)
{
    if (!h->engine)
        return;
    fot_engine_reset(h->engine);
    h->engine_timed = false;
    memset(h->tally, 0, sizeof h->tally);
    h->ended = h->evicted = 0;
}

static void
special(harness *h, uint8_t op, reader *r)
{
    switch (op >> 3 & 3) {
    case 0:
        check_all(h, false);
        break;
    case 1:
        check_top(h, (fot_sort)(op >> 5 & 3), take8(r) % 8);
        break;
    case 2:
        render(h, op >> 5 & 1);
        break;
    default:
        reset(h);
        break;
    }
}

/* ---- the header ---- */

static void
append_option(GString *args, const char *name, const char *value)
{
    if (value)
        g_string_append_printf(args, ",%s=%s", name, value);
}

static void
append_flag(GString *args, const char *name, unsigned on)
{
    if (on)
        g_string_append_printf(args, ",%s", name);
}

/* The -z arguments after "4o6top,": 52 bits of the header. */
static char *
build_args(uint64_t *bits)
{
    GString *a = g_string_new(fot_modes[take_bits(bits, 3) % FOT_MODE_COUNT].name);
    append_option(a, "interval", intervals[take_bits(bits, 3)]);
    for (int c = 0; c < FOT_CLASS_COUNT; c++)
        append_option(a, timeout_options[c], timeouts[take_bits(bits, 3)]);
    append_option(a, "sort", sorts[take_bits(bits, 2)]);
    append_option(a, "height", heights[take_bits(bits, 2)]);
    append_option(a, "refresh", refreshes[take_bits(bits, 2)]);
    append_option(a, "delimiter", delimiters[take_bits(bits, 2)]);
    append_option(a, "src", srcs[take_bits(bits, 2)]);
    append_option(a, "threshold", thresholds[take_bits(bits, 2)]);
    append_option(a, "max_sessions", max_sessions[take_bits(bits, 2)]);
    append_option(a, "bytes", take_bits(bits, 1) ? "ipv4" : NULL);
    append_option(a, "format", take_bits(bits, 1) ? "json" : NULL);
    append_flag(a, "tunnel", take_bits(bits, 1));
    append_flag(a, "ce_ports", take_bits(bits, 1));
    append_flag(a, "evicted", take_bits(bits, 1));
    append_flag(a, "ends", take_bits(bits, 1));
    append_flag(a, "noheader", take_bits(bits, 1));
    for (unsigned i = 0, mask = take_bits(bits, 4); i < G_N_ELEMENTS(map_rules); i++)
        append_option(a, "map_rule", mask >> i & 1 ? map_rules[i] : NULL);
    for (unsigned i = 0, mask = take_bits(bits, 3); i < G_N_ELEMENTS(lw_bindings); i++)
        append_option(a, "lw_binding", mask >> i & 1 ? lw_bindings[i] : NULL);
    for (unsigned i = 0, mask = take_bits(bits, 2); i < G_N_ELEMENTS(brs); i++)
        append_option(a, "br", mask >> i & 1 ? brs[i] : NULL);
    if (take_bits(bits, 1))
        g_string_append(a, ",ip.proto==17"); /* a trailing display filter */
    return g_string_free(a, FALSE);
}

/* The header: the arguments, then the driver, output flags, time precision
 * and the first frame's time. */
static void
start(harness *h, reader *r)
{
    uint64_t bits = 0;
    for (int i = 0; i < HEADER_BYTES; i++)
        bits = bits << 8 | take8(r);
    char *args = build_args(&bits);
    fot_config cfg;
    fot_config_defaults(&cfg);
    fot_mode mode;
    char *filter, *err;
    if (!fot_config_parse_args(&cfg, args, &mode, &filter, &err)) {
        fprintf(stderr, "fuzz_engine: \"%s\": %s\n", args, err);
        abort();
    }
    bool engine_driver = take_bits(&bits, 1);
    fot_output out = { .out = devnull };
    out.flush_rows = take_bits(&bits, 1);
    out.live = take_bits(&bits, 1);
    out.clear_screen = take_bits(&bits, 1);
    h->frac_digits = (int)take_bits(&bits, 1) * 3 + 6; /* microseconds or nanoseconds */
    h->cursor = start_times[take_bits(&bits, 2)];
    cfg.layout = take_bits(&bits, 1) ? FOT_LAYOUT_ORIGINAL : FOT_LAYOUT_PLUGIN; /* after the older bits */
    if (engine_driver) {
        h->engine = fot_engine_new(&cfg);
        fot_engine_on_end(h->engine, session_ended, h);
    } else {
        h->run = fot_run_new(&cfg, mode, filter, out);
    }
    h->jumps_left = JUMPS_PER_INPUT;
    h->text = g_string_new(NULL);
    fot_config_clear(&cfg);
    g_free(filter);
    g_free(args);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = { data, size };
    harness h;
    memset(&h, 0, sizeof h);
    start(&h, &r);
    while (r.left > 0) {
        uint8_t op = take8(&r);
        switch (op & 7) {
        case 0:
        case 1:
        case 2:
            packet(&h, op, &r);
            break;
        case 3:
            step(&h, op, &r);
            break;
        case 4:
            step_back(&h, op);
            break;
        case 5:
            jump(&h, op, &r);
            break;
        case 6:
            tally(&h, op, &r);
            break;
        default:
            special(&h, op, &r);
            break;
        }
    }
    if (h.run) {
        fot_run_finish(h.run);
        check_all(&h, true);
        fot_run_free(h.run);
    } else {
        render(&h, true);
        check_all(&h, true);
        fot_engine_free(h.engine);
    }
    g_string_free(h.text, TRUE);
    return 0;
}

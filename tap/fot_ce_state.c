/* \summary: per-CE/B4 state: held port sets, port use, verdict counts, mechanism */
#include "fot_ce_state.h"

#include <string.h>

#include "fot_packet.h"

void
fot_ce_state_init(fot_ce_state *cs, fot_nodes *nodes, const fot_config *cfg, const fot_bindings *bindings)
{
    memset(cs, 0, sizeof *cs);
    cs->nodes = nodes;
    cs->cfg = cfg;
    cs->bindings = bindings;
    fot_key48_map_init(&cs->ce_ports);
    fot_key48_map_init(&cs->set_port_users);
    cs->claims = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
    cs->port_hist = g_new0(uint32_t, 65537);
    cs->crossed = g_array_new(FALSE, FALSE, sizeof(uint32_t));
}

void
fot_ce_state_destroy(fot_ce_state *cs)
{
    for (uint32_t i = 0; i < cs->nodes->count; i++)
        g_free(cs->nodes->nodes[i].verdicts);
    fot_key48_map_destroy(&cs->ce_ports);
    fot_key48_map_destroy(&cs->set_port_users);
    g_free(cs->sets);
    g_hash_table_destroy(cs->claims);
    g_free(cs->port_hist);
    g_array_free(cs->crossed, TRUE);
}

static inline fot_node *
node_at(const fot_ce_state *cs, uint32_t n)
{
    return &cs->nodes->nodes[n];
}

static inline fot_held_set *
set_at(const fot_ce_state *cs, uint32_t a)
{
    return &cs->sets[a - 1];
}

bool
fot_ce_configured(const fot_ce_state *cs, const uint8_t addr[16])
{
    fot_port_set set;
    return fot_bindings_of_b4(cs->bindings, addr) || fot_softwire_map_ce(cs->cfg->softwire, addr, &set);
}

static int
set_order(const fot_port_set *a, const fot_port_set *b)
{
    if (a->ipv4 != b->ipv4)
        return a->ipv4 < b->ipv4 ? -1 : 1;
    return a->psid < b->psid ? -1 : a->psid > b->psid;
}

/* A new held set for n, kept in (IPv4, PSID) order so rows never depend on
 * the order of the binding table. */
static void
held_set_add(fot_ce_state *cs, fot_node *n, uint32_t softwire, const fot_port_set *set, fot_set_source source)
{
    uint32_t a;
    if (cs->free_sets) {
        a = cs->free_sets;
        cs->free_sets = set_at(cs, a)->next;
    } else {
        if (cs->set_count == cs->set_cap) {
            cs->set_cap = cs->set_cap ? cs->set_cap * 2 : 16;
            cs->sets = g_renew(fot_held_set, cs->sets, cs->set_cap);
        }
        a = ++cs->set_count;
    }
    fot_held_set *x = set_at(cs, a);
    memset(x, 0, sizeof *x);
    x->ce = (uint32_t)(n - cs->nodes->nodes);
    x->softwire = softwire;
    x->set = *set;
    x->source = (uint8_t)source;
    uint32_t *link = &n->held_sets;
    while (*link && set_order(&set_at(cs, *link)->set, set) < 0)
        link = &set_at(cs, *link)->next;
    x->next = *link;
    *link = a;
}

/* The held set a client IPv4:port counts on: the set holding it, else one
 * on the same address, else the CE's first; 0 when the CE has none. A CE
 * holds few sets, so this walk is short. */
static uint32_t
held_set_of(const fot_ce_state *cs, const fot_node *n, uint32_t ip, uint16_t port, bool in_set)
{
    uint32_t same_ip = 0;
    for (uint32_t a = n->held_sets; a; a = set_at(cs, a)->next) {
        const fot_port_set *set = &set_at(cs, a)->set;
        if (in_set && fot_port_set_contains(set, ip, port))
            return a;
        uint32_t mask = set->ipv4_len ? UINT32_MAX << (32 - set->ipv4_len) : 0;
        if (!same_ip && (ip & mask) == set->ipv4)
            same_ip = a;
    }
    return same_ip ? same_ip : n->held_sets;
}

static uint64_t
claim_key(const fot_port_set *set)
{
    return (uint64_t)set->ipv4 << 24 | (uint64_t)set->ipv4_len << 16 | set->psid;
}

/* A MAP CE's IPv4 + PSID: the first CE to claim it holds it; a later one is in conflict. */
static void
claim(fot_ce_state *cs, fot_node *n)
{
    uint64_t key = claim_key(&n->set);
    uint32_t holder = GPOINTER_TO_UINT(g_hash_table_lookup(cs->claims, &key));
    uint32_t me = (uint32_t)(n - cs->nodes->nodes) + 1;
    if (!holder) {
        uint64_t *k = g_new(uint64_t, 1);
        *k = key;
        g_hash_table_insert(cs->claims, k, GUINT_TO_POINTER(me));
        n->claimed = true;
    } else if (holder != me) {
        n->conflict = true;
    }
}

static void
unclaim(fot_ce_state *cs, fot_node *n)
{
    uint64_t key = claim_key(&n->set);
    if (n->claimed)
        g_hash_table_remove(cs->claims, &key);
}

/* First time as a CE: what the configuration says of it. */
static void
ce_init(fot_ce_state *cs, fot_node *n)
{
    n->is_ce = true;
    cs->port_hist[0]++;
    uint32_t first = fot_bindings_of_b4(cs->bindings, n->addr);
    fot_port_set set;
    if (first) {
        for (uint32_t b = first; b; b = fot_bindings_get(cs->bindings, b)->next_of_b4) {
            fot_binding_port_set(fot_bindings_get(cs->bindings, b), &set);
            held_set_add(cs, n, b, &set, FOT_SET_BINDING);
        }
        n->set = set_at(cs, n->held_sets)->set;
        n->source = FOT_SET_BINDING;
    } else if (fot_softwire_map_ce(cs->cfg->softwire, n->addr, &set)) {
        n->set = set;
        n->source = FOT_SET_RULE;
        held_set_add(cs, n, 0, &set, FOT_SET_RULE);
        claim(cs, n);
    }
}

/* The evidence rule (docs/softwires.md, "Mechanisms and their evidence"):
 * configuration first, then the MAP interface identifier, then the inner
 * addresses, then the ports. */
static void
ce_classify(fot_ce_state *cs, fot_node *n)
{
    uint16_t psid;
    fot_iid_layout iid;
    if (n->source == FOT_SET_BINDING) {
        n->mechanism = FOT_MECH_LW4O6;
        n->why = FOT_WHY_BINDING;
    } else if (n->source == FOT_SET_RULE) {
        n->mechanism = FOT_MECH_MAPE;
        n->why = FOT_WHY_MAP_RULE;
    } else if (!n->many_ips && (iid = fot_map_iid(n->addr, n->client_ip, &psid)) != FOT_IID_NONE) {
        n->mechanism = FOT_MECH_MAPE;
        n->why = FOT_WHY_MAP_IID;
        if (n->source != FOT_SET_IID) {
            n->source = FOT_SET_IID;
            n->set.ipv4 = n->client_ip;
            n->set.ipv4_len = 32;
            n->set.psid = psid;
            claim(cs, n);
        }
    } else if (n->private_ip || n->many_ips) {
        if (n->source == FOT_SET_IID)
            unclaim(cs, n);
        n->mechanism = FOT_MECH_DSLITE;
        n->why = n->many_ips ? FOT_WHY_SEVERAL_IPV4 : FOT_WHY_PRIVATE_IPV4;
        n->source = FOT_SET_NONE;
        n->conflict = n->claimed = false;
    } else if (n->peak_ports >= 4 && n->port_max - n->port_min < 4096) {
        n->mechanism = FOT_MECH_LW4O6; /* one public IPv4, ports in one narrow range */
        n->why = FOT_WHY_PORT_RANGE;
    } else {
        n->mechanism = FOT_MECH_UNKNOWN;
        n->why = FOT_WHY_NONE;
    }
}

static void
hist_changed(fot_ce_state *cs, uint32_t before, uint32_t after)
{
    cs->port_hist[before]--;
    cs->port_hist[after]++;
    if (after > cs->max_ce_ports)
        cs->max_ce_ports = after;
    while (cs->max_ce_ports > 0 && cs->port_hist[cs->max_ce_ports] == 0)
        cs->max_ce_ports--;
}

static void
ce_ports_changed(fot_ce_state *cs, fot_node *n, uint32_t before, int64_t now)
{
    hist_changed(cs, before, n->ports_in_use);
    if (n->ports_in_use > n->peak_ports) {
        n->peak_ports = n->ports_in_use;
        n->peak_time = now;
    }
}

static void fill_row(const fot_ce_state *cs, const fot_node *n, const fot_held_set *a, fot_ce_info *out);

static void
tell_exhaustion(fot_ce_state *cs, const fot_held_set *a, bool above, int64_t when)
{
    if (!cs->on_exhaustion)
        return;
    fot_ce_info row;
    fill_row(cs, node_at(cs, a->ce), a, &row);
    cs->on_exhaustion(&row, above, when, cs->on_exhaustion_ud);
}

/* A set's use went up: past the threshold, it crosses it (the packet that
 * did it says so too; the row is told once the packet is counted on it). */
static void
set_ports_up(fot_ce_state *cs, fot_held_set *a, int64_t now)
{
    if (a->ports_in_use > a->peak_ports) {
        a->peak_ports = a->ports_in_use;
        a->peak_time = now;
    }
    uint64_t size = fot_set_size(&a->set, (fot_set_source)a->source);
    if (a->above || !fot_near_exhaustion(size, a->ports_in_use, cs->cfg->threshold))
        return;
    a->above = true;
    cs->crossed_threshold = true;
    uint32_t number = (uint32_t)(a - cs->sets) + 1;
    g_array_append_val(cs->crossed, number);
}

static void
set_ports_down(fot_ce_state *cs, fot_held_set *a, int64_t when)
{
    uint64_t size = fot_set_size(&a->set, (fot_set_source)a->source);
    uint32_t threshold = cs->cfg->threshold;
    uint32_t floor = threshold > FOT_EXHAUSTION_MARGIN ? threshold - FOT_EXHAUSTION_MARGIN : 0;
    if (!a->above || fot_near_exhaustion(size, a->ports_in_use, floor))
        return;
    a->above = false;
    tell_exhaustion(cs, a, false, when);
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

static void
count_port_on_set(fot_ce_state *cs, fot_node *n, const fot_session *s, uint32_t a, int64_t now)
{
    fot_held_set *x = set_at(cs, a);
    if (x->sessions++ == 0)
        x->used_ip = s->client_ip;
    else if (x->used_ip != s->client_ip)
        x->many_ips = true;
    if (uses_port(s) && in_set(s->verdict) &&
        fot_key48_map_add(&cs->set_port_users, (uint64_t)a << 16 | s->client_port)) {
        x->ports_in_use++;
        n->ports_in_use++;
        ce_ports_changed(cs, n, n->ports_in_use - 1, now);
        set_ports_up(cs, x, now);
    }
}

/* A session joins its CE: counts, port use, and what its client says. A CE
 * with port sets counts only in-set ports in use: out-of-set ones hold no
 * port of its sets. */
static void
ce_attach(fot_ce_state *cs, const fot_session *s, int64_t now)
{
    fot_node *n = node_at(cs, s->ce);
    n->active_sessions++;
    if (n->sessions++ == 0)
        n->client_ip = s->client_ip;
    else if (s->client_ip != n->client_ip)
        n->many_ips = true;
    n->private_ip |= fot_ipv4_is_private(s->client_ip);
    uint32_t a = n->held_sets ? held_set_of(cs, n, s->client_ip, s->client_port, in_set(s->verdict)) : 0;
    if (a) {
        count_port_on_set(cs, n, s, a, now);
    } else if (uses_port(s)) {
        if (n->ports_in_use == 0 && n->peak_ports == 0) {
            n->port_min = n->port_max = s->client_port;
        } else {
            n->port_min = MIN(n->port_min, s->client_port);
            n->port_max = MAX(n->port_max, s->client_port);
        }
        if (fot_key48_map_add(&cs->ce_ports, (uint64_t)s->ce << 16 | s->client_port)) {
            n->ports_in_use++;
            ce_ports_changed(cs, n, n->ports_in_use - 1, now);
        }
    }
    ce_classify(cs, n);
}

void
fot_ce_forget(void *ctx, fot_node *n)
{
    fot_ce_state *cs = ctx;
    cs->port_hist[0]--;
    unclaim(cs, n);
    g_free(n->verdicts);
    uint32_t a = n->held_sets;
    while (a) { /* onto the free list */
        uint32_t next = set_at(cs, a)->next;
        set_at(cs, a)->next = cs->free_sets;
        cs->free_sets = a;
        a = next;
    }
    size_t keep = offsetof(fot_node, is_ce); /* held sets and verdicts too */
    memset((char *)n + keep, 0, sizeof *n - keep);
}

void
fot_ce_session_closed(fot_ce_state *cs, const fot_session *s, int64_t when)
{
    fot_node *n = node_at(cs, s->ce);
    n->active_sessions--;
    if (!uses_port(s))
        return;
    if (n->held_sets) {
        uint32_t a = held_set_of(cs, n, s->client_ip, s->client_port, in_set(s->verdict));
        if (in_set(s->verdict) && fot_key48_map_remove(&cs->set_port_users, (uint64_t)a << 16 | s->client_port)) {
            set_at(cs, a)->ports_in_use--;
            n->ports_in_use--;
            ce_ports_changed(cs, n, n->ports_in_use + 1, 0);
            set_ports_down(cs, set_at(cs, a), when);
        }
    } else if (fot_key48_map_remove(&cs->ce_ports, (uint64_t)s->ce << 16 | s->client_port)) {
        n->ports_in_use--;
        ce_ports_changed(cs, n, n->ports_in_use + 1, 0);
    }
}

/* What the BR would decide for the session's client IPv4:port; a MAP CE
 * whose IPv4 + PSID another CE claimed first is in conflict. */
static fot_verdict
judge(const fot_ce_state *cs, const fot_session *s, uint16_t port)
{
    const fot_node *n = node_at(cs, s->ce);
    fot_judgement j;
    fot_softwire_judge(cs->cfg->softwire, n->addr, node_at(cs, s->br)->addr, s->client_ip, port, &j);
    if (n->conflict && (j.verdict == FOT_VERDICT_BOUND || j.verdict == FOT_VERDICT_NONE))
        return FOT_VERDICT_CONFLICT;
    return j.verdict;
}

/* ICMP: an echo or timestamp query is judged by its identifier or port 0
 * (query_port); an error by the CE-side port of the packet it quotes. */
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

/* The CE-side port an ICMP query is judged by. The CE chose the identifier
 * of its own requests and of the replies to them: that identifier. A host on
 * the Internet chose it otherwise: its request coming down is looked up by
 * the identifier (RFC 7596 section 8.1: the lwAFTR takes it as the port), the
 * CE's reply going up by port 0, as a deployed lwAFTR (Snabb's) checks it,
 * RFC 7596 saying nothing of that direction. */
static uint16_t
query_port(const fot_event *ev, fot_dir dir, uint16_t id)
{
    bool request = ev->icmp_type == FOT_ICMP_ECHO_REQUEST || ev->icmp_type == FOT_ICMP_TIMESTAMP_REQUEST;
    return ce_chose_id(ev, dir) || request ? id : 0;
}

void
fot_ce_session_opened(fot_ce_state *cs, fot_session *s, const fot_event *ev, fot_dir dir, int64_t now)
{
    fot_node *n = node_at(cs, s->ce);
    if (!n->is_ce)
        ce_init(cs, n);
    /* Judged once: TCP and UDP by the client port; an ICMP query by the port
     * its packets are judged by (query_port); an ICMP error packet by packet. */
    if (s->proto != FOT_IPPROTO_ICMP)
        s->verdict = (uint8_t)judge(cs, s, s->client_port);
    else if (icmp_query(ev->icmp_type))
        s->verdict = (uint8_t)judge(cs, s, query_port(ev, dir, s->client_port));
    else
        s->verdict = FOT_VERDICT_NONE;
    ce_attach(cs, s, now);
}

void
fot_ce_session_leaving(fot_ce_state *cs, const fot_session *s, int64_t now)
{
    fot_ce_session_closed(cs, s, now);
    fot_node *n = node_at(cs, s->ce);
    if (--n->sessions == 0)
        fot_ce_forget(cs, n);
}

void
fot_ce_session_turned(fot_ce_state *cs, fot_session *s, int64_t now)
{
    fot_node *n = node_at(cs, s->ce);
    if (!n->is_ce)
        ce_init(cs, n);
    if (s->proto != FOT_IPPROTO_ICMP || s->verdict != FOT_VERDICT_NONE) /* the other side is the client now */
        s->verdict = (uint8_t)judge(cs, s, s->client_port);
    ce_attach(cs, s, now);
}

static fot_verdict
packet_verdict(const fot_ce_state *cs, const fot_session *s, const fot_event *ev, fot_dir dir, uint16_t *port)
{
    *port = s->client_port;
    if (ev->proto != FOT_IPPROTO_ICMP)
        return (fot_verdict)s->verdict;
    if (icmp_query(ev->icmp_type)) {
        *port = query_port(ev, dir, s->client_port);
        return judge(cs, s, *port);
    }
    if (!ev->quoted)
        return FOT_VERDICT_NONE;
    /* Sent to the CE, an error quotes the CE's packet (its source port); from the CE, one sent to it. */
    *port = dir == FOT_DIR_UP ? ev->quoted_dst_port : ev->quoted_src_port;
    return judge(cs, s, *port);
}

uint32_t
fot_ce_count_packet(fot_ce_state *cs, const fot_session *s, const fot_event *ev, fot_dir dir, fot_verdict *verdict)
{
    uint16_t port;
    fot_verdict v = packet_verdict(cs, s, ev, dir, &port);
    *verdict = v;
    fot_node *n = node_at(cs, s->ce);
    uint32_t a = n->held_sets ? held_set_of(cs, n, s->client_ip, port, in_set(v)) : 0;
    if (v == FOT_VERDICT_NONE)
        return a;
    if (a) {
        set_at(cs, a)->verdicts[v]++;
    } else {
        if (!n->verdicts)
            n->verdicts = g_new0(uint64_t, FOT_VERDICT_COUNT);
        n->verdicts[v]++;
    }
    return a;
}

void
fot_ce_tell_crossed(fot_ce_state *cs, int64_t now)
{
    for (guint i = 0; i < cs->crossed->len; i++)
        tell_exhaustion(cs, set_at(cs, g_array_index(cs->crossed, uint32_t, i)), true, now);
    g_array_set_size(cs->crossed, 0);
}

static void
fill_row(const fot_ce_state *cs, const fot_node *n, const fot_held_set *a, fot_ce_info *out)
{
    memset(out, 0, sizeof *out);
    out->node = (uint32_t)(n - cs->nodes->nodes);
    out->addr = n->addr;
    out->mechanism = (fot_mechanism)n->mechanism;
    out->why = (fot_why)n->why;
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
fot_ce_info_of(const fot_ce_state *cs, uint32_t index, fot_ce_info *out)
{
    const fot_node *n = node_at(cs, index);
    fill_row(cs, n, NULL, out);
    /* The CE as a whole: every set's verdicts and sessions. */
    for (uint32_t a = n->held_sets; a; a = set_at(cs, a)->next)
        for (int v = 0; v < FOT_VERDICT_COUNT; v++) {
            out->verdicts[v] += set_at(cs, a)->verdicts[v];
            out->out_of_set += fot_verdict_out_of_set((fot_verdict)v) ? set_at(cs, a)->verdicts[v] : 0;
        }
}

void
fot_ce_foreach(const fot_ce_state *cs, fot_ce_fn fn, void *ud)
{
    for (uint32_t i = 0; i < cs->nodes->count; i++) {
        if (!node_at(cs, i)->is_ce)
            continue;
        fot_ce_info info;
        fot_ce_info_of(cs, i, &info);
        fn(&info, ud);
    }
}

void
fot_ce_foreach_row(const fot_ce_state *cs, fot_ce_fn fn, void *ud)
{
    for (uint32_t i = 0; i < cs->nodes->count; i++) {
        const fot_node *n = node_at(cs, i);
        if (!n->is_ce)
            continue;
        fot_ce_info info;
        if (!n->held_sets) { /* a CE with sets has them from its start: nothing counts on n itself */
            fill_row(cs, n, NULL, &info);
            fn(&info, ud);
        }
        for (uint32_t a = n->held_sets; a; a = set_at(cs, a)->next) {
            fill_row(cs, n, set_at(cs, a), &info);
            fn(&info, ud);
        }
    }
}

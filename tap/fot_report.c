/* Renderers for sum, stat and log (semantics.md, "The three original modes"). */
#include "fot_report.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "fot_time.h"

#ifndef FOT_VERSION
#define FOT_VERSION "dev"
#endif

const char *
fot_ipv4_text(uint32_t ip, char buf[16])
{
    g_snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255);
    return buf;
}

static const char *
ipv6_text(const uint8_t a[16], char buf[INET6_ADDRSTRLEN])
{
    return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* ---- sum ---- */

static uint64_t
total(const uint64_t v[2])
{
    return v[0] + v[1];
}

/* Does a rank before b? Ties fall back to opening order: a total order. */
static bool
ranks_before(const fot_session *a, const fot_session *b, fot_sort sort)
{
    switch (sort) {
    case FOT_SORT_BYTES:
        if (total(a->bytes) != total(b->bytes))
            return total(a->bytes) > total(b->bytes);
        if (total(a->packets) != total(b->packets))
            return total(a->packets) > total(b->packets);
        break;
    case FOT_SORT_PACKETS:
        if (total(a->packets) != total(b->packets))
            return total(a->packets) > total(b->packets);
        if (total(a->bytes) != total(b->bytes))
            return total(a->bytes) > total(b->bytes);
        break;
    case FOT_SORT_RECENT:
        if (a->last != b->last)
            return a->last > b->last;
        break;
    case FOT_SORT_OLDEST:
        if (a->first != b->first)
            return a->first < b->first;
        break;
    }
    return a->serial < b->serial;
}

/* Keeps the best `limit` sessions in a heap whose root is the worst kept. */
typedef struct top_sel {
    const fot_session **items;
    size_t count, limit;
    fot_sort sort;
} top_sel;

static void
sift_down(top_sel *t, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < t->count && ranks_before(t->items[worst], t->items[l], t->sort))
            worst = l;
        if (r < t->count && ranks_before(t->items[worst], t->items[r], t->sort))
            worst = r;
        if (worst == i)
            return;
        const fot_session *tmp = t->items[i];
        t->items[i] = t->items[worst];
        t->items[worst] = tmp;
        i = worst;
    }
}

static void
sift_up(top_sel *t, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!ranks_before(t->items[parent], t->items[i], t->sort))
            return;
        const fot_session *tmp = t->items[i];
        t->items[i] = t->items[parent];
        t->items[parent] = tmp;
        i = parent;
    }
}

static void
top_offer(const fot_session *s, void *ud)
{
    top_sel *t = ud;
    if (t->count < t->limit) {
        t->items[t->count++] = s;
        sift_up(t, t->count - 1);
    } else if (ranks_before(s, t->items[0], t->sort)) {
        t->items[0] = s;
        sift_down(t, 0);
    }
}

static gint
compare_rank(gconstpointer a, gconstpointer b, gpointer sort)
{
    const fot_session *x = *(const fot_session *const *)a, *y = *(const fot_session *const *)b;
    fot_sort order = (fot_sort)GPOINTER_TO_INT(sort);
    return ranks_before(x, y, order) ? -1 : ranks_before(y, x, order) ? 1 : 0;
}

const fot_session **
fot_report_top(const fot_engine *e, fot_sort sort, uint32_t limit, size_t *count)
{
    fot_counts c;
    fot_engine_counts(e, &c);
    top_sel t = { NULL, 0, (limit && limit < c.sessions) ? limit : c.sessions, sort };
    t.items = g_new(const fot_session *, t.limit + 1);
    if (t.limit)
        fot_engine_foreach(e, top_offer, &t);
    g_qsort_with_data(t.items, (gint)t.count, sizeof *t.items, compare_rank, GINT_TO_POINTER(sort));
    *count = t.count;
    return t.items;
}

void
fot_report_sum(GString *out, const fot_engine *e, const char *filter)
{
    const fot_config *c = fot_engine_config(e);
    if (!c->noheader) {
        char *options = fot_config_describe(c);
        g_string_append_printf(out, "4o6top ver: %s\n%s%s%s\n\n", FOT_VERSION, options,
                               filter ? " filter:" : "", filter ? filter : "");
        g_free(options);
    }

    fot_counts n;
    fot_engine_counts(e, &n);
    char when[32] = "no packets";
    if (fot_engine_started(e))
        fot_time_clock(when, sizeof when, fot_engine_now(e));
    g_string_append_printf(out, "%s  Total Sess:%u\n", when, n.sessions);
    static const char *const names[FOT_P_COUNT] = { "TCP ", "UDP ", "ICMP" };
    for (int p = 0; p < FOT_P_ICMP; p++)
        g_string_append_printf(out, "  %s Sess:%6u DstIP:%6u SrcPort:%6u DstPort:%6u\n", names[p],
                               n.proto[p].sessions, n.proto[p].dst_ips, n.proto[p].src_ports,
                               n.proto[p].dst_ports);
    g_string_append_printf(out, "  %s Sess:%6u DstIP:%6u ICMP ID:%6u\n", names[FOT_P_ICMP],
                           n.proto[FOT_P_ICMP].sessions, n.proto[FOT_P_ICMP].dst_ips,
                           n.proto[FOT_P_ICMP].src_ports);
    g_string_append_printf(out, "  Not sessions: other protocols %" PRIu64 ", malformed %" PRIu64
                                ", unreassembled fragments %" PRIu64 "\n",
                           fot_engine_tally_get(e, FOT_TALLY_OTHER), fot_engine_tally_get(e, FOT_TALLY_MALFORMED),
                           fot_engine_tally_get(e, FOT_TALLY_UNREASSEMBLED));
    if (fot_engine_evicted(e))
        g_string_append_printf(out, "  Evicted at max_sessions=%u: %" PRIu64 " sessions\n", c->max_sessions,
                               fot_engine_evicted(e));
    g_string_append_c(out, '\n');

    g_string_append_printf(out, "%6s %15s:%5s %15s:%5s %10s %10s %7s", "Proto", "Source IP", "Port", "Dest IP",
                           "Port", "Packets", "Bytes", "Timeout");
    if (c->tunnel)
        g_string_append_printf(out, " %-39s %s", "CE/B4", "BR/AFTR");
    g_string_append_c(out, '\n');
    size_t count;
    const fot_session **top = fot_report_top(e, c->sort, c->height, &count);
    for (size_t i = 0; i < count; i++) {
        const fot_session *s = top[i];
        char cip[16], sip[16];
        int64_t left = fot_engine_expiry(e, s) - fot_engine_now(e);
        g_string_append_printf(out, "%6s %15s:%5u %15s:%5u %10" PRIu64 " %10" PRIu64 " %7" PRId64,
                               fot_proto_name(s->proto), fot_ipv4_text(s->client_ip, cip), s->client_port,
                               fot_ipv4_text(s->server_ip, sip), s->server_port, total(s->packets),
                               total(s->bytes), (left + FOT_NS_PER_SEC - 1) / FOT_NS_PER_SEC);
        if (c->tunnel) {
            char ce[INET6_ADDRSTRLEN], br[INET6_ADDRSTRLEN];
            g_string_append_printf(out, " %-39s %s", ipv6_text(fot_engine_node_addr(e, s->ce), ce),
                                   ipv6_text(fot_engine_node_addr(e, s->br), br));
        }
        g_string_append_c(out, '\n');
    }
    g_free(top);
}

/* ---- stat ---- */

void
fot_report_stat_header(GString *out, const fot_config *c)
{
    static const char *const cols[] = { "time",       "Session",    "TCPSession", "UDPSession", "ICMPSession",
                                        "TCPSrcPort", "UDPSrcPort", "ICMPID",     "TCPDstIP",   "UDPDstIP",
                                        "ICMPDstIP",  "TCPDstPort", "UDPDstPort" };
    for (size_t i = 0; i < G_N_ELEMENTS(cols); i++)
        g_string_append_printf(out, "%s%s", i ? c->delimiter : "", cols[i]);
    if (c->ce_ports)
        g_string_append_printf(out, "%sMaxCEPortsInUse", c->delimiter);
    if (c->evicted)
        g_string_append_printf(out, "%sEvicted", c->delimiter);
    g_string_append_c(out, '\n');
}

void
fot_report_stat_row(GString *out, const fot_engine *e, int64_t t, int frac_digits)
{
    const char *d = fot_engine_config(e)->delimiter;
    fot_counts n;
    fot_engine_counts(e, &n);
    const fot_proto_counts *tcp = &n.proto[FOT_P_TCP], *udp = &n.proto[FOT_P_UDP], *icmp = &n.proto[FOT_P_ICMP];
    char when[48];
    fot_time_rfc3339(when, sizeof when, t, frac_digits);
    g_string_append_printf(out, "%s%s%u%s%u%s%u%s%u%s%u%s%u%s%u%s%u%s%u%s%u%s%u%s%u", when, d, n.sessions, d,
                           tcp->sessions, d, udp->sessions, d, icmp->sessions, d, tcp->src_ports, d,
                           udp->src_ports, d, icmp->src_ports, d, tcp->dst_ips, d, udp->dst_ips, d,
                           icmp->dst_ips, d, tcp->dst_ports, d, udp->dst_ports);
    if (fot_engine_config(e)->ce_ports)
        g_string_append_printf(out, "%s%u", d, fot_engine_max_ce_ports(e));
    if (fot_engine_config(e)->evicted)
        g_string_append_printf(out, "%s%" PRIu64, d, fot_engine_evicted(e));
    g_string_append_c(out, '\n');
}

/* ---- log ---- */

void
fot_report_log_header(GString *out, const fot_config *c)
{
    static const char *const cols[] = { "time", "Proto", "SrcIP", "SrcPort", "DstIP", "DstPort", "Length" };
    for (size_t i = 0; i < G_N_ELEMENTS(cols); i++)
        g_string_append_printf(out, "%s%s", i ? c->delimiter : "", cols[i]);
    if (c->tunnel)
        g_string_append_printf(out, "%sCE%sBR", c->delimiter, c->delimiter);
    g_string_append_c(out, '\n');
}

void
fot_report_log_row(GString *out, const fot_engine *e, const fot_event *ev, const fot_session *s, int frac_digits)
{
    const fot_config *c = fot_engine_config(e);
    const char *d = c->delimiter;
    char when[48], cip[16], sip[16];
    fot_time_rfc3339(when, sizeof when, ev->time, frac_digits);
    g_string_append_printf(out, "%s%s%s%s%s%s%u%s%s%s%u%s%u", when, d, fot_proto_name(s->proto), d,
                           fot_ipv4_text(s->client_ip, cip), d, s->client_port, d,
                           fot_ipv4_text(s->server_ip, sip), d, s->server_port, d,
                           c->bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len);
    if (c->tunnel) {
        char ce[INET6_ADDRSTRLEN], br[INET6_ADDRSTRLEN];
        g_string_append_printf(out, "%s%s%s%s", d, ipv6_text(fot_engine_node_addr(e, s->ce), ce), d,
                               ipv6_text(fot_engine_node_addr(e, s->br), br));
    }
    g_string_append_c(out, '\n');
}

/* ---- ce ---- */

void
fot_report_ce_header(GString *out, const fot_config *c)
{
    static const char *const cols[] = { "CE",     "Mechanism",   "IPv4",       "PSID",           "PSIDLen", "Offset",
                                        "PortSetSize", "PortsInUse", "PeakPortsInUse", "Sessions", "OutOfSet" };
    for (size_t i = 0; i < G_N_ELEMENTS(cols); i++)
        g_string_append_printf(out, "%s%s", i ? c->delimiter : "", cols[i]);
    g_string_append_c(out, '\n');
}

static void
collect_ce(const fot_ce_info *ce, void *ud)
{
    g_array_append_val((GArray *)ud, *ce);
}

static gint
compare_ce_addr(gconstpointer a, gconstpointer b)
{
    return memcmp(((const fot_ce_info *)a)->addr, ((const fot_ce_info *)b)->addr, 16);
}

static GArray *
ces_by_address(const fot_engine *e)
{
    GArray *ces = g_array_new(FALSE, FALSE, sizeof(fot_ce_info));
    fot_engine_foreach_ce(e, collect_ce, ces);
    g_array_sort(ces, compare_ce_addr);
    return ces;
}

static bool
whole_set(const fot_ce_info *ce)
{
    return ce->source == FOT_SET_RULE || ce->source == FOT_SET_BINDING;
}

/* Ports of every address of the set (a CE may get a whole IPv4 prefix). */
static uint64_t
set_size(const fot_ce_info *ce)
{
    return (uint64_t)fot_port_set_size(&ce->set) << (32 - ce->set.ipv4_len);
}

void
fot_report_ce(GString *out, const fot_engine *e)
{
    const char *d = fot_engine_config(e)->delimiter;
    GArray *ces = ces_by_address(e);
    for (guint i = 0; i < ces->len; i++) {
        const fot_ce_info *ce = &g_array_index(ces, fot_ce_info, i);
        char addr[INET6_ADDRSTRLEN], ip[16];
        g_string_append_printf(out, "%s%s%s%s", ipv6_text(ce->addr, addr), d, fot_mechanism_name(ce->mechanism), d);
        if (ce->source != FOT_SET_NONE) {
            g_string_append(out, fot_ipv4_text(ce->set.ipv4, ip));
            if (ce->set.ipv4_len < 32)
                g_string_append_printf(out, "/%u", ce->set.ipv4_len);
        } else if (ce->mechanism != FOT_MECH_DSLITE && !ce->many_ips) {
            g_string_append(out, fot_ipv4_text(ce->client_ip, ip));
        }
        g_string_append(out, d);
        if (ce->source == FOT_SET_IID || (whole_set(ce) && ce->set.psid_len > 0))
            g_string_append_printf(out, "%u", ce->set.psid);
        g_string_append(out, d);
        if (whole_set(ce))
            g_string_append_printf(out, "%u%s%u%s%" PRIu64, ce->set.psid_len, d, ce->set.offset, d, set_size(ce));
        else
            g_string_append_printf(out, "%s%s", d, d);
        g_string_append_printf(out, "%s%u%s%u%s%" PRIu64 "%s%" PRIu64 "\n", d, ce->ports_in_use, d, ce->peak_ports,
                               d, ce->sessions, d, ce->out_of_set);
    }
    g_array_free(ces, TRUE);
}

void
fot_report_ce_warnings(GString *out, const fot_engine *e)
{
    uint32_t threshold = fot_engine_config(e)->threshold;
    if (fot_engine_forgotten_ces(e))
        g_string_append_printf(out, "4o6top: %" PRIu64 " CE/B4 records without sessions were dropped to stay "
                                    "within max_sessions=%u; their rows are missing\n",
                               fot_engine_forgotten_ces(e), fot_engine_config(e)->max_sessions);
    GArray *ces = ces_by_address(e);
    for (guint i = 0; i < ces->len; i++) {
        const fot_ce_info *ce = &g_array_index(ces, fot_ce_info, i);
        if (!whole_set(ce) || (uint64_t)ce->peak_ports * 100 < (uint64_t)threshold * set_size(ce))
            continue;
        char addr[INET6_ADDRSTRLEN], when[48];
        fot_time_rfc3339(when, sizeof when, ce->peak_time, 0);
        g_string_append_printf(out, "4o6top: CE %s near port exhaustion: peak %u of %" PRIu64
                                    " ports (%" PRIu64 "%%) at %s\n",
                               ipv6_text(ce->addr, addr), ce->peak_ports, set_size(ce),
                               (uint64_t)ce->peak_ports * 100 / set_size(ce), when);
    }
    g_array_free(ces, TRUE);
}

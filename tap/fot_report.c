/* \summary: the sum view: a top-like table of the active sessions, for a terminal or the window */
#include "fot_report.h"

#include <inttypes.h>
#include <string.h>

#include "fot_addr.h"
#include "fot_packet.h"
#include "fot_time.h"

#ifndef FOT_VERSION
#define FOT_VERSION "dev"
#endif

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
        if (fot_session_first(a) != fot_session_first(b))
            return fot_session_first(a) < fot_session_first(b);
        break;
    }
    return fot_session_serial(a) < fot_session_serial(b);
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

const fot_session **
fot_report_top(const fot_engine *e, fot_sort sort, uint32_t limit, size_t *count)
{
    uint32_t active = fot_engine_active(e);
    top_sel t = { NULL, 0, (limit && limit < active) ? limit : active, sort };
    t.items = g_new(const fot_session *, t.limit + 1);
    if (t.limit)
        fot_engine_foreach(e, top_offer, &t);
    /* Heap sort in place: the root (worst kept) goes last, then the next worst. */
    *count = t.count;
    while (t.count > 1) {
        const fot_session *worst = t.items[0];
        t.items[0] = t.items[--t.count];
        t.items[t.count] = worst;
        sift_down(&t, 0);
    }
    return t.items;
}

void
fot_report_wrap(GString *out, const char *text, unsigned width, const char *indent)
{
    size_t column = 0, indent_len = strlen(indent);
    gchar **words = g_strsplit(text, " ", -1);
    for (gchar **w = words; *w; w++) {
        size_t len = strlen(*w);
        if (!len)
            continue;
        if (column && column + 1 + len > width) {
            g_string_append_c(out, '\n');
            column = 0;
        }
        if (!column) {
            g_string_append(out, indent);
            column = indent_len;
        } else {
            g_string_append_c(out, ' ');
            column++;
        }
        g_string_append(out, *w);
        column += len;
    }
    g_strfreev(words);
    g_string_append_c(out, '\n');
}

static void
counts_lines(GString *out, const fot_counts *n)
{
    static const uint8_t protos[FOT_P_COUNT] = { FOT_IPPROTO_TCP, FOT_IPPROTO_UDP, FOT_IPPROTO_ICMP };
    for (int p = 0; p < FOT_P_ICMP; p++)
        g_string_append_printf(out, "  %-4s Sess:%6u DstIP:%6u SrcPort:%6u DstPort:%6u\n", fot_proto_name(protos[p]),
                               n->proto[p].sessions, n->proto[p].dst_ips, n->proto[p].src_ports,
                               n->proto[p].dst_ports);
    g_string_append_printf(out, "  %-4s Sess:%6u DstIP:%6u ICMP ID:%6u\n", fot_proto_name(protos[FOT_P_ICMP]),
                           n->proto[FOT_P_ICMP].sessions, n->proto[FOT_P_ICMP].dst_ips,
                           n->proto[FOT_P_ICMP].src_ports);
}

/* Only when the session cap was reached: the counts are then lower bounds. */
/* The lines that say what the table may be missing: packets the capture
 * dropped (the command's own live capture), sessions ended at the cap. */
static void
missing_lines(GString *out, const fot_engine *e)
{
    if (fot_engine_config(e)->drops_known)
        g_string_append_printf(out, "  Dropped by the capture: %" PRIu64 " packets\n",
                               fot_engine_tally_get(e, FOT_TALLY_DROPPED));
    if (fot_engine_evicted(e))
        g_string_append_printf(out, "  Evicted at max_sessions=%u: %" PRIu64 " sessions\n",
                               fot_engine_config(e)->max_sessions, fot_engine_evicted(e));
}

static void
tunnel_header(GString *out, const fot_config *c)
{
    if (c->tunnel_columns)
        g_string_append_printf(out, " %-39s %s", "CE/B4", "BR/AFTR");
    g_string_append_c(out, '\n');
}

static void
tunnel_columns(GString *out, const fot_engine *e, const fot_session *s)
{
    if (fot_engine_config(e)->tunnel_columns) {
        char ce[FOT_IPV6_TEXT_SIZE], br[FOT_IPV6_TEXT_SIZE];
        g_string_append_printf(out, " %-39s %s", fot_ipv6_text(fot_engine_node_addr(e, s->ce), ce),
                               fot_ipv6_text(fot_engine_node_addr(e, s->br), br));
    }
    g_string_append_c(out, '\n');
}

/* The terminal's rows: the original's widths, with timeout_width for the seconds left. */
static void
session_rows(GString *out, const fot_engine *e, int timeout_width)
{
    const fot_config *c = fot_engine_config(e);
    size_t count;
    const fot_session **top = fot_report_top(e, c->sort, c->height, &count);
    for (size_t i = 0; i < count; i++) {
        const fot_session *s = top[i];
        char cip[FOT_IPV4_TEXT_SIZE], sip[FOT_IPV4_TEXT_SIZE];
        int64_t left = fot_engine_expiry(e, s) - fot_engine_now(e);
        g_string_append_printf(out, "%6s %15s:%5u %15s:%5u %10" PRIu64 " %10" PRIu64 " %*" PRId64,
                               fot_proto_name(s->proto), fot_ipv4_text(s->client_ip, cip), s->client_port,
                               fot_ipv4_text(s->server_ip, sip), s->server_port, total(s->packets),
                               total(s->bytes), timeout_width, (left + FOT_NS_PER_SEC - 1) / FOT_NS_PER_SEC);
        tunnel_columns(out, e, s);
    }
    g_free(top);
}

/* The window's rows, 72 characters before the tunnel columns, each session's
 * number first (the window's buttons take it); seconds left are in the
 * Sessions table. */
static void
window_rows(GString *out, const fot_engine *e)
{
    const fot_config *c = fot_engine_config(e);
    size_t count;
    const fot_session **top = fot_report_top(e, c->sort, c->height, &count);
    for (size_t i = 0; i < count; i++) {
        const fot_session *s = top[i];
        char cip[FOT_IPV4_TEXT_SIZE], sip[FOT_IPV4_TEXT_SIZE], client[22], server[22];
        g_snprintf(client, sizeof client, "%s:%u", fot_ipv4_text(s->client_ip, cip), s->client_port);
        g_snprintf(server, sizeof server, "%s:%u", fot_ipv4_text(s->server_ip, sip), s->server_port);
        g_string_append_printf(out, "%5u %-5s %-21s %-21s %7" PRIu64 " %8" PRIu64, fot_session_serial(s),
                               fot_proto_name(s->proto), client, server, total(s->packets), total(s->bytes));
        tunnel_columns(out, e, s);
    }
    g_free(top);
}

/* The version and option lines, the filter on the latter, unless noheader:
 * broken into lines of width characters, or in one line (width 0). */
static void
option_lines(GString *out, const fot_config *c, const char *filter, unsigned width)
{
    if (c->noheader)
        return;
    char *options = fot_config_describe(c);
    char *line = g_strdup_printf("%s%s%s", options, filter ? " filter:" : "", filter ? filter : "");
    g_string_append_printf(out, "4o6top ver: %s\n", FOT_VERSION);
    if (width)
        fot_report_wrap(out, line, width, " ");
    else
        g_string_append_printf(out, "%s\n", line);
    g_string_append_c(out, '\n');
    g_free(line);
    g_free(options);
}

/* Capture time and the counts, the packets that are not sessions (broken at
 * width, 0: one line), sessions evicted. */
static void
count_lines(GString *out, const fot_engine *e, unsigned width)
{
    fot_counts n;
    fot_engine_counts(e, &n);
    char when[32] = "no packets";
    if (fot_engine_started(e))
        fot_time_clock(when, sizeof when, fot_engine_now(e));
    g_string_append_printf(out, "%s  Total Sess:%u\n", when, n.sessions);
    counts_lines(out, &n);
    char *not_sessions = g_strdup_printf("Not sessions: other protocols %" PRIu64 ", malformed %" PRIu64
                                         ", unreassembled fragments %" PRIu64,
                                         fot_engine_tally_get(e, FOT_TALLY_OTHER),
                                         fot_engine_tally_get(e, FOT_TALLY_MALFORMED),
                                         fot_engine_tally_get(e, FOT_TALLY_UNREASSEMBLED));
    if (width)
        fot_report_wrap(out, not_sessions, width, "  ");
    else
        g_string_append_printf(out, "  %s\n", not_sessions);
    g_free(not_sessions);
    missing_lines(out, e);
    g_string_append_c(out, '\n');
}

void
fot_report_sum(GString *out, const fot_engine *e, const char *filter)
{
    const fot_config *c = fot_engine_config(e);
    option_lines(out, c, filter, 0);
    count_lines(out, e, 0);
    g_string_append_printf(out, "%6s %15s:%5s %15s:%5s %10s %10s %7s", "Proto", "Source IP", "Port", "Dest IP", "Port",
                           "Packets", "Bytes", "Timeout");
    tunnel_header(out, c);
    session_rows(out, e, 7);
}

void
fot_report_window(GString *out, const fot_engine *e, const char *filter, unsigned width)
{
    const fot_config *c = fot_engine_config(e);
    option_lines(out, c, filter, width);
    count_lines(out, e, width);
    g_string_append_printf(out, "%5s %-5s %-21s %-21s %7s %8s", "Sess", "Proto", "Client", "Server", "Packets",
                           "Bytes");
    tunnel_header(out, c);
    window_rows(out, e);
}

void
fot_report_sum_original(GString *out, const fot_engine *e, const char *filter, size_t *log_at, size_t *log_len)
{
    const fot_config *c = fot_engine_config(e);
    char *options = fot_config_describe_original(c);
    g_string_append_printf(out, "4o6top ver: %s\n%s%s%s\n\n", FOT_VERSION, options, filter ? " filter:" : "",
                           filter ? filter : "");
    g_free(options);

    fot_counts n;
    fot_engine_counts(e, &n);
    char when[32];
    /* Before any packet there is no capture time: the wall clock, as the original's log line. */
    fot_time_clock(when, sizeof when, fot_engine_started(e) ? fot_engine_now(e) : g_get_real_time() * 1000);
    *log_at = out->len;
    g_string_append_printf(out, "%s  Total Sess:%u\n", when, n.sessions);
    *log_len = out->len - *log_at;
    counts_lines(out, &n);
    missing_lines(out, e);

    g_string_append_printf(out, "\n%6s %15s:%5s %15s:%5s %10s %10s %5s", "Proto", "Source IP", "Port", "Dest IP",
                           "Port", "Packets", "Bytes", "Timeout");
    tunnel_header(out, c);
    session_rows(out, e, 5);
}

/* \summary: the rows of stat, log, sess and ce, as CSV or JSON lines */
/* Each mode lists its fields once, as (CSV header, JSON key) pairs; a row is
 * the values in that order, written as CSV or as one JSON object. The fields
 * without a CSV header (NULL) are added for JSON only. The JSON keys are the original tool's
 * Elasticsearch fields where it had one (packaging/elasticsearch/). */
#include "fot_records.h"

#include <inttypes.h>
#include <string.h>

#include "fot_addr.h"
#include "fot_time.h"

typedef struct field {
    const char *csv, *json;
} field;

typedef enum { VAL_NONE, VAL_TEXT, VAL_NUMBER, VAL_BOOL } value_kind;

/* A value, kept as text; numbers and booleans are written unquoted in JSON
 * (booleans: true/false there, yes/no in CSV). */
typedef struct value {
    value_kind kind;
    char text[48];
} value;

#define MAX_FIELDS 32

typedef struct record {
    const fot_config *cfg;
    const char *mode; /* JSON "mode", as the original tool's documents */
    /* The original layout ends the header, and stat's rows, with a delimiter. */
    bool header_delimited, row_delimited;
    field fields[MAX_FIELDS];
    value values[MAX_FIELDS];
    unsigned n;
} record;

static void
add(record *r, const char *csv, const char *json, value_kind kind, const char *text)
{
    g_assert(r->n < MAX_FIELDS);
    r->fields[r->n] = (field){ csv, json };
    r->values[r->n].kind = kind;
    g_strlcpy(r->values[r->n].text, text ? text : "", sizeof r->values[r->n].text);
    r->n++;
}

static bool
json_format(const fot_config *c)
{
    return c->format == FOT_FORMAT_JSON;
}

static void
add_text(record *r, const char *csv, const char *json, const char *text)
{
    add(r, csv, json, VAL_TEXT, text);
}

static void
add_uint(record *r, const char *csv, const char *json, uint64_t v)
{
    char buf[24], *p = buf + sizeof buf;
    *--p = '\0';
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    add(r, csv, json, VAL_NUMBER, p);
}

static void
add_bool(record *r, const char *csv, const char *json, bool yes)
{
    add(r, csv, json, VAL_BOOL, json_format(r->cfg) ? (yes ? "true" : "false") : (yes ? "yes" : "no"));
}

static void
add_none(record *r, const char *csv, const char *json)
{
    add(r, csv, json, VAL_NONE, NULL);
}


/* JSON has no original layout: its documents are the same in both. */
static bool
original(const fot_config *c)
{
    return c->layout == FOT_LAYOUT_ORIGINAL && !json_format(c);
}

/* JSON also carries the original tool's "mode" and "timestamp" (its Kibana
 * index patterns' time field) beside "@timestamp" (Filebeat, Logstash). */
static void
add_time(record *r, int64_t t, int frac_digits)
{
    char buf[48];
    fot_time_rfc3339(buf, sizeof buf, t, frac_digits);
    add_text(r, "time", "@timestamp", buf);
    if (json_format(r->cfg)) {
        add_text(r, NULL, "mode", r->mode);
        add_text(r, NULL, "timestamp", buf);
        add_text(r, NULL, "observer.name", r->cfg->observer[0] ? r->cfg->observer : g_get_host_name());
    }
}

static void
write_json_string(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            g_string_append_c(out, '\\');
        if ((unsigned char)*s < 0x20)
            g_string_append_printf(out, "\\u%04x", (unsigned char)*s);
        else
            g_string_append_c(out, *s);
    }
    g_string_append_c(out, '"');
}

static void
write_record(GString *out, const record *r)
{
    if (json_format(r->cfg)) {
        g_string_append_c(out, '{');
        for (unsigned i = 0; i < r->n; i++) {
            if (i)
                g_string_append_c(out, ',');
            write_json_string(out, r->fields[i].json);
            g_string_append_c(out, ':');
            if (r->values[i].kind == VAL_NONE)
                g_string_append(out, "null");
            else if (r->values[i].kind == VAL_NUMBER || r->values[i].kind == VAL_BOOL)
                g_string_append(out, r->values[i].text);
            else
                write_json_string(out, r->values[i].text);
        }
        g_string_append(out, "}\n");
        return;
    }
    for (unsigned i = 0; i < r->n; i++) {
        if (i)
            g_string_append(out, r->cfg->delimiter);
        g_string_append(out, r->values[i].text);
    }
    if (r->row_delimited)
        g_string_append(out, r->cfg->delimiter);
    g_string_append_c(out, '\n');
}

/* ---- stat ---- */

static void
stat_fields(record *r, const fot_engine *e, int64_t t, int frac_digits)
{
    const fot_config *c = r->cfg;
    fot_counts n = { 0 };
    if (e)
        fot_engine_counts(e, &n);
    const fot_proto_counts *tcp = &n.proto[FOT_P_TCP], *udp = &n.proto[FOT_P_UDP], *icmp = &n.proto[FOT_P_ICMP];
    r->header_delimited = r->row_delimited = original(c);
    add_time(r, t, frac_digits);
    add_uint(r, "Session", "total_session", n.sessions);
    add_uint(r, "TCPSession", "tcp_session", tcp->sessions);
    add_uint(r, "UDPSession", "udp_session", udp->sessions);
    add_uint(r, "ICMPSession", "icmp_session", icmp->sessions);
    add_uint(r, "TCPSrcPort", "tcp_src_port", tcp->src_ports);
    add_uint(r, "UDPSrcPort", "udp_src_port", udp->src_ports);
    add_uint(r, "ICMPID", "icmp_id", icmp->src_ports);
    add_uint(r, "TCPDstIP", "tcp_dst_ip", tcp->dst_ips);
    add_uint(r, "UDPDstIP", "udp_dst_ip", udp->dst_ips);
    add_uint(r, "ICMPDstIP", "icmp_dst_ip", icmp->dst_ips);
    add_uint(r, "TCPDstPort", "tcp_dst_port", tcp->dst_ports);
    add_uint(r, "UDPDstPort", "udp_dst_port", udp->dst_ports);
    if (c->ce_ports)
        add_uint(r, "MaxCEPortsInUse", "max_ce_ports_in_use", e ? fot_engine_max_ce_ports(e) : 0);
    if (c->evicted)
        add_uint(r, "Evicted", "evicted", e ? fot_engine_evicted(e) : 0);
    if (c->drops_column)
        add_uint(r, "Dropped", "dropped", e ? fot_engine_tally_get(e, FOT_TALLY_DROPPED) : 0);
}

void
fot_records_stat(GString *out, const fot_engine *e, int64_t t, int frac_digits)
{
    record r = { .cfg = fot_engine_config(e), .mode = "stat" };
    stat_fields(&r, e, t, frac_digits);
    write_record(out, &r);
}

/* ---- log and sess: a session's endpoints ---- */

static void
endpoint_fields(record *r, const fot_session *s)
{
    char ip[FOT_IPV4_TEXT_SIZE];
    add_text(r, "Proto", "protocol", s ? fot_proto_name(s->proto) : "");
    add_text(r, "SrcIP", "source_ip_address", s ? fot_ipv4_text(s->client_ip, ip) : "");
    add_uint(r, "SrcPort", "source_port", s ? s->client_port : 0);
    add_text(r, "DstIP", "destination_ip_address", s ? fot_ipv4_text(s->server_ip, ip) : "");
    add_uint(r, "DstPort", "destination_port", s ? s->server_port : 0);
}

static void
tunnel_fields(record *r, const fot_engine *e, const fot_session *s)
{
    if (!r->cfg->tunnel_columns)
        return;
    char addr[FOT_IPV6_TEXT_SIZE];
    add_text(r, "CE", "ce", s ? fot_ipv6_text(fot_engine_node_addr(e, s->ce), addr) : "");
    add_text(r, "BR", "br", s ? fot_ipv6_text(fot_engine_node_addr(e, s->br), addr) : "");
}

/* The original layout's times are to the second, as Go's time.RFC3339. */
static void
log_fields(record *r, const fot_engine *e, const fot_event *ev, const fot_session *s, int frac_digits)
{
    r->header_delimited = original(r->cfg);
    add_time(r, ev ? ev->time : 0, r->header_delimited ? 0 : frac_digits);
    endpoint_fields(r, s);
    add_uint(r, "Length", "length", !ev ? 0 : r->cfg->bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len);
    tunnel_fields(r, e, s);
}

void
fot_records_log(GString *out, const fot_engine *e, const fot_event *ev, const fot_session *s, int frac_digits)
{
    record r = { .cfg = fot_engine_config(e), .mode = "log" };
    log_fields(&r, e, ev, s, frac_digits);
    write_record(out, &r);
}

static void
sess_fields(record *r, const fot_engine *e, const fot_session *s, fot_sess_event what, int64_t t, int frac_digits)
{
    static const char *const events[] = { "open", "timeout", "evicted", "end" };
    r->header_delimited = original(r->cfg);
    if (!r->header_delimited) /* the original's sess rows have no time */
        add_time(r, t, frac_digits);
    endpoint_fields(r, s);
    tunnel_fields(r, e, s);
    if (r->cfg->tunnel_columns)
        add_bool(r, "Inbound", "inbound", s && (s->flags & FOT_SESSION_INBOUND));
    if (fot_softwire_judges(r->cfg->softwire)) {
        if (s && s->verdict != FOT_VERDICT_NONE)
            add_text(r, "Verdict", "verdict", fot_verdict_name((fot_verdict)s->verdict));
        else
            add_none(r, "Verdict", "verdict");
    }
    if (!r->cfg->ends)
        return;
    add_text(r, "Event", "event", events[what]);
    if (!s || what == FOT_SESS_OPEN) {
        add_none(r, "Packets", "packets");
        add_none(r, "Bytes", "bytes");
        add_none(r, "Duration", "duration");
        return;
    }
    char duration[32];
    int64_t d = s->last - fot_session_first(s);
    g_snprintf(duration, sizeof duration, "%" PRId64 ".%06" PRId64, d / FOT_NS_PER_SEC, d % FOT_NS_PER_SEC / 1000);
    add_uint(r, "Packets", "packets", s->packets[0] + s->packets[1]);
    add_uint(r, "Bytes", "bytes", s->bytes[0] + s->bytes[1]);
    add(r, "Duration", "duration", VAL_NUMBER, duration);
}

void
fot_records_sess(GString *out, const fot_engine *e, const fot_session *s, fot_sess_event what, int64_t t,
                 int frac_digits)
{
    record r = { .cfg = fot_engine_config(e), .mode = "sess" };
    sess_fields(&r, e, s, what, t, frac_digits);
    write_record(out, &r);
}

/* ---- ce ---- */

static void
add_ipv4_or_none(record *r, const char *csv, const char *json, const char *ip)
{
    if (ip[0])
        add_text(r, csv, json, ip);
    else
        add_none(r, csv, json);
}

/* With events, every row starts with its time and Event (above, below, or
 * end for the rows at the end of the capture). */
static void
ce_fields(record *r, const fot_ce_info *ce, const char *event, int64_t t, int frac_digits)
{
    char addr[FOT_IPV6_TEXT_SIZE], ip[24] = "", used[FOT_IPV4_TEXT_SIZE] = "";
    if (r->cfg->events) {
        add_time(r, t, frac_digits);
        add_text(r, "Event", "event", event);
    } else if (json_format(r->cfg)) {
        add_time(r, t, 0);
    }
    add_text(r, "CE", "ce", ce ? fot_ipv6_text(ce->addr, addr) : "");
    add_text(r, "Mechanism", "mechanism", ce ? fot_mechanism_name(ce->mechanism) : "");
    add_text(r, "Evidence", "evidence", ce ? fot_why_name(ce->why) : "");
    if (ce && ce->source != FOT_SET_NONE) {
        fot_ipv4_text(ce->set.ipv4, ip);
        if (ce->set.ipv4_len < 32)
            g_snprintf(ip + strlen(ip), sizeof ip - strlen(ip), "/%u", ce->set.ipv4_len);
    } else if (ce && ce->mechanism != FOT_MECH_DSLITE && !ce->many_ips) {
        fot_ipv4_text(ce->client_ip, ip);
    }
    if (ce && ce->sessions && !ce->many_ips)
        fot_ipv4_text(ce->client_ip, used);
    add_ipv4_or_none(r, "IPv4", "ipv4", ip);
    add_ipv4_or_none(r, "UsedIPv4", "used_ipv4", used);
    bool whole = ce && fot_ce_set_size(ce) != 0;
    if (ce && (ce->source == FOT_SET_IID || whole))
        add_uint(r, "PSID", "psid", ce->set.psid);
    else
        add_none(r, "PSID", "psid");
    if (whole) {
        add_uint(r, "PSIDLen", "psid_len", ce->set.psid_len);
        add_uint(r, "Offset", "offset", ce->set.offset);
        add_uint(r, "PortSetSize", "port_set_size", fot_ce_set_size(ce));
    } else {
        add_none(r, "PSIDLen", "psid_len");
        add_none(r, "Offset", "offset");
        add_none(r, "PortSetSize", "port_set_size");
    }
    add_uint(r, "PortsInUse", "ports_in_use", ce ? ce->ports_in_use : 0);
    add_uint(r, "PeakPortsInUse", "peak_ports_in_use", ce ? ce->peak_ports : 0);
    add_uint(r, "Sessions", "sessions", ce ? ce->sessions : 0);
    add_uint(r, "OutOfSet", "out_of_set", ce ? ce->out_of_set : 0);
    for (int v = FOT_VERDICT_BOUND; v < FOT_VERDICT_COUNT; v++)
        add_uint(r, fot_verdict_column((fot_verdict)v), fot_verdict_key((fot_verdict)v), ce ? ce->verdicts[v] : 0);
}

static void
collect_ce(const fot_ce_info *ce, void *ud)
{
    g_array_append_val((GArray *)ud, *ce);
}

/* By CE address, then a CE's sets by IPv4 and PSID. */
static gint
compare_ce_row(gconstpointer pa, gconstpointer pb)
{
    const fot_ce_info *a = pa, *b = pb;
    int c = memcmp(a->addr, b->addr, 16);
    if (c)
        return c;
    if (a->set.ipv4 != b->set.ipv4)
        return a->set.ipv4 < b->set.ipv4 ? -1 : 1;
    return (int)a->set.psid - (int)b->set.psid;
}

static GArray *
ce_rows(const fot_engine *e)
{
    GArray *ces = g_array_new(FALSE, FALSE, sizeof(fot_ce_info));
    fot_engine_foreach_ce_row(e, collect_ce, ces);
    g_array_sort(ces, compare_ce_row);
    return ces;
}

void
fot_records_ce(GString *out, const fot_engine *e, int frac_digits)
{
    GArray *ces = ce_rows(e);
    for (guint i = 0; i < ces->len; i++) {
        record r = { .cfg = fot_engine_config(e), .mode = "ce" };
        ce_fields(&r, &g_array_index(ces, fot_ce_info, i), "end", fot_engine_now(e), frac_digits);
        write_record(out, &r);
    }
    g_array_free(ces, TRUE);
}

void
fot_records_ce_event(GString *out, const fot_config *c, const fot_ce_info *row, bool above, int64_t t,
                     int frac_digits)
{
    record r = { .cfg = c, .mode = "ce" };
    ce_fields(&r, row, above ? "above" : "below", t, frac_digits);
    write_record(out, &r);
}

void
fot_records_ce_warnings(GString *out, const fot_engine *e)
{
    const fot_config *c = fot_engine_config(e);
    if (fot_engine_forgotten_ces(e))
        g_string_append_printf(out, "4o6top: %" PRIu64 " CE/B4 records without sessions were dropped to stay "
                                    "within max_sessions=%u; their rows are missing\n",
                               fot_engine_forgotten_ces(e), c->max_sessions);
    GArray *ces = ce_rows(e);
    for (guint i = 0; i < ces->len; i++) {
        const fot_ce_info *ce = &g_array_index(ces, fot_ce_info, i);
        if (!fot_ce_near_exhaustion(ce, c->threshold))
            continue;
        char addr[FOT_IPV6_TEXT_SIZE], when[48], ip[FOT_IPV4_TEXT_SIZE];
        bool several = (i > 0 && g_array_index(ces, fot_ce_info, i - 1).node == ce->node) ||
                       (i + 1 < ces->len && g_array_index(ces, fot_ce_info, i + 1).node == ce->node);
        GString *which = g_string_new(NULL);
        if (several)
            g_string_printf(which, " (softwire %s PSID %u)", fot_ipv4_text(ce->set.ipv4, ip), ce->set.psid);
        fot_time_rfc3339(when, sizeof when, ce->peak_time, 0);
        uint64_t size = fot_ce_set_size(ce);
        g_string_append_printf(out, "4o6top: CE %s%s near port exhaustion: peak %u of %" PRIu64
                                    " ports (%" PRIu64 "%%) at %s\n",
                               fot_ipv6_text(ce->addr, addr), which->str, ce->peak_ports, size,
                               fot_use_percent(ce->peak_ports, size), when);
        g_string_free(which, TRUE);
    }
    g_array_free(ces, TRUE);
}

/* ---- headers: the same field lists, without values ---- */

static void
write_header(GString *out, const record *r)
{
    if (json_format(r->cfg) || r->cfg->noheader)
        return;
    for (unsigned i = 0; i < r->n; i++)
        g_string_append_printf(out, "%s%s", i ? r->cfg->delimiter : "", r->fields[i].csv);
    if (r->header_delimited)
        g_string_append(out, r->cfg->delimiter);
    g_string_append_c(out, '\n');
}

void
fot_records_stat_header(GString *out, const fot_config *c)
{
    record r = { .cfg = c };
    stat_fields(&r, NULL, 0, 0);
    write_header(out, &r);
}

void
fot_records_log_header(GString *out, const fot_config *c)
{
    record r = { .cfg = c };
    log_fields(&r, NULL, NULL, NULL, 0);
    write_header(out, &r);
}

void
fot_records_sess_header(GString *out, const fot_config *c)
{
    record r = { .cfg = c };
    sess_fields(&r, NULL, NULL, FOT_SESS_OPEN, 0, 0);
    write_header(out, &r);
}

void
fot_records_ce_header(GString *out, const fot_config *c)
{
    record r = { .cfg = c };
    ce_fields(&r, NULL, NULL, 0, 0);
    write_header(out, &r);
}

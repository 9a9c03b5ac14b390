/* \summary: the option table; reading, checking and writing each option's value */
#include "fot_config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fot_addr.h"
#include "fot_decimal.h"
#include "fot_time.h"

#define MAX_TIMEOUT_S 604800u /* one week */
#define MAX_INTERVAL_S 86400u
#define MAX_HEIGHT 1000000u

static const char *const sort_names[] = { "bytes", "packets", "recent", "oldest", NULL };
static const char *const bytes_names[] = { "ipv6", "ipv4", NULL };
static const char *const refresh_names[] = { "auto", "on", "off", NULL };
static const char *const format_names[] = { "csv", "json", NULL };
static const char *const layout_names[] = { "plugin", "original", NULL };

#define AT(field) offsetof(fot_config, field)
#define NO_LIST FOT_LIST_RULES

const fot_option fot_options[] = {
    [FOT_ID_INTERVAL] = { FOT_ID_INTERVAL, "interval", FOT_OPT_SECONDS, AT(interval_ns),
      0, MAX_INTERVAL_S, NULL, NO_LIST, "-i", "Interval (seconds)",
      "stat: capture time between rows; sum: between redraws of a live capture. Decimals allowed (0.5)." },
    [FOT_ID_HEIGHT] = { FOT_ID_HEIGHT, "height", FOT_OPT_UINT, AT(height),
      0, MAX_HEIGHT, NULL, NO_LIST, "-h", "Height",
      "sum: session rows shown; 0 shows every active session." },
    [FOT_ID_SRC] = { FOT_ID_SRC, "src", FOT_OPT_IPV4_PREFIX, AT(src),
      0, 0, NULL, NO_LIST, "-s", "Client IPv4 address",
      "IPv4 address or prefix of the client side (behind the CE/B4); orients sessions, filters nothing." },
    [FOT_ID_DELIMITER] = { FOT_ID_DELIMITER, "delimiter", FOT_OPT_DELIMITER, AT(delimiter),
      0, 0, NULL, NO_LIST, "-d", "Field delimiter",
      "stat, log, sess, ce: field delimiter; one to 8 characters, or tab, space, comma, semicolon, pipe." },
    [FOT_ID_NOHEADER] = { FOT_ID_NOHEADER, "noheader", FOT_OPT_BOOL, AT(noheader),
      0, 0, NULL, NO_LIST, "-n", "No header",
      "Leave out the CSV header (stat, log, sess, ce) and, in the plugin layout, the option lines (sum)." },
    [FOT_ID_TCP_TIMEOUT] = { FOT_ID_TCP_TIMEOUT, "tcp_timeout", FOT_OPT_UINT, AT(timeout_s[FOT_CLASS_TCP]),
      1, MAX_TIMEOUT_S, NULL, NO_LIST, "-Tt", "TCP timeout (seconds)",
      "Idle time after which a TCP session ends." },
    [FOT_ID_TCP_CLOSE_TIMEOUT] = { FOT_ID_TCP_CLOSE_TIMEOUT, "tcp_close_timeout", FOT_OPT_UINT,
      AT(timeout_s[FOT_CLASS_TCP_CLOSING]),
      1, MAX_TIMEOUT_S, NULL, NO_LIST, "-Ttr", "TCP RST/FIN timeout (seconds)",
      "Idle time after which a TCP session that saw RST, or FIN with ACK, ends." },
    [FOT_ID_UDP_TIMEOUT] = { FOT_ID_UDP_TIMEOUT, "udp_timeout", FOT_OPT_UINT, AT(timeout_s[FOT_CLASS_UDP]),
      1, MAX_TIMEOUT_S, NULL, NO_LIST, "-Tu", "UDP timeout (seconds)",
      "Idle time after which a UDP session ends." },
    [FOT_ID_DNS_TIMEOUT] = { FOT_ID_DNS_TIMEOUT, "dns_timeout", FOT_OPT_UINT, AT(timeout_s[FOT_CLASS_DNS]),
      1, MAX_TIMEOUT_S, NULL, NO_LIST, "-Tud", "UDP DNS timeout (seconds)",
      "Idle time after which a UDP session with port 53 on either side ends." },
    [FOT_ID_ICMP_TIMEOUT] = { FOT_ID_ICMP_TIMEOUT, "icmp_timeout", FOT_OPT_UINT, AT(timeout_s[FOT_CLASS_ICMP]),
      1, MAX_TIMEOUT_S, NULL, NO_LIST, "-Ti", "ICMP timeout (seconds)",
      "Idle time after which an ICMP session ends." },
    [FOT_ID_SORT] = { FOT_ID_SORT, "sort", FOT_OPT_ENUM, AT(sort),
      0, 0, sort_names, NO_LIST, NULL, "Sort order",
      "sum: bytes or packets (most first), recent (last seen first), oldest (first seen first)." },
    [FOT_ID_BYTES] = { FOT_ID_BYTES, "bytes", FOT_OPT_ENUM, AT(bytes),
      0, 0, bytes_names, NO_LIST, NULL, "Byte count",
      "ipv6: count the IPv6 payload length (as the original tool); ipv4: the inner IPv4 total length." },
    [FOT_ID_REFRESH] = { FOT_ID_REFRESH, "refresh", FOT_OPT_ENUM, AT(refresh),
      0, 0, refresh_names, NO_LIST, NULL, "Redraw sum",
      "sum: auto redraws every interval when tshark reads a live interface or a pipe; on, off force it." },
    [FOT_ID_TUNNEL] = { FOT_ID_TUNNEL, "tunnel", FOT_OPT_BOOL, AT(tunnel_columns),
      0, 0, NULL, NO_LIST, NULL, "Tunnel columns",
      "sum, log, sess: add the CE/B4 and BR/AFTR IPv6 addresses of each session; sess also Inbound "
      "(opened from the BR/AFTR side)." },
    [FOT_ID_CE_PORTS] = { FOT_ID_CE_PORTS, "ce_ports", FOT_OPT_BOOL, AT(ce_ports),
      0, 0, NULL, NO_LIST, NULL, "Per-CE port column",
      "stat: add MaxCEPortsInUse, the most client ports any one CE/B4 has in use." },
    [FOT_ID_THRESHOLD] = { FOT_ID_THRESHOLD, "threshold", FOT_OPT_UINT, AT(threshold),
      1, 100, NULL, NO_LIST, NULL, "Port-use threshold (%)",
      "ce: a CE whose peak port use reaches this percentage of its port set is near exhaustion." },
    [FOT_ID_MAP_RULE] = { FOT_ID_MAP_RULE, "map_rule", FOT_OPT_LIST, 0,
      0, 0, NULL, FOT_LIST_RULES, NULL, "MAP-E rules",
      "MAP-E rule PREFIX6;PREFIX4;EA_LEN[;OFFSET] (offset default 6); repeat for more rules." },
    [FOT_ID_LW_BINDING] = { FOT_ID_LW_BINDING, "lw_binding", FOT_OPT_LIST, 0,
      0, 0, NULL, FOT_LIST_BINDINGS, NULL, "LW4o6 bindings",
      "LW4o6 binding B4_IPV6;IPV4;PSID;PSID_LEN[;OFFSET[;BR]] (offset default 0); repeat for more." },
    [FOT_ID_BR] = { FOT_ID_BR, "br", FOT_OPT_LIST, 0,
      0, 0, NULL, FOT_LIST_BRS, NULL, "BR/AFTR addresses",
      "IPv6 address or prefix of the BR/AFTR side; orients sessions; repeat for more." },
    [FOT_ID_MAX_SESSIONS] = { FOT_ID_MAX_SESSIONS, "max_sessions", FOT_OPT_UINT, AT(max_sessions),
      0, 100000000, NULL, NO_LIST, NULL, "Session cap",
      "Most active sessions kept (about 140 bytes each); past it the least recently seen end early. 0: no cap." },
    [FOT_ID_EVICTED] = { FOT_ID_EVICTED, "evicted", FOT_OPT_BOOL, AT(evicted),
      0, 0, NULL, NO_LIST, NULL, "Evicted column",
      "stat: add Evicted, the sessions ended early at the session cap so far." },
    [FOT_ID_FORMAT] = { FOT_ID_FORMAT, "format", FOT_OPT_ENUM, AT(format),
      0, 0, format_names, NO_LIST, NULL, "Output format",
      "stat, log, sess, ce: csv, or json (one object per line, for Filebeat/Logstash)." },
    [FOT_ID_ENDS] = { FOT_ID_ENDS, "ends", FOT_OPT_BOOL, AT(ends),
      0, 0, NULL, NO_LIST, NULL, "Session ends",
      "sess: also a row when a session ends, with its packets, bytes and duration." },
    [FOT_ID_OUTPUT] = { FOT_ID_OUTPUT, "output", FOT_OPT_PATH, AT(output),
      0, 0, NULL, NO_LIST, NULL, "Output file",
      "-z only: this statistic's rows go to FILE (created or emptied) instead of standard output." },
    [FOT_ID_BINDINGS] = { FOT_ID_BINDINGS, "bindings", FOT_OPT_FILE, 0,
      0, 0, NULL, NO_LIST, NULL, "LW4o6 binding table file",
      "CSV file of LW4o6 softwires, header b4,ipv4,psid,psid_len[,offset[,br]], # comments; "
      "adds to lw_binding." },
    [FOT_ID_LAYOUT] = { FOT_ID_LAYOUT, "layout", FOT_OPT_ENUM, AT(layout),
      0, 0, layout_names, NO_LIST, NULL, "Layout",
      "sum, stat, log, sess as text: plugin (times to the capture's precision, a time in sess, sum's Not sessions "
      "line), or original (the original 4o6top's byte for byte: trailing delimiters, times to the second; extra "
      "columns last)." },
    [FOT_ID_FILE] = { FOT_ID_FILE, "file", FOT_OPT_NAME, AT(file),
      0, 0, NULL, NO_LIST, NULL, "Capture name",
      "-z only: the capture's name on sum's Option line in the original layout (default: tshark's -r or -i); "
      "%2C for a comma." },
    [FOT_ID_EVENTS] = { FOT_ID_EVENTS, "events", FOT_OPT_BOOL, AT(events),
      0, 0, NULL, NO_LIST, NULL, "Port exhaustion events",
      "ce: also a row as it happens when a CE's port set crosses the threshold (above) or falls 5 % of the set "
      "back under it (below); every row then starts with time and Event." },
    [FOT_ID_OBSERVER] = { FOT_ID_OBSERVER, "observer", FOT_OPT_NAME, AT(observer),
      0, 0, NULL, NO_LIST, NULL, "Sensor name",
      "JSON and Elasticsearch documents: this sensor's name, as observer.name (default: the host name)." },
};
#undef AT
#undef NO_LIST
G_STATIC_ASSERT(G_N_ELEMENTS(fot_options) == FOT_ID_COUNT);
/* Enum options are stored through an int. */
G_STATIC_ASSERT(sizeof(fot_sort) == sizeof(int) && sizeof(fot_bytes) == sizeof(int) &&
                sizeof(fot_refresh) == sizeof(int) && sizeof(fot_format) == sizeof(int) &&
                sizeof(fot_layout) == sizeof(int));


void
fot_config_defaults(fot_config *c)
{
    memset(c, 0, sizeof *c);
    c->timeout_s[FOT_CLASS_TCP] = 240;
    c->timeout_s[FOT_CLASS_TCP_CLOSING] = 10;
    c->timeout_s[FOT_CLASS_UDP] = 60;
    c->timeout_s[FOT_CLASS_DNS] = 3;
    c->timeout_s[FOT_CLASS_ICMP] = 3;
    c->interval_ns = FOT_NS_PER_SEC;
    c->height = 30;
    strcpy(c->delimiter, ",");
    c->sort = FOT_SORT_BYTES;
    c->bytes = FOT_BYTES_IPV6;
    c->refresh = FOT_REFRESH_AUTO;
    c->threshold = 80;
    c->max_sessions = 2000000;
}

void
fot_config_copy(fot_config *dst, const fot_config *src)
{
    *dst = *src;
    fot_softwire_ref(dst->softwire);
}

void
fot_config_clear(fot_config *c)
{
    fot_softwire_unref(c->softwire);
    c->softwire = NULL;
}

/* The softwire of c, made c's own before a change (copies are shared). */
static fot_softwire *
own_softwire(fot_config *c)
{
    fot_softwire *mine = fot_softwire_copy(c->softwire);
    fot_softwire_unref(c->softwire);
    c->softwire = mine;
    return mine;
}

/* Only a changed path touches the softwire (and so the built table). */
static void
set_bindings_file(fot_config *c, const char *path)
{
    const char *now = fot_softwire_bindings_file(c->softwire);
    if (g_strcmp0(path, now ? now : "") != 0)
        fot_softwire_set_bindings_file(own_softwire(c), path);
}

static bool
add_rule(fot_config *c, const char *value, char **why)
{
    fot_map_rule r;
    if (!fot_map_rule_parse(value, &r, why))
        return false;
    fot_softwire_add_rule(own_softwire(c), &r);
    return true;
}

static bool
add_binding(fot_config *c, const char *value, char **why)
{
    fot_lw_binding b;
    if (!fot_lw_binding_parse(value, &b, why))
        return false;
    fot_softwire_add_binding(own_softwire(c), &b);
    return true;
}

static bool
add_br(fot_config *c, const char *value, char **why)
{
    uint8_t prefix[16], len;
    if (!fot_ipv6_prefix_parse(value, prefix, &len)) {
        *why = g_strdup("not an IPv6 address or prefix");
        return false;
    }
    fot_softwire_add_br(own_softwire(c), prefix, len);
    return true;
}

/* The softwire lists, indexed by fot_list. */
static const struct {
    const char *accepted;
    void (*clear)(fot_softwire *sw);
    bool (*add)(fot_config *c, const char *value, char **why);
} lists[] = {
    [FOT_LIST_RULES] = { "PREFIX6;PREFIX4;EA_LEN[;OFFSET]", fot_softwire_clear_rules, add_rule },
    [FOT_LIST_BINDINGS] = { "B4_IPV6;IPV4;PSID;PSID_LEN[;OFFSET[;BR]]", fot_softwire_clear_bindings, add_binding },
    [FOT_LIST_BRS] = { "an IPv6 address or prefix", fot_softwire_clear_brs, add_br },
};
G_STATIC_ASSERT(G_N_ELEMENTS(lists) == FOT_LIST_COUNT);

void
fot_config_clear_list(fot_config *c, const char *name)
{
    const fot_option *o = fot_option_find(name);
    if (o && o->kind == FOT_OPT_LIST)
        lists[o->list].clear(own_softwire(c));
}

const fot_option *
fot_option_find(const char *name)
{
    for (unsigned i = 0; i < FOT_ID_COUNT; i++)
        if (strcmp(fot_options[i].name, name) == 0)
            return &fot_options[i];
    return NULL;
}

const fot_option *
fot_option_by_flag(const char *flag)
{
    for (unsigned i = 0; i < FOT_ID_COUNT; i++)
        if (fot_options[i].original_flag && strcmp(fot_options[i].original_flag, flag) == 0)
            return &fot_options[i];
    return NULL;
}

static char *
accepted_names(void)
{
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; i < FOT_ID_COUNT; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", fot_options[i].name);
    g_string_append(s, ", filter");
    return g_string_free(s, FALSE);
}

static char *
choice_list(const char *const *choices)
{
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; choices[i]; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "", choices[i]);
    return g_string_free(s, FALSE);
}

/* Decimal seconds with at most 9 fraction digits, no sign or exponent. */
static bool
parse_seconds(const char *text, uint32_t max_s, int64_t *out)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, frac_digits = 0;
    const char *p = text;
    for (; g_ascii_isdigit(*p); p++, digits++) {
        whole = whole * 10 + (*p - '0');
        if (whole > max_s)
            return false;
    }
    if (*p == '.') {
        for (p++; g_ascii_isdigit(*p); p++, frac_digits++) {
            if (frac_digits == 9)
                return false;
            frac = frac * 10 + (*p - '0');
        }
    }
    if (*p || digits + frac_digits == 0)
        return false;
    for (int i = frac_digits; i < 9; i++)
        frac *= 10;
    int64_t ns = whole * FOT_NS_PER_SEC + frac;
    if (ns <= 0 || ns > (int64_t)max_s * FOT_NS_PER_SEC)
        return false;
    *out = ns;
    return true;
}

bool
fot_config_bool_text(const char *text, bool *out)
{
    static const char *const yes[] = { "1", "yes", "true", "on", "TRUE" };
    static const char *const no[] = { "0", "no", "false", "off", "FALSE" };
    for (unsigned i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (strcmp(text, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(text, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* An empty text clears the prefix. */
static bool
parse_prefix(const char *text, fot_ipv4_prefix *out)
{
    uint32_t ip;
    uint8_t len;
    if (text[0] == '\0') {
        *out = (fot_ipv4_prefix){ 0 };
        return true;
    }
    if (!fot_ipv4_prefix_parse(text, &ip, &len))
        return false;
    out->set = true;
    out->mask = fot_ipv4_mask(len);
    out->net = ip & out->mask;
    return true;
}

static bool
parse_delimiter(const char *text, char *out)
{
    static const struct { const char *name, *value; } names[] = {
        { "tab", "\t" }, { "\\t", "\t" }, { "space", " " }, { "comma", "," },
        { "semicolon", ";" }, { "pipe", "|" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(text, names[i].name) == 0) {
            strcpy(out, names[i].value);
            return true;
        }
    }
    size_t n = strlen(text);
    if (n == 0 || n > FOT_DELIMITER_MAX || strpbrk(text, "\r\n"))
        return false;
    memcpy(out, text, n + 1);
    return true;
}

/* A -z item ends at a comma: a name carries its commas as %2C (and % as %25). */
static bool
parse_name(const char *text, char *out)
{
    char name[FOT_PATH_MAX + 1];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (n == FOT_PATH_MAX)
            return false;
        if (g_ascii_strncasecmp(p, "%2C", 3) == 0 || strncmp(p, "%25", 3) == 0) {
            name[n++] = p[2] == '5' ? '%' : ',';
            p += 2;
        } else {
            name[n++] = *p;
        }
    }
    name[n] = '\0';
    memcpy(out, name, n + 1);
    return true;
}

char *
fot_config_name_text(const char *name)
{
    GString *s = g_string_new(NULL);
    for (const char *p = name; *p; p++) {
        if (*p == ',')
            g_string_append(s, "%2C");
        else if (*p == '%')
            g_string_append(s, "%25");
        else
            g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

static int
find_choice(const char *const *choices, const char *text)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], text) == 0)
            return i;
    return -1;
}

static char *
accepted_text(const fot_option *o)
{
    switch (o->kind) {
    case FOT_OPT_UINT:
        return g_strdup_printf("a whole number %u..%u", o->min, o->max);
    case FOT_OPT_SECONDS:
        return g_strdup_printf("seconds, more than 0 and at most %u, decimals allowed", o->max);
    case FOT_OPT_BOOL:
        return g_strdup("yes or no; also true, false, on, off, 1, 0");
    case FOT_OPT_ENUM: {
        char *list = choice_list(o->choices);
        char *s = g_strdup_printf("one of %s", list);
        g_free(list);
        return s;
    }
    case FOT_OPT_DELIMITER:
        return g_strdup("1 to 8 characters, or tab, space, comma, semicolon, pipe");
    case FOT_OPT_IPV4_PREFIX:
        return g_strdup("an IPv4 address or prefix such as 192.0.2.1 or 192.0.2.0/24");
    case FOT_OPT_PATH:
        return g_strdup_printf("a file name of at most %u bytes", FOT_PATH_MAX);
    case FOT_OPT_LIST:
        return g_strdup(lists[o->list].accepted);
    case FOT_OPT_FILE:
        return g_strdup("a readable file");
    case FOT_OPT_NAME:
        return g_strdup_printf("text of at most %u bytes, %%2C for a comma", FOT_PATH_MAX);
    }
    return g_strdup("?");
}

bool
fot_config_set(fot_config *c, const char *name, const char *value, char **err)
{
    const fot_option *o = fot_option_find(name);
    if (!o) {
        char *names = accepted_names();
        *err = g_strdup_printf("unknown option (accepted: %s)", names);
        g_free(names);
        return false;
    }
    void *at = (char *)c + o->offset;
    bool ok = false;
    int choice;
    char *why = NULL;
    switch (o->kind) {
    case FOT_OPT_UINT:
        ok = fot_decimal_parse(value, o->min, o->max, at);
        break;
    case FOT_OPT_SECONDS:
        ok = parse_seconds(value, o->max, at);
        break;
    case FOT_OPT_BOOL:
        ok = fot_config_bool_text(value, at);
        break;
    case FOT_OPT_ENUM:
        choice = find_choice(o->choices, value);
        ok = choice >= 0;
        if (ok)
            memcpy(at, &choice, sizeof choice);
        break;
    case FOT_OPT_DELIMITER:
        ok = parse_delimiter(value, at);
        break;
    case FOT_OPT_IPV4_PREFIX:
        ok = parse_prefix(value, at);
        break;
    case FOT_OPT_LIST:
        ok = lists[o->list].add(c, value, &why);
        break;
    case FOT_OPT_PATH:
        ok = strlen(value) <= FOT_PATH_MAX;
        if (ok)
            strcpy(at, value);
        break;
    case FOT_OPT_FILE:
        ok = value[0] == '\0' || (g_file_test(value, G_FILE_TEST_IS_REGULAR) && access(value, R_OK) == 0);
        if (ok)
            set_bindings_file(c, value);
        break;
    case FOT_OPT_NAME:
        ok = parse_name(value, at);
        break;
    }
    if (!ok) {
        char *accepted = accepted_text(o);
        *err = why ? g_strdup_printf("%s (accepted: %s)", why, accepted)
                   : g_strdup_printf("not valid (accepted: %s)", accepted);
        g_free(accepted);
        g_free(why);
    }
    return ok;
}

bool
fot_config_set_text(fot_config *c, const char *name, const char *text, char **err)
{
    const fot_option *o = fot_option_find(name);
    if (!o || o->kind != FOT_OPT_LIST)
        return fot_config_set(c, name, text, err);
    fot_config_clear_list(c, name);
    gchar **entries = g_strsplit_set(text, " \t", -1);
    bool ok = true;
    for (gchar **e = entries; ok && *e; e++)
        if (**e)
            ok = fot_config_set(c, name, *e, err);
    g_strfreev(entries);
    return ok;
}

static char *
seconds_text(int64_t ns)
{
    char *s = g_strdup_printf("%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, ns / FOT_NS_PER_SEC,
                              ns % FOT_NS_PER_SEC);
    char *end = s + strlen(s) - 1;
    while (*end == '0')
        *end-- = '\0';
    if (*end == '.')
        *end = '\0';
    return s;
}

static char *
prefix_text(const fot_ipv4_prefix *p)
{
    char net[FOT_IPV4_TEXT_SIZE];
    int len = 0;
    if (!p->set)
        return g_strdup("");
    for (uint32_t m = p->mask; m; m <<= 1)
        len++;
    fot_ipv4_text(p->net, net);
    return len == 32 ? g_strdup(net) : g_strdup_printf("%s/%d", net, len);
}

char *
fot_config_get(const fot_config *c, const char *name)
{
    const fot_option *o = fot_option_find(name);
    if (!o)
        return NULL;
    const void *at = (const char *)c + o->offset;
    int choice;
    switch (o->kind) {
    case FOT_OPT_UINT:
        return g_strdup_printf("%u", *(const uint32_t *)at);
    case FOT_OPT_SECONDS:
        return seconds_text(*(const int64_t *)at);
    case FOT_OPT_BOOL:
        return g_strdup(*(const bool *)at ? "yes" : "no");
    case FOT_OPT_ENUM:
        memcpy(&choice, at, sizeof choice);
        return g_strdup(o->choices[choice]);
    case FOT_OPT_DELIMITER:
    case FOT_OPT_PATH:
        return g_strdup(at);
    case FOT_OPT_IPV4_PREFIX:
        return prefix_text(at);
    case FOT_OPT_LIST:
        return fot_softwire_list_text(c->softwire, o->list);
    case FOT_OPT_FILE: {
        const char *path = fot_softwire_bindings_file(c->softwire);
        return g_strdup(path ? path : "");
    }
    case FOT_OPT_NAME:
        return fot_config_name_text(at);
    }
    return NULL;
}

/* The softwire tables in force, as " map rules:2 br:1". */
static void
describe_softwire(GString *s, const fot_config *c)
{
    if (fot_softwire_rule_count(c->softwire))
        g_string_append_printf(s, " map rules:%u", fot_softwire_rule_count(c->softwire));
    if (fot_softwire_binding_count(c->softwire))
        g_string_append_printf(s, " lw bindings:%u", fot_softwire_binding_count(c->softwire));
    if (fot_softwire_br_count(c->softwire))
        g_string_append_printf(s, " br:%u", fot_softwire_br_count(c->softwire));
}

char *
fot_config_describe(const fot_config *c)
{
    char *interval = seconds_text(c->interval_ns);
    char *src = prefix_text(&c->src);
    const uint32_t *t = c->timeout_s;
    GString *s = g_string_new(NULL);
    g_string_printf(s, " Option interval:%s Timeout:%u/%u/%u/%u/%u Height:%u src ip:%s sort:%s bytes:%s", interval,
                    t[FOT_CLASS_TCP], t[FOT_CLASS_TCP_CLOSING], t[FOT_CLASS_UDP], t[FOT_CLASS_DNS],
                    t[FOT_CLASS_ICMP], c->height, src[0] ? src : "-", sort_names[c->sort], bytes_names[c->bytes]);
    describe_softwire(s, c);
    g_free(interval);
    g_free(src);
    return g_string_free(s, FALSE);
}

char *
fot_config_describe_original(const fot_config *c)
{
    char *interval = seconds_text(c->interval_ns);
    char *src = prefix_text(&c->src);
    const uint32_t *t = c->timeout_s;
    GString *s = g_string_new(NULL);
    g_string_printf(s, " Option file:%s interval:%s Timeout:%u/%u/%u/%u/%u Height:%u src ip:%s",
                    c->file[0] ? c->file : "-", interval, t[FOT_CLASS_TCP], t[FOT_CLASS_TCP_CLOSING],
                    t[FOT_CLASS_UDP], t[FOT_CLASS_DNS], t[FOT_CLASS_ICMP], c->height, src);
    if (c->sort != FOT_SORT_BYTES)
        g_string_append_printf(s, " sort:%s", sort_names[c->sort]);
    if (c->bytes != FOT_BYTES_IPV6)
        g_string_append_printf(s, " bytes:%s", bytes_names[c->bytes]);
    describe_softwire(s, c);
    g_free(interval);
    g_free(src);
    return g_string_free(s, FALSE);
}

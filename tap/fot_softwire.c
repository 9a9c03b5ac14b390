/* MAP arithmetic of RFC 7597 section 5: a port is A | PSID | j, with a bits
 * of A (offset), k bits of PSID and m = 16 - a - k bits of j; A = 0 is not
 * used when a > 0 (ports 0 to 2^(16-a) - 1). */
#include "fot_softwire.h"

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

uint32_t
fot_port_set_size(const fot_port_set *ps)
{
    if (ps->psid_len == 0)
        return 65536;
    uint32_t m = 16u - ps->offset - ps->psid_len;
    uint32_t blocks = ps->offset ? (1u << ps->offset) - 1 : 1;
    return blocks << m;
}

uint16_t
fot_port_psid(uint16_t port, uint8_t psid_len, uint8_t offset)
{
    if (psid_len == 0)
        return 0;
    unsigned m = 16u - offset - psid_len;
    return (uint16_t)((port >> m) & ((1u << psid_len) - 1));
}

bool
fot_port_set_has_port(const fot_port_set *ps, uint16_t port)
{
    if (ps->psid_len == 0)
        return true;
    if (ps->offset && (port >> (16 - ps->offset)) == 0)
        return false;
    return fot_port_psid(port, ps->psid_len, ps->offset) == ps->psid;
}

bool
fot_port_set_contains(const fot_port_set *ps, uint32_t ipv4, uint16_t port)
{
    uint32_t mask = ps->ipv4_len ? UINT32_MAX << (32 - ps->ipv4_len) : 0;
    return (ipv4 & mask) == (ps->ipv4 & mask) && fot_port_set_has_port(ps, port);
}

/* count bits of a starting at bit `from` (0 = most significant), count <= 32. */
static uint32_t
bits(const uint8_t a[16], unsigned from, unsigned count)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned b = from + i;
        v = v << 1 | ((a[b / 8] >> (7 - b % 8)) & 1u);
    }
    return v;
}

bool
fot_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len)
{
    unsigned whole = len / 8u, rest = len % 8u;
    if (memcmp(a, prefix, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (prefix[whole] & mask);
}

bool
fot_map_rule_matches(const fot_map_rule *r, const uint8_t ce[16])
{
    return fot_ipv6_prefix_match(ce, r->prefix6, r->prefix6_len);
}

void
fot_map_rule_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out)
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, sizeof *out);
    out->offset = r->offset;
    if (r->ea_len <= suffix_len) {
        /* No PSID: the CE gets an address, or a prefix when EA bits are fewer. */
        uint32_t ea = bits(ce, r->prefix6_len, r->ea_len);
        out->ipv4_len = (uint8_t)(r->prefix4_len + r->ea_len);
        out->ipv4 = r->prefix4 | (r->ea_len ? ea << (suffix_len - r->ea_len) : 0);
        return;
    }
    /* Up to 48 EA bits: the IPv4 suffix (at most 32), then the PSID (at most 16). */
    unsigned k = r->ea_len - suffix_len;
    out->ipv4_len = 32;
    out->ipv4 = r->prefix4 | bits(ce, r->prefix6_len, suffix_len);
    out->psid_len = (uint8_t)k;
    out->psid = (uint16_t)bits(ce, r->prefix6_len + suffix_len, k);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

fot_iid_layout
fot_map_iid(const uint8_t ce[16], uint32_t ipv4, uint16_t *psid)
{
    if (ce[8] == 0 && ce[9] == 0 && get32(ce + 10) == ipv4) {
        *psid = (uint16_t)(ce[14] << 8 | ce[15]);
        return FOT_IID_RFC7597;
    }
    if (ce[8] == 0 && ce[15] == 0 && get32(ce + 9) == ipv4) {
        *psid = (uint16_t)(ce[13] << 8 | ce[14]);
        return FOT_IID_LEGACY;
    }
    return FOT_IID_NONE;
}

bool
fot_ipv4_is_private(uint32_t a)
{
    return (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8 || (a >> 22) == (100u << 2 | 1u) ||
           (a >> 3) == (0xc0000000u >> 3);
}

/* ---- parsing ---- */

bool
fot_ipv6_prefix_parse(const char *text, uint8_t out[16], uint8_t *len)
{
    char *copy = g_strdup(text);
    char *slash = strchr(copy, '/');
    unsigned long l = 128;
    bool ok = true;
    if (slash) {
        *slash = '\0';
        char *end;
        ok = g_ascii_isdigit(slash[1]) && (l = strtoul(slash + 1, &end, 10), *end == '\0') && l <= 128;
    }
    ok = ok && inet_pton(AF_INET6, copy, out) == 1;
    g_free(copy);
    *len = (uint8_t)l;
    return ok;
}

bool
fot_ipv4_prefix_parse(const char *text, uint32_t *out, uint8_t *len)
{
    char *copy = g_strdup(text);
    char *slash = strchr(copy, '/');
    unsigned long l = 32;
    bool ok = true;
    struct in_addr a;
    if (slash) {
        *slash = '\0';
        char *end;
        ok = g_ascii_isdigit(slash[1]) && (l = strtoul(slash + 1, &end, 10), *end == '\0') && l <= 32;
    }
    ok = ok && inet_pton(AF_INET, copy, &a) == 1;
    g_free(copy);
    *out = ok ? ntohl(a.s_addr) : 0;
    *len = (uint8_t)l;
    return ok;
}

static bool
parse_small(const char *text, unsigned max, unsigned *out)
{
    char *end;
    if (!g_ascii_isdigit(text[0]))
        return false;
    unsigned long v = strtoul(text, &end, 10);
    if (*end || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

bool
fot_map_rule_parse(const char *text, fot_map_rule *out, char **err)
{
    gchar **f = g_strsplit(text, ";", -1);
    guint n = g_strv_length(f);
    unsigned ea = 0, offset = 6;
    uint8_t l6 = 0, l4 = 0;
    const char *why = NULL;
    memset(out, 0, sizeof *out);
    if (n < 3 || n > 4)
        why = "needs 3 or 4 fields separated by \";\"";
    else if (!fot_ipv6_prefix_parse(f[0], out->prefix6, &l6))
        why = "Rule IPv6 prefix is not an IPv6 prefix";
    else if (!fot_ipv4_prefix_parse(f[1], &out->prefix4, &l4))
        why = "Rule IPv4 prefix is not an IPv4 prefix";
    else if (!parse_small(f[2], 48, &ea))
        why = "EA-bits length is not 0..48";
    else if (n == 4 && !parse_small(f[3], 15, &offset))
        why = "PSID offset is not 0..15";
    else if (l6 + ea > 64)
        why = "Rule IPv6 prefix length + EA-bits length exceeds 64";
    else if (ea > 32u - l4 && ea - (32u - l4) + offset > 16)
        why = "PSID length + PSID offset exceeds 16";
    if (why) {
        *err = g_strdup(why);
        g_strfreev(f);
        return false;
    }
    out->prefix6_len = l6;
    out->prefix4_len = l4;
    out->prefix4 &= l4 ? UINT32_MAX << (32 - l4) : 0;
    out->ea_len = (uint8_t)ea;
    out->offset = (uint8_t)offset;
    g_strfreev(f);
    return true;
}

bool
fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err)
{
    gchar **f = g_strsplit(text, ";", -1);
    guint n = g_strv_length(f);
    unsigned psid = 0, len = 0, offset = 0;
    uint8_t l6 = 0, l4 = 0;
    const char *why = NULL;
    memset(out, 0, sizeof *out);
    if (n < 4 || n > 5)
        why = "needs 4 or 5 fields separated by \";\"";
    else if (!fot_ipv6_prefix_parse(f[0], out->b4, &l6) || l6 != 128)
        why = "B4 address is not an IPv6 address";
    else if (!fot_ipv4_prefix_parse(f[1], &out->set.ipv4, &l4) || l4 != 32)
        why = "IPv4 is not an IPv4 address";
    else if (!parse_small(f[3], 16, &len))
        why = "PSID length is not 0..16";
    else if (n == 5 && !parse_small(f[4], 15, &offset))
        why = "PSID offset is not 0..15";
    else if (len + offset > 16)
        why = "PSID length + PSID offset exceeds 16";
    else if (!parse_small(f[2], len ? (1u << len) - 1 : 0, &psid))
        why = "PSID does not fit in PSID length bits";
    if (why) {
        *err = g_strdup(why);
        g_strfreev(f);
        return false;
    }
    out->set.ipv4_len = 32;
    out->set.psid = (uint16_t)psid;
    out->set.psid_len = (uint8_t)len;
    out->set.offset = (uint8_t)offset;
    g_strfreev(f);
    return true;
}

/* ---- the configured knowledge ---- */

typedef struct br_prefix {
    uint8_t prefix[16];
    uint8_t len;
} br_prefix;

struct fot_softwire {
    int refs;
    GArray *rules;          /* fot_map_rule */
    GArray *bindings;       /* fot_lw_binding */
    GHashTable *by_b4;      /* b4 bytes -> index + 1 in bindings */
    GArray *brs;            /* br_prefix */
};

static guint
addr_hash(gconstpointer p)
{
    const uint8_t *a = p;
    guint h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    return h;
}

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, 16) == 0;
}

fot_softwire *
fot_softwire_new(void)
{
    fot_softwire *sw = g_new0(fot_softwire, 1);
    sw->refs = 1;
    sw->rules = g_array_new(FALSE, FALSE, sizeof(fot_map_rule));
    sw->bindings = g_array_new(FALSE, FALSE, sizeof(fot_lw_binding));
    sw->by_b4 = g_hash_table_new(addr_hash, addr_equal);
    sw->brs = g_array_new(FALSE, FALSE, sizeof(br_prefix));
    return sw;
}

fot_softwire *
fot_softwire_ref(fot_softwire *sw)
{
    if (sw)
        sw->refs++;
    return sw;
}

void
fot_softwire_unref(fot_softwire *sw)
{
    if (!sw || --sw->refs > 0)
        return;
    g_array_free(sw->rules, TRUE);
    g_array_free(sw->bindings, TRUE);
    g_hash_table_destroy(sw->by_b4);
    g_array_free(sw->brs, TRUE);
    g_free(sw);
}

fot_softwire *
fot_softwire_copy(const fot_softwire *sw)
{
    fot_softwire *c = fot_softwire_new();
    if (!sw)
        return c;
    g_array_append_vals(c->rules, sw->rules->data, sw->rules->len);
    for (guint i = 0; i < sw->bindings->len; i++)
        fot_softwire_add_binding(c, &g_array_index(sw->bindings, fot_lw_binding, i));
    g_array_append_vals(c->brs, sw->brs->data, sw->brs->len);
    return c;
}

void
fot_softwire_add_rule(fot_softwire *sw, const fot_map_rule *r)
{
    g_array_append_val(sw->rules, *r);
}

void
fot_softwire_add_binding(fot_softwire *sw, const fot_lw_binding *b)
{
    g_array_append_val(sw->bindings, *b);
    /* The hash keys point into the array, which may move: rebuild. */
    g_hash_table_remove_all(sw->by_b4);
    for (guint i = 0; i < sw->bindings->len; i++)
        g_hash_table_insert(sw->by_b4, g_array_index(sw->bindings, fot_lw_binding, i).b4, GUINT_TO_POINTER(i + 1));
}

void
fot_softwire_add_br(fot_softwire *sw, const uint8_t prefix[16], uint8_t len)
{
    br_prefix b;
    memcpy(b.prefix, prefix, 16);
    b.len = len;
    g_array_append_val(sw->brs, b);
}

void
fot_softwire_clear_rules(fot_softwire *sw)
{
    g_array_set_size(sw->rules, 0);
}

void
fot_softwire_clear_bindings(fot_softwire *sw)
{
    g_array_set_size(sw->bindings, 0);
    g_hash_table_remove_all(sw->by_b4);
}

void
fot_softwire_clear_brs(fot_softwire *sw)
{
    g_array_set_size(sw->brs, 0);
}

unsigned
fot_softwire_rule_count(const fot_softwire *sw)
{
    return sw ? sw->rules->len : 0;
}

unsigned
fot_softwire_binding_count(const fot_softwire *sw)
{
    return sw ? sw->bindings->len : 0;
}

unsigned
fot_softwire_br_count(const fot_softwire *sw)
{
    return sw ? sw->brs->len : 0;
}

const fot_map_rule *
fot_softwire_find_rule(const fot_softwire *sw, const uint8_t ce[16])
{
    const fot_map_rule *best = NULL;
    for (guint i = 0; sw && i < sw->rules->len; i++) {
        const fot_map_rule *r = &g_array_index(sw->rules, fot_map_rule, i);
        if (fot_map_rule_matches(r, ce) && (!best || r->prefix6_len > best->prefix6_len))
            best = r;
    }
    return best;
}

const fot_lw_binding *
fot_softwire_find_binding(const fot_softwire *sw, const uint8_t b4[16])
{
    if (!sw)
        return NULL;
    guint i = GPOINTER_TO_UINT(g_hash_table_lookup(sw->by_b4, b4));
    return i ? &g_array_index(sw->bindings, fot_lw_binding, i - 1) : NULL;
}

bool
fot_softwire_is_br(const fot_softwire *sw, const uint8_t addr[16])
{
    for (guint i = 0; sw && i < sw->brs->len; i++) {
        const br_prefix *b = &g_array_index(sw->brs, br_prefix, i);
        if (fot_ipv6_prefix_match(addr, b->prefix, b->len))
            return true;
    }
    return false;
}

static void
append_ipv6(GString *s, const uint8_t a[16])
{
    char buf[INET6_ADDRSTRLEN];
    g_string_append(s, inet_ntop(AF_INET6, a, buf, sizeof buf));
}

static void
append_ipv4(GString *s, uint32_t a)
{
    g_string_append_printf(s, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255);
}

char *
fot_softwire_list_text(const fot_softwire *sw, fot_list which)
{
    GString *s = g_string_new(NULL);
    guint n = !sw ? 0 : which == FOT_LIST_RULES ? sw->rules->len : which == FOT_LIST_BINDINGS ? sw->bindings->len
                                                                                               : sw->brs->len;
    for (guint i = 0; i < n; i++) {
        if (i)
            g_string_append_c(s, ' ');
        if (which == FOT_LIST_RULES) {
            const fot_map_rule *r = &g_array_index(sw->rules, fot_map_rule, i);
            append_ipv6(s, r->prefix6);
            g_string_append_printf(s, "/%u;", r->prefix6_len);
            append_ipv4(s, r->prefix4);
            g_string_append_printf(s, "/%u;%u;%u", r->prefix4_len, r->ea_len, r->offset);
        } else if (which == FOT_LIST_BINDINGS) {
            const fot_lw_binding *b = &g_array_index(sw->bindings, fot_lw_binding, i);
            append_ipv6(s, b->b4);
            g_string_append_c(s, ';');
            append_ipv4(s, b->set.ipv4);
            g_string_append_printf(s, ";%u;%u;%u", b->set.psid, b->set.psid_len, b->set.offset);
        } else {
            const br_prefix *b = &g_array_index(sw->brs, br_prefix, i);
            append_ipv6(s, b->prefix);
            if (b->len != 128)
                g_string_append_printf(s, "/%u", b->len);
        }
    }
    return g_string_free(s, FALSE);
}

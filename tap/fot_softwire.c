/* MAP arithmetic of RFC 7597 section 5: a port is A | PSID | j, with a bits
 * of A (offset), k bits of PSID and m = 16 - a - k bits of j; A = 0 is not
 * used when a > 0 (ports 0 to 2^(16-a) - 1). */
#include "fot_softwire.h"

#include <glib/gstdio.h>

#include "fot_bindings.h"

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

/* "A.B.C.D" or "A.B.C.D/32". */
static bool
exact_ipv4(const char *text, uint32_t *out)
{
    uint8_t len;
    return fot_ipv4_prefix_parse(text, out, &len) && len == 32;
}

bool
fot_lw_binding_from_fields(char *const *f, unsigned n, fot_lw_binding *out, const char **why)
{
    unsigned psid = 0, len = 0, offset = 0;
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (n < 4 || n > 6)
        *why = "needs 4 to 6 fields";
    else if (!fot_ipv6_parse(f[0], out->b4))
        *why = "B4 address is not an IPv6 address";
    else if (!exact_ipv4(f[1], &out->set.ipv4))
        *why = "IPv4 is not an IPv4 address";
    else if (!parse_small(f[3], 16, &len))
        *why = "PSID length is not 0..16";
    else if (n >= 5 && f[4][0] && !parse_small(f[4], 15, &offset))
        *why = "PSID offset is not 0..15";
    else if (len + offset > 16)
        *why = "PSID length + PSID offset exceeds 16";
    else if (!parse_small(f[2], len ? (1u << len) - 1 : 0, &psid))
        *why = "PSID does not fit in PSID length bits";
    else if (n == 6 && f[5][0] && !fot_ipv6_parse(f[5], out->br))
        *why = "BR address is not an IPv6 address";
    if (*why)
        return false;
    out->has_br = n == 6 && f[5][0];
    out->set.ipv4_len = 32;
    out->set.psid = (uint16_t)psid;
    out->set.psid_len = (uint8_t)len;
    out->set.offset = (uint8_t)offset;
    return true;
}

bool
fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err)
{
    gchar **f = g_strsplit(text, ";", -1);
    const char *why;
    bool ok = fot_lw_binding_from_fields(f, g_strv_length(f), out, &why);
    if (!ok)
        *err = g_strdup(why);
    g_strfreev(f);
    return ok;
}

/* ---- the configured knowledge ---- */

typedef struct br_prefix {
    uint8_t prefix[16];
    uint8_t len;
} br_prefix;

struct fot_softwire {
    int refs;
    GArray *rules;          /* fot_map_rule */
    GArray *bindings;       /* fot_lw_binding given one by one (lw_binding=, the table) */
    char *bindings_file;    /* bindings=, or NULL */
    fot_bindings *table;    /* built from both when first needed */
    GArray *brs;            /* br_prefix */
};

fot_softwire *
fot_softwire_new(void)
{
    fot_softwire *sw = g_new0(fot_softwire, 1);
    sw->refs = 1;
    sw->rules = g_array_new(FALSE, FALSE, sizeof(fot_map_rule));
    sw->bindings = g_array_new(FALSE, FALSE, sizeof(fot_lw_binding));
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
    g_free(sw->bindings_file);
    fot_bindings_unref(sw->table);
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
    g_array_append_vals(c->bindings, sw->bindings->data, sw->bindings->len);
    c->bindings_file = g_strdup(sw->bindings_file);
    c->table = fot_bindings_ref(sw->table);
    g_array_append_vals(c->brs, sw->brs->data, sw->brs->len);
    return c;
}

void
fot_softwire_add_rule(fot_softwire *sw, const fot_map_rule *r)
{
    g_array_append_val(sw->rules, *r);
}

static void
drop_table(fot_softwire *sw)
{
    fot_bindings_unref(sw->table);
    sw->table = NULL;
}

void
fot_softwire_add_binding(fot_softwire *sw, const fot_lw_binding *b)
{
    g_array_append_val(sw->bindings, *b);
    drop_table(sw);
}

void
fot_softwire_set_bindings_file(fot_softwire *sw, const char *path)
{
    g_free(sw->bindings_file);
    sw->bindings_file = path && *path ? g_strdup(path) : NULL;
    drop_table(sw);
}

const char *
fot_softwire_bindings_file(const fot_softwire *sw)
{
    return sw ? sw->bindings_file : NULL;
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
    drop_table(sw);
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

bool
fot_softwire_has_bindings(const fot_softwire *sw)
{
    return sw && (sw->bindings->len || sw->bindings_file);
}

bool
fot_softwire_judges(const fot_softwire *sw)
{
    return sw && (sw->rules->len || fot_softwire_has_bindings(sw));
}

static char *binding_text(const fot_lw_binding *b);

/* The last table built, and what it was built from: a preference reload or a
 * second -z instance with the same sources gets the same table, unbuilt. */
static struct {
    fot_bindings *table;
    char *file;
    GStatBuf st;
    GArray *entries; /* fot_lw_binding */
} last_built;

static bool
same_sources(const fot_softwire *sw, const GStatBuf *st)
{
    if (!last_built.table || g_strcmp0(sw->bindings_file, last_built.file) != 0)
        return false;
    if (sw->bindings_file && (st->st_ino != last_built.st.st_ino || st->st_dev != last_built.st.st_dev ||
                              st->st_size != last_built.st.st_size || st->st_mtime != last_built.st.st_mtime))
        return false;
    return sw->bindings->len == last_built.entries->len &&
           memcmp(sw->bindings->data, last_built.entries->data, sw->bindings->len * sizeof(fot_lw_binding)) == 0;
}

fot_bindings *
fot_softwire_table(fot_softwire *sw)
{
    if (!fot_softwire_has_bindings(sw) || sw->table)
        return sw ? sw->table : NULL;
    GStatBuf st;
    memset(&st, 0, sizeof st);
    if (sw->bindings_file && g_stat(sw->bindings_file, &st) != 0)
        memset(&st, 0, sizeof st);
    if (same_sources(sw, &st)) {
        sw->table = fot_bindings_ref(last_built.table);
        return sw->table;
    }
    fot_bindings_builder *b = fot_bindings_builder_new();
    for (guint i = 0; i < sw->bindings->len; i++) {
        const fot_lw_binding *e = &g_array_index(sw->bindings, fot_lw_binding, i);
        char *text = binding_text(e);
        char *where = g_strdup_printf("lw_binding=%s", text);
        fot_bindings_builder_add(b, e, where);
        g_free(where);
        g_free(text);
    }
    if (sw->bindings_file)
        fot_bindings_builder_add_file(b, sw->bindings_file);
    sw->table = fot_bindings_build(b);
    fot_bindings_unref(last_built.table);
    g_free(last_built.file);
    if (last_built.entries)
        g_array_free(last_built.entries, TRUE);
    last_built.table = fot_bindings_ref(sw->table);
    last_built.file = g_strdup(sw->bindings_file);
    last_built.st = st;
    last_built.entries = g_array_copy(sw->bindings);
    return sw->table;
}

void
fot_softwire_forget_cache(void)
{
    fot_bindings_unref(last_built.table);
    g_free(last_built.file);
    if (last_built.entries)
        g_array_free(last_built.entries, TRUE);
    memset(&last_built, 0, sizeof last_built);
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

bool
fot_softwire_map_ce(const fot_softwire *sw, const uint8_t ce[16], fot_port_set *set)
{
    const fot_map_rule *r = fot_softwire_find_rule(sw, ce);
    if (!r)
        return false;
    fot_map_rule_port_set(r, ce, set);
    return fot_map_is_address(r, set, ce);
}

const fot_map_rule *
fot_softwire_find_rule_v4(const fot_softwire *sw, uint32_t ipv4)
{
    const fot_map_rule *best = NULL;
    for (guint i = 0; sw && i < sw->rules->len; i++) {
        const fot_map_rule *r = &g_array_index(sw->rules, fot_map_rule, i);
        uint32_t mask = r->prefix4_len ? UINT32_MAX << (32 - r->prefix4_len) : 0;
        if ((ipv4 & mask) == r->prefix4 && (!best || r->prefix4_len > best->prefix4_len))
            best = r;
    }
    return best;
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
    char buf[FOT_IPV6_TEXT_SIZE];
    g_string_append(s, fot_ipv6_text(a, buf));
}

static void
append_ipv4(GString *s, uint32_t a)
{
    char buf[FOT_IPV4_TEXT_SIZE];
    g_string_append(s, fot_ipv4_text(a, buf));
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
            char *text = binding_text(&g_array_index(sw->bindings, fot_lw_binding, i));
            g_string_append(s, text);
            g_free(text);
        } else {
            const br_prefix *b = &g_array_index(sw->brs, br_prefix, i);
            append_ipv6(s, b->prefix);
            if (b->len != 128)
                g_string_append_printf(s, "/%u", b->len);
        }
    }
    return g_string_free(s, FALSE);
}

static char *
binding_text(const fot_lw_binding *b)
{
    GString *s = g_string_new(NULL);
    append_ipv6(s, b->b4);
    g_string_append_c(s, ';');
    append_ipv4(s, b->set.ipv4);
    g_string_append_printf(s, ";%u;%u;%u", b->set.psid, b->set.psid_len, b->set.offset);
    if (b->has_br) {
        g_string_append_c(s, ';');
        append_ipv6(s, b->br);
    }
    return g_string_free(s, FALSE);
}

/* ---- MAP-E address derivation (RFC 7597 section 6) ---- */

static void
set_bits(uint8_t a[16], unsigned from, unsigned count, uint32_t v)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned b = from + i;
        uint8_t bit = (uint8_t)(1u << (7 - b % 8));
        if (v >> (count - 1 - i) & 1u)
            a[b / 8] |= bit;
        else
            a[b / 8] &= (uint8_t)~bit;
    }
}

void
fot_map_rule_set_of(const fot_map_rule *r, uint32_t ipv4, uint16_t port, fot_port_set *out)
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, sizeof *out);
    out->offset = r->offset;
    if (r->ea_len <= suffix_len) {
        out->ipv4_len = (uint8_t)(r->prefix4_len + r->ea_len);
        out->ipv4 = ipv4 & (out->ipv4_len ? UINT32_MAX << (32 - out->ipv4_len) : 0);
        return;
    }
    out->ipv4_len = 32;
    out->ipv4 = ipv4;
    out->psid_len = (uint8_t)(r->ea_len - suffix_len);
    out->psid = fot_port_psid(port, out->psid_len, out->offset);
}

void
fot_map_address(const fot_map_rule *r, const fot_port_set *set, fot_iid_layout layout, uint8_t out[16])
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, 16);
    memcpy(out, r->prefix6, (r->prefix6_len + 7u) / 8u);
    set_bits(out, r->prefix6_len, 64u - r->prefix6_len, 0); /* EA bits and subnet ID start at zero */
    if (r->ea_len <= suffix_len) {
        uint32_t ea = r->ea_len ? (set->ipv4 >> (suffix_len - r->ea_len)) & ((1u << r->ea_len) - 1) : 0;
        set_bits(out, r->prefix6_len, r->ea_len, ea);
    } else {
        set_bits(out, r->prefix6_len, suffix_len, suffix_len ? set->ipv4 & (UINT32_MAX >> (32 - suffix_len)) : 0);
        set_bits(out, r->prefix6_len + suffix_len, set->psid_len, set->psid);
    }
    uint32_t v4 = set->ipv4 & (set->ipv4_len ? UINT32_MAX << (32 - set->ipv4_len) : 0);
    uint8_t *iid = out + 8;
    unsigned at = layout == FOT_IID_LEGACY ? 1 : 2;
    iid[at] = (uint8_t)(v4 >> 24), iid[at + 1] = (uint8_t)(v4 >> 16), iid[at + 2] = (uint8_t)(v4 >> 8);
    iid[at + 3] = (uint8_t)v4;
    iid[at + 4] = (uint8_t)(set->psid >> 8), iid[at + 5] = (uint8_t)set->psid;
}

bool
fot_map_is_address(const fot_map_rule *r, const fot_port_set *set, const uint8_t ce[16])
{
    uint8_t e[16];
    fot_map_address(r, set, FOT_IID_RFC7597, e);
    if (memcmp(e, ce, 16) == 0)
        return true;
    fot_map_address(r, set, FOT_IID_LEGACY, e);
    return memcmp(e, ce, 16) == 0;
}

/* ---- verdicts ---- */

static bool
excluded_port(uint8_t psid_len, uint8_t offset, uint16_t port)
{
    /* RFC 7597 section 5.1: with a > 0, A = 0 (ports 0 .. 2^(16-a) - 1) is in no set. */
    return psid_len && offset && (port >> (16 - offset)) == 0;
}

/* With the BR right: bound; else wrong-br. A softwire's own BR wins over br=. */
static fot_verdict
check_br(const fot_softwire *sw, const uint8_t *expected, const uint8_t br[16])
{
    if (expected)
        return memcmp(expected, br, 16) == 0 ? FOT_VERDICT_BOUND : FOT_VERDICT_WRONG_BR;
    if (sw->brs->len && !fot_softwire_is_br(sw, br))
        return FOT_VERDICT_WRONG_BR;
    return FOT_VERDICT_BOUND;
}

static fot_verdict
judge_binding(const fot_softwire *sw, const uint8_t ce[16], const uint8_t br[16], uint32_t ipv4, uint16_t port,
              fot_judgement *out)
{
    const fot_bindings *t = sw->table;
    uint32_t rep = fot_bindings_of_ipv4(t, ipv4);
    if (!rep)
        return FOT_VERDICT_UNBOUND;
    const fot_binding *r = fot_bindings_get(t, rep);
    if (r->flags & FOT_BINDING_SHAPE_CONFLICT)
        return FOT_VERDICT_CONFLICT;
    uint32_t n = excluded_port(r->psid_len, r->offset, port)
                     ? 0
                     : fot_bindings_find(t, ipv4, fot_port_psid(port, r->psid_len, r->offset));
    if (n) {
        const fot_binding *s = fot_bindings_get(t, n);
        fot_binding_port_set(s, &out->set);
        out->softwire = n;
        if (s->flags & FOT_BINDING_CONFLICT)
            return FOT_VERDICT_CONFLICT;
        if (memcmp(s->b4, ce, 16) != 0)
            return FOT_VERDICT_WRONG_B4;
        return check_br(sw, s->br ? fot_bindings_br(t, s->br) : NULL, br);
    }
    for (uint32_t m = fot_bindings_of_b4(t, ce); m; m = fot_bindings_get(t, m)->next_of_b4)
        if (fot_bindings_get(t, m)->ipv4 == ipv4)
            return FOT_VERDICT_WRONG_PORT;
    return FOT_VERDICT_WRONG_ADDRESS;
}

static fot_verdict
judge_rule(const fot_softwire *sw, const uint8_t ce[16], const uint8_t br[16], uint32_t ipv4, uint16_t port,
           fot_judgement *out)
{
    const fot_map_rule *r = fot_softwire_find_rule_v4(sw, ipv4);
    if (!r)
        return FOT_VERDICT_UNBOUND;
    fot_port_set set;
    fot_map_rule_set_of(r, ipv4, port, &set);
    if (fot_map_is_address(r, &set, ce)) {
        out->set = set;
        if (excluded_port(set.psid_len, set.offset, port))
            return FOT_VERDICT_WRONG_PORT;
        return check_br(sw, NULL, br);
    }
    /* Not the address the rule derives. A CE whose own address is consistent
     * with its rule used an address or port of another; otherwise its source
     * address is spoofed (or its IID, PSID or prefix misconfigured). */
    fot_port_set own;
    if (!fot_softwire_map_ce(sw, ce, &own))
        return FOT_VERDICT_SPOOFED;
    uint32_t mask = own.ipv4_len ? UINT32_MAX << (32 - own.ipv4_len) : 0;
    return (ipv4 & mask) == own.ipv4 ? FOT_VERDICT_WRONG_PORT : FOT_VERDICT_WRONG_ADDRESS;
}

void
fot_softwire_judge(const fot_softwire *sw, const uint8_t ce[16], const uint8_t br[16], uint32_t ipv4,
                   uint16_t port, fot_judgement *out)
{
    memset(out, 0, sizeof *out);
    if (!sw)
        return;
    /* A B4 of the table is judged by the table; else a MAP CE, or an IPv4 of a
     * rule, by the rules (a DS-Lite B4 inside a rule's IPv6 prefix whose
     * clients are not in its IPv4 prefix is not the BR's MAP traffic); else,
     * with a table, every tunnelled packet is the lwAFTR's to judge. */
    bool b4 = fot_bindings_of_b4(sw->table, ce) != 0;
    fot_port_set own;
    if (!b4 && sw->rules->len && (fot_softwire_find_rule_v4(sw, ipv4) || fot_softwire_map_ce(sw, ce, &own))) {
        out->by_rule = true;
        out->verdict = judge_rule(sw, ce, br, ipv4, port, out);
    } else if (fot_bindings_count(sw->table)) {
        out->verdict = judge_binding(sw, ce, br, ipv4, port, out);
    }
}

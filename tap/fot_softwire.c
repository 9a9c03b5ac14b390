/* \summary: the configured softwires: MAP rules, binding sources and the built table, BRs, the verdict */
#include "fot_softwire.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

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
        char *text = fot_lw_binding_text(e);
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
        uint32_t mask = fot_ipv4_mask(r->prefix4_len);
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
            char *text = fot_map_rule_text(&g_array_index(sw->rules, fot_map_rule, i));
            g_string_append(s, text);
            g_free(text);
        } else if (which == FOT_LIST_BINDINGS) {
            char *text = fot_lw_binding_text(&g_array_index(sw->bindings, fot_lw_binding, i));
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

/* ---- verdicts ---- */

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
    uint32_t n = fot_port_excluded(r->psid_len, r->offset, port)
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
        if (fot_port_excluded(set.psid_len, set.offset, port))
            return FOT_VERDICT_WRONG_PORT;
        return check_br(sw, NULL, br);
    }
    /* Not the address the rule derives. A CE whose own address is consistent
     * with its rule used an address or port of another; otherwise its source
     * address is spoofed (or its IID, PSID or prefix misconfigured). */
    fot_port_set own;
    if (!fot_softwire_map_ce(sw, ce, &own))
        return FOT_VERDICT_SPOOFED;
    uint32_t mask = fot_ipv4_mask(own.ipv4_len);
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

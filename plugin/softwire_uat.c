/* \summary: MAP-E rules and LW4o6 bindings as Wireshark tables (UATs) */
/* Each record is kept as the text fields a user typed; update_cb checks a
 * record with the same parser as map_rule= / lw_binding=, so a bad row is
 * refused where it is entered. */
#include "softwire_uat.h"

#include <epan/uat.h>

typedef struct map_rule_rec {
    char *prefix6, *prefix4, *ea_len, *offset;
} map_rule_rec;

typedef struct lw_binding_rec {
    char *b4, *ipv4, *psid, *psid_len, *offset, *br;
} lw_binding_rec;

static map_rule_rec *map_rules;
static guint n_map_rules;
static lw_binding_rec *lw_bindings;
static guint n_lw_bindings;

static char *
map_rule_text(const map_rule_rec *r)
{
    return g_strdup_printf("%s;%s;%s%s%s", r->prefix6 ? r->prefix6 : "", r->prefix4 ? r->prefix4 : "",
                           r->ea_len ? r->ea_len : "", r->offset && *r->offset ? ";" : "",
                           r->offset ? r->offset : "");
}

/* B4;IPV4;PSID;PSID_LEN[;OFFSET[;BR]]: an empty offset before a BR means 0. */
static char *
lw_binding_text(const lw_binding_rec *b)
{
    bool has_br = b->br && *b->br;
    return g_strdup_printf("%s;%s;%s;%s%s%s%s%s", b->b4 ? b->b4 : "", b->ipv4 ? b->ipv4 : "", b->psid ? b->psid : "",
                           b->psid_len ? b->psid_len : "", (b->offset && *b->offset) || has_br ? ";" : "",
                           b->offset ? b->offset : "", has_br ? ";" : "", has_br ? b->br : "");
}

static fot_ws_uat_result
map_rule_update(void *record, char **error)
{
    char *text = map_rule_text(record);
    fot_map_rule r;
    gboolean ok = fot_map_rule_parse(text, &r, error);
    g_free(text);
    return ok;
}

static fot_ws_uat_result
lw_binding_update(void *record, char **error)
{
    char *text = lw_binding_text(record);
    fot_lw_binding b;
    gboolean ok = fot_lw_binding_parse(text, &b, error);
    g_free(text);
    return ok;
}

static void *
map_rule_copy(void *dest, const void *source, size_t len)
{
    const map_rule_rec *s = source;
    map_rule_rec *d = dest;
    (void)len;
    d->prefix6 = g_strdup(s->prefix6);
    d->prefix4 = g_strdup(s->prefix4);
    d->ea_len = g_strdup(s->ea_len);
    d->offset = g_strdup(s->offset);
    return d;
}

static void
map_rule_free(void *record)
{
    map_rule_rec *r = record;
    g_free(r->prefix6);
    g_free(r->prefix4);
    g_free(r->ea_len);
    g_free(r->offset);
}

static void *
lw_binding_copy(void *dest, const void *source, size_t len)
{
    const lw_binding_rec *s = source;
    lw_binding_rec *d = dest;
    (void)len;
    d->b4 = g_strdup(s->b4);
    d->ipv4 = g_strdup(s->ipv4);
    d->psid = g_strdup(s->psid);
    d->psid_len = g_strdup(s->psid_len);
    d->offset = g_strdup(s->offset);
    d->br = g_strdup(s->br);
    return d;
}

static void
lw_binding_free(void *record)
{
    lw_binding_rec *b = record;
    g_free(b->b4);
    g_free(b->ipv4);
    g_free(b->psid);
    g_free(b->psid_len);
    g_free(b->offset);
    g_free(b->br);
}

UAT_CSTRING_CB_DEF(map_rule, prefix6, map_rule_rec)
UAT_CSTRING_CB_DEF(map_rule, prefix4, map_rule_rec)
UAT_CSTRING_CB_DEF(map_rule, ea_len, map_rule_rec)
UAT_CSTRING_CB_DEF(map_rule, offset, map_rule_rec)
UAT_CSTRING_CB_DEF(lw_binding, b4, lw_binding_rec)
UAT_CSTRING_CB_DEF(lw_binding, ipv4, lw_binding_rec)
UAT_CSTRING_CB_DEF(lw_binding, psid, lw_binding_rec)
UAT_CSTRING_CB_DEF(lw_binding, psid_len, lw_binding_rec)
UAT_CSTRING_CB_DEF(lw_binding, offset, lw_binding_rec)
UAT_CSTRING_CB_DEF(lw_binding, br, lw_binding_rec)

void
fot_softwire_uat_register(module_t *module)
{
    static uat_field_t map_rule_fields[] = {
        UAT_FLD_CSTRING(map_rule, prefix6, "Rule IPv6 prefix", "e.g. 2001:db8::/40"),
        UAT_FLD_CSTRING(map_rule, prefix4, "Rule IPv4 prefix", "e.g. 192.0.2.0/24"),
        UAT_FLD_CSTRING(map_rule, ea_len, "EA-bits length", "0..48"),
        UAT_FLD_CSTRING(map_rule, offset, "PSID offset", "0..15; empty: 6 (RFC 7597 default)"),
        UAT_END_FIELDS
    };
    static uat_field_t lw_binding_fields[] = {
        UAT_FLD_CSTRING(lw_binding, b4, "B4 IPv6 address", "the B4's tunnel endpoint"),
        UAT_FLD_CSTRING(lw_binding, ipv4, "IPv4 address", "the shared public IPv4 address"),
        UAT_FLD_CSTRING(lw_binding, psid, "PSID", "decimal"),
        UAT_FLD_CSTRING(lw_binding, psid_len, "PSID length", "0..16"),
        UAT_FLD_CSTRING(lw_binding, offset, "PSID offset", "0..15; empty: 0"),
        UAT_FLD_CSTRING(lw_binding, br, "BR address", "the lwAFTR serving the softwire; empty: any"),
        UAT_END_FIELDS
    };
    uat_t *rules = uat_new("4o6top MAP-E rules", sizeof(map_rule_rec), "4o6top_map_rules", TRUE, &map_rules,
                           &n_map_rules, 0, NULL, map_rule_copy, map_rule_update, map_rule_free, NULL, NULL,
                           map_rule_fields);
    uat_t *bindings = uat_new("4o6top LW4o6 bindings", sizeof(lw_binding_rec), "4o6top_lw_bindings", TRUE,
                              &lw_bindings, &n_lw_bindings, 0, NULL, lw_binding_copy, lw_binding_update,
                              lw_binding_free, NULL, NULL, lw_binding_fields);
    prefs_register_uat_preference(module, "map_rules", "MAP-E rules",
                                  "MAP-E Basic/Forwarding Mapping Rules: each CE's IPv4 and port set", rules);
    prefs_register_uat_preference(module, "lw_bindings", "LW4o6 bindings",
                                  "LW4o6 softwires: B4, IPv4 address, port set, BR (any number per B4)", bindings);
}

void
fot_softwire_uat_apply(fot_config *c)
{
    char *err = NULL;
    fot_config_clear_list(c, "map_rule");
    for (guint i = 0; i < n_map_rules; i++) {
        char *text = map_rule_text(&map_rules[i]);
        if (!fot_config_set(c, "map_rule", text, &err)) /* checked on entry; cannot fail */
            g_clear_pointer(&err, g_free);
        g_free(text);
    }
    fot_config_clear_list(c, "lw_binding");
    for (guint i = 0; i < n_lw_bindings; i++) {
        char *text = lw_binding_text(&lw_bindings[i]);
        if (!fot_config_set(c, "lw_binding", text, &err))
            g_clear_pointer(&err, g_free);
        g_free(text);
    }
}

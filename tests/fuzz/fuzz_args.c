/* libFuzzer target: option text. The input up to its first NUL is one string,
 * given to fot_config_parse_args (as the -z arguments after "4o6top,"), to
 * fot_config_set_text for every option (as a preference), and to the MAP rule
 * and LW4o6 binding parsers; the bytes after the NUL are a CE address for the
 * rule. Whatever parses must read back through fot_config_get in a form that
 * parses to the same value; a parsed rule's port set must be RFC 7597's.
 * Everything is freed, for LeakSanitizer. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fot_args.h"
#include "fot_config.h"
#include "fot_bindings.h"
#include "fot_softwire.h"

static void
broken(const char *what, int line)
{
    fprintf(stderr, "fuzz_args.c:%d: invariant broken: %s\n", line, what);
    abort();
}

#define CHECK(cond) ((cond) ? (void)0 : broken(#cond, __LINE__))

/* Settings with one entry in each list: -z lists replace them, and copies
 * share them until one changes (fot_config_copy). */
static fot_config with_lists;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char *err = NULL;
    fot_config_defaults(&with_lists);
    if (!fot_config_set_text(&with_lists, "map_rule", "2001:db8::/40;192.0.2.0/24;16;6", &err) ||
        !fot_config_set_text(&with_lists, "lw_binding", "2001:db8:aaaa::5;198.51.100.5;3;6", &err) ||
        !fot_config_set_text(&with_lists, "br", "2001:db8:ffff::/48", &err)) {
        fprintf(stderr, "fuzz_args: %s\n", err);
        abort();
    }
    return 0;
}

/* ---- options ---- */

/* The option's value, read back, sets a fresh config to the same value. */
static void
check_reads_back(const fot_config *c, const char *name)
{
    char *text = fot_config_get(c, name), *err = NULL;
    CHECK(text != NULL);
    fot_config fresh;
    fot_config_defaults(&fresh);
    if (!fot_config_set_text(&fresh, name, text, &err)) {
        fprintf(stderr, "fuzz_args: %s: \"%s\" read back does not parse: %s\n", name, text, err);
        abort();
    }
    char *again = fot_config_get(&fresh, name);
    CHECK(strcmp(text, again) == 0);
    g_free(again);
    fot_config_clear(&fresh);
    g_free(text);
}

/* The lists of `with_lists`, which no change to a copy may touch. */
static char *
shared_lists(void)
{
    char *rules = fot_config_get(&with_lists, "map_rule"), *bindings = fot_config_get(&with_lists, "lw_binding"),
         *brs = fot_config_get(&with_lists, "br");
    char *all = g_strjoin("|", rules, bindings, brs, NULL);
    g_free(rules);
    g_free(bindings);
    g_free(brs);
    return all;
}

static void
parse_args(const fot_config *base, const char *text)
{
    fot_config c;
    fot_config_copy(&c, base);
    fot_mode mode;
    char *filter = NULL, *err = NULL;
    if (fot_config_parse_args(&c, text, &mode, &filter, &err)) {
        CHECK(err == NULL && (unsigned)mode < FOT_MODE_COUNT);
        CHECK(filter == NULL || filter[0] != '\0');
        for (unsigned i = 0; i < FOT_ID_COUNT; i++)
            check_reads_back(&c, fot_options[i].name);
        g_free(fot_config_describe(&c));
        g_free(fot_config_describe_original(&c));
    } else {
        CHECK(err != NULL && filter == NULL);
    }
    g_free(filter);
    g_free(err);
    fot_config_clear(&c);
}

static void
set_text(const char *name, const char *text)
{
    fot_config c;
    fot_config_copy(&c, &with_lists);
    char *err = NULL;
    if (fot_config_set_text(&c, name, text, &err)) {
        CHECK(err == NULL);
        check_reads_back(&c, name);
    } else {
        CHECK(err != NULL);
    }
    g_free(err);
    fot_config_clear(&c);
}

/* ---- port sets ---- */

/* The set has fot_port_set_size() ports, each carrying the set's PSID. */
static void
check_port_set(const fot_port_set *ps)
{
    CHECK(ps->psid_len + ps->offset <= 16 && ps->ipv4_len <= 32);
    CHECK(ps->psid_len == 16 || ps->psid >> ps->psid_len == 0);
    uint32_t count = 0;
    for (uint32_t port = 0; port <= UINT16_MAX; port++) {
        if (!fot_port_set_has_port(ps, (uint16_t)port))
            continue;
        count++;
        CHECK(fot_port_psid((uint16_t)port, ps->psid_len, ps->offset) == ps->psid);
    }
    CHECK(count == fot_port_set_size(ps));
}

static void
set_bit(uint8_t a[16], unsigned bit, unsigned value)
{
    uint8_t mask = (uint8_t)(0x80u >> bit % 8);
    a[bit / 8] = (uint8_t)(value ? a[bit / 8] | mask : a[bit / 8] & ~mask);
}

static unsigned
get_bit(const uint8_t a[16], unsigned bit)
{
    return a[bit / 8] >> (7 - bit % 8) & 1u;
}

/* RFC 7597 section 5.2, worked out in 64 bits: the EA bits after the rule's
 * IPv6 prefix are the IPv4 suffix, then the PSID. */
static void
rfc7597_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out)
{
    uint64_t ea = 0;
    for (unsigned i = 0; i < r->ea_len; i++)
        ea = ea << 1 | get_bit(ce, r->prefix6_len + i);
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, sizeof *out);
    out->offset = r->offset;
    if (r->ea_len <= suffix_len) {
        out->ipv4_len = (uint8_t)(r->prefix4_len + r->ea_len);
        out->ipv4 = r->prefix4 | (uint32_t)(ea << (suffix_len - r->ea_len));
    } else {
        unsigned k = r->ea_len - suffix_len;
        out->ipv4_len = 32;
        out->ipv4 = r->prefix4 | (uint32_t)(ea >> k);
        out->psid_len = (uint8_t)k;
        out->psid = (uint16_t)(ea & ((1u << k) - 1));
    }
}

static void
map_rule(const char *text, const uint8_t *rest, size_t rest_len)
{
    fot_map_rule r;
    char *err = NULL;
    if (!fot_map_rule_parse(text, &r, &err)) {
        CHECK(err != NULL);
        g_free(err);
        return;
    }
    CHECK(err == NULL);
    CHECK(r.prefix6_len + r.ea_len <= 64 && r.ea_len <= 48 && r.prefix4_len <= 32 && r.offset <= 15);
    CHECK(r.prefix4_len == 32 || (r.prefix4 & UINT32_MAX >> r.prefix4_len) == 0);

    /* A CE inside the rule: its prefix, then bits from the input. */
    uint8_t ce[16] = { 0 };
    memcpy(ce, rest, MIN(rest_len, sizeof ce));
    for (unsigned bit = 0; bit < r.prefix6_len; bit++)
        set_bit(ce, bit, get_bit(r.prefix6, bit));
    CHECK(fot_map_rule_matches(&r, ce));
    fot_port_set got, want;
    fot_map_rule_port_set(&r, ce, &got);
    rfc7597_port_set(&r, ce, &want);
    CHECK(got.ipv4 == want.ipv4 && got.ipv4_len == want.ipv4_len);
    CHECK(got.psid == want.psid && got.psid_len == want.psid_len && got.offset == want.offset);
    check_port_set(&got);

    /* The rule as a list shows it, parsed again. */
    fot_softwire *sw = fot_softwire_new();
    fot_softwire_add_rule(sw, &r);
    CHECK(fot_softwire_find_rule(sw, ce) != NULL);
    char *listed = fot_softwire_list_text(sw, FOT_LIST_RULES);
    fot_map_rule again;
    CHECK(fot_map_rule_parse(listed, &again, &err));
    CHECK(memcmp(&r, &again, sizeof r) == 0);
    g_free(listed);
    fot_softwire_unref(sw);
}

static void
lw_binding(const char *text)
{
    fot_lw_binding b;
    char *err = NULL;
    if (!fot_lw_binding_parse(text, &b, &err)) {
        CHECK(err != NULL);
        g_free(err);
        return;
    }
    CHECK(err == NULL && b.set.ipv4_len == 32);
    check_port_set(&b.set);

    fot_softwire *sw = fot_softwire_new();
    fot_softwire_add_binding(sw, &b);
    CHECK(fot_bindings_of_b4(fot_softwire_table(sw), b.b4) != 0);
    char *listed = fot_softwire_list_text(sw, FOT_LIST_BINDINGS);
    fot_lw_binding again;
    CHECK(fot_lw_binding_parse(listed, &again, &err));
    CHECK(memcmp(b.b4, again.b4, 16) == 0 && b.set.ipv4 == again.set.ipv4 && b.set.psid == again.set.psid &&
          b.set.psid_len == again.set.psid_len && b.set.offset == again.set.offset);
    g_free(listed);
    fot_softwire_unref(sw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t text_len = nul ? (size_t)(nul - data) : size;
    char *text = g_strndup((const char *)data, text_len);
    const uint8_t *rest = nul ? nul + 1 : data + size;

    fot_config defaults;
    fot_config_defaults(&defaults);
    parse_args(&defaults, text);
    char *before = shared_lists();
    parse_args(&with_lists, text);
    for (unsigned i = 0; i < FOT_ID_COUNT; i++)
        set_text(fot_options[i].name, text);
    char *after = shared_lists();
    CHECK(strcmp(before, after) == 0);
    map_rule(text, rest, (size_t)(data + size - rest));
    lw_binding(text);

    g_free(before);
    g_free(after);
    g_free(text);
    return 0;
}

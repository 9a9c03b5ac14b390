/* MAP arithmetic against RFC 7597 Appendix A, the two Japanese parameter sets
 * (PSID length 8 / offset 4: 240 ports; PSID length 6 / offset 6: 1008), the
 * legacy interface-identifier layout, and LW4o6 bindings. */
#include "fot_bindings.h"
#include "fot_softwire.h"
#include "test_util.h"

static fot_map_rule
rule(const char *text)
{
    fot_map_rule r;
    char *err = NULL;
    if (!fot_map_rule_parse(text, &r, &err))
        g_error("%s: %s", text, err);
    return r;
}

/* Every port of the set, as "lo-hi" ranges. */
static GString *
ranges(const fot_port_set *ps)
{
    GString *s = g_string_new(NULL);
    int start = -1;
    for (int p = 0; p <= 65536; p++) {
        bool in = p < 65536 && fot_port_set_has_port(ps, (uint16_t)p);
        if (in && start < 0)
            start = p;
        if (!in && start >= 0) {
            g_string_append_printf(s, "%s%d-%d", s->len ? " " : "", start, p - 1);
            start = -1;
        }
    }
    return s;
}

static unsigned
count_ports(const fot_port_set *ps)
{
    unsigned n = 0;
    for (int p = 0; p < 65536; p++)
        n += fot_port_set_has_port(ps, (uint16_t)p);
    return n;
}

/* Example 1: BMR {2001:db8::/40, 192.0.2.0/24, 16}, End-user prefix
 * 2001:db8:0012:3400::/56 -> 192.0.2.18, PSID 0x34, 63 ranges of 4 ports from
 * 1232-1235 to 64720-64723, CE address 2001:db8:12:3400:0:c000:212:34. */
static void
test_rfc7597_example1(void)
{
    fot_map_rule r = rule("2001:db8::/40;192.0.2.0/24;16");
    g_assert_cmpuint(r.offset, ==, 6);
    uint8_t ce[16];
    ip6(ce, "2001:db8:12:3400:0:c000:212:34");
    g_assert_true(fot_map_rule_matches(&r, ce));
    fot_port_set ps;
    fot_map_rule_port_set(&r, ce, &ps);
    g_assert_cmphex(ps.ipv4, ==, ip4("192.0.2.18"));
    g_assert_cmpuint(ps.ipv4_len, ==, 32);
    g_assert_cmpuint(ps.psid_len, ==, 8);
    g_assert_cmphex(ps.psid, ==, 0x34);
    g_assert_cmpuint(fot_port_set_size(&ps), ==, 63 * 4);
    g_assert_cmpuint(count_ports(&ps), ==, 63 * 4);
    GString *s = ranges(&ps);
    g_assert_true(g_str_has_prefix(s->str, "1232-1235 2256-2259 3280-3283 "));
    g_assert_true(g_str_has_suffix(s->str, " 63696-63699 64720-64723"));
    gchar **parts = g_strsplit(s->str, " ", -1);
    g_assert_cmpuint(g_strv_length(parts), ==, 63);
    g_strfreev(parts);
    g_string_free(s, TRUE);
    /* The same prefix with any interface identifier gives the same set. */
    uint8_t prefix_only[16];
    ip6(prefix_only, "2001:db8:12:3400::");
    fot_port_set ps2;
    fot_map_rule_port_set(&r, prefix_only, &ps2);
    g_assert_cmpmem(&ps, sizeof ps, &ps2, sizeof ps2);
    /* And the CE address carries 192.0.2.18 and PSID 0x34 in the RFC layout. */
    uint16_t psid;
    g_assert_cmpint(fot_map_iid(ce, ip4("192.0.2.18"), &psid), ==, FOT_IID_RFC7597);
    g_assert_cmphex(psid, ==, 0x34);
}

/* Example 2 (BR): a packet to 192.0.2.18 port 1232 carries PSID 0x34, so it
 * goes to the CE of Example 1. */
static void
test_rfc7597_example2(void)
{
    g_assert_cmphex(fot_port_psid(1232, 8, 6), ==, 0x34);
    fot_port_set ps = { ip4("192.0.2.18"), 32, 8, 6, 0x34 };
    g_assert_true(fot_port_set_contains(&ps, ip4("192.0.2.18"), 1232));
    g_assert_false(fot_port_set_contains(&ps, ip4("192.0.2.19"), 1232));
    g_assert_false(fot_port_set_contains(&ps, ip4("192.0.2.18"), 1236));
    g_assert_false(fot_port_set_contains(&ps, ip4("192.0.2.18"), 208)); /* A = 0: never used */
}

/* A rule with no EA bits and a /32: the whole address, no port restriction. */
static void
test_rule_without_ea_bits(void)
{
    fot_map_rule r = rule("2001:db8:12:3400::/56;192.0.2.1/32;0");
    uint8_t ce[16];
    ip6(ce, "2001:db8:12:3400:0:c000:201:0");
    fot_port_set ps;
    fot_map_rule_port_set(&r, ce, &ps);
    g_assert_cmphex(ps.ipv4, ==, ip4("192.0.2.1"));
    g_assert_cmpuint(ps.psid_len, ==, 0);
    g_assert_cmpuint(fot_port_set_size(&ps), ==, 65536);
    g_assert_true(fot_port_set_contains(&ps, ip4("192.0.2.1"), 80));
}

/* Fewer EA bits than IPv4 suffix bits: the CE gets a prefix. */
static void
test_rule_prefix_delegation(void)
{
    fot_map_rule r = rule("2001:db8::/40;192.0.2.0/24;4");
    uint8_t ce[16];
    ip6(ce, "2001:db8:a0::1"); /* EA bits 0xa */
    fot_port_set ps;
    fot_map_rule_port_set(&r, ce, &ps);
    g_assert_cmphex(ps.ipv4, ==, ip4("192.0.2.160"));
    g_assert_cmpuint(ps.ipv4_len, ==, 28);
    g_assert_true(fot_port_set_contains(&ps, ip4("192.0.2.175"), 9));
    g_assert_false(fot_port_set_contains(&ps, ip4("192.0.2.176"), 9));
}

/* PSID length 8, offset 4: 15 blocks of 16 ports, 240 per CE. */
static void
test_japan_psid8_offset4(void)
{
    fot_map_rule r = rule("2001:db8:1000::/36;198.51.100.0/24;16;4");
    uint8_t ce[16];
    ip6(ce, "2001:db8:1c89:a000::"); /* EA bits 0xc89a: 198.51.100.200, PSID 0x9a */
    fot_port_set ps;
    fot_map_rule_port_set(&r, ce, &ps);
    g_assert_cmphex(ps.ipv4, ==, ip4("198.51.100.200"));
    g_assert_cmphex(ps.psid, ==, 0x9a);
    g_assert_cmpuint(ps.psid_len, ==, 8);
    g_assert_cmpuint(ps.offset, ==, 4);
    g_assert_cmpuint(fot_port_set_size(&ps), ==, 240);
    g_assert_cmpuint(count_ports(&ps), ==, 240);
    GString *s = ranges(&ps);
    g_assert_true(g_str_has_prefix(s->str, "6560-6575 10656-10671 "));
    g_assert_true(g_str_has_suffix(s->str, " 63904-63919"));
    g_string_free(s, TRUE);
}

/* PSID length 6, offset 6 (draft-03 era rule, legacy identifier): 63 blocks of
 * 16 ports, 1008 per CE; 10.1.85.85 PSID 21 is 2001:db8:5555:5500:a:155:5500:1500. */
static void
test_japan_psid6_offset6_legacy(void)
{
    fot_map_rule r = rule("2001:db8::/30;10.0.0.0/12;26;6");
    uint8_t ce[16];
    ip6(ce, "2001:db8:5555:5500:a:155:5500:1500");
    fot_port_set ps;
    fot_map_rule_port_set(&r, ce, &ps);
    g_assert_cmphex(ps.ipv4, ==, ip4("10.1.85.85"));
    g_assert_cmpuint(ps.psid, ==, 21);
    g_assert_cmpuint(ps.psid_len, ==, 6);
    g_assert_cmpuint(fot_port_set_size(&ps), ==, 1008);
    g_assert_cmpuint(count_ports(&ps), ==, 1008);
    GString *s = ranges(&ps);
    g_assert_true(g_str_has_prefix(s->str, "1360-1375 2384-2399 "));
    g_assert_true(g_str_has_suffix(s->str, " 64848-64863"));
    g_string_free(s, TRUE);
    uint16_t psid;
    g_assert_cmpint(fot_map_iid(ce, ip4("10.1.85.85"), &psid), ==, FOT_IID_LEGACY);
    g_assert_cmpuint(psid, ==, 21);
    /* The address is not read in the RFC layout, and not for another IPv4. */
    g_assert_cmpint(fot_map_iid(ce, ip4("1.85.85.0"), &psid), ==, FOT_IID_NONE);
}

static void
test_lw4o6_binding(void)
{
    fot_lw_binding b;
    char *err = NULL;
    g_assert_true(fot_lw_binding_parse("2001:db8:aaaa::5;198.51.100.5;3;6;0", &b, &err));
    g_assert_cmpuint(fot_port_set_size(&b.set), ==, 1024);
    GString *s = ranges(&b.set);
    g_assert_cmpstr(s->str, ==, "3072-4095");
    g_string_free(s, TRUE);
    g_assert_true(fot_lw_binding_parse("2001:db8:aaaa::6;198.51.100.5;2;4", &b, &err));
    g_assert_cmpuint(b.set.offset, ==, 0);
    s = ranges(&b.set);
    g_assert_cmpstr(s->str, ==, "8192-12287");
    g_string_free(s, TRUE);
}

static void
test_parse_errors(void)
{
    static const struct { const char *text, *err; } rules[] = {
        { "2001:db8::/40;192.0.2.0/24", "needs 3 or 4 fields separated by \";\"" },
        { "2001:db8::/129;192.0.2.0/24;16", "Rule IPv6 prefix is not an IPv6 prefix" },
        { "2001:db8::/40;192.0.2.0/33;16", "Rule IPv4 prefix is not an IPv4 prefix" },
        { "2001:db8::/40;192.0.2.0/24;49", "EA-bits length is not 0..48" },
        { "2001:db8::/40;192.0.2.0/24;16;16", "PSID offset is not 0..15" },
        { "2001:db8::/56;192.0.2.0/24;16", "Rule IPv6 prefix length + EA-bits length exceeds 64" },
        { "2001:db8::/40;192.0.2.0/24;24;10", "PSID length + PSID offset exceeds 16" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(rules); i++) {
        fot_map_rule r;
        char *err = NULL;
        g_assert_false(fot_map_rule_parse(rules[i].text, &r, &err));
        g_assert_cmpstr(err, ==, rules[i].err);
        g_free(err);
    }
    static const struct { const char *text, *err; } bindings[] = {
        { "2001:db8::5;198.51.100.5;3", "needs 4 to 6 fields" },
        { "2001:db8::/64;198.51.100.5;3;6", "B4 address is not an IPv6 address" },
        { "2001:db8::5;198.51.100.0/24;3;6", "IPv4 is not an IPv4 address" },
        { "2001:db8::5;198.51.100.5;64;6", "PSID does not fit in PSID length bits" },
        { "2001:db8::5;198.51.100.5;1;12;6", "PSID length + PSID offset exceeds 16" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bindings); i++) {
        fot_lw_binding b;
        char *err = NULL;
        g_assert_false(fot_lw_binding_parse(bindings[i].text, &b, &err));
        g_assert_cmpstr(err, ==, bindings[i].err);
        g_free(err);
    }
}

static void
test_private_ranges(void)
{
    const char *yes[] = { "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.2", "100.64.0.1",
                          "100.127.255.255", "192.0.0.2", "192.0.0.7" };
    const char *no[] = { "172.32.0.1", "100.128.0.1", "192.0.0.8", "192.0.2.1", "198.51.100.5", "11.0.0.1" };
    for (unsigned i = 0; i < G_N_ELEMENTS(yes); i++)
        g_assert_true(fot_ipv4_is_private(ip4(yes[i])));
    for (unsigned i = 0; i < G_N_ELEMENTS(no); i++)
        g_assert_false(fot_ipv4_is_private(ip4(no[i])));
}

/* The B4's softwire (its first when it has several), or NULL. */
static const fot_binding *
binding_of(fot_softwire *sw, const uint8_t b4[16])
{
    const fot_bindings *t = fot_softwire_table(sw);
    uint32_t n = fot_bindings_of_b4(t, b4);
    return n ? fot_bindings_get(t, n) : NULL;
}

static void
test_softwire_lookup(void)
{
    fot_softwire *sw = fot_softwire_new();
    fot_map_rule wide = rule("2001:db8::/32;192.0.2.0/24;8;0");
    fot_map_rule narrow = rule("2001:db8::/40;192.0.2.0/24;16");
    fot_softwire_add_rule(sw, &wide);
    fot_softwire_add_rule(sw, &narrow);
    uint8_t a[16], br[16];
    ip6(a, "2001:db8:12:3400::1");
    g_assert_cmpuint(fot_softwire_find_rule(sw, a)->prefix6_len, ==, 40);
    ip6(a, "2001:db8:100::1");
    g_assert_cmpuint(fot_softwire_find_rule(sw, a)->prefix6_len, ==, 32);
    ip6(a, "2001:db9::1");
    g_assert_null(fot_softwire_find_rule(sw, a));
    for (int i = 0; i < 100; i++) {
        fot_lw_binding b;
        char *err = NULL, *text = g_strdup_printf("2001:db8:aaaa::%x;198.51.100.5;%d;8", i, i);
        g_assert_true(fot_lw_binding_parse(text, &b, &err));
        fot_softwire_add_binding(sw, &b);
        g_free(text);
    }
    ip6(a, "2001:db8:aaaa::42");
    g_assert_cmpuint(binding_of(sw, a)->psid, ==, 0x42);
    ip6(br, "2001:db8:ffff::");
    fot_softwire_add_br(sw, br, 48);
    ip6(a, "2001:db8:ffff::1");
    g_assert_true(fot_softwire_is_br(sw, a));
    ip6(a, "2001:db8:fffe::1");
    g_assert_false(fot_softwire_is_br(sw, a));
    fot_softwire *copy = fot_softwire_copy(sw);
    fot_softwire_unref(sw);
    ip6(a, "2001:db8:aaaa::63");
    g_assert_cmpuint(binding_of(copy, a)->psid, ==, 0x63);
    g_assert_cmpuint(fot_softwire_rule_count(copy), ==, 2);
    fot_softwire_unref(copy);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/softwire/rfc7597-example1", test_rfc7597_example1);
    g_test_add_func("/softwire/rfc7597-example2", test_rfc7597_example2);
    g_test_add_func("/softwire/rule-without-ea-bits", test_rule_without_ea_bits);
    g_test_add_func("/softwire/rule-prefix-delegation", test_rule_prefix_delegation);
    g_test_add_func("/softwire/japan-psid8-offset4", test_japan_psid8_offset4);
    g_test_add_func("/softwire/japan-psid6-offset6-legacy", test_japan_psid6_offset6_legacy);
    g_test_add_func("/softwire/lw4o6-binding", test_lw4o6_binding);
    g_test_add_func("/softwire/parse-errors", test_parse_errors);
    g_test_add_func("/softwire/private-ranges", test_private_ranges);
    g_test_add_func("/softwire/lookup", test_softwire_lookup);
    return g_test_run();
}

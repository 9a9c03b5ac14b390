/* The binding table (RFC 7596 section 5.1: softwires keyed by IPv4 + PSID) and
 * the BR's decision (RFC 7596 section 6, RFC 7597 sections 5.1, 6 and 8.1),
 * each case worked out from the RFCs' rules. */
#include <glib/gstdio.h>
#include <stdio.h>

#include "fot_bindings.h"
#include "fot_softwire.h"
#include "test_util.h"

static fot_lw_binding
binding(const char *text)
{
    fot_lw_binding b;
    char *err = NULL;
    if (!fot_lw_binding_parse(text, &b, &err))
        g_error("%s: %s", text, err);
    return b;
}

static fot_bindings *
build(const char *const *texts, unsigned n)
{
    fot_bindings_builder *b = fot_bindings_builder_new();
    for (unsigned i = 0; i < n; i++) {
        fot_lw_binding e = binding(texts[i]);
        fot_bindings_builder_add(b, &e, texts[i]);
    }
    return fot_bindings_build(b);
}

/* Several softwires per B4, found by (IPv4, PSID) and chained by B4. */
static void
test_keyed_by_ipv4_and_psid(void)
{
    static const char *const t[] = {
        "2001:db8::a;198.51.100.10;1;6", "2001:db8::a;198.51.100.10;2;6", "2001:db8::a;198.51.100.11;1;6",
        "2001:db8::b;198.51.100.10;3;6;0;2001:db8:ffff::1",
    };
    fot_bindings *tb = build(t, 4);
    g_assert_cmpstr(fot_bindings_messages(tb), ==, "");
    g_assert_cmpuint(fot_bindings_count(tb), ==, 4);
    uint32_t n = fot_bindings_find(tb, ip4("198.51.100.10"), 2);
    g_assert_cmpuint(n, !=, 0);
    g_assert_cmpuint(fot_bindings_get(tb, n)->psid, ==, 2);
    g_assert_cmpuint(fot_bindings_find(tb, ip4("198.51.100.11"), 2), ==, 0);
    uint8_t a[16];
    ip6(a, "2001:db8::a");
    unsigned count = 0;
    for (uint32_t m = fot_bindings_of_b4(tb, a); m; m = fot_bindings_get(tb, m)->next_of_b4)
        count++;
    g_assert_cmpuint(count, ==, 3);
    const fot_binding *b = fot_bindings_get(tb, fot_bindings_find(tb, ip4("198.51.100.10"), 3));
    uint8_t br[16];
    ip6(br, "2001:db8:ffff::1");
    g_assert_cmpmem(fot_bindings_br(tb, b->br), 16, br, 16);
    g_assert_cmpuint(sizeof(fot_binding), ==, 32);
    fot_bindings_unref(tb);
}

/* Conflicts name both entries; both parties are marked whatever the order. */
static void
test_conflicts_in_any_order(void)
{
    static const char *const t[] = { "2001:db8::e;198.51.100.13;5;6", "2001:db8::f;198.51.100.13;5;6",
                                     "2001:db8::f;198.51.100.14;1;4", "2001:db8::e;198.51.100.14;2;6" };
    const char *const r[] = { t[3], t[2], t[1], t[0] };
    for (int order = 0; order < 2; order++) {
        fot_bindings *tb = build(order ? r : t, 4);
        const char *m = fot_bindings_messages(tb);
        g_assert_nonnull(strstr(m, "the same IPv4 and PSID"));
        g_assert_nonnull(strstr(m, "one IPv4 address has one PSID length and offset"));
        g_assert_nonnull(strstr(m, order ? t[0] : t[1]));
        g_assert_cmpuint(fot_bindings_get(tb, fot_bindings_find(tb, ip4("198.51.100.13"), 5))->flags &
                             FOT_BINDING_CONFLICT, !=, 0);
        g_assert_cmpuint(fot_bindings_get(tb, fot_bindings_of_ipv4(tb, ip4("198.51.100.14")))->flags &
                             FOT_BINDING_SHAPE_CONFLICT, !=, 0);
        fot_bindings_unref(tb);
    }
}

/* A table file: header, comments, blank lines; one message per bad line, with its number. */
static void
test_file_lines(void)
{
    char *path = g_build_filename(g_get_tmp_dir(), "fot-test-bindings.csv", NULL);
    const char *text = "# comment\n\nb4,ipv4,psid,psid_len,offset,br\n"
                       "2001:db8::a,198.51.100.10,1,6\n"
                       "2001:db8::a,198.51.100.10,99,6\n"
                       "2001:db8::a , 198.51.100.12 , 0 , 0 ,,\r\n"
                       "2001:db8::a,198.51.100.10,1,6,0,2001:db8::1,extra\n";
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
    fot_bindings_builder *b = fot_bindings_builder_new();
    g_assert_true(fot_bindings_builder_add_file(b, path));
    fot_bindings *tb = fot_bindings_build(b);
    g_assert_cmpuint(fot_bindings_count(tb), ==, 2);
    char *want = g_strdup_printf("4o6top: %s:5: PSID does not fit in PSID length bits\n"
                                 "4o6top: %s:7: more fields than the header's 6\n",
                                 path, path);
    g_assert_cmpstr(fot_bindings_messages(tb), ==, want);
    g_assert_cmpstr(fot_bindings_take_messages(tb), ==, want);
    g_assert_cmpstr(fot_bindings_take_messages(tb), ==, "");
    g_assert_cmpuint(fot_bindings_find(tb, ip4("198.51.100.12"), 0), !=, 0);
    g_free(want);
    fot_bindings_unref(tb);
    g_remove(path);
    g_free(path);
}

static fot_verdict
judge(fot_softwire *sw, const char *ce, const char *br, const char *ipv4, uint16_t port)
{
    uint8_t c[16], b[16];
    ip6(c, ce);
    ip6(b, br);
    fot_softwire_table(sw);
    fot_judgement j;
    fot_softwire_judge(sw, c, b, ip4(ipv4), port, &j);
    return j.verdict;
}

static void
test_lw4o6_verdicts(void)
{
    fot_softwire *sw = fot_softwire_new();
    static const char *const t[] = { "2001:db8::a;198.51.100.10;1;6;0;2001:db8:ffff::1",
                                     "2001:db8::a;198.51.100.11;1;6", "2001:db8::c;198.51.100.12;0;0",
                                     "2001:db8::d;198.51.100.20;3;6;6" };
    for (unsigned i = 0; i < G_N_ELEMENTS(t); i++) {
        fot_lw_binding b = binding(t[i]);
        fot_softwire_add_binding(sw, &b);
    }
    const char *br = "2001:db8:ffff::1", *a = "2001:db8::a";
    g_assert_cmpint(judge(sw, a, br, "198.51.100.10", 1024), ==, FOT_VERDICT_BOUND);
    g_assert_cmpint(judge(sw, a, br, "198.51.100.10", 2048), ==, FOT_VERDICT_WRONG_PORT);
    g_assert_cmpint(judge(sw, a, "2001:db8:fffe::1", "198.51.100.10", 1100), ==, FOT_VERDICT_WRONG_BR);
    g_assert_cmpint(judge(sw, a, br, "198.51.100.12", 80), ==, FOT_VERDICT_WRONG_B4);
    g_assert_cmpint(judge(sw, "2001:db8::c", br, "198.51.100.12", 0), ==, FOT_VERDICT_BOUND);
    g_assert_cmpint(judge(sw, "2001:db8::c", br, "198.51.100.11", 5000), ==, FOT_VERDICT_WRONG_ADDRESS);
    g_assert_cmpint(judge(sw, a, br, "192.168.1.2", 1024), ==, FOT_VERDICT_UNBOUND);
    /* Offset 6, PSID length 6: ports 0-1023 (A = 0) are in no set (RFC 7597 section 5.1). */
    g_assert_cmpint(judge(sw, "2001:db8::d", br, "198.51.100.20", 1024 + (3 << 4)), ==, FOT_VERDICT_BOUND);
    g_assert_cmpint(judge(sw, "2001:db8::d", br, "198.51.100.20", 3 << 4), ==, FOT_VERDICT_WRONG_PORT);
    fot_softwire_unref(sw);
}

/* RFC 7597 Appendix A, example 2: 2001:db8::/40, 192.0.2.0/24, 16 EA bits, offset 6:
 * 192.0.2.18 with PSID 0x34 is CE 2001:db8:12:3400::c000:212:34. */
static void
test_map_address_and_verdicts(void)
{
    fot_map_rule r;
    char *err = NULL;
    g_assert_true(fot_map_rule_parse("2001:db8::/40;192.0.2.0/24;16", &r, &err));
    fot_port_set set;
    fot_map_rule_set_of(&r, ip4("192.0.2.18"), 1232, &set);
    g_assert_cmpuint(set.psid, ==, 0x34);
    uint8_t got[16], want[16];
    fot_map_address(&r, &set, FOT_IID_RFC7597, got);
    ip6(want, "2001:db8:12:3400:0:c000:212:34");
    g_assert_cmpmem(got, 16, want, 16);
    fot_map_address(&r, &set, FOT_IID_LEGACY, got);
    ip6(want, "2001:db8:12:3400:c0:2:1200:3400");
    g_assert_cmpmem(got, 16, want, 16);

    fot_softwire *sw = fot_softwire_new();
    fot_softwire_add_rule(sw, &r);
    const char *br = "2001:db8:ffff::1", *ce = "2001:db8:12:3400:0:c000:212:34";
    g_assert_cmpint(judge(sw, ce, br, "192.0.2.18", 1232), ==, FOT_VERDICT_BOUND);
    g_assert_cmpint(judge(sw, ce, br, "192.0.2.18", 1236), ==, FOT_VERDICT_WRONG_PORT);  /* PSID 0x35 */
    g_assert_cmpint(judge(sw, ce, br, "192.0.2.18", 210), ==, FOT_VERDICT_WRONG_PORT);   /* A = 0 */
    g_assert_cmpint(judge(sw, ce, br, "192.0.2.19", 1232), ==, FOT_VERDICT_WRONG_ADDRESS);
    g_assert_cmpint(judge(sw, ce, br, "198.18.0.1", 1232), ==, FOT_VERDICT_UNBOUND);
    /* The interface identifier says PSID 0x35 or IPv4 .19, or the prefix is outside the rule. */
    g_assert_cmpint(judge(sw, "2001:db8:12:3400:0:c000:212:35", br, "192.0.2.18", 1232), ==, FOT_VERDICT_SPOOFED);
    g_assert_cmpint(judge(sw, "2001:db8:12:3400:0:c000:213:34", br, "192.0.2.19", 1232), ==, FOT_VERDICT_SPOOFED);
    g_assert_cmpint(judge(sw, "2001:db9:12:3400:0:c000:212:34", br, "192.0.2.18", 1232), ==, FOT_VERDICT_SPOOFED);
    /* A subnet ID other than 0 is not the MAP address either. */
    g_assert_cmpint(judge(sw, "2001:db8:12:3401:0:c000:212:34", br, "192.0.2.18", 1232), ==, FOT_VERDICT_SPOOFED);
    uint8_t b[16];
    ip6(b, br);
    fot_softwire_add_br(sw, b, 128);
    g_assert_cmpint(judge(sw, ce, "2001:db8:fffe::1", "192.0.2.18", 1232), ==, FOT_VERDICT_WRONG_BR);
    fot_softwire_unref(sw);
}

/* The same sources again give the same built table, not a new one. */
static void
test_table_reused(void)
{
    fot_lw_binding b = binding("2001:db8::a;198.51.100.10;1;6");
    fot_softwire *one = fot_softwire_new(), *two = fot_softwire_new();
    fot_softwire_add_binding(one, &b);
    fot_softwire_add_binding(two, &b);
    g_assert_true(fot_softwire_table(one) == fot_softwire_table(two));
    fot_lw_binding c = binding("2001:db8::a;198.51.100.10;2;6");
    fot_softwire_add_binding(two, &c);
    g_assert_true(fot_softwire_table(one) != fot_softwire_table(two));
    fot_softwire_unref(one);
    fot_softwire_unref(two);
    fot_softwire_forget_cache();
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/bindings/keyed-by-ipv4-and-psid", test_keyed_by_ipv4_and_psid);
    g_test_add_func("/bindings/conflicts-in-any-order", test_conflicts_in_any_order);
    g_test_add_func("/bindings/file-lines", test_file_lines);
    g_test_add_func("/bindings/lw4o6-verdicts", test_lw4o6_verdicts);
    g_test_add_func("/bindings/map-address-and-verdicts", test_map_address_and_verdicts);
    g_test_add_func("/bindings/table-reused", test_table_reused);
    return g_test_run();
}

/* The one IPv4 and IPv6 parser and formatter: what each accepts, what it
 * refuses (leading zeros: inet_aton reads 010 as octal), and text that
 * reads back as the same address. */
#include <glib.h>
#include <stdio.h>

#include "fot_addr.h"

static void
test_ipv4_accepted(void)
{
    static const struct { const char *text; uint32_t value; } good[] = {
        { "0.0.0.0", 0 }, { "255.255.255.255", 0xffffffffu }, { "10.0.0.1", 0x0a000001u },
        { "192.0.2.100", 0xc0000264u }, { "100.64.0.10", 0x6440000au }, { "1.20.3.40", 0x01140328u },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(good); i++) {
        uint32_t v = 1;
        g_assert_true(fot_ipv4_parse(good[i].text, &v));
        g_assert_cmphex(v, ==, good[i].value);
    }
}

static void
test_ipv4_refused(void)
{
    static const char *const bad[] = {
        "010.0.0.1", "10.0.0.01", "00.1.1.1", "1.2.3.000", "0x1.2.3.4", "256.1.1.1", "1.2.3.1000", "1.2.3",
        "1.2.3.4.5", "1..2.3", " 1.2.3.4", "1.2.3.4 ", "", "1.2.3.-4", "+1.2.3.4", "1.2.3.4/", "1.2.3.4/32", "a.b.c.d",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        uint32_t v = 7;
        if (fot_ipv4_parse(bad[i], &v))
            g_error("\"%s\" was read as %08x", bad[i], v);
        g_assert_cmphex(v, ==, 7); /* untouched */
    }
}

static void
test_ipv4_prefix(void)
{
    uint32_t v;
    uint8_t len;
    g_assert_true(fot_ipv4_prefix_parse("192.0.2.77/24", &v, &len));
    g_assert_cmphex(v, ==, 0xc000024du); /* as written: the caller masks */
    g_assert_cmpuint(len, ==, 24);
    g_assert_true(fot_ipv4_prefix_parse("192.0.2.77", &v, &len));
    g_assert_cmpuint(len, ==, 32);
    g_assert_true(fot_ipv4_prefix_parse("0.0.0.0/0", &v, &len));
    g_assert_cmpuint(len, ==, 0);
    static const char *const bad[] = { "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "010.0.0.0/8",
                                       "10.0.0.0/8/8", "/8", "10.0.0/8", "10.0.0.0/ 8" };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++)
        if (fot_ipv4_prefix_parse(bad[i], &v, &len))
            g_error("\"%s\" was read as a prefix", bad[i]);
    g_assert_cmphex(fot_ipv4_mask(0), ==, 0);
    g_assert_cmphex(fot_ipv4_mask(8), ==, 0xff000000u);
    g_assert_cmphex(fot_ipv4_mask(32), ==, 0xffffffffu);
}

static void
test_ipv6(void)
{
    uint8_t a[16], len;
    static const uint8_t want[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
    g_assert_true(fot_ipv6_prefix_parse("2001:db8::1/40", a, &len));
    g_assert_cmpmem(a, 16, want, 16);
    g_assert_cmpuint(len, ==, 40);
    g_assert_true(fot_ipv6_prefix_parse("2001:db8::1", a, &len));
    g_assert_cmpuint(len, ==, 128);
    g_assert_true(fot_ipv6_parse("2001:db8::1", a));
    g_assert_true(fot_ipv6_parse("2001:db8::1/128", a));
    g_assert_false(fot_ipv6_parse("2001:db8::1/64", a));
    g_assert_true(fot_ipv6_parse("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", a)); /* the longest text */
    static const char *const bad[] = { "2001:db8::/129", "2001:db8::/", "2001:db8::/x", "zz", "", "1.2.3.4",
                                       "2001:db8:::1", "2001:db8::1 ",
                                       "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555/64" };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++)
        if (fot_ipv6_prefix_parse(bad[i], a, &len))
            g_error("\"%s\" was read as an IPv6 prefix", bad[i]);
}

static void
test_prefix_match(void)
{
    uint8_t a[16], p[16], len;
    g_assert_true(fot_ipv6_prefix_parse("2001:db8:ff00::/40", p, &len));
    g_assert_true(fot_ipv6_parse("2001:db8:ff12::1", a));
    g_assert_true(fot_ipv6_prefix_match(a, p, len));
    g_assert_true(fot_ipv6_parse("2001:db8:fe12::1", a));
    g_assert_false(fot_ipv6_prefix_match(a, p, len));
    g_assert_true(fot_ipv6_prefix_match(a, p, 0));
}

/* Every text the formatter writes reads back as the same address, and is
 * what printf writes (a walk over addresses of every octet width). */
static void
test_text_round_trip(void)
{
    char text[FOT_IPV4_TEXT_SIZE], want[32];
    for (uint64_t ip = 0; ip <= UINT32_MAX; ip += 0x01010101u / 7 + 1) {
        uint32_t v = (uint32_t)ip, back;
        snprintf(want, sizeof want, "%u.%u.%u.%u", v >> 24, v >> 16 & 255, v >> 8 & 255, v & 255);
        g_assert_cmpstr(fot_ipv4_text(v, text), ==, want);
        g_assert_true(fot_ipv4_parse(text, &back));
        g_assert_cmphex(back, ==, v);
    }
    g_assert_cmpstr(fot_ipv4_text(UINT32_MAX, text), ==, "255.255.255.255");
    uint8_t a[16], b[16];
    char text6[FOT_IPV6_TEXT_SIZE];
    g_assert_true(fot_ipv6_parse("2001:0db8:0000:0000:0000:0000:0000:0001", a));
    g_assert_cmpstr(fot_ipv6_text(a, text6), ==, "2001:db8::1");
    g_assert_true(fot_ipv6_parse(text6, b));
    g_assert_cmpmem(a, 16, b, 16);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/addr/ipv4-accepted", test_ipv4_accepted);
    g_test_add_func("/addr/ipv4-refused", test_ipv4_refused);
    g_test_add_func("/addr/ipv4-prefix", test_ipv4_prefix);
    g_test_add_func("/addr/ipv6", test_ipv6);
    g_test_add_func("/addr/prefix-match", test_prefix_match);
    g_test_add_func("/addr/text-round-trip", test_text_round_trip);
    return g_test_run();
}

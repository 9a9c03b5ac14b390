/* Header readers: every length check, on hand-made bytes. */
#include <glib.h>
#include <string.h>

#include "fot_packet.h"

static const uint8_t ipv4_tcp[] = {
    0x45, 0x00, 0x00, 0x28, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, /* ver/ihl .. proto */
    0xc0, 0xa8, 0x01, 0x02, 0xcb, 0x00, 0x71, 0x0a,                         /* 192.168.1.2 > 203.0.113.10 */
    0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x12, 0xff, 0xff, 0, 0, 0, 0,
};

static void
test_ipv4_ok(void)
{
    fot_ipv4 ip;
    g_assert_cmpint(fot_decode_ipv4(ipv4_tcp, sizeof ipv4_tcp, &ip), ==, FOT_DECODE_OK);
    g_assert_cmphex(ip.src, ==, 0xc0a80102);
    g_assert_cmphex(ip.dst, ==, 0xcb00710a);
    g_assert_cmpuint(ip.proto, ==, 6);
    g_assert_cmpuint(ip.header_len, ==, 20);
    g_assert_cmpuint(ip.total_len, ==, 40);
    g_assert_false(fot_ipv4_is_fragment(&ip));
    fot_l4 l4;
    g_assert_cmpint(fot_decode_l4(6, ipv4_tcp + 20, 20, &l4), ==, FOT_DECODE_OK);
    g_assert_cmpuint(l4.src_port, ==, 40000);
    g_assert_cmpuint(l4.dst_port, ==, 443);
    g_assert_cmphex(l4.tcp_flags, ==, 0x12);
}

static void
test_ipv4_malformed(void)
{
    uint8_t b[sizeof ipv4_tcp];
    fot_ipv4 ip;
    memcpy(b, ipv4_tcp, sizeof b);
    b[0] = 0x65;
    g_assert_cmpint(fot_decode_ipv4(b, sizeof b, &ip), ==, FOT_DECODE_BAD_VERSION);
    b[0] = 0x44;
    g_assert_cmpint(fot_decode_ipv4(b, sizeof b, &ip), ==, FOT_DECODE_BAD_HEADER_LENGTH);
    b[0] = 0x45;
    b[3] = 19;
    g_assert_cmpint(fot_decode_ipv4(b, sizeof b, &ip), ==, FOT_DECODE_BAD_TOTAL_LENGTH);
    b[3] = 40;
    g_assert_cmpint(fot_decode_ipv4(b, 19, &ip), ==, FOT_DECODE_TRUNCATED);
    b[0] = 0x46; /* options: 24 bytes of header, but only 20 here */
    g_assert_cmpint(fot_decode_ipv4(b, 20, &ip), ==, FOT_DECODE_TRUNCATED);
    g_assert_cmpint(fot_decode_ipv4(b, 0, &ip), ==, FOT_DECODE_TRUNCATED);
}

static void
test_fragment_fields(void)
{
    uint8_t b[sizeof ipv4_tcp];
    memcpy(b, ipv4_tcp, sizeof b);
    fot_ipv4 ip;
    b[6] = 0x20; /* MF, offset 0 */
    b[7] = 0;
    g_assert_cmpint(fot_decode_ipv4(b, sizeof b, &ip), ==, FOT_DECODE_OK);
    g_assert_true(ip.more_fragments);
    g_assert_cmpuint(ip.frag_offset, ==, 0);
    b[6] = 0x00; /* last fragment at 1480 bytes */
    b[7] = 185;
    g_assert_cmpint(fot_decode_ipv4(b, sizeof b, &ip), ==, FOT_DECODE_OK);
    g_assert_false(ip.more_fragments);
    g_assert_cmpuint(ip.frag_offset, ==, 1480);
    g_assert_true(fot_ipv4_is_fragment(&ip));
}

static void
test_l4_lengths(void)
{
    static const uint8_t icmp[] = { 8, 0, 0xab, 0xcd, 0x12, 0x34, 0, 1 };
    fot_l4 l4;
    g_assert_cmpint(fot_decode_l4(1, icmp, 6, &l4), ==, FOT_DECODE_OK);
    g_assert_cmpuint(l4.icmp_type, ==, 8);
    g_assert_cmpuint(l4.src_port, ==, 0x1234);
    g_assert_cmpuint(l4.dst_port, ==, 0x1234);
    g_assert_cmpint(fot_decode_l4(1, icmp, 5, &l4), ==, FOT_DECODE_TRUNCATED);
    g_assert_cmpint(fot_decode_l4(17, icmp, 4, &l4), ==, FOT_DECODE_OK);
    g_assert_cmpint(fot_decode_l4(17, icmp, 3, &l4), ==, FOT_DECODE_TRUNCATED);
    g_assert_cmpint(fot_decode_l4(6, ipv4_tcp + 20, 13, &l4), ==, FOT_DECODE_TRUNCATED);
}

/* Ethernet + IPv6 + Destination Options + Fragment header + IPv4. */
static void
test_find_ipv6(void)
{
    uint8_t f[14 + 40 + 8 + 8 + 20];
    memset(f, 0, sizeof f);
    uint8_t *ip6 = f + 14;
    ip6[0] = 0x60;
    ip6[5] = 36;
    ip6[6] = 60; /* Destination Options */
    for (int i = 0; i < 16; i++) {
        ip6[8 + i] = (uint8_t)(0x20 + i);
        ip6[24 + i] = (uint8_t)(0x40 + i);
    }
    ip6[40] = 44; /* next: Fragment; length 0 = 8 bytes */
    ip6[48] = 4;  /* then IPv4 */
    ip6[50] = 0x05, ip6[51] = 0xc9; /* offset 185 * 8 = 1480, M = 1 */
    ip6[52] = 0xde, ip6[53] = 0xad, ip6[54] = 0xbe, ip6[55] = 0xef;
    fot_ipv6_found found;
    g_assert_true(fot_find_ipv6(f, sizeof f, ip6 + 8, ip6 + 24, &found));
    g_assert_true(found.fragment);
    g_assert_cmphex(found.frag_id, ==, 0xdeadbeef);
    g_assert_cmpuint(found.frag_offset, ==, 1480);
    g_assert_cmpuint(found.payload_len, ==, 36);
    g_assert_cmpuint(found.next, ==, 4);
    g_assert_cmpuint(found.payload, ==, 14 + 40 + 16);
    /* Cut inside the Fragment header: not found, no read past the end. */
    g_assert_false(fot_find_ipv6(f, 14 + 40 + 8 + 7, ip6 + 8, ip6 + 24, &found));
    /* Other addresses: not found. */
    uint8_t other[16] = { 1 };
    g_assert_false(fot_find_ipv6(f, sizeof f, other, ip6 + 24, &found));
    /* No Fragment header. */
    ip6[40] = 4;
    g_assert_true(fot_find_ipv6(f, sizeof f, ip6 + 8, ip6 + 24, &found));
    g_assert_false(found.fragment);
    g_assert_cmpuint(found.payload, ==, 14 + 40 + 8);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/packet/ipv4-ok", test_ipv4_ok);
    g_test_add_func("/packet/ipv4-malformed", test_ipv4_malformed);
    g_test_add_func("/packet/fragment-fields", test_fragment_fields);
    g_test_add_func("/packet/l4-lengths", test_l4_lengths);
    g_test_add_func("/packet/find-ipv6", test_find_ipv6);
    return g_test_run();
}

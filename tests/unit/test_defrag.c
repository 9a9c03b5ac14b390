/* The fast path's outer fragments: fragment reading and series, on hand-made bytes. */
#include <glib.h>
#include <string.h>

#include "fot_defrag.h"
#include "fot_frag.h"
#include "fot_time.h"

#define PAYLOAD 200 /* an inner IPv4/UDP packet of 200 bytes, split in 3 */

static uint8_t inner[PAYLOAD];

static void
make_inner(void)
{
    static const uint8_t head[] = {
        0x45, 0x00, 0x00, PAYLOAD, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, /* UDP, 200 bytes */
        0xc0, 0xa8, 0x01, 0x02, 0xc6, 0x33, 0x64, 0xc8,                         /* 192.168.1.2 > 198.51.100.200 */
        0x9e, 0x34, 0x17, 0x70,                                                 /* 40500 > 6000 */
    };
    memset(inner, 0xee, sizeof inner);
    memcpy(inner, head, sizeof head);
}

/* An IPv6 packet: fixed header, Fragment header (next 4), inner[start, end). */
static size_t
fragment_packet(uint8_t *p, uint32_t id, size_t start, size_t end, bool more, uint8_t frag_next)
{
    size_t n = end - start;
    memset(p, 0, 48);
    p[0] = 0x60;
    p[4] = (uint8_t)((8 + n) >> 8);
    p[5] = (uint8_t)(8 + n);
    p[6] = 44;
    p[8] = 0x20, p[9] = 0x01, p[23] = 2;  /* 2001::2 */
    p[24] = 0x20, p[25] = 0x01, p[39] = 1; /* 2001::1 */
    p[40] = frag_next;
    p[42] = (uint8_t)(start >> 8);
    p[43] = (uint8_t)((start & 0xf8) | (more ? 1 : 0));
    p[44] = (uint8_t)(id >> 24), p[45] = (uint8_t)(id >> 16), p[46] = (uint8_t)(id >> 8), p[47] = (uint8_t)id;
    memcpy(p + 48, inner + start, n);
    return 48 + n;
}

static fot_defrag_status
add(fot_defrag *d, uint32_t id, size_t start, size_t end, double t, fot_defrag_packet *out, uint64_t *given_up)
{
    uint8_t p[48 + PAYLOAD];
    size_t len = fragment_packet(p, id, start, end, end < PAYLOAD, 4);
    fot_tunnel_fragment f;
    g_assert_true(fot_read_tunnel_fragment(p, len, &f));
    return fot_defrag_add(d, &f, (int64_t)(t * FOT_NS_PER_SEC), out, given_up);
}

static void
test_read_fragment(void)
{
    uint8_t p[48 + PAYLOAD];
    fot_tunnel_fragment f;
    size_t len = fragment_packet(p, 7, 0, 96, true, 4);
    g_assert_true(fot_read_tunnel_fragment(p, len, &f));
    g_assert_cmpuint(f.id, ==, 7);
    g_assert_cmpuint(f.offset, ==, 0);
    g_assert_true(f.more);
    g_assert_cmpuint(f.len, ==, 96);
    g_assert_cmpuint(f.ipv6_len, ==, 104);
    g_assert_true(f.starts_plain);
    g_assert_true(f.data == p + 48);

    len = fragment_packet(p, 7, 96, 200, false, 4);
    g_assert_true(fot_read_tunnel_fragment(p, len, &f));
    g_assert_cmpuint(f.offset, ==, 96);
    g_assert_false(f.more);
    g_assert_false(f.starts_plain);

    /* Not ours to read: another header after the Fragment header, a cut payload, no Fragment header. */
    len = fragment_packet(p, 7, 0, 96, true, 60);
    g_assert_false(fot_read_tunnel_fragment(p, len, &f));
    len = fragment_packet(p, 7, 0, 96, true, 4);
    g_assert_false(fot_read_tunnel_fragment(p, len - 1, &f));
    p[6] = 4;
    g_assert_false(fot_read_tunnel_fragment(p, len, &f));

    /* A first fragment whose inner header has options is not claimed. */
    len = fragment_packet(p, 7, 0, 96, true, 4);
    p[48] = 0x46;
    g_assert_true(fot_read_tunnel_fragment(p, len, &f));
    g_assert_false(f.starts_plain);
}

static void
test_out_of_order_and_doubled(void)
{
    fot_defrag *d = fot_defrag_new();
    fot_defrag_packet whole;
    uint64_t given_up;
    g_assert_cmpint(add(d, 1, 0, 96, 0, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    g_assert_cmpint(add(d, 1, 0, 96, 0.1, &whole, &given_up), ==, FOT_DEFRAG_HELD); /* again */
    g_assert_cmpint(add(d, 1, 192, 200, 0.2, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    g_assert_cmpuint(fot_defrag_pending(d), ==, 3);
    g_assert_cmpint(add(d, 1, 96, 192, 0.3, &whole, &given_up), ==, FOT_DEFRAG_COMPLETE);
    g_assert_cmpuint(given_up, ==, 0);
    g_assert_cmpuint(whole.length, ==, PAYLOAD);
    g_assert_cmpuint(whole.head_len, ==, FOT_DEFRAG_HEAD);
    g_assert_cmpuint(whole.ipv6_len, ==, 104 + 104 + 16 + 104);
    g_assert_cmpmem(whole.head, FOT_DEFRAG_HEAD, inner, FOT_DEFRAG_HEAD);
    g_assert_cmpuint(fot_defrag_pending(d), ==, 0);

    fot_ipv4 ip;
    fot_l4 l4;
    g_assert_null(fot_read_reassembled_ipv4(whole.head, whole.head_len, whole.length, &ip, &l4));
    g_assert_cmpuint(ip.total_len, ==, PAYLOAD);
    g_assert_cmpuint(l4.src_port, ==, 40500);
    g_assert_cmpuint(l4.dst_port, ==, 6000);
    fot_defrag_free(d);
}

static void
test_overlap_keeps_first_bytes(void)
{
    fot_defrag *d = fot_defrag_new();
    fot_defrag_packet whole;
    uint64_t given_up;
    uint8_t p[48 + PAYLOAD];
    g_assert_cmpint(add(d, 2, 0, 96, 0, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    /* Bytes 88-191 with other contents: 88-95 stay as the first fragment brought them. */
    size_t len = fragment_packet(p, 2, 88, 192, true, 4);
    memset(p + 48, 0x11, 104);
    fot_tunnel_fragment f;
    g_assert_true(fot_read_tunnel_fragment(p, len, &f));
    g_assert_cmpint(fot_defrag_add(d, &f, 1, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    g_assert_cmpint(add(d, 2, 192, 200, 0.2, &whole, &given_up), ==, FOT_DEFRAG_COMPLETE);
    g_assert_cmpmem(whole.head, 96, inner, 96);
    g_assert_cmphex(whole.head[96], ==, 0x11);
    g_assert_cmphex(whole.head[127], ==, 0x11);
    fot_defrag_free(d);
}

static void
test_series_first_seen_elsewhere_is_theirs(void)
{
    fot_defrag *d = fot_defrag_new();
    fot_defrag_packet whole;
    uint64_t given_up;
    g_assert_cmpint(add(d, 3, 96, 192, 0, &whole, &given_up), ==, FOT_DEFRAG_THEIRS);
    g_assert_cmpint(add(d, 3, 0, 96, 0.1, &whole, &given_up), ==, FOT_DEFRAG_THEIRS);
    g_assert_cmpint(add(d, 3, 192, 200, 0.2, &whole, &given_up), ==, FOT_DEFRAG_THEIRS);
    g_assert_cmpuint(fot_defrag_pending(d), ==, 0);
    fot_defrag_free(d);
}

static void
test_too_old_given_up(void)
{
    fot_defrag *d = fot_defrag_new();
    fot_defrag_packet whole;
    uint64_t given_up;
    g_assert_cmpint(add(d, 4, 0, 96, 0, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    g_assert_cmpint(add(d, 4, 96, 192, 1, &whole, &given_up), ==, FOT_DEFRAG_HELD);
    /* A minute later the two are dropped; the last fragment alone starts nothing of ours. */
    g_assert_cmpint(add(d, 4, 192, 200, FOT_FRAG_MAX_AGE_S + 0.5, &whole, &given_up), ==, FOT_DEFRAG_THEIRS);
    g_assert_cmpuint(given_up, ==, 2);
    g_assert_cmpuint(fot_defrag_pending(d), ==, 0);
    fot_defrag_free(d);
}

static void
test_reassembled_malformed(void)
{
    fot_ipv4 ip;
    fot_l4 l4;
    uint8_t b[28];
    memcpy(b, inner, sizeof b);
    /* Total length 22: the UDP ports end past it, though the bytes are there. */
    b[3] = 22;
    g_assert_cmpstr(fot_read_reassembled_ipv4(b, sizeof b, sizeof b, &ip, &l4), ==,
                    "inner L4 header longer than the IPv4 total length allows");
    b[3] = 28;
    g_assert_cmpstr(fot_read_reassembled_ipv4(b, 22, 22, &ip, &l4), ==, "inner header cut short by the capture");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    make_inner();
    g_test_add_func("/defrag/read-fragment", test_read_fragment);
    g_test_add_func("/defrag/out-of-order-and-doubled", test_out_of_order_and_doubled);
    g_test_add_func("/defrag/overlap-keeps-first-bytes", test_overlap_keeps_first_bytes);
    g_test_add_func("/defrag/series-first-seen-elsewhere", test_series_first_seen_elsewhere_is_theirs);
    g_test_add_func("/defrag/too-old", test_too_old_given_up);
    g_test_add_func("/defrag/reassembled-malformed", test_reassembled_malformed);
    return g_test_run();
}

/* The command's own reader after libpcap (fot_link, fot_walk), on hand-made
 * frames. What tshark with the plugin counts for each was looked up with
 * tshark 4.0 on the same bytes; the differential test (tests/cli) compares
 * the two readers on whole captures. */
#include <glib.h>
#include <string.h>

#include "fot_link.h"
#include "fot_walk.h"
#include "test_util.h"

/* An IPv4/UDP packet 192.168.1.2:1000 > 198.51.100.1:53 with 10 bytes of data. */
static size_t
udp4(uint8_t *p, uint16_t id, uint16_t frag, size_t data)
{
    size_t total = 20 + 8 + data;
    memset(p, 0, total);
    p[0] = 0x45;
    p[2] = (uint8_t)(total >> 8), p[3] = (uint8_t)total;
    p[4] = (uint8_t)(id >> 8), p[5] = (uint8_t)id;
    p[6] = (uint8_t)(frag >> 8), p[7] = (uint8_t)frag;
    p[8] = 64, p[9] = 17;
    p[12] = 192, p[13] = 168, p[14] = 1, p[15] = 2;
    p[16] = 198, p[17] = 51, p[18] = 100, p[19] = 1;
    p[20] = 1000 >> 8, p[21] = 1000 & 0xff, p[23] = 53;
    p[24] = (uint8_t)((8 + data) >> 8), p[25] = (uint8_t)(8 + data);
    return total;
}

/* An IPv6 header 2001:db8:1::2 > 2001:db8:ffff::1 in front of len payload bytes. */
static size_t
ipv6(uint8_t *p, uint8_t next, size_t len)
{
    memset(p, 0, 40);
    p[0] = 0x60;
    p[4] = (uint8_t)(len >> 8), p[5] = (uint8_t)len;
    p[6] = next, p[7] = 64;
    ip6(p + 8, "2001:db8:1::2");
    ip6(p + 24, "2001:db8:ffff::1");
    return 40;
}

/* IPv6 + IPv4/UDP at p: 78 bytes. */
static size_t
tunnelled(uint8_t *p)
{
    size_t n = udp4(p + 40, 1, 0, 10);
    return ipv6(p, 4, n) + n;
}

static fot_walk_result
walk(int linktype, const uint8_t *p, size_t len)
{
    fot_walk *w = fot_walk_new();
    fot_walk_result res;
    fot_walk_frame(w, linktype, p, len, SEC(1), &res);
    fot_walk_free(w);
    return res;
}

static void
assert_counted(fot_walk_result res)
{
    g_assert_cmpint(res.kind, ==, FOT_WALK_EVENT);
    g_assert_cmpuint(res.ev.src_port, ==, 1000);
    g_assert_cmpuint(res.ev.dst_port, ==, 53);
    g_assert_cmpuint(res.ev.inner_src, ==, ip4("192.168.1.2"));
    g_assert_cmpuint(res.ev.ipv6_len, ==, 38);
    g_assert_cmpuint(res.ev.ipv4_len, ==, 38);
    g_assert_cmpint(res.ev.time, ==, SEC(1));
}

/* A link header (hdr_len bytes of hdr) in front of the tunnelled packet. */
static fot_walk_result
behind(int linktype, const uint8_t *hdr, size_t hdr_len)
{
    uint8_t frame[256];
    if (hdr_len)
        memcpy(frame, hdr, hdr_len);
    return walk(linktype, frame, hdr_len + tunnelled(frame + hdr_len));
}

#define ETH_DST_SRC 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1

static void
test_link_layers(void)
{
    static const uint8_t eth[] = { ETH_DST_SRC, 0x86, 0xdd };
    static const uint8_t vlan[] = { ETH_DST_SRC, 0x81, 0x00, 0, 5, 0x86, 0xdd };
    static const uint8_t qinq[] = { ETH_DST_SRC, 0x88, 0xa8, 0, 5, 0x81, 0x00, 0, 6, 0x86, 0xdd };
    static const uint8_t qinq_old[] = { ETH_DST_SRC, 0x91, 0x00, 0, 5, 0x81, 0x00, 0, 6, 0x86, 0xdd };
    static const uint8_t pppoe[] = { ETH_DST_SRC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 80, 0x00, 0x57 };
    static const uint8_t mpls[] = { ETH_DST_SRC, 0x88, 0x47, 0x00, 0x64, 0x00, 0x40, 0x00, 0xc8, 0x01, 0x40 };
    static const uint8_t snap[] = { ETH_DST_SRC, 0, 86, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd };
    static const uint8_t sll[] = { 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd };
    static const uint8_t sll2[] = { 0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0 };
    static const uint8_t null_bsd[] = { 24, 0, 0, 0 };    /* AF_INET6 of NetBSD/OpenBSD, little-endian host */
    static const uint8_t null_freebsd[] = { 0, 0, 0, 28 }; /* FreeBSD's, big-endian host */
    static const uint8_t loop_darwin[] = { 0, 0, 0, 30 };  /* macOS's, network order */
    static const uint8_t ppp_hdlc[] = { 0xff, 0x03, 0x00, 0x57 };
    static const uint8_t ppp_bare[] = { 0x00, 0x57 };
    static const uint8_t ppp_ether[] = { 0x11, 0, 0, 1, 0, 80, 0x00, 0x57 };
    assert_counted(behind(FOT_LINK_ETHERNET, eth, sizeof eth));
    assert_counted(behind(FOT_LINK_ETHERNET, vlan, sizeof vlan));
    assert_counted(behind(FOT_LINK_ETHERNET, qinq, sizeof qinq));
    assert_counted(behind(FOT_LINK_ETHERNET, qinq_old, sizeof qinq_old));
    assert_counted(behind(FOT_LINK_ETHERNET, pppoe, sizeof pppoe));
    assert_counted(behind(FOT_LINK_ETHERNET, mpls, sizeof mpls));
    assert_counted(behind(FOT_LINK_ETHERNET, snap, sizeof snap));
    assert_counted(behind(FOT_LINK_LINUX_SLL, sll, sizeof sll));
    assert_counted(behind(FOT_LINK_LINUX_SLL2, sll2, sizeof sll2));
    assert_counted(behind(FOT_LINK_RAW, NULL, 0));
    assert_counted(behind(FOT_LINK_RAW_DLT, NULL, 0));
    assert_counted(behind(FOT_LINK_IPV6, NULL, 0));
    assert_counted(behind(FOT_LINK_NULL, null_bsd, sizeof null_bsd));
    assert_counted(behind(FOT_LINK_NULL, null_freebsd, sizeof null_freebsd));
    assert_counted(behind(FOT_LINK_LOOP, loop_darwin, sizeof loop_darwin));
    assert_counted(behind(FOT_LINK_PPP, ppp_hdlc, sizeof ppp_hdlc));
    assert_counted(behind(FOT_LINK_PPP, ppp_bare, sizeof ppp_bare));
    assert_counted(behind(FOT_LINK_PPP_ETHER, ppp_ether, sizeof ppp_ether));
    g_assert_false(fot_link_known(147)); /* a user DLT */
}

/* What Wireshark's dissectors do not take for IPv6, neither does the walk. */
static void
test_link_layers_not_walked(void)
{
    static const uint8_t qinq_9200[] = { ETH_DST_SRC, 0x92, 0x00, 0, 5, 0x81, 0x00, 0, 6, 0x86, 0xdd };
    static const uint8_t pppoe_hdlc[] = { ETH_DST_SRC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 82, 0xff, 0x03, 0x00, 0x57 };
    static const uint8_t mpls_cw[] = { ETH_DST_SRC, 0x88, 0x47, 0x00, 0x64, 0x01, 0x40, 0, 0, 0, 0 };
    static const uint8_t null_linux[] = { 10, 0, 0, 0 }; /* Linux's AF_INET6: not a BSD value */
    g_assert_cmpint(behind(FOT_LINK_ETHERNET, qinq_9200, sizeof qinq_9200).kind, ==, FOT_WALK_NOTHING);
    g_assert_cmpint(behind(FOT_LINK_ETHERNET, pppoe_hdlc, sizeof pppoe_hdlc).kind, ==, FOT_WALK_NOTHING);
    g_assert_cmpint(behind(FOT_LINK_ETHERNET, mpls_cw, sizeof mpls_cw).kind, ==, FOT_WALK_NOTHING);
    g_assert_cmpint(behind(FOT_LINK_NULL, null_linux, sizeof null_linux).kind, ==, FOT_WALK_NOTHING);
}

/* A PPPoE length cuts the IPv6 payload: the inner header is then cut short. */
static void
test_pppoe_length(void)
{
    static const uint8_t pppoe[] = { ETH_DST_SRC, 0x88, 0x64, 0x11, 0, 0, 1, 0, 2 + 40 + 22, 0x00, 0x57 };
    fot_walk_result res = behind(FOT_LINK_ETHERNET, pppoe, sizeof pppoe);
    g_assert_cmpint(res.kind, ==, FOT_WALK_MALFORMED);
    g_assert_cmpstr(res.malformed_why, ==, "inner header cut short by the capture");
}

/* IPv6 in IPv6, and in IPv4: the IPv6 header right before the IPv4 one is the tunnel's. */
static void
test_nested(void)
{
    uint8_t p[256];
    size_t n = tunnelled(p + 40);
    ipv6(p, 41, n);
    ip6(p + 8, "2001:db8:9::9");
    fot_walk_result res = walk(FOT_LINK_RAW, p, 40 + n);
    assert_counted(res);
    uint8_t ce[16];
    ip6(ce, "2001:db8:1::2");
    g_assert_cmpmem(res.ev.outer_src, 16, ce, 16);

    memset(p, 0, 20);
    n = tunnelled(p + 20);
    p[0] = 0x45, p[2] = (uint8_t)((20 + n) >> 8), p[3] = (uint8_t)(20 + n), p[9] = 41;
    assert_counted(walk(FOT_LINK_RAW, p, 20 + n));
}

/* Outer fragments: counted once, complete, with every fragment's payload
 * length; one cut short by the capture never completes its packet. */
static void
test_outer_fragments(void)
{
    uint8_t inner[200], frames[3][256] = { { 0 } };
    size_t lens[3];
    udp4(inner, 9, 0, 200 - 28);
    static const size_t cut[4] = { 0, 96, 192, 200 };
    for (int i = 0; i < 3; i++) {
        size_t n = cut[i + 1] - cut[i];
        uint8_t *p = frames[i];
        ipv6(p, 44, 8 + n);
        p[40] = 4;
        p[42] = (uint8_t)(cut[i] >> 8), p[43] = (uint8_t)((cut[i] & 0xf8) | (i < 2));
        p[47] = 7;
        memcpy(p + 48, inner + cut[i], n);
        lens[i] = 48 + n;
    }
    fot_walk *w = fot_walk_new();
    fot_walk_result res;
    for (int i = 0; i < 3; i++) {
        fot_walk_frame(w, FOT_LINK_RAW, frames[i], lens[i], SEC(i), &res);
        g_assert_cmpint(res.kind, ==, (i < 2 ? FOT_WALK_NOTHING : FOT_WALK_EVENT));
    }
    g_assert_cmpuint(res.ev.ipv6_len, ==, 104 + 104 + 16);
    g_assert_cmpuint(res.ev.ipv4_len, ==, 200);
    g_assert_cmpuint(fot_walk_drop_pending(w), ==, 0);

    fot_walk_frame(w, FOT_LINK_RAW, frames[0], lens[0] - 10, SEC(5), &res); /* cut by the capture */
    fot_walk_frame(w, FOT_LINK_RAW, frames[1], lens[1], SEC(5), &res);
    fot_walk_frame(w, FOT_LINK_RAW, frames[2], lens[2], SEC(5), &res);
    g_assert_cmpint(res.kind, ==, FOT_WALK_NOTHING);
    g_assert_cmpuint(fot_walk_drop_pending(w), ==, 3);
    fot_walk_free(w);
}

/* Inner IPv4 fragments: counted once, complete, with both fragments' lengths. */
static void
test_inner_fragments(void)
{
    uint8_t first[256], second[256];
    /* The UDP header and 96 bytes of its data (MF), then its last 4 bytes at offset 104. */
    udp4(first + 40, 77, 0x2000, 100);
    first[40 + 3] = 20 + 104;
    ipv6(first, 4, 20 + 104);
    udp4(second + 40, 77, 104 / 8, 0);
    second[40 + 3] = 20 + 4;
    ipv6(second, 4, 20 + 4);
    fot_walk *w = fot_walk_new();
    fot_walk_result res;
    fot_walk_frame(w, FOT_LINK_RAW, first, 40 + 20 + 104, SEC(1), &res);
    g_assert_cmpint(res.kind, ==, FOT_WALK_NOTHING);
    fot_walk_frame(w, FOT_LINK_RAW, second, 40 + 20 + 4, SEC(2), &res);
    g_assert_cmpint(res.kind, ==, FOT_WALK_EVENT);
    g_assert_cmpuint(res.ev.ipv6_len, ==, 124 + 24);
    g_assert_cmpuint(res.ev.ipv4_len, ==, 124 + 24);
    g_assert_cmpuint(res.ev.src_port, ==, 1000);
    g_assert_cmpint(res.ev.time, ==, SEC(2));
    fot_walk_free(w);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/walk/link-layers", test_link_layers);
    g_test_add_func("/walk/link-layers-not-walked", test_link_layers_not_walked);
    g_test_add_func("/walk/pppoe-length", test_pppoe_length);
    g_test_add_func("/walk/nested", test_nested);
    g_test_add_func("/walk/outer-fragments", test_outer_fragments);
    g_test_add_func("/walk/inner-fragments", test_inner_fragments);
    return g_test_run();
}

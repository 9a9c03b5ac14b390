/* libFuzzer target: the header readers. After a first byte of choices, the
 * input is packet data, read in place so that AddressSanitizer sees any read
 * past its end: as an inner IPv4 header and what follows it, as a TCP, UDP
 * and ICMP header, and as a frame in which fot_find_ipv6 looks for the IPv6
 * header with two addresses taken from the input, then reads on from there
 * as the plugin does, as an IPv6 packet the fast path may read whole
 * (fot_read_tunnel_packet), and as outer fragments the fast path puts
 * together (fot_read_tunnel_fragment, fot_defrag, fot_read_reassembled_ipv4).
 * What the readers say must agree with the bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fot_defrag.h"
#include "fot_packet.h"

static void
broken(const char *what, int line)
{
    fprintf(stderr, "fuzz_packet.c:%d: invariant broken: %s\n", line, what);
    abort();
}

#define CHECK(cond) ((cond) ? (void)0 : broken(#cond, __LINE__))

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void
decode_l4(uint8_t proto, const uint8_t *p, size_t avail)
{
    fot_l4 l4;
    if (fot_decode_l4(proto, p, avail, &l4) != FOT_DECODE_OK)
        return;
    if (proto == FOT_IPPROTO_ICMP) {
        CHECK(avail >= 6 && l4.icmp_type == p[0] && l4.tcp_flags == 0);
        CHECK(l4.src_port == get16(p + 4) && l4.dst_port == l4.src_port);
        return;
    }
    CHECK(avail >= (proto == FOT_IPPROTO_TCP ? 14u : 4u) && l4.icmp_type == 0);
    CHECK(l4.src_port == get16(p) && l4.dst_port == get16(p + 2));
    CHECK(l4.tcp_flags == (proto == FOT_IPPROTO_TCP ? p[13] : 0));
}

/* An inner IPv4 header at p, then its TCP, UDP or ICMP header. */
static void
decode_ipv4(const uint8_t *p, size_t avail)
{
    fot_ipv4 ip;
    fot_decode_status st = fot_decode_ipv4(p, avail, &ip);
    CHECK(fot_decode_status_text(st) != NULL);
    if (st != FOT_DECODE_OK)
        return;
    CHECK(p[0] >> 4 == 4 && ip.header_len == (p[0] & 15) * 4);
    CHECK(ip.header_len >= 20 && ip.header_len <= avail && ip.total_len >= ip.header_len);
    CHECK(ip.proto == p[9] && ip.frag_offset % 8 == 0);
    if (ip.proto == FOT_IPPROTO_TCP || ip.proto == FOT_IPPROTO_UDP || ip.proto == FOT_IPPROTO_ICMP)
        decode_l4(ip.proto, p + ip.header_len, avail - ip.header_len);
}

/* As the plugin: find the outer IPv6 header, then read what follows it. */
static void
find_ipv6(const uint8_t *frame, size_t len, const uint8_t src[16], const uint8_t dst[16])
{
    fot_ipv6_found found;
    if (!fot_find_ipv6(frame, len, src, dst, &found))
        return;
    CHECK(found.payload >= 40 && found.payload <= len);
    CHECK(found.frag_offset % 8 == 0);
    if (found.next == 4)
        decode_ipv4(frame + found.payload, len - found.payload);
}

/* As the fast path: an IPv6 packet at p, read whole or left to Wireshark. */
static void
tunnel_packet(const uint8_t *p, size_t len)
{
    fot_tunnel_packet pkt;
    if (!fot_read_tunnel_packet(p, len, &pkt))
        return;
    size_t end = 40 + (size_t)get16(p + 4);
    CHECK(len >= 40 && p[0] >> 4 == 6 && end <= len && pkt.ipv6_len == end - 40);
    CHECK(pkt.src == p + 8 && pkt.dst == p + 24);
    /* The IPv4 header fills the rest of the payload, without options. */
    CHECK(pkt.ip.total_len >= 20 && pkt.ip.total_len <= end - 40);
    const uint8_t *ip = p + end - pkt.ip.total_len;
    CHECK(ip[0] == 0x45 && get16(ip + 2) == pkt.ip.total_len && ip[9] == pkt.ip.proto);
    CHECK(!fot_ipv4_is_fragment(&pkt.ip) && (get16(ip + 6) & 0x3fff) == 0);
    CHECK(pkt.ip.proto == FOT_IPPROTO_TCP || pkt.ip.proto == FOT_IPPROTO_UDP || pkt.ip.proto == FOT_IPPROTO_ICMP);
    fot_l4 l4;
    CHECK(fot_decode_l4(pkt.ip.proto, ip + 20, pkt.ip.total_len - 20u, &l4) == FOT_DECODE_OK);
    CHECK(memcmp(&l4, &pkt.l4, sizeof l4) == 0);
    decode_l4(pkt.ip.proto, ip + 20, pkt.ip.total_len - 20u);
}

/* As the fast path: an outer fragment at p, into the series of d. */
static void
tunnel_fragment(fot_defrag *d, const uint8_t *p, size_t len, int64_t now)
{
    fot_tunnel_fragment f;
    if (!fot_read_tunnel_fragment(p, len, &f))
        return;
    size_t end = 40 + (size_t)get16(p + 4);
    CHECK(end <= len && f.ipv6_len == end - 40 && f.src == p + 8 && f.dst == p + 24);
    CHECK(f.data >= p + 48 && f.data + f.len == p + end && f.offset % 8 == 0);
    CHECK(!f.starts_plain || (f.offset == 0 && f.len >= 20 && f.data[0] == 0x45));
    fot_defrag_packet whole;
    uint64_t given_up;
    if (fot_defrag_add(d, &f, now, &whole, &given_up) != FOT_DEFRAG_COMPLETE)
        return;
    CHECK(whole.head_len <= FOT_DEFRAG_HEAD && whole.head_len <= whole.length && whole.head_len >= 20);
    fot_ipv4 ip;
    fot_l4 l4;
    const char *why = fot_read_reassembled_ipv4(whole.head, whole.head_len, whole.length, &ip, &l4);
    CHECK(why != NULL || (ip.header_len == 20 && ip.total_len >= 20));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t choice = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;

    decode_ipv4(p, n);
    decode_l4(FOT_IPPROTO_TCP, p, n);
    decode_l4(FOT_IPPROTO_UDP, p, n);
    decode_l4(FOT_IPPROTO_ICMP, p, n);
    /* An IPv6 packet at the start, after an Ethernet header, or after the addresses. */
    tunnel_packet(p, n);
    if (n >= 14)
        tunnel_packet(p + 14, n - 14);
    if (n >= 32)
        tunnel_packet(p + 32, n - 32);
    /* Fragments: the input from the same starts, as fragments of one or more series. */
    static const size_t starts[] = { 0, 14, 32, 46 };
    fot_defrag *d = fot_defrag_new();
    for (size_t i = 0; i < sizeof starts / sizeof starts[0] && starts[i] < n; i++)
        tunnel_fragment(d, p + starts[i], n - starts[i], (int64_t)i * 1000000000);
    CHECK(fot_defrag_pending(d) <= 4);
    fot_defrag_free(d);

    /* The addresses: 32 bytes before the frame, or (so that a match is
     * there) the frame's own bytes at an offset the first byte chooses. */
    uint8_t src[16], dst[16];
    if (choice & 1) {
        if (n < 32)
            return 0;
        memcpy(src, p, 16);
        memcpy(dst, p + 16, 16);
        find_ipv6(p + 32, n - 32, src, dst);
    } else {
        size_t at = 8 + (size_t)(choice >> 1);
        if (n < at + 32)
            return 0;
        memcpy(src, p + at, 16);
        memcpy(dst, p + at + 16, 16);
        find_ipv6(p, n, src, dst);
    }
    return 0;
}

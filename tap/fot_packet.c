/* \summary: inner IPv4, TCP/UDP/ICMP and IPv6 fragment header reading */
#include "fot_packet.h"

#include <string.h>

#include "fot_bytes.h"

fot_decode_status
fot_decode_ipv4(const uint8_t *p, size_t avail, fot_ipv4 *out)
{
    if (avail < 1)
        return FOT_DECODE_TRUNCATED;
    if (p[0] >> 4 != 4)
        return FOT_DECODE_BAD_VERSION;
    out->header_len = (uint8_t)((p[0] & 0x0f) * 4);
    if (out->header_len < 20)
        return FOT_DECODE_BAD_HEADER_LENGTH;
    /* Wireshark's IPv4 dissector judges the lengths before it reads on, so a
     * short header with a bogus total length is that, whatever follows. */
    if (avail < 4)
        return FOT_DECODE_TRUNCATED;
    out->total_len = fot_get16(p + 2);
    if (out->total_len < out->header_len)
        return FOT_DECODE_BAD_TOTAL_LENGTH;
    if (avail < out->header_len)
        return FOT_DECODE_TRUNCATED;
    out->id = fot_get16(p + 4);
    out->more_fragments = (p[6] & 0x20) != 0;
    out->frag_offset = (uint16_t)((fot_get16(p + 6) & 0x1fff) * 8);
    out->proto = p[9];
    out->src = fot_get32(p + 12);
    out->dst = fot_get32(p + 16);
    return FOT_DECODE_OK;
}

/* An ICMP error quotes the IPv4 header and at least 8 bytes of the packet
 * that caused it (RFC 792): the ports of a quoted TCP or UDP packet, when
 * the bytes are there. */
static void
decode_quote(const uint8_t *p, size_t avail, fot_l4 *out)
{
    uint8_t t = out->icmp_type;
    if (t != FOT_ICMP_UNREACHABLE && t != FOT_ICMP_SOURCE_QUENCH && t != FOT_ICMP_REDIRECT &&
        t != FOT_ICMP_TIME_EXCEEDED && t != FOT_ICMP_PARAMETER_PROBLEM)
        return;
    if (avail < 8 + 20 || p[8] >> 4 != 4)
        return;
    size_t ihl = (size_t)(p[8] & 15) * 4;
    uint8_t proto = p[8 + 9];
    if (ihl < 20 || avail < 8 + ihl + 4 || (proto != FOT_IPPROTO_TCP && proto != FOT_IPPROTO_UDP))
        return;
    out->quoted = true;
    out->quoted_src_port = fot_get16(p + 8 + ihl);
    out->quoted_dst_port = fot_get16(p + 8 + ihl + 2);
}

fot_decode_status
fot_decode_l4(uint8_t proto, const uint8_t *p, size_t avail, fot_l4 *out)
{
    memset(out, 0, sizeof *out);
    switch (proto) {
    case FOT_IPPROTO_TCP:
        if (avail < 14)
            return FOT_DECODE_TRUNCATED;
        out->src_port = fot_get16(p);
        out->dst_port = fot_get16(p + 2);
        out->tcp_flags = p[13];
        return FOT_DECODE_OK;
    case FOT_IPPROTO_UDP:
        if (avail < 4)
            return FOT_DECODE_TRUNCATED;
        out->src_port = fot_get16(p);
        out->dst_port = fot_get16(p + 2);
        return FOT_DECODE_OK;
    default: /* ICMP */
        if (avail < 6)
            return FOT_DECODE_TRUNCATED;
        out->icmp_type = p[0];
        out->src_port = out->dst_port = fot_get16(p + 4);
        decode_quote(p, avail, out);
        return FOT_DECODE_OK;
    }
}

enum { HOPOPTS = 0, ROUTING = 43, FRAGMENT = 44, DSTOPTS = 60 };

static bool
walk_ipv6(const uint8_t *ip6, size_t avail, fot_ipv6_found *out)
{
    memset(out, 0, sizeof *out);
    out->payload_len = fot_get16(ip6 + 4);
    uint8_t next = ip6[6];
    size_t off = 40;
    for (int hops = 0; hops < 8; hops++) {
        if (next == FRAGMENT) {
            if (avail < off + 8)
                return false;
            out->fragment = true;
            out->frag_offset = (uint16_t)(fot_get16(ip6 + off + 2) & 0xfff8);
            out->frag_id = fot_get32(ip6 + off + 4);
            out->frag_more = ip6[off + 3] & 1;
            out->frag_next = ip6[off];
            next = ip6[off];
            off += 8;
        } else if (next == HOPOPTS || next == ROUTING || next == DSTOPTS) {
            if (avail < off + 2)
                return false;
            out->routing |= next == ROUTING;
            next = ip6[off];
            off += (size_t)(ip6[off + 1] + 1) * 8;
        } else {
            break;
        }
    }
    out->next = next;
    out->payload = off;
    out->end = 40 + (size_t)out->payload_len;
    return off <= avail;
}

bool
fot_find_ipv6(const uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16], fot_ipv6_found *out)
{
    /* The addresses sit 8 bytes into the IPv6 header; search from there. */
    for (size_t at = 8; at + 32 <= len; at++) {
        const uint8_t *hit = memchr(buf + at, src[0], len - 32 - at + 1);
        if (!hit)
            return false;
        at = (size_t)(hit - buf);
        if (memcmp(hit, src, 16) == 0 && memcmp(hit + 16, dst, 16) == 0 && hit[-8] >> 4 == 6 &&
            walk_ipv6(hit - 8, len - (at - 8), out)) {
            out->payload += at - 8;
            out->end += at - 8;
            return true;
        }
    }
    return false;
}

/* The fast path's IPv6 packet: whole payload captured, IPv4 after the
 * extension headers it walks, no Routing header; *end: just past the payload. */
static bool
walk_tunnel_ipv6(const uint8_t *p, size_t len, fot_ipv6_found *found, size_t *end)
{
    if (len < 40 || p[0] >> 4 != 6)
        return false;
    *end = 40 + (size_t)fot_get16(p + 4);
    if (*end == 40 || *end > len) /* a jumbogram, no payload, or a payload cut short */
        return false;
    return walk_ipv6(p, *end, found) && !found->routing && found->next == 4;
}

/* An inner IPv4 header the fast path counts: no options, no fragment, TCP, UDP or ICMP. */
static bool
plain_ipv4(const uint8_t *p, size_t avail, fot_ipv4 *ip)
{
    return fot_decode_ipv4(p, avail, ip) == FOT_DECODE_OK && ip->header_len == 20 && !fot_ipv4_is_fragment(ip) &&
           fot_ipv4_counted_proto(ip->proto);
}

bool
fot_read_tunnel_packet(const uint8_t *p, size_t len, fot_tunnel_packet *out)
{
    fot_ipv6_found found;
    size_t end;
    if (!walk_tunnel_ipv6(p, len, &found, &end) || found.fragment)
        return false;
    fot_ipv4 *ip = &out->ip;
    if (!plain_ipv4(p + found.payload, end - found.payload, ip) || ip->total_len != end - found.payload)
        return false;
    size_t l4 = found.payload + ip->header_len;
    if (fot_decode_l4(ip->proto, p + l4, end - l4, &out->l4) != FOT_DECODE_OK)
        return false;
    out->src = p + 8;
    out->dst = p + 24;
    out->ipv6_len = found.payload_len;
    out->malformed_why = NULL;
    out->held = false;
    out->unreassembled = 0;
    return true;
}

bool
fot_read_tunnel_fragment(const uint8_t *p, size_t len, fot_tunnel_fragment *out)
{
    fot_ipv6_found found;
    size_t end;
    /* IPv4 right after the Fragment header: the walk stops there. */
    if (!walk_tunnel_ipv6(p, len, &found, &end) || !found.fragment || found.frag_next != 4)
        return false;
    out->src = p + 8;
    out->dst = p + 24;
    out->ipv6_len = found.payload_len;
    out->id = found.frag_id;
    out->offset = found.frag_offset;
    out->more = found.frag_more;
    out->data = p + found.payload;
    out->len = end - found.payload;
    fot_ipv4 ip;
    out->starts_plain = out->offset == 0 && plain_ipv4(out->data, out->len, &ip);
    return true;
}

const char *
fot_inner_header(const uint8_t *hdr, size_t avail, fot_ipv4 *ip)
{
    fot_decode_status st = fot_decode_ipv4(hdr, avail, ip);
    return st == FOT_DECODE_OK ? NULL : fot_decode_status_text(st);
}

const char *
fot_inner_l4(const fot_ipv4 *ip, const uint8_t *l4, size_t l4_len, bool right_after, size_t avail, fot_l4 *out)
{
    fot_decode_status st = fot_decode_l4(ip->proto, l4, l4_len, out);
    if (st == FOT_DECODE_TRUNCATED && right_after && ip->total_len < avail)
        return "inner L4 header longer than the IPv4 total length allows";
    return st == FOT_DECODE_OK ? NULL : fot_decode_status_text(st);
}

/* As the frame reader reads a packet Wireshark reassembled: the L4 header
 * within the total length. */
const char *
fot_read_reassembled_ipv4(const uint8_t *head, size_t head_len, size_t length, fot_ipv4 *ip, fot_l4 *l4)
{
    const char *why = fot_inner_header(head, head_len, ip);
    if (why)
        return why;
    size_t l4_len = (length < ip->total_len ? length : ip->total_len) - ip->header_len;
    if (l4_len > head_len - ip->header_len)
        l4_len = head_len - ip->header_len;
    return fot_inner_l4(ip, head + ip->header_len, l4_len, true, length, l4);
}

const char *
fot_decode_status_text(fot_decode_status s)
{
    switch (s) {
    case FOT_DECODE_OK:
        return "ok";
    case FOT_DECODE_BAD_VERSION:
        return "inner IPv4 version is not 4";
    case FOT_DECODE_BAD_HEADER_LENGTH:
        return "inner IPv4 header length under 20";
    case FOT_DECODE_BAD_TOTAL_LENGTH:
        return "inner IPv4 total length under its header length";
    case FOT_DECODE_TRUNCATED:
        return "inner header cut short by the capture";
    }
    return "?";
}

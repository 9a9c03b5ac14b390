/* \summary: link-layer walk to the IP header (Ethernet, VLAN, PPPoE, MPLS, Linux cooked, raw, null, PPP) */
#include "fot_link.h"

#include <string.h>

#include "fot_bytes.h"

enum {
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_VLAN = 0x8100,
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_MPLS = 0x8847,
    ETHERTYPE_MPLS_MULTICAST = 0x8848,
    ETHERTYPE_PPPOE_SESSION = 0x8864,
    ETHERTYPE_QINQ = 0x88a8,
    ETHERTYPE_QINQ_OLD = 0x9100,
    IEEE_802_3_MAX_LEN = 1500,
    ETHERTYPE_MIN = 1536,
    PPP_IPV4 = 0x0021,
    PPP_IPV6 = 0x0057,
    ARPHRD_IEEE80211_RADIOTAP = 803,
    ARPHRD_NETLINK = 824,
    MAX_TAGS = 8, /* VLAN tags or MPLS labels walked at most */
};

/* BSD address families of the null/loopback header (Wireshark's aftypes.h). */
enum { BSD_AF_INET = 2, BSD_AF_INET6_BSD = 24, BSD_AF_INET6_FREEBSD = 28, BSD_AF_INET6_DARWIN = 30 };

static fot_net
found(fot_link_found *out, fot_net net, size_t offset, size_t end)
{
    out->net = offset < end ? net : FOT_NET_NONE;
    out->offset = offset;
    out->end = end;
    return out->net;
}

/* IP by its version nibble (MPLS payloads, raw IP). */
static fot_net
by_version(const uint8_t *p, size_t off, size_t end, fot_link_found *out)
{
    if (off >= end)
        return FOT_NET_NONE;
    switch (p[off] >> 4) {
    case 4:
        return found(out, FOT_NET_IPV4, off, end);
    case 6:
        return found(out, FOT_NET_IPV6, off, end);
    default:
        return FOT_NET_NONE;
    }
}

static fot_net
mpls(const uint8_t *p, size_t off, size_t end, fot_link_found *out)
{
    for (int labels = 0; labels < MAX_TAGS; labels++) {
        if (end - off < 4)
            return FOT_NET_NONE;
        bool bottom = p[off + 2] & 1;
        off += 4;
        if (bottom)
            return by_version(p, off, end, out);
    }
    return FOT_NET_NONE;
}

/* A PPP protocol field (compressed to one byte when odd), then its payload. */
static fot_net
ppp_protocol(const uint8_t *p, size_t off, size_t end, fot_link_found *out)
{
    if (off >= end)
        return FOT_NET_NONE;
    uint16_t proto = p[off];
    if (proto & 1) {
        off += 1;
    } else {
        if (end - off < 2)
            return FOT_NET_NONE;
        proto = fot_get16(p + off);
        off += 2;
    }
    if (proto == PPP_IPV6)
        return found(out, FOT_NET_IPV6, off, end);
    if (proto == PPP_IPV4)
        return found(out, FOT_NET_IPV4, off, end);
    return FOT_NET_NONE;
}

/* A PPPoE session header: its length ends the PPP frame. */
static fot_net
pppoe_session(const uint8_t *p, size_t off, size_t end, fot_link_found *out)
{
    if (end - off < 6)
        return FOT_NET_NONE;
    size_t stop = off + 6 + fot_get16(p + off + 4);
    return ppp_protocol(p, off + 6, stop < end ? stop : end, out);
}

static fot_net by_type(uint16_t type, const uint8_t *p, size_t off, size_t end, int tags, fot_link_found *out);

/* An 802.3 length: LLC, and SNAP with an Ethernet type. */
static fot_net
llc(uint16_t length, const uint8_t *p, size_t off, size_t end, int tags, fot_link_found *out)
{
    size_t stop = off + length;
    if (stop < end)
        end = stop;
    static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
    if (end - off < 8 || memcmp(p + off, snap, sizeof snap) != 0)
        return FOT_NET_NONE;
    return by_type(fot_get16(p + off + 6), p, off + 8, end, tags, out);
}

static fot_net
by_type(uint16_t type, const uint8_t *p, size_t off, size_t end, int tags, fot_link_found *out)
{
    if (off > end)
        return FOT_NET_NONE;
    switch (type) {
    case ETHERTYPE_IPV6:
        out->by_ethertype = true;
        return found(out, FOT_NET_IPV6, off, end);
    case ETHERTYPE_IPV4:
        return found(out, FOT_NET_IPV4, off, end);
    case ETHERTYPE_VLAN:
    case ETHERTYPE_QINQ:
    case ETHERTYPE_QINQ_OLD: {
        if (end - off < 4 || tags >= MAX_TAGS)
            return FOT_NET_NONE;
        uint16_t inner = fot_get16(p + off + 2);
        if (inner <= IEEE_802_3_MAX_LEN)
            return llc(inner, p, off + 4, end, tags + 1, out);
        return by_type(inner, p, off + 4, end, tags + 1, out);
    }
    case ETHERTYPE_PPPOE_SESSION:
        return pppoe_session(p, off, end, out);
    case ETHERTYPE_MPLS:
    case ETHERTYPE_MPLS_MULTICAST:
        return mpls(p, off, end, out);
    default:
        return FOT_NET_NONE;
    }
}

static fot_net
ethernet(const uint8_t *p, size_t len, fot_link_found *out)
{
    if (len < 14)
        return FOT_NET_NONE;
    uint16_t type = fot_get16(p + 12);
    if (type <= IEEE_802_3_MAX_LEN)
        return llc(type, p, 14, len, 0, out);
    if (type < ETHERTYPE_MIN)
        return FOT_NET_NONE;
    return by_type(type, p, 14, len, 0, out);
}

/* Linux cooked capture: an Ethernet type, unless the device type gives the
 * field another meaning or the value is one of Linux's pseudo-protocols. */
static fot_net
linux_cooked(uint16_t arphrd, uint16_t proto, const uint8_t *p, size_t off, size_t len, fot_link_found *out)
{
    if (arphrd == ARPHRD_NETLINK || arphrd == ARPHRD_IEEE80211_RADIOTAP || proto < ETHERTYPE_MIN)
        return FOT_NET_NONE;
    return by_type(proto, p, off, len, 0, out);
}

/* An address family (BSD's values), or an Ethernet type in its place. */
static fot_net
family(uint32_t af, const uint8_t *p, size_t len, fot_link_found *out)
{
    if (af > IEEE_802_3_MAX_LEN)
        return af <= 0xffff ? by_type((uint16_t)af, p, 4, len, 0, out) : FOT_NET_NONE;
    switch (af) {
    case BSD_AF_INET:
        return found(out, FOT_NET_IPV4, 4, len);
    case BSD_AF_INET6_BSD:
    case BSD_AF_INET6_FREEBSD:
    case BSD_AF_INET6_DARWIN:
        return found(out, FOT_NET_IPV6, 4, len);
    default:
        return FOT_NET_NONE;
    }
}

/* DLT_NULL: the family in the capturing host's byte order, which the
 * values tell (they are small), as Wireshark's null dissector reads it. */
static fot_net
null_header(const uint8_t *p, size_t len, fot_link_found *out)
{
    if (len >= 2 && fot_get16(p) == 0xff03)
        return ppp_protocol(p, 2, len, out); /* PPP in HDLC-like framing */
    if (len < 4)
        return FOT_NET_NONE;
    uint32_t af;
    memcpy(&af, p, 4);
    if (af & 0xffff0000u) {
        if ((af & 0xff000000u) == 0 && (af & 0x00ff0000u) < 0x00060000u)
            af >>= 16;
        else
            af = __builtin_bswap32(af);
    }
    return family(af, p, len, out);
}

/* PPP with or without the HDLC address and control bytes. */
static fot_net
ppp(const uint8_t *p, size_t len, fot_link_found *out)
{
    size_t off = len >= 2 && fot_get16(p) == 0xff03 ? 2 : 0;
    return ppp_protocol(p, off, len, out);
}

bool
fot_link_known(int linktype)
{
    switch (linktype) {
    case FOT_LINK_NULL:
    case FOT_LINK_ETHERNET:
    case FOT_LINK_PPP:
    case FOT_LINK_RAW_DLT:
    case FOT_LINK_RAW_OPENBSD:
    case FOT_LINK_PPP_ETHER:
    case FOT_LINK_RAW:
    case FOT_LINK_LOOP:
    case FOT_LINK_LINUX_SLL:
    case FOT_LINK_IPV4:
    case FOT_LINK_IPV6:
    case FOT_LINK_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

static fot_net
walk(int linktype, const uint8_t *p, size_t len, fot_link_found *out)
{
    switch (linktype) {
    case FOT_LINK_ETHERNET:
        return ethernet(p, len, out);
    case FOT_LINK_LINUX_SLL:
        return len < 16 ? FOT_NET_NONE : linux_cooked(fot_get16(p + 2), fot_get16(p + 14), p, 16, len, out);
    case FOT_LINK_LINUX_SLL2:
        return len < 20 ? FOT_NET_NONE : linux_cooked(fot_get16(p + 8), fot_get16(p), p, 20, len, out);
    case FOT_LINK_RAW:
    case FOT_LINK_RAW_DLT:
    case FOT_LINK_RAW_OPENBSD:
        return len >= 2 && fot_get16(p) == 0xff03 ? ppp_protocol(p, 2, len, out) : by_version(p, 0, len, out);
    case FOT_LINK_IPV4: /* Wireshark's raw IP dissector reads it, by the version */
        return by_version(p, 0, len, out);
    case FOT_LINK_IPV6:
        return found(out, FOT_NET_IPV6, 0, len);
    case FOT_LINK_NULL:
        return null_header(p, len, out);
    case FOT_LINK_LOOP:
        return len < 4 ? FOT_NET_NONE : family((uint32_t)fot_get16(p) << 16 | fot_get16(p + 2), p, len, out);
    case FOT_LINK_PPP:
        return ppp(p, len, out);
    case FOT_LINK_PPP_ETHER:
        return pppoe_session(p, 0, len, out);
    default:
        return FOT_NET_NONE;
    }
}

fot_net
fot_link_walk(int linktype, const uint8_t *p, size_t len, fot_link_found *out)
{
    out->net = FOT_NET_NONE;
    out->by_ethertype = false;
    if (walk(linktype, p, len, out) != FOT_NET_IPV6)
        out->by_ethertype = false; /* the IPv6 type was there, but not enough bytes after it */
    return out->net;
}

/* \summary: a frame's tunnelled packet as tshark with the 4o6top plugin counts it, without tshark */
#include "fot_walk.h"

#include <glib.h>
#include <string.h>

#include "fot_bytes.h"
#include "fot_defrag.h"
#include "fot_frag.h"
#include "fot_link.h"
#include "fot_packet.h"

enum {
    IPPROTO_HOPOPTS = 0,
    IPPROTO_IPIP = 4,
    IPPROTO_IPV6_IN = 41,
    IPPROTO_ROUTING = 43,
    IPPROTO_FRAGMENT = 44,
    IPPROTO_GRE = 47,
    IPPROTO_AH = 51,
    IPPROTO_DSTOPTS = 60,
    MAX_DEPTH = 8, /* tunnels inside tunnels walked at most */
};

struct fot_walk {
    fot_defrag *fast;   /* outer series the fast path claims */
    fot_defrag *outer;  /* Wireshark's IPv6 reassembly */
    fot_defrag *inner;  /* Wireshark's IPv4 reassembly */
    fot_frag_table *held; /* the frame reader's sums of held fragments */
};

/* One frame on its way through. */
typedef struct frame {
    fot_walk *w;
    int64_t t;
    const uint8_t *data; /* the whole frame */
    size_t len;
    fot_walk_result *out;
    bool seen;                 /* an IPv4 header right after an IPv6 one was reached */
    const uint8_t *last_ipv6;  /* the last IPv6 header dissected */
} frame;

/* Where the inner IPv4 packet was found. */
typedef struct inner_at {
    const uint8_t *src6, *dst6; /* the IPv6 header in front of it */
    uint32_t ipv6_len;          /* its payload length(s) */
    const uint8_t *hdr;         /* the IPv4 header: */
    size_t avail;               /* bytes of its data, */
    size_t given;               /* of which these are at hdr (a reassembled payload's head) */
} inner_at;

fot_walk *
fot_walk_new(void)
{
    fot_walk *w = g_new0(fot_walk, 1);
    w->fast = fot_defrag_new();
    w->outer = fot_defrag_new_every_series();
    w->inner = fot_defrag_new_every_series();
    w->held = fot_frag_new();
    return w;
}

void
fot_walk_free(fot_walk *w)
{
    if (!w)
        return;
    fot_defrag_free(w->fast);
    fot_defrag_free(w->outer);
    fot_defrag_free(w->inner);
    fot_frag_free(w->held);
    g_free(w);
}

uint64_t
fot_walk_drop_pending(fot_walk *w)
{
    uint64_t n = fot_defrag_pending(w->fast) + fot_frag_pending(w->held);
    fot_defrag_free(w->fast);
    fot_defrag_free(w->outer);
    fot_defrag_free(w->inner);
    w->fast = fot_defrag_new();
    w->outer = fot_defrag_new_every_series();
    w->inner = fot_defrag_new_every_series();
    fot_frag_clear(w->held);
    return n;
}

static void
malformed(frame *f, const char *why)
{
    f->out->kind = FOT_WALK_MALFORMED;
    f->out->malformed_why = why;
}

static void
counted(frame *f, const uint8_t *src6, const uint8_t *dst6, uint32_t ipv6_len, uint32_t ipv4_len, const fot_ipv4 *ip,
        const fot_l4 *l4)
{
    fot_event *ev = &f->out->ev;
    f->out->kind = FOT_WALK_EVENT;
    ev->time = f->t;
    memcpy(ev->outer_src, src6, 16);
    memcpy(ev->outer_dst, dst6, 16);
    ev->inner_src = ip->src;
    ev->inner_dst = ip->dst;
    ev->proto = ip->proto;
    ev->src_port = l4->src_port;
    ev->dst_port = l4->dst_port;
    ev->tcp_flags = l4->tcp_flags;
    ev->icmp_type = l4->icmp_type;
    ev->quoted = l4->quoted;
    ev->quoted_src_port = l4->quoted_src_port;
    ev->quoted_dst_port = l4->quoted_dst_port;
    ev->ipv6_len = ipv6_len;
    ev->ipv4_len = ipv4_len;
}

/* An inner IPv4 fragment: Wireshark puts it with the others of its packet
 * (by IPv4 addresses, identification and protocol) when all its bytes are
 * there; the frame reader adds up its lengths (by the IPv6 addresses too)
 * until the packet completes, which then counts here with the L4 header of
 * the reassembled payload. false: held. */
static bool
inner_fragment(frame *f, const inner_at *at, const fot_ipv4 *ip, fot_defrag_packet *whole)
{
    fot_frag_key sums;
    fot_frag_key_inner(&sums, ip, at->src6, at->dst6);
    size_t data_len = (size_t)ip->total_len - ip->header_len;
    if (ip->total_len > ip->header_len && ip->total_len <= at->avail) {
        fot_fragment frag = {
            .offset = ip->frag_offset, .more = ip->more_fragments, .data = at->hdr + ip->header_len,
            .len = data_len, .bytes = MIN(data_len, at->given - ip->header_len),
        };
        fot_frag_key_inner(&frag.key, ip, NULL, NULL);
        uint64_t ignored;
        if (fot_defrag_add_fragment(f->w->inner, &frag, f->t, whole, &ignored) == FOT_DEFRAG_COMPLETE)
            return true;
    }
    f->out->unreassembled += fot_frag_add(f->w->held, &sums, f->t, at->ipv6_len, ip->total_len);
    return false;
}

/* The inner IPv4 packet, as the plugin's frame reader reads it. */
static void
read_inner(frame *f, const inner_at *at)
{
    f->seen = true;
    fot_ipv4 ip;
    const char *why = fot_inner_header(at->hdr, at->given, &ip);
    if (why) {
        malformed(f, why);
        return;
    }
    if (!fot_ipv4_counted_proto(ip.proto)) {
        f->out->kind = FOT_WALK_OTHER;
        return;
    }
    const uint8_t *l4 = at->hdr + ip.header_len;
    size_t l4_len = MIN(at->avail, ip.total_len) - ip.header_len;
    l4_len = MIN(l4_len, at->given - ip.header_len); /* a reassembled head holds every byte a reader reads */
    uint32_t ipv6_len = at->ipv6_len, ipv4_len = ip.total_len;
    fot_defrag_packet whole;
    if (fot_ipv4_is_fragment(&ip)) {
        if (!inner_fragment(f, at, &ip, &whole))
            return;
        fot_frag_key sums;
        fot_frag_key_inner(&sums, &ip, at->src6, at->dst6);
        fot_frag_sum earlier = fot_frag_take(f->w->held, &sums);
        ipv6_len += (uint32_t)earlier.ipv6_len;
        ipv4_len += (uint32_t)earlier.ipv4_len;
        l4 = whole.head;
        l4_len = whole.head_len;
    }
    fot_l4 l4h;
    why = fot_inner_l4(&ip, l4, l4_len, l4 == at->hdr + ip.header_len, at->avail, &l4h);
    if (why) {
        malformed(f, why);
        return;
    }
    counted(f, at->src6, at->dst6, ipv6_len, ipv4_len, &ip, &l4h);
}

/* An outer fragment the fast path claims: false, Wireshark's. */
static bool
fast_fragment(frame *f, const uint8_t *p, size_t len)
{
    fot_tunnel_fragment frag;
    if (!fot_read_tunnel_fragment(p, len, &frag))
        return false;
    fot_defrag_packet whole;
    uint64_t given_up;
    fot_defrag_status st = fot_defrag_add(f->w->fast, &frag, f->t, &whole, &given_up);
    f->out->unreassembled += given_up;
    if (st == FOT_DEFRAG_THEIRS)
        return false;
    if (st == FOT_DEFRAG_HELD)
        return true;
    fot_ipv4 ip;
    fot_l4 l4;
    const char *why = fot_read_reassembled_ipv4(whole.head, whole.head_len, whole.length, &ip, &l4);
    if (why)
        malformed(f, why);
    else
        counted(f, frag.src, frag.dst, whole.ipv6_len, ip.total_len, &ip, &l4);
    return true;
}

/* The fast path: a plain tunnelled packet read whole, or an outer fragment
 * of one; false: Wireshark's IPv6 dissector reads it. */
static bool
fast_path(frame *f, const uint8_t *p, size_t len)
{
    fot_tunnel_packet pkt;
    if (fot_read_tunnel_packet(p, len, &pkt)) {
        counted(f, pkt.src, pkt.dst, pkt.ipv6_len, pkt.ip.total_len, &pkt.ip, &pkt.l4);
        return true;
    }
    return fast_fragment(f, p, len);
}

/* A non-atomic fragment of an IPv6 packet (header ip6) carrying IPv4:
 * Wireshark adds it to its reassembly when its bytes are all captured;
 * complete, the IPv4 packet is read from the reassembled payload, with the
 * payload lengths of every fragment; else nothing is read (hold_unseen). */
static void
outer_fragment(frame *f, const uint8_t *ip6, size_t len, size_t frag_hdr)
{
    uint32_t plen = fot_get16(ip6 + 4);
    size_t end = 40 + (size_t)plen, data = frag_hdr + 8;
    fot_frag_key key;
    fot_frag_key_outer(&key, ip6 + 8, ip6 + 24, fot_get32(ip6 + frag_hdr + 4));
    if (end <= len && data <= end) {
        fot_fragment frag = {
            .key = key, .offset = fot_get16(ip6 + frag_hdr + 2) & 0xfff8, .more = ip6[frag_hdr + 3] & 1,
            .data = ip6 + data, .len = end - data, .bytes = end - data, .ipv6_len = plen,
        };
        fot_defrag_packet whole;
        uint64_t ignored;
        if (fot_defrag_add_fragment(f->w->outer, &frag, f->t, &whole, &ignored) == FOT_DEFRAG_COMPLETE) {
            inner_at at = {
                .src6 = ip6 + 8, .dst6 = ip6 + 24, .ipv6_len = plen + (uint32_t)fot_frag_take(f->w->held, &key).ipv6_len,
                .hdr = whole.head, .avail = whole.length, .given = whole.head_len,
            };
            read_inner(f, &at);
            return;
        }
    }
}

static void walk_ip(frame *f, int version, const uint8_t *p, size_t len, bool fast, int depth);

/* Wireshark's IPv6 dissector, up to the first header it does not walk. */
static void
walk_ipv6(frame *f, const uint8_t *p, size_t len, bool fast, int depth)
{
    if (len < 40 || p[0] >> 4 != 6)
        return;
    f->last_ipv6 = p;
    if (fast && fast_path(f, p, len)) {
        f->seen = true;
        return;
    }
    size_t end = 40 + (size_t)fot_get16(p + 4);
    size_t limit = MIN(len, end); /* a trailer past the payload is not the payload's */
    uint8_t next = p[6];
    size_t off = 40;
    for (;;) {
        size_t hlen;
        switch (next) {
        case IPPROTO_HOPOPTS:
        case IPPROTO_ROUTING:
        case IPPROTO_DSTOPTS:
        case IPPROTO_AH:
            if (limit - off < 2)
                return;
            hlen = next == IPPROTO_AH ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
            if (hlen > limit - off)
                return;
            next = p[off];
            off += hlen;
            continue;
        case IPPROTO_FRAGMENT:
            if (limit - off < 8)
                return;
            if ((fot_get16(p + off + 2) & 0xfff9) != 0) { /* an offset, or more to come */
                if (p[off] == IPPROTO_IPIP)
                    outer_fragment(f, p, len, off);
                return;
            }
            next = p[off];
            off += 8;
            continue;
        case IPPROTO_IPIP: {
            inner_at at = {
                .src6 = p + 8, .dst6 = p + 24, .ipv6_len = fot_get16(p + 4), .hdr = p + off, .avail = limit - off,
                .given = limit - off,
            };
            read_inner(f, &at);
            return;
        }
        case IPPROTO_IPV6_IN:
            walk_ip(f, 6, p + off, limit - off, false, depth + 1);
            return;
        case IPPROTO_GRE:
            walk_ip(f, IPPROTO_GRE, p + off, limit - off, false, depth + 1);
            return;
        default:
            return;
        }
    }
}

/* An IPv4 header outside any IPv6 one: IPv6 in IPv4 (6in4), GRE, IP in IP. */
static void
walk_ipv4(frame *f, const uint8_t *p, size_t len, int depth)
{
    if (len < 20 || p[0] >> 4 != 4)
        return;
    size_t hlen = (size_t)(p[0] & 15) * 4, total = fot_get16(p + 2);
    if (hlen < 20 || total < hlen || len < hlen || (fot_get16(p + 6) & 0x3fff) != 0)
        return; /* no outer IPv4 fragment is put together */
    size_t limit = MIN(len, total);
    switch (p[9]) {
    case IPPROTO_IPV6_IN:
        walk_ip(f, 6, p + hlen, limit - hlen, false, depth + 1);
        return;
    case IPPROTO_IPIP:
        walk_ip(f, 4, p + hlen, limit - hlen, false, depth + 1);
        return;
    case IPPROTO_GRE:
        walk_ip(f, IPPROTO_GRE, p + hlen, limit - hlen, false, depth + 1);
        return;
    default:
        return;
    }
}

/* GRE version 0 carrying IPv4 or IPv6. */
static void
walk_gre(frame *f, const uint8_t *p, size_t len, int depth)
{
    if (len < 4)
        return;
    uint16_t flags = fot_get16(p);
    if ((flags & 0x4007) != 0) /* source routing, or not version 0 */
        return;
    size_t off = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
    if (off > len)
        return;
    uint16_t type = fot_get16(p + 2);
    if (type == 0x86dd)
        walk_ip(f, 6, p + off, len - off, false, depth + 1);
    else if (type == 0x0800)
        walk_ip(f, 4, p + off, len - off, false, depth + 1);
}

static void
walk_ip(frame *f, int version, const uint8_t *p, size_t len, bool fast, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    if (version == 6)
        walk_ipv6(f, p, len, fast, depth);
    else if (version == 4)
        walk_ipv4(f, p, len, depth);
    else
        walk_gre(f, p, len, depth);
}

/* A frame with an IPv6 header but no IPv4 in IPv6 reached: the frame
 * reader holds it when its last IPv6 header, found again in the frame, has
 * a Fragment header of IPv4 (Wireshark read no further). */
static void
hold_unseen(frame *f)
{
    const uint8_t *ip6 = f->last_ipv6;
    fot_ipv6_found found;
    if (!fot_find_ipv6(f->data, f->len, ip6 + 8, ip6 + 24, &found) || !found.fragment ||
        found.frag_next != IPPROTO_IPIP)
        return;
    fot_frag_key key;
    fot_frag_key_outer(&key, ip6 + 8, ip6 + 24, found.frag_id);
    f->out->unreassembled += fot_frag_add(f->w->held, &key, f->t, found.payload_len, 0);
}

void
fot_walk_frame(fot_walk *w, int linktype, const uint8_t *p, size_t len, int64_t t, fot_walk_result *out)
{
    out->kind = FOT_WALK_NOTHING;
    out->unreassembled = 0;
    fot_link_found link;
    fot_net net = fot_link_walk(linktype, p, len, &link);
    if (net == FOT_NET_NONE)
        return;
    frame f = { .w = w, .t = t, .data = p, .len = len, .out = out };
    walk_ip(&f, net == FOT_NET_IPV6 ? 6 : 4, p + link.offset, link.end - link.offset, link.by_ethertype, 0);
    if (!f.seen && f.last_ipv6)
        hold_unseen(&f);
}

/* \summary: one frame's tunnel as Wireshark dissected it, its inner packet read bounds-checked */
#include "frame_reader.h"

#include <epan/ipproto.h>

#include "fot_frag.h"
#include "fot_packet.h"
#include "fot_time.h"

struct fot_frame_reader {
    fot_frag_table *frags;
    gboolean defragment_ipv4;

    guint32 frame; /* the frame being read; 0: none */
    gboolean have_ipv6, inner_taken;
    guint8 ipv6_src[16], ipv6_dst[16];
    guint8 ipv6_next;
    guint32 ipv6_len;
    fot_frame_result result;
};

static gboolean
ip_defragment_enabled(void)
{
    return fot_ws_pref_bool("ip", "defragment", true);
}

fot_frame_reader *
fot_frame_reader_new(void)
{
    fot_frame_reader *r = g_new0(fot_frame_reader, 1);
    r->frags = fot_frag_new();
    r->defragment_ipv4 = ip_defragment_enabled();
    return r;
}

void
fot_frame_reader_free(fot_frame_reader *r)
{
    if (!r)
        return;
    fot_frag_free(r->frags);
    g_free(r);
}

void
fot_frame_reader_reset(fot_frame_reader *r)
{
    fot_frag_clear(r->frags);
    r->defragment_ipv4 = ip_defragment_enabled();
    r->frame = 0;
}

static void
begin_frame(fot_frame_reader *r, guint32 num)
{
    if (r->frame == num)
        return;
    r->frame = num;
    r->have_ipv6 = r->inner_taken = FALSE;
    memset(&r->result, 0, sizeof r->result);
}

static int64_t
frame_time(const packet_info *pinfo)
{
    return fot_time_make(pinfo->abs_ts.secs, pinfo->abs_ts.nsecs);
}

/* The packet data (frame or reassembled buffer) holding [p, p + need). */
static gboolean
locate(packet_info *pinfo, uintptr_t p, guint need, const guint8 **base, guint *len, gboolean *in_frame)
{
    gboolean first = TRUE;
    for (GSList *l = pinfo->data_src; l; l = l->next, first = FALSE) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)l->data);
        guint n = tvb_captured_length(tvb);
        if (n < need || n == 0)
            continue;
        const guint8 *b = tvb_get_ptr(tvb, 0, n);
        if (p >= (uintptr_t)b && p - (uintptr_t)b <= n - need) {
            *base = b;
            *len = n;
            *in_frame = first;
            return TRUE;
        }
    }
    return FALSE;
}

static void
malformed(fot_frame_reader *r, const char *why)
{
    r->result.kind = FOT_FRAME_MALFORMED;
    r->result.malformed_why = why;
}

static gboolean
find_ipv6(tvbuff_t *tvb, const guint8 *src, const guint8 *dst, fot_ipv6_found *found, const guint8 **data,
          guint *len)
{
    *len = tvb_captured_length(tvb);
    if (*len == 0)
        return FALSE;
    *data = tvb_get_ptr(tvb, 0, *len);
    return fot_find_ipv6(*data, *len, src, dst, found);
}

/* Outer IPv6 reassembled in this frame: add the earlier fragments' lengths. */
static guint32
outer_reassembled_len(fot_frame_reader *r, packet_info *pinfo)
{
    tvbuff_t *frame = get_data_source_tvb((struct data_source *)pinfo->data_src->data);
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(frame, r->ipv6_src, r->ipv6_dst, &found, &data, &len) || !found.fragment)
        return r->ipv6_len;
    fot_frag_key k;
    fot_frag_key_outer(&k, r->ipv6_src, r->ipv6_dst, found.frag_id);
    return r->ipv6_len + (guint32)fot_frag_take(r->frags, &k).ipv6_len;
}

/* A non-final outer IPv6 fragment of IPv4 carries no dissected payload: keep
 * its length. (Fragments of anything else are no tunnelled packet's.) */
static void
hold_outer_fragment(fot_frame_reader *r, packet_info *pinfo, tvbuff_t *frame)
{
    if (pinfo->net_src.type != AT_IPv6 || pinfo->net_dst.type != AT_IPv6)
        return;
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(frame, pinfo->net_src.data, pinfo->net_dst.data, &found, &data, &len) || !found.fragment ||
        found.frag_next != IP_PROTO_IPV4)
        return;
    fot_frag_key k;
    fot_frag_key_outer(&k, pinfo->net_src.data, pinfo->net_dst.data, found.frag_id);
    r->result.unreassembled += fot_frag_add(r->frags, &k, r->result.time, found.payload_len, 0);
}

/* IPv6 said IPv4 follows, but no IPv4 header was dissected: Wireshark found it
 * bogus. Read it to say why; a later fragment (IPv6 reassembly off) is a
 * fragment, not a malformed packet. */
static void
inner_not_dissected(fot_frame_reader *r, tvbuff_t *frame)
{
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(frame, r->ipv6_src, r->ipv6_dst, &found, &data, &len)) {
        malformed(r, "inner IPv4 header not dissected");
        return;
    }
    if (found.fragment && found.frag_offset != 0) {
        r->result.unreassembled++;
        return;
    }
    fot_ipv4 ip;
    fot_decode_status st = fot_decode_ipv4(data + found.payload, len - found.payload, &ip);
    malformed(r, st == FOT_DECODE_OK ? "inner IPv4 header not dissected" : fot_decode_status_text(st));
}

static void
set_ipv6(fot_frame_reader *r, const guint8 src[16], const guint8 dst[16], guint8 next, guint32 len)
{
    r->have_ipv6 = TRUE;
    memcpy(r->ipv6_src, src, 16);
    memcpy(r->ipv6_dst, dst, 16);
    r->ipv6_next = next;
    r->ipv6_len = len;
}

void
fot_frame_reader_ipv6(fot_frame_reader *r, packet_info *pinfo, const ws_ip6 *h)
{
    begin_frame(r, pinfo->num);
    if (r->inner_taken || h->ip6_src.len != 16 || h->ip6_dst.len != 16)
        return;
    set_ipv6(r, h->ip6_src.data, h->ip6_dst.data, h->ip6_nxt, h->ip6_len);
}

/* Inner IPv4 fragment: the L4 header, once Wireshark has the whole packet. */
static gboolean
inner_fragment(fot_frame_reader *r, packet_info *pinfo, const fot_ipv4 *ip, guint32 own_ipv6_len,
               const guint8 **l4, guint *l4_len)
{
    fot_frag_key k;
    fot_frag_key_inner(&k, ip, r->ipv6_src, r->ipv6_dst);

    tvbuff_t *whole = r->defragment_ipv4 ? fot_ws_data_source_tvb(pinfo, "Reassembled IPv4") : NULL;
    if (whole && tvb_captured_length(whole) > 0) {
        fot_frag_sum earlier = fot_frag_take(r->frags, &k);
        r->result.ev.ipv6_len = own_ipv6_len + (guint32)earlier.ipv6_len;
        r->result.ev.ipv4_len = ip->total_len + (guint32)earlier.ipv4_len;
        *l4_len = tvb_captured_length(whole);
        *l4 = tvb_get_ptr(whole, 0, *l4_len);
        return TRUE;
    }
    if (!r->defragment_ipv4) {
        /* Reassembly off: the first fragment counts alone, the rest cannot. */
        if (ip->frag_offset == 0)
            return TRUE;
        r->result.unreassembled++;
        return FALSE;
    }
    r->result.unreassembled += fot_frag_add(r->frags, &k, r->result.time, own_ipv6_len, ip->total_len);
    return FALSE;
}

/* An event from its headers, its lengths already set. */
static void
fill_event(fot_event *ev, int64_t time, const guint8 *src, const guint8 *dst, const fot_ipv4 *ip, const fot_l4 *l4h)
{
    ev->time = time;
    memcpy(ev->outer_src, src, 16);
    memcpy(ev->outer_dst, dst, 16);
    ev->inner_src = ip->src;
    ev->inner_dst = ip->dst;
    ev->proto = ip->proto;
    ev->src_port = l4h->src_port;
    ev->dst_port = l4h->dst_port;
    ev->tcp_flags = l4h->tcp_flags;
    ev->icmp_type = l4h->icmp_type;
    ev->quoted = l4h->quoted;
    ev->quoted_src_port = l4h->quoted_src_port;
    ev->quoted_dst_port = l4h->quoted_dst_port;
}

/* The frame's event, its lengths already set. */
static void
set_event(fot_frame_reader *r, const fot_ipv4 *ip, const fot_l4 *l4h)
{
    fill_event(&r->result.ev, r->result.time, r->ipv6_src, r->ipv6_dst, ip, l4h);
    r->result.kind = FOT_FRAME_EVENT;
}

static void
read_inner(fot_frame_reader *r, packet_info *pinfo, const guint8 *hdr, guint avail, gboolean in_frame)
{
    fot_ipv4 ip;
    const char *why = fot_inner_header(hdr, avail, &ip);
    if (why) {
        malformed(r, why);
        return;
    }
    if (!fot_ipv4_counted_proto(ip.proto)) {
        r->result.kind = FOT_FRAME_OTHER;
        return;
    }
    guint32 own_ipv6_len = in_frame ? r->ipv6_len : outer_reassembled_len(r, pinfo);
    /* The L4 header lies within the IPv4 packet: not in bytes past its total length. */
    const guint8 *l4 = hdr + ip.header_len;
    guint l4_len = MIN(avail, ip.total_len) - ip.header_len;
    fot_event *ev = &r->result.ev;
    ev->ipv6_len = own_ipv6_len;
    ev->ipv4_len = ip.total_len;
    if (fot_ipv4_is_fragment(&ip) && !inner_fragment(r, pinfo, &ip, own_ipv6_len, &l4, &l4_len))
        return;

    fot_l4 l4h;
    why = fot_inner_l4(&ip, l4, l4_len, l4 == hdr + ip.header_len, avail, &l4h);
    if (why) {
        malformed(r, why);
        return;
    }
    set_event(r, &ip, &l4h);
}

static gboolean
take_inner(fot_frame_reader *r, packet_info *pinfo)
{
    begin_frame(r, pinfo->num);
    if (!r->have_ipv6 || r->ipv6_next != IP_PROTO_IPV4 || r->inner_taken)
        return FALSE;
    r->inner_taken = TRUE;
    r->result.time = frame_time(pinfo);
    return TRUE;
}

void
fot_frame_reader_inner(fot_frame_reader *r, packet_info *pinfo, const guint8 *hdr, guint len)
{
    if (!take_inner(r, pinfo))
        return;
    const guint8 *base;
    guint data_len;
    gboolean in_frame = TRUE;
    if (len > 0 && !locate(pinfo, (uintptr_t)hdr, 1, &base, &data_len, &in_frame)) {
        malformed(r, "inner IPv4 header not in the packet data");
        return;
    }
    read_inner(r, pinfo, hdr, len, in_frame);
}

void
fot_frame_reader_seen(fot_frame_reader *r, packet_info *pinfo, const fot_tunnel_seen *t)
{
    begin_frame(r, pinfo->num);
    if (r->inner_taken)
        return;
    set_ipv6(r, t->src, t->dst, IP_PROTO_IPV4, t->ipv6_len);
    fot_frame_reader_inner(r, pinfo, t->inner, t->inner_len);
}

/* Bytes from hdr to the end of the IPv6 payload it sits in (G_MAXUINT: not
 * found). Mostly the IPv6 header is right in front, with no extension header. */
static guint
ipv6_payload_left(const fot_frame_reader *r, const guint8 *base, guint len, const guint8 *hdr)
{
    size_t at = (size_t)(hdr - base);
    const guint8 *ip6 = hdr - 40;
    if (at >= 40 && ip6[0] >> 4 == 6 && ip6[6] == IP_PROTO_IPV4 && memcmp(ip6 + 8, r->ipv6_src, 16) == 0 &&
        memcmp(ip6 + 24, r->ipv6_dst, 16) == 0) {
        size_t end = at + (size_t)(ip6[4] << 8 | ip6[5]);
        return end < len ? (guint)(end - at) : G_MAXUINT;
    }
    fot_ipv6_found found;
    if (fot_find_ipv6(base, len, r->ipv6_src, r->ipv6_dst, &found) && base + found.payload == hdr && found.end < len)
        return (guint)(found.end - found.payload);
    return G_MAXUINT;
}

void
fot_frame_reader_inner_at(fot_frame_reader *r, packet_info *pinfo, const ws_ip4 *h)
{
    if (!take_inner(r, pinfo))
        return;
    const guint8 *base;
    guint len;
    gboolean in_frame;
    const guint8 *hdr = fot_ws_ip4_header(h);
    if (h->ip_src.type != AT_IPv4 || !locate(pinfo, (uintptr_t)hdr, 20, &base, &len, &in_frame)) {
        malformed(r, "inner IPv4 header not in the packet data");
        return;
    }
    guint avail = len - (guint)(hdr - base);
    /* Nor past the outer IPv6 payload: what the IPv4 dissector (and the
     * post-dissector's hook) was given. */
    if (in_frame)
        avail = MIN(avail, ipv6_payload_left(r, base, len, hdr));
    read_inner(r, pinfo, hdr, avail, in_frame);
}

void
fot_frame_reader_tunnel(fot_frame_reader *r, packet_info *pinfo, const fot_tunnel_packet *pkt)
{
    begin_frame(r, pinfo->num);
    if (r->inner_taken)
        return;
    r->result.unreassembled += pkt->unreassembled;
    if (pkt->held)
        return;
    r->have_ipv6 = TRUE;
    memcpy(r->ipv6_src, pkt->src, 16);
    memcpy(r->ipv6_dst, pkt->dst, 16);
    r->ipv6_next = IP_PROTO_IPV4;
    r->ipv6_len = pkt->ipv6_len;
    if (!take_inner(r, pinfo))
        return;
    if (pkt->malformed_why) {
        malformed(r, pkt->malformed_why);
        return;
    }
    r->result.ev.ipv6_len = pkt->ipv6_len;
    r->result.ev.ipv4_len = pkt->ip.total_len;
    set_event(r, &pkt->ip, &pkt->l4);
}

void
fot_frame_plain(packet_info *pinfo, const fot_tunnel_packet *pkt, fot_frame_result *out)
{
    memset(out, 0, sizeof *out);
    out->kind = FOT_FRAME_EVENT;
    out->time = frame_time(pinfo);
    out->frac_digits = fot_ws_time_digits(pinfo);
    out->ev.ipv6_len = pkt->ipv6_len;
    out->ev.ipv4_len = pkt->ip.total_len;
    fill_event(&out->ev, out->time, pkt->src, pkt->dst, &pkt->ip, &pkt->l4);
}

void
fot_frame_reader_end(fot_frame_reader *r, packet_info *pinfo, tvbuff_t *frame, fot_frame_result *out)
{
    begin_frame(r, pinfo->num);
    r->result.time = frame_time(pinfo);
    r->result.frac_digits = fot_ws_time_digits(pinfo);
    if (!r->have_ipv6)
        hold_outer_fragment(r, pinfo, frame);
    else if (r->ipv6_next == IP_PROTO_IPV4 && !r->inner_taken)
        inner_not_dissected(r, frame);
    *out = r->result;
    r->frame = 0;
}

uint64_t
fot_frame_reader_drop_pending(fot_frame_reader *r)
{
    uint64_t n = fot_frag_pending(r->frags);
    fot_frag_clear(r->frags);
    return n;
}

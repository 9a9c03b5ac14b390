#include "capture.h"

#include <epan/dissectors/packet-ip.h>
#include <epan/epan_dissect.h>
#include <epan/ipproto.h>
#include <epan/prefs-int.h>
#include <epan/prefs.h>

#include "fot_frag.h"
#include "fot_packet.h"

typedef enum { FOUND_NOTHING, FOUND_EVENT, FOUND_OTHER, FOUND_MALFORMED } found;

struct fot_capture {
    fot_capture_sink sink;
    void *ud;
    fot_frag_table *frags;
    gboolean defragment_ipv4;
    int listeners;

    /* The frame being dissected. */
    guint32 frame;
    gboolean have_ipv6, inner_taken;
    guint8 ipv6_src[16], ipv6_dst[16];
    guint8 ipv6_next;
    guint32 ipv6_len;
    found result;
    fot_event ev;
    const char *malformed_why;

    guint64 malformed;
    guint32 first_malformed_frame;
    const char *first_malformed_why;
};

static void
begin_frame(fot_capture *c, guint32 num)
{
    if (c->frame == num)
        return;
    c->frame = num;
    c->have_ipv6 = c->inner_taken = FALSE;
    c->result = FOUND_NOTHING;
}

static int64_t
frame_time(const packet_info *pinfo)
{
    return (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
}

/* The packet data (frame or reassembled buffer) holding [p, p + need). */
static gboolean
locate(packet_info *pinfo, uintptr_t p, guint need, const guint8 **base, guint *len, gboolean *in_frame)
{
    gboolean first = TRUE;
    for (GSList *l = pinfo->data_src; l; l = l->next, first = FALSE) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)l->data);
        guint n = tvb_captured_length(tvb);
        if (n < need)
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
malformed(fot_capture *c, const char *why)
{
    c->result = FOUND_MALFORMED;
    c->malformed_why = why;
}

static void
frag_key_outer(fot_frag_key *k, const guint8 src[16], const guint8 dst[16], guint32 id)
{
    memset(k, 0, sizeof *k);
    k->kind = FOT_FRAG_OUTER_IPV6;
    k->id = id;
    memcpy(k->src6, src, 16);
    memcpy(k->dst6, dst, 16);
}

/* Outer IPv6 reassembled in this frame: add the earlier fragments' lengths. */
static gboolean
find_ipv6(tvbuff_t *tvb, const guint8 *src, const guint8 *dst, fot_ipv6_found *found, const guint8 **data,
          guint *len)
{
    *len = tvb_captured_length(tvb);
    *data = tvb_get_ptr(tvb, 0, *len);
    return fot_find_ipv6(*data, *len, src, dst, found);
}

static guint32
outer_reassembled_len(fot_capture *c, packet_info *pinfo)
{
    tvbuff_t *frame = get_data_source_tvb((struct data_source *)pinfo->data_src->data);
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(frame, c->ipv6_src, c->ipv6_dst, &found, &data, &len) || !found.fragment)
        return c->ipv6_len;
    fot_frag_key k;
    frag_key_outer(&k, c->ipv6_src, c->ipv6_dst, found.frag_id);
    return c->ipv6_len + (guint32)fot_frag_take(c->frags, &k).ipv6_len;
}

/* A non-final outer IPv6 fragment fires only `frame`: keep its length. */
static void
hold_outer_fragment(fot_capture *c, packet_info *pinfo, int64_t t, tvbuff_t *tvb)
{
    if (pinfo->net_src.type != AT_IPv6 || pinfo->net_dst.type != AT_IPv6)
        return;
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(tvb, pinfo->net_src.data, pinfo->net_dst.data, &found, &data, &len) || !found.fragment)
        return;
    fot_frag_key k;
    frag_key_outer(&k, pinfo->net_src.data, pinfo->net_dst.data, found.frag_id);
    c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, fot_frag_add(c->frags, &k, t, found.payload_len, 0));
}

/* IPv6 said IPv4 follows, but Wireshark tapped no IPv4 header: it found the
 * header bogus. Read it to say why; a later fragment (IPv6 reassembly off)
 * is a fragment, not a malformed packet. */
static void
inner_not_dissected(fot_capture *c, tvbuff_t *frame)
{
    fot_ipv6_found found;
    const guint8 *data;
    guint len;
    if (!find_ipv6(frame, c->ipv6_src, c->ipv6_dst, &found, &data, &len)) {
        malformed(c, "inner IPv4 header not dissected");
        return;
    }
    if (found.fragment && found.frag_offset != 0) {
        c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, 1);
        return;
    }
    fot_ipv4 ip;
    fot_decode_status st = fot_decode_ipv4(data + found.payload, len - found.payload, &ip);
    malformed(c, st == FOT_DECODE_OK ? "inner IPv4 header not dissected" : fot_decode_status_text(st));
}

static tap_packet_status
on_ipv6(FOT_TAP_PACKET_ARGS)
{
    fot_capture *c = tapdata;
    const ws_ip6 *h = data;
    (void)edt, (void)flags;
    begin_frame(c, pinfo->num);
    if (c->inner_taken || h->ip6_src.len != 16 || h->ip6_dst.len != 16)
        return TAP_PACKET_DONT_REDRAW;
    c->have_ipv6 = TRUE;
    memcpy(c->ipv6_src, h->ip6_src.data, 16);
    memcpy(c->ipv6_dst, h->ip6_dst.data, 16);
    c->ipv6_next = h->ip6_nxt;
    c->ipv6_len = h->ip6_len;
    return TAP_PACKET_DONT_REDRAW;
}

/* Inner IPv4 fragment: the L4 header, once Wireshark has the whole packet. */
static gboolean
inner_fragment(fot_capture *c, packet_info *pinfo, const fot_ipv4 *ip, int64_t t, guint32 own_ipv6_len,
               const guint8 **l4, guint *l4_len)
{
    fot_frag_key k;
    memset(&k, 0, sizeof k);
    k.kind = FOT_FRAG_INNER_IPV4;
    k.proto = ip->proto;
    k.id = ip->id;
    k.src4 = ip->src;
    k.dst4 = ip->dst;
    memcpy(k.src6, c->ipv6_src, 16);
    memcpy(k.dst6, c->ipv6_dst, 16);

    tvbuff_t *whole = c->defragment_ipv4 ? get_data_source_tvb_by_name(pinfo, "Reassembled IPv4") : NULL;
    if (whole) {
        fot_frag_sum earlier = fot_frag_take(c->frags, &k);
        c->ev.ipv6_len = own_ipv6_len + (guint32)earlier.ipv6_len;
        c->ev.ipv4_len = ip->total_len + (guint32)earlier.ipv4_len;
        *l4_len = tvb_captured_length(whole);
        *l4 = tvb_get_ptr(whole, 0, *l4_len);
        return TRUE;
    }
    if (!c->defragment_ipv4) {
        /* Reassembly off: the first fragment counts alone, the rest cannot. */
        if (ip->frag_offset == 0)
            return TRUE;
        c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, 1);
        return FALSE;
    }
    c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, fot_frag_add(c->frags, &k, t, own_ipv6_len, ip->total_len));
    return FALSE;
}

static tap_packet_status
on_ip(FOT_TAP_PACKET_ARGS)
{
    fot_capture *c = tapdata;
    const ws_ip4 *h = data;
    (void)edt, (void)flags;
    begin_frame(c, pinfo->num);
    if (!c->have_ipv6 || c->ipv6_next != IP_PROTO_IPV4 || c->inner_taken)
        return TAP_PACKET_DONT_REDRAW;
    c->inner_taken = TRUE;

    const guint8 *base;
    guint len;
    gboolean in_frame;
    if (h->ip_src.type != AT_IPv4 ||
        !locate(pinfo, (uintptr_t)h->ip_src.data - 12, 20, &base, &len, &in_frame)) {
        malformed(c, "inner IPv4 header not in the packet data");
        return TAP_PACKET_DONT_REDRAW;
    }
    const guint8 *hdr = (const guint8 *)h->ip_src.data - 12;
    guint avail = len - (guint)(hdr - base);
    fot_ipv4 ip;
    fot_decode_status st = fot_decode_ipv4(hdr, avail, &ip);
    if (st != FOT_DECODE_OK) {
        malformed(c, fot_decode_status_text(st));
        return TAP_PACKET_DONT_REDRAW;
    }
    if (ip.proto != FOT_IPPROTO_TCP && ip.proto != FOT_IPPROTO_UDP && ip.proto != FOT_IPPROTO_ICMP) {
        c->result = FOUND_OTHER;
        return TAP_PACKET_DONT_REDRAW;
    }

    int64_t t = frame_time(pinfo);
    guint32 own_ipv6_len = in_frame ? c->ipv6_len : outer_reassembled_len(c, pinfo);
    const guint8 *l4 = hdr + ip.header_len;
    guint l4_len = avail - ip.header_len;
    c->ev.ipv6_len = own_ipv6_len;
    c->ev.ipv4_len = ip.total_len;
    if (fot_ipv4_is_fragment(&ip) && !inner_fragment(c, pinfo, &ip, t, own_ipv6_len, &l4, &l4_len))
        return TAP_PACKET_DONT_REDRAW;

    fot_l4 l4h;
    st = fot_decode_l4(ip.proto, l4, l4_len, &l4h);
    if (st != FOT_DECODE_OK) {
        malformed(c, fot_decode_status_text(st));
        return TAP_PACKET_DONT_REDRAW;
    }
    c->ev.time = t;
    memcpy(c->ev.outer_src, c->ipv6_src, 16);
    memcpy(c->ev.outer_dst, c->ipv6_dst, 16);
    c->ev.inner_src = ip.src;
    c->ev.inner_dst = ip.dst;
    c->ev.proto = ip.proto;
    c->ev.src_port = l4h.src_port;
    c->ev.dst_port = l4h.dst_port;
    c->ev.tcp_flags = l4h.tcp_flags;
    c->ev.icmp_type = l4h.icmp_type;
    c->result = FOUND_EVENT;
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status
on_frame(FOT_TAP_PACKET_ARGS)
{
    fot_capture *c = tapdata;
    (void)data, (void)flags;
    begin_frame(c, pinfo->num);
    int64_t t = frame_time(pinfo);
    gboolean redraw = c->sink.frame(c->ud, t);
    if (!c->have_ipv6)
        hold_outer_fragment(c, pinfo, t, edt->tvb);
    else if (c->ipv6_next == IP_PROTO_IPV4 && !c->inner_taken)
        inner_not_dissected(c, edt->tvb);
    switch (c->result) {
    case FOUND_EVENT:
        c->sink.packet(c->ud, &c->ev, fot_ws_time_digits(pinfo));
        break;
    case FOUND_OTHER:
        c->sink.tally(c->ud, FOT_TALLY_OTHER, 1);
        break;
    case FOUND_MALFORMED:
        c->sink.tally(c->ud, FOT_TALLY_MALFORMED, 1);
        if (c->malformed++ == 0) {
            c->first_malformed_frame = pinfo->num;
            c->first_malformed_why = c->malformed_why;
        }
        break;
    case FOUND_NOTHING:
        break;
    }
    c->frame = 0;
    return redraw ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void
on_draw(void *tapdata)
{
    fot_capture *c = tapdata;
    c->sink.draw(c->ud);
}

static void
on_reset(void *tapdata)
{
    fot_capture *c = tapdata;
    fot_frag_clear(c->frags);
    c->frame = 0;
    c->malformed = 0;
    c->sink.reset(c->ud);
}

static gboolean
ip_defragment_enabled(void)
{
    module_t *ip = prefs_find_module("ip");
    pref_t *pref = ip ? prefs_find_preference(ip, "defragment") : NULL;
    return pref ? prefs_get_bool_value(pref, pref_current) : TRUE;
}

fot_capture *
fot_capture_start(const char *filter, const fot_capture_sink *sink, void *ud, char **err)
{
    fot_capture *c = g_new0(fot_capture, 1);
    c->sink = *sink;
    c->ud = ud;
    c->frags = fot_frag_new();
    c->defragment_ipv4 = ip_defragment_enabled();

    /* The filter picks packets; the clock (frame) sees every packet. */
    GString *e = register_tap_listener("ipv6", c, filter, TL_REQUIRES_NOTHING, NULL, on_ipv6, NULL, NULL);
    if (!e && ++c->listeners)
        e = register_tap_listener("ip", c, filter, TL_REQUIRES_NOTHING, NULL, on_ip, NULL, NULL);
    if (!e && ++c->listeners)
        e = register_tap_listener("frame", c, NULL, TL_REQUIRES_NOTHING, on_reset, on_frame, on_draw, NULL);
    if (!e && ++c->listeners)
        return c;
    *err = g_strdup(e->str);
    g_string_free(e, TRUE);
    fot_capture_stop(c);
    return NULL;
}

void
fot_capture_stop(fot_capture *c)
{
    if (!c)
        return;
    for (; c->listeners > 0; c->listeners--)
        remove_tap_listener(c);
    fot_frag_free(c->frags);
    g_free(c);
}

void
fot_capture_conclude(fot_capture *c, const char *who)
{
    c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, fot_frag_pending(c->frags));
    fot_frag_clear(c->frags);
    if (c->malformed)
        fprintf(stderr, "%s: %" G_GUINT64_FORMAT " tunnelled packet%s not counted: malformed (first: frame %u, %s)\n",
                who, c->malformed, c->malformed == 1 ? "" : "s", c->first_malformed_frame, c->first_malformed_why);
}

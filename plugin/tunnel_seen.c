/* \summary: the "ip.proto" hook: the tunnel of a frame for tshark statistics, read where it lies */
#include "tunnel_seen.h"

#include <string.h>

static unsigned readers;
static fot_tunnel_seen seen;

void
fot_tunnel_seen_want(void)
{
    readers++;
}

void
fot_tunnel_seen_unwant(void)
{
    if (readers > 0 && --readers == 0)
        memset(&seen, 0, sizeof seen);
}

/* The inner packet as the frame reader would read it, when that needs
 * nothing but its bytes; FALSE: leave it to the frame reader. */
static gboolean
read_plain(packet_info *pinfo, fot_tunnel_seen *t)
{
    fot_tunnel_packet *pkt = &t->pkt;
    if (pinfo->data_src == NULL || pinfo->data_src->next != NULL || !t->inner)
        return FALSE; /* something was reassembled: its lengths are the reader's to add */
    if (fot_decode_ipv4(t->inner, t->inner_len, &pkt->ip) != FOT_DECODE_OK || fot_ipv4_is_fragment(&pkt->ip))
        return FALSE;
    if (!fot_ipv4_counted_proto(pkt->ip.proto))
        return FALSE;
    guint l4_len = MIN(t->inner_len, pkt->ip.total_len) - pkt->ip.header_len;
    if (fot_decode_l4(pkt->ip.proto, t->inner + pkt->ip.header_len, l4_len, &pkt->l4) != FOT_DECODE_OK)
        return FALSE;
    pkt->src = t->src;
    pkt->dst = t->dst;
    pkt->ipv6_len = t->ipv6_len;
    pkt->malformed_why = NULL;
    pkt->held = false;
    pkt->unreassembled = 0;
    return TRUE;
}

void
fot_tunnel_seen_note(tvbuff_t *tvb, packet_info *pinfo, const ws_ip6 *ip6)
{
    /* Frames are dissected one after the other, so a record of this frame
     * from the same pass is this dissection's: a deeper tunnel. */
    gboolean ours = seen.frame == pinfo->num && seen.visited == pinfo->fd->visited;
    if (readers == 0 || ours || pinfo->flags.in_error_pkt || ip6->ip6_src.len != 16 || ip6->ip6_dst.len != 16)
        return;
    seen.frame = pinfo->num;
    seen.visited = pinfo->fd->visited;
    memcpy(seen.src, ip6->ip6_src.data, 16);
    memcpy(seen.dst, ip6->ip6_dst.data, 16);
    seen.ipv6_len = ip6->ip6_len;
    seen.inner_len = tvb_captured_length(tvb);
    seen.inner = seen.inner_len ? tvb_get_ptr(tvb, 0, seen.inner_len) : NULL;
    seen.plain = read_plain(pinfo, &seen);
}

const fot_tunnel_seen *
fot_tunnel_seen_get(const packet_info *pinfo)
{
    return readers > 0 && seen.frame == pinfo->num ? &seen : NULL;
}

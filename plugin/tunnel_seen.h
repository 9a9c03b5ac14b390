/* The frame's IPv4-in-IPv6 as the "ip.proto" hook saw it, for tshark
 * statistics: the IPv6 header right before the inner IPv4 and where the inner
 * packet's bytes are (the frame, or a reassembled buffer). The hook runs for
 * every such packet anyway, so reading its record when the `frame` tap fires
 * spares tshark the `ipv6` and `ip` listeners (two taps more to queue and
 * hand out per packet) and the frame reader the search for the header.
 *
 * The first IPv4-in-IPv6 of a dissection is kept (a deeper one is never
 * taken, as with the taps), and one inside an ICMPv6 error is not (taps skip
 * error packets). Wireshark marks a frame visited once dissected, so a
 * record also says which pass made it: tshark -2 dissects each frame twice
 * and pushes taps in the second. The inner bytes are Wireshark's until the
 * frame's taps are done; the frame reader checks they lie in the data of the
 * frame it reads before it reads them. */
#ifndef FOT_TUNNEL_SEEN_H
#define FOT_TUNNEL_SEEN_H

#include "ws_compat.h"

#include <epan/dissectors/packet-ip.h>

#include "fot_packet.h"

typedef struct fot_tunnel_seen {
    guint32 frame;
    gboolean visited;    /* pinfo->fd->visited when the hook ran */
    guint8 src[16], dst[16];
    guint32 ipv6_len;    /* the IPv6 header's payload length */
    const guint8 *inner; /* the IPv6 payload: inner_len bytes (NULL: none captured) */
    guint inner_len;
    /* Read whole here when it is plain: in the frame's own bytes (nothing
     * reassembled), no IPv4 fragment, TCP, UDP or ICMP whose header reads
     * well; the frame then counts it as the fast path's (src and dst point
     * above). Anything else the frame reader reads from inner. */
    gboolean plain;
    fot_tunnel_packet pkt;
} fot_tunnel_seen;

/* Readers come and go (each -z 4o6top without a filter): the hook records
 * only while at least one wants it. */
void fot_tunnel_seen_want(void);
void fot_tunnel_seen_unwant(void);

/* From the hook, before Wireshark's IPv4 dissector: the IPv6 payload is tvb. */
void fot_tunnel_seen_note(tvbuff_t *tvb, packet_info *pinfo, const ws_ip6 *ip6);

/* What the dissection of pinfo's frame saw (NULL: no IPv4-in-IPv6). */
const fot_tunnel_seen *fot_tunnel_seen_get(const packet_info *pinfo);

#endif

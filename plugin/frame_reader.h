/* One frame's tunnel, as Wireshark dissects it: the outer IPv6 header whose
 * next header is 4, the inner IPv4 header right after it (a deeper IPv4 is
 * never taken), the first L4 bytes read from the packet data (bounds-checked;
 * the TCP/UDP/ICMP dissectors are not needed), and fragments held until
 * Wireshark completes their reassembly. Fed by taps (GUI, filtered tshark
 * statistics) or by the dissection hook (tshark statistics, post-dissector
 * fields). */
#ifndef FOT_FRAME_READER_H
#define FOT_FRAME_READER_H

#include "ws_compat.h"

#include <epan/dissectors/packet-ip.h>

#include "fot_engine.h"
#include "fot_packet.h"
#include "tunnel_seen.h"

typedef enum { FOT_FRAME_NOTHING, FOT_FRAME_EVENT, FOT_FRAME_OTHER, FOT_FRAME_MALFORMED } fot_frame_kind;

typedef struct fot_frame_result {
    fot_frame_kind kind;
    fot_event ev;              /* FOT_FRAME_EVENT */
    const char *malformed_why; /* FOT_FRAME_MALFORMED */
    uint64_t unreassembled;    /* fragments given up in this frame */
    int64_t time;              /* the frame's capture time, ns */
    int frac_digits;           /* its precision */
} fot_frame_result;

typedef struct fot_frame_reader fot_frame_reader;

fot_frame_reader *fot_frame_reader_new(void);
void fot_frame_reader_free(fot_frame_reader *r);
/* A new pass over the capture (retap, new file). */
void fot_frame_reader_reset(fot_frame_reader *r);

/* An IPv6 header of frame pinfo->num. */
void fot_frame_reader_ipv6(fot_frame_reader *r, packet_info *pinfo, const ws_ip6 *h);
/* The header after it, when its next header is 4: len bytes at hdr, inside
 * the packet data pinfo holds. */
void fot_frame_reader_inner(fot_frame_reader *r, packet_info *pinfo, const guint8 *hdr, guint len);
/* The same, for a header pointer known only from Wireshark's address data. */
void fot_frame_reader_inner_at(fot_frame_reader *r, packet_info *pinfo, const ws_ip4 *h);
/* The IPv4-in-IPv6 the hook recorded for this frame (tunnel_seen.h). */
void fot_frame_reader_seen(fot_frame_reader *r, packet_info *pinfo, const fot_tunnel_seen *t);
/* A plain tunnelled packet the fast path read whole (fast_path.h). */
void fot_frame_reader_tunnel(fot_frame_reader *r, packet_info *pinfo, const fot_tunnel_packet *pkt);
/* A frame whose only tunnelled packet the hook read whole (plain, no
 * fragment, nothing held): what it held, without a reader, which has nothing
 * of such a frame to keep. */
void fot_frame_plain(packet_info *pinfo, const fot_tunnel_packet *pkt, fot_frame_result *out);
/* The frame is complete: what it held. */
void fot_frame_reader_end(fot_frame_reader *r, packet_info *pinfo, tvbuff_t *frame, fot_frame_result *out);

/* Fragments still waiting, which will never complete once the capture ends. */
uint64_t fot_frame_reader_drop_pending(fot_frame_reader *r);

#endif

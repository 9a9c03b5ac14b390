/* The 4o6top command's own reader, after the capture library: one frame's
 * bytes in, what tshark with the 4o6top plugin counts for that frame out.
 *
 * From the link layer (fot_link) to the first IPv4 header right after an
 * IPv6 header: IPv6 extension headers (Hop-by-Hop, Routing, Destination
 * Options, Authentication), IPv6 in IPv6, IPv6 in IPv4 and in GRE; outer
 * IPv6 fragments put together as the plugin's fast path does (fot_defrag),
 * or else as Wireshark's IPv6 reassembly does, inner IPv4 fragments as
 * Wireshark's IPv4 reassembly does (ipv6.defragment and ip.defragment on, as
 * in 4o6top's profiles), and held fragments added up as the plugin's frame
 * reader adds them (fot_frag). The inner packet is judged by fot_packet's
 * inner checks, the same as the plugin's. */
#ifndef FOT_WALK_H
#define FOT_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_engine.h"

typedef enum { FOT_WALK_NOTHING, FOT_WALK_EVENT, FOT_WALK_OTHER, FOT_WALK_MALFORMED } fot_walk_kind;

typedef struct fot_walk_result {
    fot_walk_kind kind;
    fot_event ev;              /* FOT_WALK_EVENT */
    const char *malformed_why; /* FOT_WALK_MALFORMED */
    uint64_t unreassembled;    /* fragments given up in this frame (never counted) */
} fot_walk_result;

typedef struct fot_walk fot_walk;

fot_walk *fot_walk_new(void);
void fot_walk_free(fot_walk *w);

/* A frame of link type linktype (fot_link_known), len bytes captured, at
 * capture time t. */
void fot_walk_frame(fot_walk *w, int linktype, const uint8_t *p, size_t len, int64_t t, fot_walk_result *out);

/* Fragments still waiting, which will never complete once the capture ends;
 * they are forgotten. */
uint64_t fot_walk_drop_pending(fot_walk *w);

#endif

/* The one pass over a file behind the 4o6top fields: an engine, a frame
 * reader, the notes kept per frame and the reopen tracker, from the file's
 * init routine to its cleanup. Each tunnelled frame is counted once, in
 * capture order, with the preferences in force, into a note (fot_notes.h)
 * that every later dissection of the frame (clicks, filters, graphs) shows.
 * In tshark nothing is computed unless a protocol tree is built (a filter,
 * -T fields, -V...) or expert infos are tapped (-z expert), so -z 4o6top
 * alone costs nothing here; Wireshark and tshark -2 always compute (frames
 * are revisited later). */
#ifndef FOT_ANNOTATE_H
#define FOT_ANNOTATE_H

#include "ws_compat.h"

#include "fot_engine.h"
#include "fot_notes.h"

/* The pass's init, cleanup and shutdown routines. */
void fot_annotate_register(void);
/* Whether the fields and expert infos are computed for a packet dissected
 * with this tree (NULL: none): the fast path then leaves it to Wireshark. */
gboolean fot_annotate_wanted(proto_tree *tree);
/* -z expert, or anything else tapping expert infos, listens now. */
bool fot_annotate_experts_tapped(void);

/* This first dissection of the frame is counted (the ip.proto hook then
 * tells the pass where its inner IPv4 is). */
bool fot_annotate_computing(packet_info *pinfo, proto_tree *tree);
/* From the ip.proto hook: the IPv6 header and the inner IPv4 bytes. */
void fot_annotate_inner(packet_info *pinfo, const ws_ip6 *ip6, tvbuff_t *tvb);
/* Count the frame (after fot_annotate_computing said so) into *n, kept for
 * later dissections; false when it holds no tunnelled packet. */
bool fot_annotate_count(packet_info *pinfo, tvbuff_t *tvb, fot_note *n);

/* What the one pass said of a frame, when frames are dissected again later. */
bool fot_annotate_frame(packet_info *pinfo, fot_note *out);
/* The engine of the one pass: its CEs, its clock and settings. */
const fot_engine *fot_annotate_engine(void);

#endif

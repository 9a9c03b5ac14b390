/* 4o6top fields on every tunnelled packet (post-dissector): session number,
 * new session, CE/B4, BR/AFTR, direction, endpoints, mechanism, PSID, timeout
 * class, session totals so far, gap, active sessions, CE ports in use,
 * out-of-set; and expert infos. Computed in one pass in capture order with the
 * preferences in force, kept per frame, so every later dissection (clicks,
 * filters, graphs) shows the same values. */
#ifndef FOT_ANNOTATE_H
#define FOT_ANNOTATE_H

#include "ws_compat.h"

#include "fot_engine.h"
#include "fot_notes.h"

void fot_annotate_register(int proto);
void fot_annotate_handoff(void);
/* Whether the fields and expert infos are computed for a packet dissected
 * with this tree (NULL: none): the fast path then leaves it to Wireshark. */
gboolean fot_annotate_wanted(proto_tree *tree);

/* What the one pass said of a frame, for the GUI tables. */
bool fot_annotate_frame(packet_info *pinfo, fot_note *out);
/* The engine of the one pass (NULL when the preferences are bad): its CEs,
 * its clock and settings. */
const fot_engine *fot_annotate_engine(void);

#endif

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

void fot_annotate_register(int proto);
void fot_annotate_handoff(void);
/* Whether the fields and expert infos are computed for a packet dissected
 * with this tree (NULL: none): the fast path then leaves it to Wireshark. */
gboolean fot_annotate_wanted(proto_tree *tree);

/* What the one pass said of a frame, for the GUI tables. */
typedef struct fot_frame_note {
    uint32_t session;
    bool new_session, upstream, out_of_set;
    uint8_t proto, tclass;
    uint16_t client_port, server_port;
    uint32_t client_ip, server_ip; /* host byte order */
    const uint8_t *ce, *br;        /* 16 bytes each, valid while the file is open */
    uint32_t packet_bytes;
} fot_frame_note;

bool fot_annotate_frame(packet_info *pinfo, fot_frame_note *out);
/* The engine of the one pass (NULL when the preferences are bad): its CEs,
 * its clock and settings. */
const fot_engine *fot_annotate_engine(void);

#endif

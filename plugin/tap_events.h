/* Wireshark's taps as 4o6top events, tree-less: the tap listeners a -z
 * 4o6top statistic or the 4o6top window registers, and the sink that gets
 * each frame's time, tunnelled packet or tally, and the redraws. The frame
 * reader (frame_reader.h) puts each frame's packet together from the taps. */
#ifndef FOT_TAP_EVENTS_H
#define FOT_TAP_EVENTS_H

#include "ws_compat.h"

#include "fot_engine.h"

typedef struct fot_event_sink {
    /* Every frame, first; return TRUE to ask a GUI for a redraw. */
    gboolean (*frame)(void *ud, int64_t t);
    void (*packet)(void *ud, const fot_event *ev, int frac_digits);
    void (*tally)(void *ud, fot_tally which, uint64_t n);
    void (*draw)(void *ud); /* end of capture (tshark) or redraw (GUI) */
    void (*reset)(void *ud); /* before a retap (GUI) */
    void (*finish)(void *ud); /* the listeners are being removed (tshark: at exit); may be NULL */
} fot_event_sink;

typedef struct fot_tap_events fot_tap_events;

/* Register the listeners; filter (may be NULL) selects tunnelled packets.
 * Returns NULL with *err (g_free it) for a bad filter. */
fot_tap_events *fot_tap_events_start(const char *filter, const fot_event_sink *sink, void *ud, char **err);
void fot_tap_events_stop(fot_tap_events *c);
/* Free without removing the listeners: for sink.finish, when Wireshark removes them. */
void fot_tap_events_free(fot_tap_events *c);

/* Fragments still waiting for reassembly now count as unreassembled, and one
 * line on stderr sums up malformed packets, if any. For the end of a capture. */
void fot_tap_events_conclude(fot_tap_events *c, const char *who);

#endif

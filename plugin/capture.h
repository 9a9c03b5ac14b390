/* Turns Wireshark's tap calls into 4o6top events, tree-less.
 *
 * Per frame, the taps fire in dissection order and `frame` fires last: an
 * `ip` call right after an `ipv6` call whose next header is 4 is the inner
 * IPv4 (a deeper IPv4 is never taken). Its header and the first L4 bytes are
 * read from the packet data Wireshark located, bounds-checked, so the TCP,
 * UDP and ICMP dissectors are not needed. `frame` commits what was found. */
#ifndef FOT_CAPTURE_H
#define FOT_CAPTURE_H

#include "ws_compat.h"

#include "fot_engine.h"

typedef struct fot_capture_sink {
    /* Every frame, first; return TRUE to ask a GUI for a redraw. */
    gboolean (*frame)(void *ud, int64_t t);
    void (*packet)(void *ud, const fot_event *ev, int frac_digits);
    void (*tally)(void *ud, fot_tally which, uint64_t n);
    void (*draw)(void *ud); /* end of capture (tshark) or redraw (GUI) */
    void (*reset)(void *ud); /* before a retap (GUI) */
    void (*finish)(void *ud); /* the listeners are being removed (tshark: at exit); may be NULL */
} fot_capture_sink;

typedef struct fot_capture fot_capture;

/* Register the listeners; filter (may be NULL) selects tunnelled packets.
 * Returns NULL with *err (g_free it) for a bad filter. */
fot_capture *fot_capture_start(const char *filter, const fot_capture_sink *sink, void *ud, char **err);
void fot_capture_stop(fot_capture *c);
/* Free without removing the listeners: for sink.finish, when Wireshark removes them. */
void fot_capture_free(fot_capture *c);

/* Fragments still waiting for reassembly now count as unreassembled, and one
 * line on stderr sums up malformed packets, if any. For the end of a capture. */
void fot_capture_conclude(fot_capture *c, const char *who);

#endif

/* Everything that differs between Wireshark releases, in one place.
 * Written for 4.0 (Debian 12); 4.2 and 4.4 need only what is marked here. */
#ifndef FOT_WS_COMPAT_H
#define FOT_WS_COMPAT_H

#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/epan.h>
#include <epan/packet.h>
#include <epan/tap.h>
#include <ws_version.h>

#if WIRESHARK_VERSION_MAJOR != 4 || WIRESHARK_VERSION_MINOR > 4
#error "4o6top supports Wireshark 4.0 to 4.4"
#endif

/* The listener callback gained its flags argument in 3.7; same through 4.4. */
#define FOT_TAP_PACKET_ARGS void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data, tap_flags_t flags

/* Capture time precision of this record, in fraction digits (0-9). */
static inline int
fot_ws_time_digits(const packet_info *pinfo)
{
    int prec = pinfo->rec ? pinfo->rec->tsprec : 6;
    return prec >= 0 && prec <= 9 ? prec : 9;
}

#endif

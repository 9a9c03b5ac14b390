/* The sum view, appended to a GString so that tshark (stdout) and the
 * Wireshark window render the same thing. */
#ifndef FOT_REPORT_H
#define FOT_REPORT_H

#include <glib.h>

#include "fot_engine.h"

/* sum: options, time, counts, then up to height sessions. filter may be NULL.
 * numbered: a first column with each session's number (for the GUI, whose
 * buttons take it). */
void fot_report_sum(GString *out, const fot_engine *e, const char *filter, bool numbered);

/* The sessions sum shows, in its order: at most `limit` (0: all). g_free the
 * array; its pointers are valid until the engine changes. */
const fot_session **fot_report_top(const fot_engine *e, fot_sort sort, uint32_t limit, size_t *count);

/* Dotted quad of a host-order IPv4 address into buf (16 bytes). */
const char *fot_ipv4_text(uint32_t ip, char buf[16]);
/* IPv6 text into buf (46 bytes). */
const char *fot_ipv6_text(const uint8_t a[16], char buf[46]);

#endif

/* The text of the three original views, appended to a GString so that tshark
 * (stdout) and the Wireshark window render the same thing. */
#ifndef FOT_REPORT_H
#define FOT_REPORT_H

#include <glib.h>

#include "fot_engine.h"

/* sum: options, time, counts, then up to height sessions. filter may be NULL. */
void fot_report_sum(GString *out, const fot_engine *e, const char *filter);

/* The sessions sum shows, in its order: at most `limit` (0: all). g_free the
 * array; its pointers are valid until the engine changes. */
const fot_session **fot_report_top(const fot_engine *e, fot_sort sort, uint32_t limit, size_t *count);

void fot_report_stat_header(GString *out, const fot_config *c);
void fot_report_stat_row(GString *out, const fot_engine *e, int64_t t, int frac_digits);

void fot_report_log_header(GString *out, const fot_config *c);
void fot_report_log_row(GString *out, const fot_engine *e, const fot_event *ev, const fot_session *s,
                        int frac_digits);

/* ce: one CSV row per CE/B4, ordered by address. */
void fot_report_ce_header(GString *out, const fot_config *c);
void fot_report_ce(GString *out, const fot_engine *e);
/* One line per CE whose peak port use reached the threshold of its set. */
void fot_report_ce_warnings(GString *out, const fot_engine *e);

/* Dotted quad of a host-order IPv4 address into buf (16 bytes). */
const char *fot_ipv4_text(uint32_t ip, char buf[16]);

#endif

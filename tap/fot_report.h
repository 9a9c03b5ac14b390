/* The sum view, appended to a GString so that tshark (stdout) and the
 * Wireshark window render the same thing. */
#ifndef FOT_REPORT_H
#define FOT_REPORT_H

#include <glib.h>

#include "fot_engine.h"

/* The Wireshark window's text width: what its funnel text window (620 pixels
 * wide, Wireshark gives it no other size) shows of a 10-point monospace font
 * without wrapping (74 characters), less two. */
#define FOT_REPORT_WINDOW_COLUMNS 72u

/* sum: options, time, counts, then up to height sessions. filter may be NULL.
 * numbered: the window's layout, FOT_REPORT_WINDOW_COLUMNS wide, with each
 * session's number first (its buttons take it). */
void fot_report_sum(GString *out, const fot_engine *e, const char *filter, bool numbered);

/* sum in the original tool's layout: its version and Option lines, counts,
 * and table widths; noheader does not apply (the original's -n did not).
 * The original wrote its "Total Sess" line through Go's log package, to
 * stderr: that line is out's [*log_at, *log_at + *log_len). */
void fot_report_sum_original(GString *out, const fot_engine *e, const char *filter, size_t *log_at,
                             size_t *log_len);

/* The sessions sum shows, in its order: at most `limit` (0: all). g_free the
 * array; its pointers are valid until the engine changes. */
const fot_session **fot_report_top(const fot_engine *e, fot_sort sort, uint32_t limit, size_t *count);

/* text, broken at spaces into lines of at most width characters, each
 * starting with indent. */
void fot_report_wrap(GString *out, const char *text, unsigned width, const char *indent);

#endif

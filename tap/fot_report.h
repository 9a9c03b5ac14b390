/* The sum view, appended to a GString: tshark's -z 4o6top,sum (stdout) and
 * the 4o6top window render it. */
#ifndef FOT_REPORT_H
#define FOT_REPORT_H

#include <glib.h>

#include "fot_engine.h"

/* sum: options, time, counts, then up to height sessions. filter may be NULL. */
void fot_report_sum(GString *out, const fot_engine *e, const char *filter);
/* sum as a window shows it: the option and count lines broken into lines of
 * width characters, each session's number first, 72 characters a row before
 * the tunnel columns (seconds left are elsewhere). */
void fot_report_window(GString *out, const fot_engine *e, const char *filter, unsigned width);

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

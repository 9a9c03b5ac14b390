/* Machine-readable rows: stat, log, sess and ce, as CSV (the original tool's
 * headers; with layout=original its layout byte for byte for stat, log and
 * sess) or JSON lines (the same fields in snake_case, time as "@timestamp"),
 * for shippers such as Filebeat or Logstash. */
#ifndef FOT_RECORDS_H
#define FOT_RECORDS_H

#include <glib.h>

#include "fot_engine.h"

/* The CSV header line of each mode (nothing for JSON or noheader). */
void fot_records_stat_header(GString *out, const fot_config *c);
void fot_records_log_header(GString *out, const fot_config *c);
void fot_records_sess_header(GString *out, const fot_config *c);
void fot_records_ce_header(GString *out, const fot_config *c);

void fot_records_stat(GString *out, const fot_engine *e, int64_t t, int frac_digits);
void fot_records_log(GString *out, const fot_engine *e, const fot_event *ev, const fot_session *s, int frac_digits);
/* Every CE/B4, ordered by address (with events: each row's time is now,
 * frac_digits its precision, its Event "end"). */
void fot_records_ce(GString *out, const fot_engine *e, int frac_digits);
/* A port set crossing the threshold (fot_exhaustion_fn), with events. */
void fot_records_ce_event(GString *out, const fot_config *c, const fot_ce_info *row, bool above, int64_t t,
                          int frac_digits);
/* One line per CE whose peak port use reached the threshold of its set. */
void fot_records_ce_warnings(GString *out, const fot_engine *e);

/* sess: a session opened, or ended (with its totals and duration). */
typedef enum { FOT_SESS_OPEN, FOT_SESS_TIMEOUT, FOT_SESS_EVICTED, FOT_SESS_END_OF_CAPTURE } fot_sess_event;
void fot_records_sess(GString *out, const fot_engine *e, const fot_session *s, fot_sess_event what, int64_t t,
                      int frac_digits);

#endif

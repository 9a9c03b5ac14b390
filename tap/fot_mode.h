/* The one table of modes: what -z, the help texts and a run know of each. */
#ifndef FOT_MODE_H
#define FOT_MODE_H

#include <glib.h>

#include "fot_engine.h"

typedef struct fot_run fot_run;

typedef struct fot_mode_info {
    const char *name; /* the -z mode */
    const char *help; /* one line, for the help texts */
    /* The CSV header line, or NULL for none (sum). */
    void (*header)(GString *out, const fot_config *c);
    /* Every frame, after the clock check (stat rows, sum redraws); may be NULL. */
    void (*frame)(fot_run *r, int64_t t);
    /* A tunnelled packet, after the engine counted it; may be NULL. */
    void (*packet)(fot_run *r, const fot_event *ev, const fot_packet_result *res, int frac_digits);
    /* End of the capture. */
    void (*finish)(fot_run *r);
} fot_mode_info;

/* Indexed by fot_mode; defined with the steps, in fot_run.c. */
extern const fot_mode_info fot_modes[FOT_MODE_COUNT];

/* The mode named by the first len characters of name, or -1. */
int fot_mode_find(const char *name, size_t len);
/* "sum, stat, log, ce, sess" (sep ", ") or "sum|stat|log|ce|sess" (sep "|"); g_free it. */
char *fot_mode_list(const char *sep);

#endif

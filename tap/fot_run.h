/* One tshark -z 4o6top instance over time: feeds the engine, and prints stat
 * rows as capture time crosses interval boundaries, log rows per packet, and
 * sum tables (at the end, and every interval when the input is live).
 * tshark calls draw only at the end, so everything streams from here. */
#ifndef FOT_RUN_H
#define FOT_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "fot_engine.h"
#include "fot_mode.h"

typedef struct fot_output {
    FILE *out;
    bool flush_rows;   /* flush after each row or table (stdout is not a plain file, or input is live) */
    bool live;         /* tshark reads an interface or a pipe */
    bool clear_screen; /* sum redraws: stdout is a terminal */
    FILE *log;         /* sum's Total Sess line in the original layout, off a terminal; NULL: stderr */
} fot_output;

/* Rows through an idle gap are printed, up to this many all-empty rows. */
#define FOT_MAX_GAP_ROWS 1000000

typedef struct fot_run fot_run;

fot_run *fot_run_new(const fot_config *cfg, fot_mode mode, const char *filter, fot_output out);
void fot_run_free(fot_run *r);

/* Every frame, tunnelled or not, in capture order: moves the clock. */
void fot_run_frame(fot_run *r, int64_t t);
/* A tunnelled packet of the frame last given to fot_run_frame. frac_digits:
 * the capture's time precision (6 for microseconds, 9 for nanoseconds). */
void fot_run_packet(fot_run *r, const fot_event *ev, int frac_digits);
void fot_run_tally(fot_run *r, fot_tally which, uint64_t n);
/* End of the capture: the last stat rows, the final sum table. */
void fot_run_finish(fot_run *r);

/* The engine, with every packet given so far counted. */
const fot_engine *fot_run_engine(fot_run *r);

#endif

#include "fot_run.h"

#include <glib.h>

#include "fot_report.h"
#include "fot_time.h"

struct fot_run {
    fot_config cfg;
    fot_mode mode;
    char *filter;
    fot_output io;
    fot_engine *engine;
    GString *buf;
    bool started, finished;
    int64_t first_boundary, next_boundary, last_time;
    int stat_digits;
};

static void
emit(fot_run *r)
{
    if (r->buf->len == 0)
        return;
    fwrite(r->buf->str, 1, r->buf->len, r->io.out);
    if (r->io.flush_rows)
        fflush(r->io.out);
    g_string_truncate(r->buf, 0);
}

fot_run *
fot_run_new(const fot_config *cfg, fot_mode mode, const char *filter, fot_output io)
{
    fot_run *r = g_new0(fot_run, 1);
    fot_config_copy(&r->cfg, cfg);
    r->mode = mode;
    r->filter = g_strdup(filter);
    r->io = io;
    r->engine = fot_engine_new(cfg);
    r->buf = g_string_sized_new(4096);
    r->stat_digits = fot_time_digits_for_step(cfg->interval_ns);
    if (!cfg->noheader && mode == FOT_MODE_STAT)
        fot_report_stat_header(r->buf, cfg);
    if (!cfg->noheader && mode == FOT_MODE_LOG)
        fot_report_log_header(r->buf, cfg);
    if (!cfg->noheader && mode == FOT_MODE_CE)
        fot_report_ce_header(r->buf, cfg);
    emit(r);
    return r;
}

void
fot_run_free(fot_run *r)
{
    if (!r)
        return;
    fot_engine_free(r->engine);
    fot_config_clear(&r->cfg);
    g_string_free(r->buf, TRUE);
    g_free(r->filter);
    g_free(r);
}

const fot_engine *
fot_run_engine(const fot_run *r)
{
    return r->engine;
}

static void
stat_row(fot_run *r, int64_t boundary)
{
    fot_engine_advance(r->engine, boundary);
    fot_report_stat_row(r->buf, r->engine, boundary, r->stat_digits);
    emit(r);
}

static void
sum_table(fot_run *r)
{
    if (r->io.clear_screen)
        g_string_append(r->buf, "\033[H\033[2J");
    fot_report_sum(r->buf, r->engine, r->filter);
    if (!r->io.clear_screen)
        g_string_append_c(r->buf, '\n');
    emit(r);
}

static bool
redraws(const fot_run *r)
{
    return r->mode == FOT_MODE_SUM &&
           (r->cfg.refresh == FOT_REFRESH_ON || (r->cfg.refresh == FOT_REFRESH_AUTO && r->io.live));
}

/* Rows for boundaries before t. Past the rows in which sessions can still be
 * active, a gap longer than FOT_MAX_GAP_ROWS is skipped, and said so. */
static void
stat_rows_before(fot_run *r, int64_t t)
{
    const int64_t step = r->cfg.interval_ns;
    if (r->next_boundary >= t)
        return;
    int64_t rows = (t - 1 - r->next_boundary) / step + 1;
    if (rows > FOT_MAX_GAP_ROWS) {
        uint32_t longest = 0;
        for (int c = 0; c < FOT_CLASS_COUNT; c++)
            longest = MAX(longest, r->cfg.timeout_s[c]);
        int64_t resume = fot_time_floor(t - 1, step);
        int64_t keep_until = MIN(r->next_boundary + (int64_t)longest * FOT_NS_PER_SEC + step, resume);
        while (r->next_boundary < keep_until) {
            stat_row(r, r->next_boundary);
            r->next_boundary += step;
        }
        fprintf(stderr, "4o6top: capture time jumps by %" G_GINT64_FORMAT " s; %" G_GINT64_FORMAT
                        " empty stat rows left out\n",
                (t - r->last_time) / FOT_NS_PER_SEC, (resume - r->next_boundary) / step);
        r->next_boundary = resume;
    }
    while (r->next_boundary < t) {
        stat_row(r, r->next_boundary);
        r->next_boundary += step;
    }
}

void
fot_run_frame(fot_run *r, int64_t t)
{
    const int64_t step = r->cfg.interval_ns;
    if (!r->started) {
        r->started = true;
        r->first_boundary = r->next_boundary = fot_time_floor(t, step) + step;
        r->last_time = t;
    }
    if (t < r->last_time)
        return; /* out of capture order: the clock stays where it is */
    if (r->mode == FOT_MODE_STAT) {
        stat_rows_before(r, t);
    } else if (redraws(r) && r->next_boundary < t) {
        int64_t boundary = fot_time_floor(t - 1, step);
        fot_engine_advance(r->engine, boundary);
        sum_table(r);
        r->next_boundary = boundary + step;
    }
    r->last_time = t;
    fot_engine_advance(r->engine, t);
}

void
fot_run_packet(fot_run *r, const fot_event *ev, int frac_digits)
{
    fot_packet_result res = fot_engine_packet(r->engine, ev);
    if (r->mode == FOT_MODE_LOG) {
        fot_report_log_row(r->buf, r->engine, ev, res.session, frac_digits);
        emit(r);
    }
}

void
fot_run_tally(fot_run *r, fot_tally which, uint64_t n)
{
    fot_engine_tally(r->engine, which, n);
}

void
fot_run_finish(fot_run *r)
{
    if (r->finished)
        return;
    r->finished = true;
    if (r->mode == FOT_MODE_STAT && r->started) {
        const int64_t step = r->cfg.interval_ns;
        int64_t end = -fot_time_floor(-r->last_time, step); /* first boundary at or after it */
        end = MAX(end, r->first_boundary);
        stat_rows_before(r, end + 1);
    } else if (r->mode == FOT_MODE_SUM) {
        sum_table(r);
    } else if (r->mode == FOT_MODE_CE) {
        fot_report_ce(r->buf, r->engine);
        emit(r);
        GString *warnings = g_string_new(NULL);
        fot_report_ce_warnings(warnings, r->engine);
        fputs(warnings->str, stderr);
        g_string_free(warnings, TRUE);
    }
    fflush(r->io.out);
}

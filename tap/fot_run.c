/* \summary: one -z 4o6top instance over time: the engine fed in batches, each mode's rows and tables */
#include "fot_run.h"

#include <glib.h>
#include <string.h>

#include "fot_records.h"
#include "fot_report.h"
#include "fot_time.h"

/* sum, stat and ce print nothing per packet: their packets wait to be
 * counted in a batch (fot_engine_packets), and are counted before anything
 * reads the engine. Each keeps the clock the frames before it had set, so
 * the engine sees the same steps in the same order. */

/* What a mode does at each step of a run. */
typedef struct mode_steps {
    /* The CSV header line, or NULL for none (sum). */
    void (*header)(GString *out, const fot_config *c);
    /* Every frame, after the clock check (stat rows, sum redraws); may be NULL. */
    void (*frame)(fot_run *r, int64_t t);
    /* A tunnelled packet, after the engine counted it; may be NULL. */
    void (*packet)(fot_run *r, const fot_event *ev, const fot_packet_result *res, int frac_digits);
    /* End of the capture; may be NULL. */
    void (*finish)(fot_run *r);
} mode_steps;

static const mode_steps steps[FOT_MODE_COUNT]; /* the modes' steps, defined after them */

struct fot_run {
    fot_config cfg;
    const mode_steps *mode;
    char *filter;
    fot_output io;
    fot_engine *engine;
    GString *buf;
    bool started, finished;
    int64_t first_boundary, next_boundary, last_time;
    int stat_digits;
    int time_digits; /* of the capture, for rows not tied to a packet */
    bool batched;
    unsigned queued;
    fot_timed_event queue[FOT_ENGINE_BATCH];
};

/* Count the packets waiting, then catch up with the frames after them. */
static void
count_queued(fot_run *r)
{
    if (r->queued == 0)
        return;
    fot_engine_packets(r->engine, r->queue, r->queued);
    r->queued = 0;
    fot_engine_advance(r->engine, r->last_time);
}

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

static void
set_crossed(const fot_ce_info *row, bool above, int64_t when, void *ud)
{
    fot_run *r = ud;
    fot_records_ce_event(r->buf, &r->cfg, row, above, when, r->time_digits);
    emit(r);
}

static void
session_ended(const fot_session *s, fot_end_reason why, int64_t when, void *ud)
{
    fot_run *r = ud;
    fot_records_sess(r->buf, r->engine, s, why == FOT_END_TIMEOUT ? FOT_SESS_TIMEOUT : FOT_SESS_EVICTED, when,
                     r->time_digits);
    emit(r);
}

fot_run *
fot_run_new(const fot_config *cfg, fot_mode mode, const char *filter, fot_output io)
{
    fot_run *r = g_new0(fot_run, 1);
    fot_config_copy(&r->cfg, cfg);
    r->mode = &steps[mode];
    r->filter = g_strdup(filter);
    r->io = io;
    r->engine = fot_engine_new(cfg);
    r->buf = g_string_sized_new(4096);
    r->stat_digits = fot_time_digits_for_step(cfg->interval_ns);
    r->time_digits = 6;
    r->batched = r->mode->packet == NULL;
    if (mode == FOT_MODE_SESS && cfg->ends)
        fot_engine_on_end(r->engine, session_ended, r);
    if (mode == FOT_MODE_CE && cfg->events)
        fot_engine_on_exhaustion(r->engine, set_crossed, r);
    if (r->mode->header) {
        r->mode->header(r->buf, cfg);
        emit(r);
    }
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
fot_run_engine(fot_run *r)
{
    count_queued(r);
    return r->engine;
}

static void
stat_row(fot_run *r, int64_t boundary)
{
    count_queued(r);
    fot_engine_advance(r->engine, boundary);
    fot_records_stat(r->buf, r->engine, boundary, r->stat_digits);
    emit(r);
}

/* The original cleared the screen before every table, wherever its stdout
 * went, and wrote the Total Sess line through Go's log package, to stderr.
 * On a terminal both streams are the screen: the line stays in place in
 * stdout, so the table is drawn in one piece whatever relays stderr. Off a
 * terminal it goes to stderr, as the original's did, so a redirected stdout
 * holds the original's bytes. */
static void
sum_table_original(fot_run *r)
{
    size_t at, len;
    g_string_append(r->buf, "\033[H\033[2J");
    fot_report_sum_original(r->buf, r->engine, r->filter, &at, &len);
    if (r->io.clear_screen) {
        emit(r);
        return;
    }
    FILE *log = r->io.log ? r->io.log : stderr;
    fwrite(r->buf->str, 1, at, r->io.out);
    fflush(r->io.out); /* in order, should both streams go to one place */
    fwrite(r->buf->str + at, 1, len, log);
    fflush(log);
    g_string_erase(r->buf, 0, (gssize)(at + len));
    emit(r);
}

static void
sum_table(fot_run *r)
{
    count_queued(r);
    if (r->cfg.layout == FOT_LAYOUT_ORIGINAL) {
        sum_table_original(r);
        return;
    }
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
    return r->cfg.refresh == FOT_REFRESH_ON || (r->cfg.refresh == FOT_REFRESH_AUTO && r->io.live);
}

/* sum's frame step: a redraw at each interval boundary passed, when live. */
static void
sum_frame(fot_run *r, int64_t t)
{
    const int64_t step = r->cfg.interval_ns;
    if (!redraws(r) || r->next_boundary >= t)
        return;
    int64_t boundary = fot_time_floor(t - 1, step);
    count_queued(r);
    fot_engine_advance(r->engine, boundary);
    sum_table(r);
    r->next_boundary = boundary + step;
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
    if (r->mode->frame)
        r->mode->frame(r, t);
    r->last_time = t;
    if (r->queued == 0)
        fot_engine_advance(r->engine, t);
}

void
fot_run_packet(fot_run *r, const fot_event *ev, int frac_digits)
{
    r->time_digits = frac_digits;
    if (r->batched) {
        r->queue[r->queued].ev = *ev;
        r->queue[r->queued].clock = r->last_time;
        if (++r->queued == FOT_ENGINE_BATCH)
            count_queued(r);
        return;
    }
    fot_packet_result res = fot_engine_packet(r->engine, ev);
    if (r->mode->packet)
        r->mode->packet(r, ev, &res, frac_digits);
}

static void
log_packet(fot_run *r, const fot_event *ev, const fot_packet_result *res, int frac_digits)
{
    fot_records_log(r->buf, r->engine, ev, res->session, frac_digits);
    emit(r);
}

static void
sess_packet(fot_run *r, const fot_event *ev, const fot_packet_result *res, int frac_digits)
{
    if (!res->opened)
        return;
    fot_records_sess(r->buf, r->engine, res->session, FOT_SESS_OPEN, ev->time, frac_digits);
    emit(r);
}

void
fot_run_tally(fot_run *r, fot_tally which, uint64_t n)
{
    fot_engine_tally(r->engine, which, n);
}

static void
collect_session(const fot_session *s, void *ud)
{
    g_ptr_array_add(ud, (gpointer)s);
}

static gint
compare_serial(gconstpointer a, gconstpointer b)
{
    const fot_session *x = *(const fot_session *const *)a, *y = *(const fot_session *const *)b;
    return fot_session_serial(x) < fot_session_serial(y) ? -1 : fot_session_serial(x) > fot_session_serial(y);
}

/* sess with ends: the sessions the capture ended in, oldest first. */
static void
sessions_still_open(fot_run *r)
{
    GPtrArray *open = g_ptr_array_new();
    fot_engine_foreach(r->engine, collect_session, open);
    g_ptr_array_sort(open, compare_serial);
    for (guint i = 0; i < open->len; i++)
        fot_records_sess(r->buf, r->engine, g_ptr_array_index(open, i), FOT_SESS_END_OF_CAPTURE,
                         fot_engine_now(r->engine), r->time_digits);
    emit(r);
    g_ptr_array_free(open, TRUE);
}

static void
stat_finish(fot_run *r)
{
    if (!r->started)
        return;
    const int64_t step = r->cfg.interval_ns;
    int64_t end = -fot_time_floor(-r->last_time, step); /* first boundary at or after it */
    end = MAX(end, r->first_boundary);
    stat_rows_before(r, end + 1);
}

static void
ce_finish(fot_run *r)
{
    fot_records_ce(r->buf, r->engine, r->time_digits);
    emit(r);
    GString *warnings = g_string_new(NULL);
    fot_records_ce_warnings(warnings, r->engine);
    fputs(warnings->str, stderr);
    g_string_free(warnings, TRUE);
}

static void
sess_finish(fot_run *r)
{
    if (r->cfg.ends)
        sessions_still_open(r);
}

static const mode_steps steps[] = {
    [FOT_MODE_SUM] = { NULL, sum_frame, NULL, sum_table },
    [FOT_MODE_STAT] = { fot_records_stat_header, stat_rows_before, NULL, stat_finish },
    [FOT_MODE_LOG] = { fot_records_log_header, NULL, log_packet, NULL },
    [FOT_MODE_CE] = { fot_records_ce_header, NULL, NULL, ce_finish },
    [FOT_MODE_SESS] = { fot_records_sess_header, NULL, sess_packet, sess_finish },
};
void
fot_run_finish(fot_run *r)
{
    if (r->finished)
        return;
    r->finished = true;
    count_queued(r);
    if (r->mode->finish)
        r->mode->finish(r);
    fflush(r->io.out);
}

/* \summary: the native reader's frames into fot_walk and fot_run, its live clock, drops and Ctrl-C */
#include "counting.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fot_run.h"
#include "fot_time.h"
#include "fot_walk.h"

struct fot_counting {
    fot_walk *walk;
    fot_counting_input in;
    fot_run *runs[3]; /* as tshark's -z instances, in the order given */
    unsigned n_runs;
    FILE *docs;       /* -m elastic: the stat documents' stream */
    uint64_t frames;
    uint64_t malformed;
    uint64_t first_malformed_frame;
    const char *first_malformed_why;
    int64_t interval;
    bool clock_started;
    int64_t clock;     /* the newest capture time given to the runs */
    uint64_t dropped;  /* what pcap_stats said last */
};

/* -m elastic's stat documents: each line to the document sink. */
typedef struct doc_stream {
    fot_doc_fn fn;
    void *ud;
    GString *line;
} doc_stream;

static ssize_t
doc_write(void *cookie, const char *buf, size_t size)
{
    doc_stream *d = cookie;
    for (size_t i = 0; i < size; i++) {
        g_string_append_c(d->line, buf[i]);
        if (buf[i] == '\n') {
            d->fn(d->line->str, d->ud);
            g_string_truncate(d->line, 0);
        }
    }
    return (ssize_t)size;
}

static int
doc_close(void *cookie)
{
    doc_stream *d = cookie;
    if (d->line->len)
        d->fn(d->line->str, d->ud);
    g_string_free(d->line, TRUE);
    g_free(d);
    return 0;
}

static FILE *
doc_file(fot_doc_fn fn, void *ud)
{
    doc_stream *d = g_new0(doc_stream, 1);
    d->fn = fn;
    d->ud = ud;
    d->line = g_string_new(NULL);
    cookie_io_functions_t io = { .write = doc_write, .close = doc_close };
    return fopencookie(d, "w", io);
}

/* -m elastic's documents: stat rows, and the ce events (as JSON lines). */
static fot_run *
doc_run(const fot_config *cfg, fot_mode mode, fot_output out)
{
    fot_config docs_cfg;
    char *err = NULL;
    fot_config_copy(&docs_cfg, cfg);
    fot_config_set(&docs_cfg, "format", "json", &err);
    if (mode == FOT_MODE_CE)
        fot_config_set(&docs_cfg, "events", "yes", &err);
    g_free(err);
    fot_run *run = fot_run_new(&docs_cfg, mode, NULL, out);
    fot_config_clear(&docs_cfg);
    return run;
}

fot_counting *
fot_counting_new(const fot_cli_args *a, const fot_config *cfg, const fot_counting_input *in, fot_doc_fn doc_fn,
                 void *ud)
{
    fot_counting *c = g_new0(fot_counting, 1);
    bool live = in->live;
    c->walk = fot_walk_new();
    c->in = *in;
    c->interval = cfg->interval_ns;
    struct stat st;
    bool to_file = fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
    fot_output out = { stdout, !to_file || live, live, isatty(STDOUT_FILENO) != 0, NULL };
    c->runs[c->n_runs++] = fot_run_new(cfg, a->mode, NULL, out);
    if (doc_fn) {
        c->docs = doc_file(doc_fn, ud);
        fot_output doc_out = { c->docs, true, live, false, NULL };
        c->runs[c->n_runs++] = doc_run(cfg, FOT_MODE_STAT, doc_out);
        c->runs[c->n_runs++] = doc_run(cfg, FOT_MODE_CE, doc_out);
    }
    return c;
}

void
fot_counting_free(fot_counting *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n_runs; i++)
        fot_run_free(c->runs[i]);
    if (c->docs)
        fclose(c->docs);
    fot_walk_free(c->walk);
    g_free(c);
}

static void
move_clock(fot_counting *c, int64_t t)
{
    if (c->clock_started && t <= c->clock)
        return;
    c->clock_started = true;
    c->clock = t;
}

void
fot_counting_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    fot_counting *c = (fot_counting *)user;
    int64_t t = fot_time_make(h->ts.tv_sec, c->in.nano ? h->ts.tv_usec : h->ts.tv_usec * 1000);
    c->frames++;
    move_clock(c, t);
    fot_walk_result res;
    fot_walk_frame(c->walk, c->in.linktype, bytes, h->caplen, t, &res);
    if (res.kind == FOT_WALK_MALFORMED && c->malformed++ == 0) {
        c->first_malformed_frame = c->frames;
        c->first_malformed_why = res.malformed_why;
    }
    for (unsigned i = 0; i < c->n_runs; i++) {
        fot_run *run = c->runs[i];
        fot_run_frame(run, t);
        if (res.unreassembled)
            fot_run_tally(run, FOT_TALLY_UNREASSEMBLED, res.unreassembled);
        if (res.kind == FOT_WALK_EVENT)
            fot_run_packet(run, &res.ev, c->in.digits);
        else if (res.kind == FOT_WALK_OTHER)
            fot_run_tally(run, FOT_TALLY_OTHER, 1);
        else if (res.kind == FOT_WALK_MALFORMED)
            fot_run_tally(run, FOT_TALLY_MALFORMED, 1);
    }
}

static int64_t
wall_clock(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return fot_time_make(now.tv_sec, now.tv_nsec);
}

int
fot_counting_tick(fot_counting *c)
{
    if (!c->in.live)
        return -1;
    int64_t now = wall_clock(), t = now - c->in.grace_ns;
    /* Due when the clock has reached the next interval boundary; packets
     * stamped before t are taken to have come. */
    int64_t due = c->clock_started ? fot_time_floor(c->clock, c->interval) + c->interval : t;
    if (t >= due) {
        move_clock(c, t);
        for (unsigned i = 0; i < c->n_runs; i++)
            fot_run_frame(c->runs[i], t);
        due = fot_time_floor(t, c->interval) + c->interval;
    }
    int64_t wait_ms = (due + c->in.grace_ns - now) / 1000000 + 1;
    return (int)MIN(MAX(wait_ms, 1), 60000);
}

void
fot_counting_dropped(fot_counting *c, uint64_t total)
{
    if (total <= c->dropped)
        return;
    for (unsigned i = 0; i < c->n_runs; i++)
        fot_run_tally(c->runs[i], FOT_TALLY_DROPPED, total - c->dropped);
    c->dropped = total;
}

int64_t
fot_monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return fot_time_make(now.tv_sec, now.tv_nsec);
}

uint64_t
fot_counting_frames(const fot_counting *c)
{
    return c->frames;
}

void
fot_counting_finish(fot_counting *c)
{
    uint64_t pending = fot_walk_drop_pending(c->walk);
    /* tshark draws its newest -z instance first. */
    for (unsigned i = c->n_runs; i-- > 0;) {
        fot_run_tally(c->runs[i], FOT_TALLY_UNREASSEMBLED, pending);
        if (c->malformed)
            fprintf(stderr,
                    "4o6top: %" G_GUINT64_FORMAT " tunnelled packet%s not counted: malformed (first: frame %" G_GUINT64_FORMAT
                    ", %s)\n",
                    c->malformed, c->malformed == 1 ? "" : "s", c->first_malformed_frame, c->first_malformed_why);
        fot_run_finish(c->runs[i]);
    }
}

static volatile sig_atomic_t signals_seen;
static pcap_t *breakable;

static void
on_signal(int sig)
{
    if (++signals_seen > 1) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (breakable)
        pcap_breakloop(breakable);
}

void
fot_counting_catch_signals(pcap_t *p)
{
    breakable = p;
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a read from a quiet pipe or a poll returns, and the reading ends. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

bool
fot_counting_stopped(void)
{
    return signals_seen > 0;
}

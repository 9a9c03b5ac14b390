/* \summary: the command's own reader: libpcap, fot_walk and fot_run, without tshark */
#include "native_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fot_run.h"
#include "fot_time.h"
#include "fot_walk.h"

/* Packets read between looks at signals. */
#define BATCH 4096

static volatile sig_atomic_t signals_seen;
static pcap_t *reading; /* for the signal handler */

static void
on_signal(int sig)
{
    if (++signals_seen > 1) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (reading)
        pcap_breakloop(reading);
}

static void
catch_signals(void)
{
    struct sigaction sa = { 0 };
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a read from a quiet pipe returns, and the reading ends. */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* The capture's bytes for libpcap: the head again, then the descriptor. */
typedef struct source {
    int fd;
    GByteArray *head;
    size_t replayed;
    bool recording; /* while libpcap opens: what it reads is kept in head */
} source;

static ssize_t
source_read(void *cookie, char *buf, size_t size)
{
    source *s = cookie;
    if (s->replayed < s->head->len) {
        size_t n = MIN(size, s->head->len - s->replayed);
        memcpy(buf, s->head->data + s->replayed, n);
        s->replayed += n;
        return (ssize_t)n;
    }
    for (;;) {
        if (signals_seen)
            return 0;
        ssize_t n = read(s->fd, buf, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0 && s->recording) {
            g_byte_array_append(s->head, (const guint8 *)buf, (guint)n);
            s->replayed += (size_t)n;
        }
        return n;
    }
}

static int
source_close(void *cookie)
{
    g_free(cookie);
    return 0;
}

bool
fot_native_open(fot_native_input *in, const char *bpf, bool *bad_filter, char **err)
{
    *bad_filter = false;
    if (in->regular && lseek(in->fd, (off_t)in->head->bytes->len, SEEK_SET) < 0) {
        *err = g_strdup_printf("seek: %s", g_strerror(errno));
        return false;
    }
    source *s = g_new0(source, 1);
    s->fd = in->fd;
    s->head = in->head->bytes;
    s->recording = !in->regular;
    cookie_io_functions_t io = { .read = source_read, .close = source_close };
    FILE *fp = fopencookie(s, "r", io);
    if (!fp) {
        g_free(s);
        *err = g_strdup(g_strerror(errno));
        return false;
    }
    setvbuf(fp, NULL, _IOFBF, 1 << 20);
    __fsetlocking(fp, FSETLOCKING_BYCALLER); /* one thread reads it: no lock per fread */
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    in->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!in->pcap) {
        fclose(fp);
        *err = g_strdup(errbuf);
        return false;
    }
    s->recording = false;
    if (!bpf)
        return true;
    struct bpf_program prog;
    if (pcap_compile(in->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(in->pcap, &prog) != 0) {
        *err = g_strdup(pcap_geterr(in->pcap));
        *bad_filter = true;
        return false;
    }
    pcap_freecode(&prog);
    return true;
}

void
fot_native_close(fot_native_input *in)
{
    if (in->pcap)
        pcap_close(in->pcap);
    in->pcap = NULL;
    if (in->fd > STDIN_FILENO)
        close(in->fd);
    in->fd = -1;
}

/* A -m elastic stat document stream: each line to doc_fn. */
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

/* Everything the packet callback needs. */
typedef struct reader {
    fot_walk *walk;
    int linktype;
    int digits;
    fot_run *runs[2]; /* as tshark's -z instances, in the order given */
    unsigned n_runs;
    uint64_t frames;
    uint64_t malformed;
    uint64_t first_malformed_frame;
    const char *first_malformed_why;
} reader;

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    reader *r = (reader *)user;
    int64_t t = fot_time_make(h->ts.tv_sec, h->ts.tv_usec); /* nanoseconds: asked for at opening */
    r->frames++;
    fot_walk_result res;
    fot_walk_frame(r->walk, r->linktype, bytes, h->caplen, t, &res);
    if (res.kind == FOT_WALK_MALFORMED && r->malformed++ == 0) {
        r->first_malformed_frame = r->frames;
        r->first_malformed_why = res.malformed_why;
    }
    for (unsigned i = 0; i < r->n_runs; i++) {
        fot_run *run = r->runs[i];
        fot_run_frame(run, t);
        if (res.unreassembled)
            fot_run_tally(run, FOT_TALLY_UNREASSEMBLED, res.unreassembled);
        if (res.kind == FOT_WALK_EVENT)
            fot_run_packet(run, &res.ev, r->digits);
        else if (res.kind == FOT_WALK_OTHER)
            fot_run_tally(run, FOT_TALLY_OTHER, 1);
        else if (res.kind == FOT_WALK_MALFORMED)
            fot_run_tally(run, FOT_TALLY_MALFORMED, 1);
    }
}

/* What a libpcap read error means, in one line naming the capture. */
static void
read_error(const fot_native_input *in, const char *why)
{
    if (g_str_has_prefix(why, "truncated"))
        fprintf(stderr, "4o6top: %s: cut short in the middle of a packet\n", in->name);
    else
        fprintf(stderr, "4o6top: %s: damaged or corrupt (libpcap: %s)\n", in->name, why);
}

/* The end, as tshark's draw: newest instance first, each with the fragments
 * that never completed and the malformed packets said once. */
static void
finish(reader *r)
{
    uint64_t pending = fot_walk_drop_pending(r->walk);
    for (unsigned i = r->n_runs; i-- > 0;) {
        fot_run_tally(r->runs[i], FOT_TALLY_UNREASSEMBLED, pending);
        if (r->malformed)
            fprintf(stderr,
                    "4o6top: %" G_GUINT64_FORMAT " tunnelled packet%s not counted: malformed (first: frame %" G_GUINT64_FORMAT
                    ", %s)\n",
                    r->malformed, r->malformed == 1 ? "" : "s", r->first_malformed_frame, r->first_malformed_why);
        fot_run_finish(r->runs[i]);
    }
}

static void
start_runs(reader *r, const fot_cli_args *a, const fot_native_input *in, FILE *docs)
{
    struct stat st;
    bool to_file = fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
    fot_output out = { stdout, !to_file || in->live, in->live, isatty(STDOUT_FILENO) != 0 };
    r->runs[r->n_runs++] = fot_run_new(&a->cfg, a->mode, NULL, out);
    if (docs) {
        fot_config cfg;
        char *err = NULL;
        fot_config_copy(&cfg, &a->cfg);
        fot_config_set(&cfg, "format", "json", &err);
        g_free(err);
        fot_output doc_out = { docs, true, in->live, false };
        r->runs[r->n_runs++] = fot_run_new(&cfg, FOT_MODE_STAT, NULL, doc_out);
        fot_config_clear(&cfg);
    }
}

int
fot_native_run(const fot_cli_args *a, fot_native_input *in, fot_doc_fn doc_fn, void *ud)
{
    reader r = { .walk = fot_walk_new(), .linktype = pcap_datalink(in->pcap), .digits = in->head->frac_digits };
    FILE *docs = doc_fn ? doc_file(doc_fn, ud) : NULL;
    start_runs(&r, a, in, docs);
    reading = in->pcap;
    catch_signals();
    int status = 0;
    for (;;) {
        int n = pcap_dispatch(in->pcap, BATCH, on_frame, (u_char *)&r);
        if (signals_seen || n == 0 || n == PCAP_ERROR_BREAK)
            break;
        if (n == PCAP_ERROR) {
            read_error(in, pcap_geterr(in->pcap));
            status = 1;
            break;
        }
    }
    reading = NULL;
    finish(&r);
    for (unsigned i = 0; i < r.n_runs; i++)
        fot_run_free(r.runs[i]);
    if (docs)
        fclose(docs);
    fot_walk_free(r.walk);
    return status;
}

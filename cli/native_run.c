/* \summary: the command's own reader: libpcap, fot_walk and fot_run, without tshark */
#include "native_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <unistd.h>

#include "fot_time.h"
#include "mapped_file.h"

/* Packets read between looks at Ctrl-C and the progress line. */
#define BATCH 4096
/* A live pipe (tcpdump -w -) may hold a packet this long after its time stamp. */
#define PIPE_GRACE_NS (FOT_NS_PER_SEC / 2)
/* Files larger than this show progress, when stderr is a terminal. */
#define PROGRESS_MIN_BYTES (16 << 20)
#define PROGRESS_EVERY_NS (FOT_NS_PER_SEC / 2)
/* stdio's buffer. Between a mapping and libpcap's buffer: small enough to
 * stay in the core's cache from the one copy to the other. From a pipe, as
 * large as the pipe is made: fewer reads, and fewer wake-ups of its writer
 * (cat C | 4o6top: three quarters of the wall time with 64 KiB of each). */
#define MAPPED_READ_BUFFER (64 << 10)
#define PIPE_READ_BUFFER (1 << 20)

/* The capture's bytes for libpcap: the head again, then the mapping of a
 * regular file, then the descriptor. */
struct fot_native_source {
    int fd;
    GByteArray *head;
    size_t replayed;
    fot_mapped_file *mapped; /* a regular file's bytes after the head, until they end */
    bool recording;          /* while libpcap opens: what it reads is kept in head */
    fot_counting *counting;  /* a live pipe: the clock ticks while it is quiet */
    uint64_t offset;         /* bytes of the capture read so far */
    char buffer[];           /* stdio's: glibc takes a size only with the buffer */
};

/* A live pipe's next bytes, the clock ticking meanwhile: false, stop. */
static bool
wait_for_bytes(fot_native_source *s)
{
    for (;;) {
        if (fot_counting_stopped())
            return false;
        int ms = s->counting ? fot_counting_tick(s->counting) : -1;
        if (ms < 0)
            return true;
        struct pollfd pfd = { s->fd, POLLIN, 0 };
        if (poll(&pfd, 1, ms) > 0)
            return true;
    }
}

static ssize_t
source_read(void *cookie, char *buf, size_t size)
{
    fot_native_source *s = cookie;
    if (s->replayed < s->head->len) {
        size_t n = MIN(size, s->head->len - s->replayed);
        memcpy(buf, s->head->data + s->replayed, n);
        s->replayed += n;
        s->offset += n;
        return (ssize_t)n;
    }
    if (s->mapped) {
        size_t n = fot_mapped_file_read(s->mapped, buf, size);
        if (n > 0) {
            s->offset += n;
            return (ssize_t)n;
        }
        /* The mapping's end: the file's when it was opened, or where it was cut
         * since. read(2) takes it from there, and reads what was added since. */
        if (lseek(s->fd, (off_t)fot_mapped_file_offset(s->mapped), SEEK_SET) < 0)
            return -1;
        fot_mapped_file_close(s->mapped);
        s->mapped = NULL;
    }
    for (;;) {
        if (!wait_for_bytes(s))
            return 0;
        ssize_t n = read(s->fd, buf, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0 && s->recording) {
            g_byte_array_append(s->head, (const guint8 *)buf, (guint)n);
            s->replayed += (size_t)n;
        }
        if (n > 0)
            s->offset += (uint64_t)n;
        return n;
    }
}

static int
source_close(void *cookie)
{
    fot_native_source *s = cookie;
    fot_mapped_file_close(s->mapped);
    g_free(s);
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
    fot_capture_head_unlimit_snaplen(in->head);
    size_t buffer_size = in->regular ? MAPPED_READ_BUFFER : PIPE_READ_BUFFER;
    if (!in->regular)
        fcntl(in->fd, F_SETPIPE_SZ, PIPE_READ_BUFFER); /* not a pipe, or over the user's share: as it is */
    fot_native_source *s = g_malloc0(sizeof *s + buffer_size);
    s->fd = in->fd;
    s->head = in->head->bytes;
    s->recording = !in->regular;
    if (in->regular)
        s->mapped = fot_mapped_file_open(in->fd, (uint64_t)in->size, in->head->bytes->len);
    cookie_io_functions_t io = { .read = source_read, .close = source_close };
    FILE *fp = fopencookie(s, "r", io);
    if (!fp) {
        source_close(s);
        *err = g_strdup(g_strerror(errno));
        return false;
    }
    setvbuf(fp, s->buffer, _IOFBF, buffer_size);
    __fsetlocking(fp, FSETLOCKING_BYCALLER); /* one thread reads it: no lock per fread */
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    in->pcap = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!in->pcap) {
        fclose(fp);
        *err = g_strdup(errbuf);
        return false;
    }
    s->recording = false;
    in->source = s;
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
    in->source = NULL;
    if (in->fd > STDIN_FILENO)
        close(in->fd);
    in->fd = -1;
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

/* "37 % of capture.pcap, 1 234 567 packets, 2.3 M packets/s" on stderr, redrawn in place. */
typedef struct progress {
    bool on;
    int64_t start, last;
} progress;

static void
show_progress(progress *p, const fot_native_input *in, uint64_t frames, bool done)
{
    if (!p->on)
        return;
    int64_t now = fot_monotonic_ns();
    if (done) {
        fputs("\r\033[K", stderr);
        return;
    }
    if (now - p->last < PROGRESS_EVERY_NS)
        return;
    p->last = now;
    double rate = now > p->start ? (double)frames / ((double)(now - p->start) / 1e9) : 0;
    fprintf(stderr, "\r\033[K4o6top: %.0f %% of %s, %" G_GUINT64_FORMAT " packets, %.2f M packets/s",
            100.0 * (double)in->source->offset / (double)MAX(in->size, 1), in->name, frames, rate / 1e6);
}

int
fot_native_run(const fot_cli_args *a, fot_native_input *in, fot_doc_fn doc_fn, void *ud)
{
    fot_counting_input ci = {
        .linktype = pcap_datalink(in->pcap), .digits = in->head->frac_digits, .nano = true, .live = in->live,
        .grace_ns = PIPE_GRACE_NS,
    };
    fot_counting *c = fot_counting_new(a, &a->cfg, &ci, doc_fn, ud);
    if (in->live)
        in->source->counting = c;
    fot_counting_catch_signals(in->pcap);
    progress p = { in->regular && in->size >= PROGRESS_MIN_BYTES && isatty(STDERR_FILENO), fot_monotonic_ns(), 0 };
    p.last = p.start - PROGRESS_EVERY_NS; /* a first line at once */
    show_progress(&p, in, 0, false);
    int status = 0;
    for (;;) {
        int n = pcap_dispatch(in->pcap, BATCH, fot_counting_frame, (u_char *)c);
        if (fot_counting_stopped() || n == 0 || n == PCAP_ERROR_BREAK)
            break;
        if (n == PCAP_ERROR) {
            show_progress(&p, in, 0, true);
            read_error(in, pcap_geterr(in->pcap));
            status = 1;
            break;
        }
        show_progress(&p, in, fot_counting_frames(c), false);
    }
    in->source->counting = NULL;
    show_progress(&p, in, 0, true);
    fot_counting_finish(c);
    fot_counting_free(c);
    return status;
}

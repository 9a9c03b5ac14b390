/* \summary: the command: the original Go tool's command line over the counting code.
 * Flags are checked here, by tap/'s option table, before anything is read.
 * The capture is read by the command itself (libpcap and tap/'s walk), or,
 * when only tshark can read it or a display filter is asked for, by tshark
 * with the 4o6top plugin; either prints what -z 4o6top prints. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture_head.h"
#include "elastic.h"
#include "flags.h"
#include "fot_link.h"
#include "fot_time.h"
#include "live_capture.h"
#include "native_run.h"
#include "tshark_run.h"

/* A pipe whose first packet is this recent is live: a capture being taken
 * (tcpdump may hold packets a while before it writes them), not an old file. */
#define LIVE_PAST_S 600
#define LIVE_AHEAD_S 60

/* The stat documents and the ce events; not the ce rows of the end (a
 * summary of every CE at once, which the events already told of as they
 * happened). */
static void
post_document(const char *line, void *ud)
{
    if (strstr(line, "\"mode\":\"ce\"") && strstr(line, "\"event\":\"end\""))
        return;
    fot_elastic_add(ud, line);
}

static bool
recent(int64_t t)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t wall = fot_time_make(now.tv_sec, now.tv_nsec);
    return t >= wall - LIVE_PAST_S * FOT_NS_PER_SEC && t <= wall + LIVE_AHEAD_S * FOT_NS_PER_SEC;
}

/* Opens the capture and reads its head: -1, or the exit status after one
 * line naming the capture. */
static int
open_capture(const fot_cli_args *a, fot_native_input *in, fot_capture_head *head)
{
    bool is_stdin = strcmp(a->file, "-") == 0;
    in->name = is_stdin ? "standard input" : a->file;
    in->fd = is_stdin ? STDIN_FILENO : open(a->file, O_RDONLY | O_CLOEXEC);
    in->head = head;
    struct stat st;
    if (in->fd < 0 || fstat(in->fd, &st) != 0) {
        fprintf(stderr, "4o6top: cannot read %s: %s\n", a->file, g_strerror(errno));
        return 1;
    }
    if (S_ISDIR(st.st_mode)) {
        fprintf(stderr, "4o6top: %s: a directory, not a capture file\n", in->name);
        return 1;
    }
    in->regular = S_ISREG(st.st_mode);
    in->size = st.st_size;
    char *err = NULL;
    if (!fot_capture_head_read(in->fd, in->regular, head, &err)) {
        fprintf(stderr, "4o6top: cannot read %s: %s\n", in->name, err);
        g_free(err);
        return 1;
    }
    if (head->interrupted && (head->cut || head->format == FOT_HEAD_EMPTY))
        return 0; /* Ctrl-C before any packet came */
    if (head->format == FOT_HEAD_EMPTY) {
        fprintf(stderr, "4o6top: %s: empty, not a capture file\n", in->name);
        return 1;
    }
    if (head->cut) {
        fprintf(stderr, "4o6top: %s: cut short in its header\n", in->name);
        return 1;
    }
    in->live = !in->regular && head->have_first_time && recent(head->first_time);
    return -1;
}

/* Why tshark must read the capture; NULL: the native reader can. */
static const char *
tshark_reason(const fot_cli_args *a, const fot_capture_head *head)
{
    if (a->filter)
        return "-filter is a Wireshark display filter";
    if (head->format == FOT_HEAD_GZIP)
        return "it is compressed";
    if (head->format == FOT_HEAD_OTHER)
        return "it is neither pcap nor pcapng";
    if (head->not_native)
        return head->not_native;
    if (head->linktype >= 0 && !fot_link_known(head->linktype))
        return "its link type is not one the native reader walks";
    return NULL;
}

static int
run_tshark(const fot_cli_args *a, fot_native_input *in, const char *note, fot_elastic *elastic)
{
    bool profile = fot_tshark_profile_installed();
    if (!profile)
        fprintf(stderr, "4o6top: the configuration profile \"%s\" is not installed (the 4o6top package has it); "
                        "running with Wireshark's defaults, slower\n", FOT_CLI_PROFILE);
    if (in->regular && lseek(in->fd, 0, SEEK_SET) < 0) {
        fprintf(stderr, "4o6top: cannot read %s: %s\n", in->name, g_strerror(errno));
        return 1;
    }
    fot_tshark_input tin = { .fd = in->fd, .name = in->name, .note = note };
    if (!in->regular) {
        tin.prefix = in->head->bytes->data;
        tin.prefix_len = in->head->bytes->len;
    }
    GPtrArray *argv = fot_tshark_argv(a, profile, !in->live);
    char *err = NULL;
    int status = fot_tshark_run(argv, &tin, elastic ? post_document : NULL, elastic, &err);
    in->fd = -1; /* closed by the run */
    if (err) {
        fprintf(stderr, "4o6top: %s\n", err);
        g_free(err);
    }
    g_ptr_array_free(argv, TRUE);
    return status;
}

/* The native reader, or tshark when it must (saying why in one line). */
static int
read_capture(const fot_cli_args *a, fot_native_input *in, fot_elastic *elastic)
{
    bool forced_native = g_strcmp0(a->engine, "native") == 0;
    const char *why = g_strcmp0(a->engine, "tshark") == 0 ? NULL : tshark_reason(a, in->head);
    if (why && forced_native) {
        fprintf(stderr, "4o6top: %s: the native reader cannot read it: %s\n", in->name, why);
        return 1;
    }
    if (why && a->bpf) {
        fprintf(stderr, "4o6top: -f needs the native reader, which cannot read %s: %s\n", in->name, why);
        return 2;
    }
    if (g_strcmp0(a->engine, "tshark") == 0)
        return run_tshark(a, in, NULL, elastic);
    if (why) {
        char *note = g_strdup_printf("4o6top: %s read by tshark: %s", in->name, why);
        bool unknown = in->head->format == FOT_HEAD_OTHER; /* said only if tshark can read it */
        if (!unknown)
            fprintf(stderr, "%s\n", note);
        int status = run_tshark(a, in, unknown ? note : NULL, elastic);
        g_free(note);
        return status;
    }
    bool bad_filter;
    char *err = NULL;
    if (!fot_native_open(in, a->bpf, &bad_filter, &err)) {
        int status = 1;
        if (bad_filter) {
            fprintf(stderr, "4o6top: invalid value \"%s\" for flag -f: %s\n", a->bpf, err);
            status = 2;
        } else if (forced_native || a->bpf) {
            fprintf(stderr, "4o6top: %s: libpcap cannot read it: %s\n", in->name, err);
        } else {
            fprintf(stderr, "4o6top: %s read by tshark: libpcap cannot read it (%s)\n", in->name, err);
            status = run_tshark(a, in, NULL, elastic);
        }
        g_free(err);
        return status;
    }
    return fot_native_run(a, in, elastic ? post_document : NULL, elastic);
}

int
main(int argc, char **argv)
{
    fot_cli_args a;
    char *err = NULL;
    fot_cli_parse_result parsed = fot_cli_parse(argc, argv, &a, &err);
    if (parsed == FOT_CLI_HELP) {
        char *help = fot_cli_help();
        fputs(help, stdout);
        g_free(help);
        fot_cli_args_clear(&a);
        return 0;
    }
    fot_elastic *elastic = NULL;
    if (parsed == FOT_CLI_RUN && a.elastic && !(elastic = fot_elastic_new(a.url, &err))) {
        char *why = err;
        err = g_strdup_printf("invalid value \"%s\" for flag -E: %s", a.url, why);
        g_free(why);
        parsed = FOT_CLI_BAD;
    }
    if (parsed == FOT_CLI_RUN && !a.iface && g_strcmp0(a.file, "-") == 0 && isatty(STDIN_FILENO)) {
        err = g_strdup("-r - reads a capture from standard input, which is a terminal: "
                       "pipe one in (tcpdump -l -w - ... | 4o6top) or give -r FILE");
        parsed = FOT_CLI_BAD;
    }
    if (parsed == FOT_CLI_BAD) {
        fprintf(stderr, "4o6top: %s\n", err);
        g_free(err);
        fot_cli_args_clear(&a);
        return 2; /* as Go's flag package */
    }

    fot_native_input in = { .fd = -1 };
    fot_capture_head head = { 0 };
    fot_counting_catch_signals(NULL); /* Ctrl-C while waiting for a pipe's first packet */
    int status;
    if (a.iface) {
        status = fot_live_capture(&a, elastic ? post_document : NULL, elastic);
    } else if ((status = open_capture(&a, &in, &head)) < 0) {
        status = read_capture(&a, &in, elastic);
    }
    if (elastic) {
        unsigned unsent = fot_elastic_finish(elastic);
        if (unsent) {
            fprintf(stderr, "4o6top: elastic: %u documents not stored\n", unsent);
            status = status ? status : 1;
        }
    }
    fot_native_close(&in);
    fot_capture_head_clear(&head);
    fot_cli_args_clear(&a);
    return status;
}

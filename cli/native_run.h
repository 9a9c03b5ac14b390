/* The command's own reader of a capture file or pipe: libpcap reads it,
 * counting.h counts each frame. A live pipe ticks with the wall clock while
 * it is quiet; a big file read with stderr on a terminal shows its
 * progress there. */
#ifndef FOT_CLI_NATIVE_RUN_H
#define FOT_CLI_NATIVE_RUN_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <sys/types.h>

#include "capture_head.h"
#include "counting.h"
#include "flags.h"
#include "tshark_run.h"

typedef struct fot_native_source fot_native_source;

typedef struct fot_native_input {
    const char *name;        /* in messages: the file's name, or "standard input" */
    int fd;                  /* the capture, its head already read (closed by fot_native_close) */
    bool regular;            /* a regular file (else a pipe, FIFO or terminal) */
    off_t size;              /* a regular file's size */
    bool live;               /* packets come as they happen: rows flushed, sum redrawn */
    fot_capture_head *head;  /* its first bytes: read again from there */
    pcap_t *pcap;            /* set by fot_native_open */
    fot_native_source *source; /* the stream libpcap reads */
} fot_native_input;

/* libpcap opens the capture (with the -f filter, if any). false: *err says
 * why libpcap cannot read it (the capture's fault: try tshark), and
 * *bad_filter is set when the fault is -f's (a usage error). The bytes
 * libpcap consumed are added to head->bytes, so that tshark can be fed from
 * the start. */
bool fot_native_open(fot_native_input *in, const char *bpf, bool *bad_filter, char **err);

/* Reads the whole capture; the exit status (0, or 1 with one line on stderr
 * naming the capture when it could not be read to its end). doc_fn: -m
 * elastic's stat documents go there, one line each. */
int fot_native_run(const fot_cli_args *a, fot_native_input *in, fot_doc_fn doc_fn, void *ud);

void fot_native_close(fot_native_input *in);

#endif

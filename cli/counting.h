/* What the native reader does with each frame libpcap gives it, whether it
 * reads a file, a pipe or an interface: tap/'s walk (fot_walk), then fot_run
 * for the mode asked (and, for -m elastic, a stat run for the documents),
 * in the order tshark's -z instances run. Live input also moves the capture
 * clock with the wall clock while no packet comes, so that sum tables and
 * stat rows come every interval; and takes note of the packets the capture
 * dropped. Ctrl-C (SIGINT, SIGTERM, SIGHUP) ends the reading; a second one
 * ends the command. */
#ifndef FOT_CLI_COUNTING_H
#define FOT_CLI_COUNTING_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "flags.h"
#include "tshark_run.h"

typedef struct fot_counting fot_counting;

typedef struct fot_counting_input {
    int linktype;     /* pcap_datalink */
    int digits;       /* the capture's time precision, as rows print it */
    bool nano;        /* libpcap gives nanoseconds (else microseconds) */
    bool live;        /* input that happens now: rows flushed, sum redrawn, wall-clock ticks */
    int64_t grace_ns; /* live: how long after its time stamp a packet may still come */
} fot_counting_input;

/* cfg: the settings (a->cfg, or a copy the caller changed). */
fot_counting *fot_counting_new(const fot_cli_args *a, const fot_config *cfg, const fot_counting_input *in,
                               fot_doc_fn doc_fn, void *ud);
void fot_counting_free(fot_counting *c);

/* A pcap_handler: user is the fot_counting. */
void fot_counting_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes);

/* Live input: when the next interval is due and no packet has moved the
 * clock there, moves it with the wall clock. Returns the milliseconds until
 * the next tick is due (-1: input not live). */
int fot_counting_tick(fot_counting *c);

/* The capture's count of packets it dropped so far (pcap_stats). */
void fot_counting_dropped(fot_counting *c, uint64_t total);
uint64_t fot_counting_frames(const fot_counting *c);

/* The monotonic clock, ns: the live intervals, progress and pcap_stats look-ups. */
int64_t fot_monotonic_ns(void);

/* The end of the capture: what tshark prints when it draws (pending
 * fragments, the malformed packets' line, the final rows or table). */
void fot_counting_finish(fot_counting *c);

/* Ctrl-C handling: the first breaks p's loop (may be NULL), a second one
 * ends the command. */
void fot_counting_catch_signals(pcap_t *p);
bool fot_counting_stopped(void);

#endif

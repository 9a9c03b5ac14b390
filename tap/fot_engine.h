/* The session engine: one event per tunnelled packet in, the table of active
 * IPv4-in-IPv6 sessions out. Pure C + GLib; knows nothing of Wireshark.
 *
 * A session is (CE/B4 IPv6 address, protocol, client IPv4:port, server
 * IPv4:port); both directions are one session. Time is capture time: a
 * session is active at t when t < last_seen + timeout of its class. */
#ifndef FOT_ENGINE_H
#define FOT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_active_counts.h"
#include "fot_ce.h"
#include "fot_config.h"
#include "fot_event.h"
#include "fot_names.h"
#include "fot_session.h"

/* Tunnelled packets that open no session, shown so nothing goes missing. */
typedef enum {
    FOT_TALLY_OTHER,         /* inner IPv4 carrying neither TCP, UDP nor ICMP */
    FOT_TALLY_MALFORMED,     /* inner header not usable */
    FOT_TALLY_UNREASSEMBLED, /* fragments whose packet never completed */
    FOT_TALLY_DROPPED,       /* packets the capture dropped (kernel buffer full, interface), never seen */
    FOT_TALLY_COUNT
} fot_tally;

typedef struct fot_engine fot_engine;

fot_engine *fot_engine_new(const fot_config *cfg);
void fot_engine_free(fot_engine *e);
void fot_engine_reset(fot_engine *e);

/* Move capture time forward (never back) and end sessions that timed out,
 * in the order of their expiry times. */
void fot_engine_advance(fot_engine *e, int64_t now);
int64_t fot_engine_now(const fot_engine *e);
bool fot_engine_started(const fot_engine *e);

typedef struct fot_packet_result {
    const fot_session *session; /* valid until the next call that changes the engine */
    fot_dir dir;
    bool opened;
    fot_verdict verdict;    /* what the BR would decide for this packet */
    bool out_of_set;        /* fot_verdict_out_of_set(verdict) */
    bool crossed_threshold; /* this packet's session took its set's port use past the threshold */
    uint32_t set_ports_in_use; /* in-set ports in use of the set the packet counts on; 0: none */
    uint64_t set_size;      /* that set's size (fot_ce_set_size); 0: no whole set */
    uint32_t set_ipv4;      /* that set's IPv4 and PSID */
    uint16_t set_psid;
    bool several_sets;      /* the CE/B4 holds more sets than that one */
    int64_t gap;            /* ns since the session's previous packet; -1 when it opened */
} fot_packet_result;

/* Count one tunnelled packet (advancing time to it first). */
fot_packet_result fot_engine_packet(fot_engine *e, const fot_event *ev);

/* A packet to count once the frames before it have moved the clock to `clock`. */
typedef struct fot_timed_event {
    fot_event ev;
    int64_t clock;
} fot_timed_event;

/* Up to FOT_ENGINE_BATCH packets, counted as fot_engine_advance(clock) then
 * fot_engine_packet for each in order, for views that need no result per
 * packet. With a large table most of a packet's cost is waiting for memory
 * (the index slots that name its session and CE/B4, then the records they
 * name): a batch asks for all of them first, so that the waits overlap. */
#define FOT_ENGINE_BATCH 16
void fot_engine_packets(fot_engine *e, const fot_timed_event *batch, unsigned n);

/* Told of every session that ends, just before it goes: at its expiry time
 * (timed out) or now (evicted at the session cap). */
typedef enum { FOT_END_TIMEOUT, FOT_END_EVICTED } fot_end_reason;
typedef void (*fot_end_fn)(const fot_session *s, fot_end_reason why, int64_t when, void *ud);
void fot_engine_on_end(fot_engine *e, fot_end_fn fn, void *ud);

/* fot_ce.h: a CE/B4's port set crossing the threshold, up or back down. */
void fot_engine_on_exhaustion(fot_engine *e, fot_exhaustion_fn fn, void *ud);

void fot_engine_tally(fot_engine *e, fot_tally which, uint64_t n);
uint64_t fot_engine_tally_get(const fot_engine *e, fot_tally which);

/* The active sessions, now. */
uint32_t fot_engine_active(const fot_engine *e);
/* They and their distinct values, by protocol (fot_active_counts.h). */
void fot_engine_counts(const fot_engine *e, fot_counts *out);
uint64_t fot_engine_sessions_opened(const fot_engine *e);
/* Sessions ended early at the max_sessions cap (least recently seen first),
 * and CE/B4 records dropped to make room for new addresses. */
uint64_t fot_engine_evicted(const fot_engine *e);
uint64_t fot_engine_forgotten_ces(const fot_engine *e);

/* Each active session, in no particular order. */
typedef void (*fot_session_fn)(const fot_session *s, void *ud);
void fot_engine_foreach(const fot_engine *e, fot_session_fn fn, void *ud);

/* Capture time at which the session ends unless another packet comes. */
int64_t fot_engine_expiry(const fot_engine *e, const fot_session *s);

const uint8_t *fot_engine_node_addr(const fot_engine *e, uint32_t node);

/* Each node that has been the CE/B4 side of a session, in order of appearance:
 * the CE as a whole, or one row per port set it holds (fot_ce.h). */
void fot_engine_foreach_ce(const fot_engine *e, fot_ce_fn fn, void *ud);
void fot_engine_foreach_ce_row(const fot_engine *e, fot_ce_fn fn, void *ud);
void fot_engine_ce(const fot_engine *e, uint32_t node, fot_ce_info *out);

/* The most client ports any one CE/B4 has in use now. */
uint32_t fot_engine_max_ce_ports(const fot_engine *e);

const fot_config *fot_engine_config(const fot_engine *e);

#endif

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

#include "fot_config.h"

/* One tunnelled packet: outer IPv6 around inner IPv4 carrying TCP/UDP/ICMP. */
typedef struct fot_event {
    int64_t time;          /* capture time, ns since the epoch */
    uint8_t outer_src[16]; /* IPv6 */
    uint8_t outer_dst[16];
    uint32_t inner_src;    /* IPv4, host byte order */
    uint32_t inner_dst;
    uint16_t src_port;     /* TCP/UDP port; ICMP: identifier (bytes 4-5) */
    uint16_t dst_port;
    uint8_t proto;         /* FOT_IPPROTO_TCP, _UDP or _ICMP */
    uint8_t tcp_flags;
    uint8_t icmp_type;
    bool quoted;           /* an ICMP error whose quoted TCP/UDP ports were read: */
    uint16_t quoted_src_port, quoted_dst_port;
    uint32_t ipv6_len;     /* IPv6 payload length(s) of the packet's fragments */
    uint32_t ipv4_len;     /* inner IPv4 total length(s) */
} fot_event;

typedef enum { FOT_DIR_UP = 0, FOT_DIR_DOWN = 1 } fot_dir; /* client->server, server->client */

/* What told which side is the client; a weaker guess yields to a marker. */
typedef enum {
    FOT_ORIENT_FIRST_PACKET, /* the sender of the session's first packet */
    FOT_ORIENT_MARKER,       /* TCP SYN / SYN-ACK, ICMP echo request / reply */
    FOT_ORIENT_SRC_HINT,     /* src= matched an inner address */
} fot_orient;

/* What a packet of a session reads and writes: one 64-byte cache line (the
 * engine keeps it aligned to one; what only opening, relinking and reports
 * read is kept apart: fot_session_serial, fot_session_first). */
typedef struct fot_session {
    uint32_t ce;               /* node number of the CE/B4 IPv6 address */
    uint32_t client_ip, server_ip;
    uint16_t client_port, server_port;
    uint8_t proto;
    uint8_t tclass;            /* fot_class */
    uint8_t orient;            /* fot_orient */
    uint8_t verdict;           /* fot_verdict of its client IPv4:port, judged when it opened */
    uint32_t br;               /* node number of the BR/AFTR IPv6 address */
    int64_t last;              /* capture time of its last packet, ns */
    uint64_t packets[2];       /* by fot_dir */
    uint64_t bytes[2];
} fot_session;

/* 1, 2, ...: its order of opening within the engine. */
uint32_t fot_session_serial(const fot_session *s);
/* Capture time of its first packet, ns. */
int64_t fot_session_first(const fot_session *s);

typedef enum { FOT_P_TCP, FOT_P_UDP, FOT_P_ICMP, FOT_P_COUNT } fot_proto_index;

typedef struct fot_proto_counts {
    uint32_t sessions;
    uint32_t dst_ips;   /* distinct server IPv4 addresses */
    uint32_t src_ports; /* distinct client ports (ICMP: identifiers) */
    uint32_t dst_ports; /* distinct server ports */
} fot_proto_counts;

typedef struct fot_counts {
    uint32_t sessions;
    fot_proto_counts proto[FOT_P_COUNT];
} fot_counts;

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
    bool crossed_threshold; /* this packet's session took its set's peak port use to the threshold */
    uint32_t set_ports;     /* in-set ports in use of the set the packet counts on; 0: none */
    uint64_t set_size;      /* that set's size (fot_ce_set_size); 0: no whole set */
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

void fot_engine_tally(fot_engine *e, fot_tally which, uint64_t n);
uint64_t fot_engine_tally_get(const fot_engine *e, fot_tally which);

/* The active sessions, now. */
uint32_t fot_engine_active(const fot_engine *e);
/* They and their distinct values, by protocol: a pass over every session. */
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

/* ---- CE/B4 insight ---- */

typedef enum { FOT_MECH_UNKNOWN, FOT_MECH_DSLITE, FOT_MECH_MAPE, FOT_MECH_LW4O6 } fot_mechanism;
const char *fot_mechanism_name(fot_mechanism m);

/* Where the CE's IPv4 and port set come from. */
typedef enum {
    FOT_SET_NONE,    /* nothing known */
    FOT_SET_IID,     /* the MAP interface identifier: IPv4 and PSID, not the PSID length */
    FOT_SET_RULE,    /* a configured MAP rule: the whole port set */
    FOT_SET_BINDING, /* a configured LW4o6 binding: the whole port set */
} fot_set_source;

/* A CE/B4 as a whole (fot_engine_ce), or one row of the ce view: one port
 * set it holds (fot_engine_foreach_ce_row; a B4 with several softwires has a
 * row each), or the CE itself when it holds none. */
typedef struct fot_ce_info {
    uint32_t node;
    const uint8_t *addr;
    fot_mechanism mechanism;
    fot_set_source source;
    fot_port_set set;        /* ipv4 and psid valid unless source is NONE; the rest for RULE, BINDING */
    uint32_t softwire;       /* a row's binding number, 0: none */
    uint32_t client_ip;      /* the first client IPv4 seen (on the row) */
    bool many_ips;           /* more than one */
    uint32_t ports_in_use;   /* distinct TCP and UDP client ports of its active sessions; in-set only
                                when it holds sets */
    uint32_t peak_ports;     /* the most at any instant */
    int64_t peak_time;
    uint32_t active_sessions; /* of the CE */
    uint64_t sessions;       /* opened in all (on the row) */
    uint64_t verdicts[FOT_VERDICT_COUNT]; /* packets judged, by verdict */
    uint64_t out_of_set;     /* the packets of out-of-set verdicts */
} fot_ce_info;

/* Each node that has been the CE/B4 side of a session, in order of appearance. */
typedef void (*fot_ce_fn)(const fot_ce_info *ce, void *ud);
void fot_engine_foreach_ce(const fot_engine *e, fot_ce_fn fn, void *ud);
void fot_engine_foreach_ce_row(const fot_engine *e, fot_ce_fn fn, void *ud);
void fot_engine_ce(const fot_engine *e, uint32_t node, fot_ce_info *out);

/* The one port-set size (every address of the set; 0 unless a rule or
 * binding gives the whole set) and the one exhaustion rule (peak at or past
 * threshold % of it) that every view uses. */
uint64_t fot_ce_set_size(const fot_ce_info *ce);
bool fot_ce_near_exhaustion(const fot_ce_info *ce, uint32_t threshold);

/* The most client ports any one CE/B4 has in use now. */
uint32_t fot_engine_max_ce_ports(const fot_engine *e);

const fot_config *fot_engine_config(const fot_engine *e);

fot_proto_index fot_proto_index_of(uint8_t ip_proto);
const char *fot_proto_name(uint8_t ip_proto);

#endif

/* A session as the engine keeps it and every view reads it: its tunnel (the
 * CE/B4 and BR/AFTR IPv6 addresses), protocol, client IPv4:port (the inner
 * endpoint behind the CE/B4) and server IPv4:port, both directions in one
 * record. */
#ifndef FOT_SESSION_H
#define FOT_SESSION_H

#include <stdint.h>

typedef enum { FOT_DIR_UP = 0, FOT_DIR_DOWN = 1 } fot_dir; /* client->server, server->client */

/* Timeout classes (semantics.md, "Time and timeouts"). */
typedef enum {
    FOT_CLASS_TCP,
    FOT_CLASS_TCP_CLOSING,
    FOT_CLASS_UDP,
    FOT_CLASS_DNS,
    FOT_CLASS_ICMP,
    FOT_CLASS_COUNT
} fot_class;

/* fot_session.flags */
enum {
    FOT_SESSION_INBOUND = 1, /* opened from the BR/AFTR side: its opener is on the Internet */
    FOT_SESSION_MARKED = 2,  /* a marker (TCP SYN, ICMP query or error) has said who opened it */
};

/* What a packet of a session reads and writes: one 64-byte cache line (the
 * pool keeps it aligned to one; what only opening, relinking and reports
 * read is kept apart: fot_session_serial, fot_session_first). */
typedef struct fot_session {
    uint32_t ce;               /* node number of the CE/B4 IPv6 address */
    uint32_t client_ip, server_ip;
    uint16_t client_port, server_port;
    uint8_t proto;
    uint8_t tclass;            /* fot_class */
    uint8_t flags;             /* FOT_SESSION_* */
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

#endif

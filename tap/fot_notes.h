/* What the post-dissector's one pass said of each tunnelled frame, kept
 * compactly for as long as the file is open (Wireshark, tshark -2), so every
 * later dissection shows the same values.
 *
 * Per tunnelled frame: a 32-byte record (the values that change from packet
 * to packet) and 1.5 bits of frame map. Per session: 20 bytes (endpoints,
 * CE/B4 and BR/AFTR as address numbers). Per distinct IPv6 address: 16 bytes,
 * an index slot or two, and for a CE/B4 the list of its mechanism / PSID /
 * port-set changes (12 bytes each, a handful per CE). A value too wide for
 * its record field (session bytes >= 2^48, packet bytes >= 2^24) is kept
 * whole beside the record, so nothing is rounded. */
#ifndef FOT_NOTES_H
#define FOT_NOTES_H

#include <stdbool.h>
#include <stdint.h>

/* fot_note.flags */
enum {
    FOT_NOTE_NEW_SESSION = 1,
    FOT_NOTE_OUT_OF_SET = 2,
    FOT_NOTE_UPSTREAM = 4,
    FOT_NOTE_CROSSED_THRESHOLD = 8, /* this packet took its CE to the port-use threshold */
    FOT_NOTE_REOPENED = 16,         /* opened less than a timeout after its key's last session timed out */
    FOT_NOTE_HAS_PSID = 32,
    FOT_NOTE_INBOUND = 128,         /* its session was opened from the BR/AFTR side */
};

/* One tunnelled frame's values, whole. */
typedef struct fot_note {
    uint32_t session;          /* serial, 1, 2, ... */
    uint8_t flags;
    uint8_t proto;             /* FOT_IPPROTO_TCP, _UDP or _ICMP */
    uint8_t tclass;            /* fot_class */
    uint8_t mechanism;         /* fot_mechanism */
    uint8_t why;               /* fot_why: what made the mechanism */
    uint8_t ended_class;       /* REOPENED: the class of the session that timed out */
    uint8_t verdict;           /* fot_verdict */
    uint16_t client_port, server_port, psid;
    uint32_t client_ip, server_ip; /* host byte order */
    uint8_t ce[16], br[16];
    uint32_t active_sessions;
    uint32_t ce_ports_in_use;  /* at most 65 536 */
    uint32_t ce_port_set_size; /* 0 unless the whole set is known */
    uint32_t packet_bytes;
    uint64_t session_packets;  /* at most the number of frames */
    uint64_t session_bytes;
    int64_t gap;               /* ns since the session's previous packet; -1 for a new session */
    int64_t reopen_gap;        /* REOPENED: ns since that session timed out */
    /* CROSSED_THRESHOLD: the set that crossed (a B4 may hold several) */
    uint64_t crossed_set_size;
    uint32_t crossed_ipv4;
    uint16_t crossed_psid;
    bool crossed_one_of_several;
} fot_note;

typedef struct fot_notes fot_notes;

fot_notes *fot_notes_new(void);
void fot_notes_free(fot_notes *n);

/* Keep frame's note. Frames come in increasing order (the first pass); a
 * frame at or before the last one kept is refused. */
bool fot_notes_put(fot_notes *n, uint32_t frame, const fot_note *note);
bool fot_notes_get(const fot_notes *n, uint32_t frame, fot_note *out);

/* Bytes held, by kind: for the memory figures and the tests. */
typedef struct fot_notes_size {
    uint64_t frames;   /* records and frame map */
    uint64_t sessions; /* session records */
    uint64_t addresses; /* addresses, their index and CE histories */
    uint64_t wide;     /* values kept whole */
} fot_notes_size;
void fot_notes_size_of(const fot_notes *n, fot_notes_size *out);

#endif

/* IPv6 fragments of IPv4-in-IPv6 packets, put together by 4o6top itself (the
 * fast path, where Wireshark's IPv6 dissector does not run).
 *
 * A packet is complete, as in Wireshark's reassembly, when its fragments
 * cover every byte from 0 to the end the last fragment (M = 0) gives; then
 * it counts once, with the IPv6 Payload Lengths of all its fragments added
 * up (duplicates too, as the frame reader counts Wireshark's). Only the
 * first FOT_DEFRAG_HEAD bytes are kept, enough for the inner IPv4, TCP, UDP
 * or ICMP header and an ICMP error's quote; where fragments overlap, the
 * bytes that came first stay.
 *
 * A series belongs to whoever took its first fragment seen: 4o6top claims it
 * only on a first fragment (offset 0) whose inner header it can count
 * (starts_plain); a series first seen any other way is marked
 * Wireshark's, so that its later fragments go there too and no packet is
 * split between the two. Bounded in age and size, as fot_frag is.
 *
 * The command's own reader also puts together what Wireshark's IPv6 and IPv4
 * reassembly would: a table made by fot_defrag_new_every_series claims every
 * series, keyed by any fot_frag_key. */
#ifndef FOT_DEFRAG_H
#define FOT_DEFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_frag.h"
#include "fot_packet.h"

/* Enough for an IPv4 header with options, an ICMP error's 8 bytes, and the
 * quoted IPv4 header with options and its ports: 60 + 8 + 60 + 4. */
#define FOT_DEFRAG_HEAD 136

typedef struct fot_defrag fot_defrag;

typedef struct fot_defrag_packet {
    uint8_t head[FOT_DEFRAG_HEAD];
    size_t head_len;   /* bytes of head filled: min(FOT_DEFRAG_HEAD, length) */
    size_t length;     /* the reassembled fragmentable part */
    uint32_t ipv6_len; /* IPv6 Payload Lengths of its fragments, added up */
} fot_defrag_packet;

typedef enum {
    FOT_DEFRAG_THEIRS,   /* Wireshark's series: give the fragment to Wireshark */
    FOT_DEFRAG_HELD,     /* kept; the packet is not complete yet */
    FOT_DEFRAG_COMPLETE, /* *out is the packet; its series is gone */
} fot_defrag_status;

fot_defrag *fot_defrag_new(void);
fot_defrag *fot_defrag_new_every_series(void);
void fot_defrag_free(fot_defrag *d);

/* A fragment of any kind: its series, place and bytes. */
typedef struct fot_fragment {
    fot_frag_key key;
    size_t offset;         /* bytes */
    bool more;             /* more fragments follow */
    const uint8_t *data;   /* this fragment's part of the packet: len bytes, */
    size_t len;
    size_t bytes;          /* of which the first `bytes` are given (the rest counts as there) */
    uint32_t ipv6_len;     /* its IPv6 Payload Length, added up */
    bool starts_plain;     /* see fot_tunnel_fragment; ignored by every-series tables */
} fot_fragment;

fot_defrag_status fot_defrag_add_fragment(fot_defrag *d, const fot_fragment *f, int64_t now, fot_defrag_packet *out,
                                          uint64_t *given_up);

/* Add a fragment seen at time now (ns); its starts_plain claims a series
 * it is the first of (see above). *given_up gets the
 * number of held fragments dropped meanwhile (too old, or no room): they
 * will never count. */
fot_defrag_status fot_defrag_add(fot_defrag *d, const fot_tunnel_fragment *f, int64_t now, fot_defrag_packet *out,
                                 uint64_t *given_up);

/* Fragments held now, of packets not yet complete. */
uint64_t fot_defrag_pending(const fot_defrag *d);

#endif

/* Bounds-checked reading of the few header bytes 4o6top needs: the inner IPv4
 * header, the first bytes of TCP/UDP/ICMP, and an outer IPv6 Fragment header.
 * Wireshark has located the headers; reading the bytes ourselves means the
 * TCP, UDP and ICMP dissectors can be switched off without changing results. */
#ifndef FOT_PACKET_H
#define FOT_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { FOT_IPPROTO_ICMP = 1, FOT_IPPROTO_TCP = 6, FOT_IPPROTO_UDP = 17 };

#define FOT_TCP_FIN 0x01
#define FOT_TCP_SYN 0x02
#define FOT_TCP_RST 0x04
#define FOT_TCP_ACK 0x10

enum {
    FOT_ICMP_ECHO_REPLY = 0,
    FOT_ICMP_UNREACHABLE = 3,
    FOT_ICMP_SOURCE_QUENCH = 4,
    FOT_ICMP_REDIRECT = 5,
    FOT_ICMP_ECHO_REQUEST = 8,
    FOT_ICMP_TIME_EXCEEDED = 11,
    FOT_ICMP_PARAMETER_PROBLEM = 12,
    FOT_ICMP_TIMESTAMP_REQUEST = 13,
    FOT_ICMP_TIMESTAMP_REPLY = 14,
};

typedef enum {
    FOT_DECODE_OK,
    FOT_DECODE_BAD_VERSION,
    FOT_DECODE_BAD_HEADER_LENGTH,
    FOT_DECODE_BAD_TOTAL_LENGTH,
    FOT_DECODE_TRUNCATED,
} fot_decode_status;

typedef struct fot_ipv4 {
    uint32_t src, dst; /* host byte order */
    uint16_t total_len;
    uint16_t id;
    uint16_t frag_offset; /* in bytes */
    bool more_fragments;
    uint8_t header_len;
    uint8_t proto;
} fot_ipv4;

typedef struct fot_l4 {
    uint16_t src_port, dst_port; /* ICMP: bytes 4-5 (the echo identifier) in both */
    uint8_t tcp_flags;
    uint8_t icmp_type;
    bool quoted; /* an ICMP error quoting TCP or UDP: that packet's ports */
    uint16_t quoted_src_port, quoted_dst_port;
} fot_l4;

/* An IPv6 header found in packet data, with its extension headers walked. */
typedef struct fot_ipv6_found {
    uint16_t payload_len; /* the header's Payload Length */
    uint8_t next;         /* protocol after the extension headers */
    size_t payload;       /* offset of that protocol's header in the data */
    size_t end;           /* offset just past the IPv6 payload (Payload Length) */
    bool routing;         /* a Routing header was walked */
    bool fragment;        /* a Fragment header was walked: */
    uint32_t frag_id;
    uint16_t frag_offset; /* in bytes */
    bool frag_more;       /* its M flag */
    uint8_t frag_next;    /* its Next Header */
} fot_ipv6_found;

fot_decode_status fot_decode_ipv4(const uint8_t *p, size_t avail, fot_ipv4 *out);

static inline bool
fot_ipv4_is_fragment(const fot_ipv4 *ip)
{
    return ip->more_fragments || ip->frag_offset != 0;
}

/* proto must be TCP, UDP or ICMP. */
fot_decode_status fot_decode_l4(uint8_t proto, const uint8_t *p, size_t avail, fot_l4 *out);

/* Inner packets, judged the same by every reader (the plugin's frame reader
 * and fast path, the command's own reader): */
static inline bool
fot_ipv4_counted_proto(uint8_t proto)
{
    return proto == FOT_IPPROTO_TCP || proto == FOT_IPPROTO_UDP || proto == FOT_IPPROTO_ICMP;
}

/* The inner IPv4 header, avail bytes at hdr: NULL with *ip set, or why it
 * is malformed. */
const char *fot_inner_header(const uint8_t *hdr, size_t avail, fot_ipv4 *ip);

/* Its TCP, UDP or ICMP header, l4_len bytes at l4. right_after: l4 follows
 * the IPv4 header in data of avail bytes from that header (not a reassembled
 * payload), so a header cut by the total length is told apart from one cut
 * by the capture. NULL, or why it is malformed. */
const char *fot_inner_l4(const fot_ipv4 *ip, const uint8_t *l4, size_t l4_len, bool right_after, size_t avail,
                         fot_l4 *out);

/* Find, in buf, the IPv6 header with these addresses (Wireshark gives the
 * addresses, not where the header is) and walk its Hop-by-Hop, Routing,
 * Destination Options and Fragment headers. */
bool fot_find_ipv6(const uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16],
                   fot_ipv6_found *out);

/* One IPv4-in-IPv6 packet read by 4o6top (the fast path): a plain one, or one
 * whose outer fragments it put together (fot_defrag). */
typedef struct fot_tunnel_packet {
    const uint8_t *src, *dst; /* the outer IPv6 addresses, in the data */
    uint32_t ipv6_len;        /* outer Payload Length (of all its fragments) */
    fot_ipv4 ip;
    fot_l4 l4;
    const char *malformed_why; /* reassembled, but its inner header is not usable; NULL: counted */
    bool held;                 /* a fragment kept for later: nothing to count in this frame */
    uint64_t unreassembled;    /* fragments given up meanwhile (never counted) */
} fot_tunnel_packet;

/* Read the IPv6 packet at p (len bytes captured) when it is one whose count
 * needs no more than its own bytes: version 6, the whole payload captured,
 * Hop-by-Hop and Destination Options headers only, then an IPv4 header
 * without options that is no fragment and fills the payload exactly, then TCP, UDP or ICMP with
 * the bytes 4o6top reads. Anything else (fragments, Routing headers, other
 * protocols, truncated or malformed headers, jumbograms) returns false: for
 * Wireshark's own IPv6 dissector, so that it counts exactly as without the
 * fast path. */
bool fot_read_tunnel_packet(const uint8_t *p, size_t len, fot_tunnel_packet *out);

/* One outer IPv6 fragment of an IPv4-in-IPv6 packet (for fot_defrag). */
typedef struct fot_tunnel_fragment {
    const uint8_t *src, *dst; /* the outer IPv6 addresses, in the data */
    uint16_t ipv6_len;        /* outer Payload Length */
    uint32_t id;
    uint16_t offset;          /* bytes */
    bool more;                /* M flag */
    const uint8_t *data;      /* this fragment's part of the IPv4 packet */
    size_t len;
    bool starts_plain;        /* offset 0, and an IPv4 header the fast path counts: no
                               * options, no IPv4 fragment, TCP, UDP or ICMP */
} fot_tunnel_fragment;

/* Read the IPv6 packet at p as such a fragment: version 6, the whole payload
 * captured, Hop-by-Hop and Destination Options headers only before the
 * Fragment header, IPv4 (4) right after it. Anything else returns false. */
bool fot_read_tunnel_fragment(const uint8_t *p, size_t len, fot_tunnel_fragment *out);

/* The inner IPv4 packet a reassembly completed (head: its first head_len
 * bytes of length), read as the frame reader reads one Wireshark
 * reassembled; NULL, or why it is malformed. */
const char *fot_read_reassembled_ipv4(const uint8_t *head, size_t head_len, size_t length, fot_ipv4 *ip,
                                      fot_l4 *l4);

const char *fot_decode_status_text(fot_decode_status s);

#endif

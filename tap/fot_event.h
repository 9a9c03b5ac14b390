/* One tunnelled packet as every reader hands it to the engine: outer IPv6
 * around an inner IPv4 packet carrying TCP, UDP or ICMP. */
#ifndef FOT_EVENT_H
#define FOT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

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

#endif

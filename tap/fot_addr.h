/* IPv4 and IPv6 addresses and prefixes as text: the one parser and the one
 * formatter of each, for every option, table, row and message. IPv4
 * addresses are host byte order. */
#ifndef FOT_ADDR_H
#define FOT_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define FOT_IPV4_TEXT_SIZE 16 /* "255.255.255.255" */
#define FOT_IPV6_TEXT_SIZE 46 /* INET6_ADDRSTRLEN */

/* "a.b.c.d": four decimal numbers 0..255, none with a leading zero.
 * "010.0.0.1" is refused: inet_aton reads 010 as octal 8, others as 10. */
bool fot_ipv4_parse(const char *text, uint32_t *out);
/* "a.b.c.d" or "a.b.c.d/len" (len 0..32; 32 without one). *out is the
 * address as written: the caller masks it if it wants the network. */
bool fot_ipv4_prefix_parse(const char *text, uint32_t *out, uint8_t *len);
/* "ADDR" or "ADDR/len" (len 0..128; 128 without one), ADDR as inet_pton reads it. */
bool fot_ipv6_prefix_parse(const char *text, uint8_t out[16], uint8_t *len);
/* One address: "ADDR" or "ADDR/128". */
bool fot_ipv6_parse(const char *text, uint8_t out[16]);

/* The network mask of a prefix length 0..32. */
static inline uint32_t
fot_ipv4_mask(unsigned len)
{
    return len ? UINT32_MAX << (32 - len) : 0;
}

bool fot_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len);

/* RFC 1918, RFC 6598 shared space, and 192.0.0.0/29 (DS-Lite B4 addresses). */
bool fot_ipv4_is_private(uint32_t ipv4);

/* Dotted quad into buf; returns buf. */
const char *fot_ipv4_text(uint32_t ip, char buf[FOT_IPV4_TEXT_SIZE]);
/* RFC 5952 text (inet_ntop) into buf; returns buf. */
const char *fot_ipv6_text(const uint8_t a[16], char buf[FOT_IPV6_TEXT_SIZE]);

#endif

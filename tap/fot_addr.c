/* \summary: IPv4 and IPv6 addresses and prefixes: parsing, formatting, matching */
#include "fot_addr.h"

#include <arpa/inet.h>
#include <string.h>

/* Decimal digits up to the end of text, no sign or space, at most max. */
static bool
parse_length(const char *text, unsigned max, uint8_t *out)
{
    unsigned v = 0;
    if (*text == '\0')
        return false;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return false;
        v = v * 10 + (unsigned)(*text - '0');
        if (v > max)
            return false;
    }
    *out = (uint8_t)v;
    return true;
}

/* The address part of text, before any '/', into addr; *length: what follows
 * the '/', or NULL. False when the address part cannot fit. */
static bool
split_prefix(const char *text, char *addr, size_t size, const char **length)
{
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n >= size)
        return false;
    memcpy(addr, text, n);
    addr[n] = '\0';
    *length = slash ? slash + 1 : NULL;
    return true;
}

/* One number of a dotted quad at *p, up to the next '.' or the end. */
static bool
parse_octet(const char **p, uint32_t *out)
{
    const char *s = *p;
    unsigned v = 0, digits = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++) {
        v = v * 10 + (unsigned)(*s - '0');
        if (digits == 3 || v > 255)
            return false;
    }
    if (digits == 0 || (digits > 1 && **p == '0'))
        return false;
    *out = v;
    *p = s;
    return true;
}

/* A dotted quad running from text to end (exclusive). */
static bool
parse_quad(const char *text, const char *end, uint32_t *out)
{
    uint32_t v = 0, octet;
    const char *p = text;
    for (int i = 0; i < 4; i++) {
        if (!parse_octet(&p, &octet))
            return false;
        v = v << 8 | octet;
        if (i < 3 && *p++ != '.')
            return false;
    }
    if (p != end)
        return false;
    *out = v;
    return true;
}

bool
fot_ipv4_parse(const char *text, uint32_t *out)
{
    return parse_quad(text, text + strlen(text), out);
}

bool
fot_ipv4_prefix_parse(const char *text, uint32_t *out, uint8_t *len)
{
    const char *slash = strchr(text, '/');
    *len = 32;
    *out = 0;
    if (slash && !parse_length(slash + 1, 32, len))
        return false;
    return parse_quad(text, slash ? slash : text + strlen(text), out);
}

bool
fot_ipv6_prefix_parse(const char *text, uint8_t out[16], uint8_t *len)
{
    char addr[FOT_IPV6_TEXT_SIZE];
    const char *length;
    *len = 128;
    if (!split_prefix(text, addr, sizeof addr, &length) || (length && !parse_length(length, 128, len)))
        return false;
    return inet_pton(AF_INET6, addr, out) == 1;
}

bool
fot_ipv6_parse(const char *text, uint8_t out[16])
{
    uint8_t len;
    return fot_ipv6_prefix_parse(text, out, &len) && len == 128;
}

bool
fot_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len)
{
    unsigned whole = len / 8u, rest = len % 8u;
    if (memcmp(a, prefix, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[whole] & mask) == (prefix[whole] & mask);
}

bool
fot_ipv4_is_private(uint32_t a)
{
    return (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8 || (a >> 22) == (100u << 2 | 1u) ||
           (a >> 3) == (0xc0000000u >> 3);
}

const char *
fot_ipv4_text(uint32_t ip, char buf[FOT_IPV4_TEXT_SIZE])
{
    /* By hand: one log row formats two addresses, and printf costs more. */
    char *p = buf;
    for (int shift = 24; shift >= 0; shift -= 8) {
        unsigned octet = ip >> shift & 255u;
        if (octet >= 100)
            *p++ = (char)('0' + octet / 100);
        if (octet >= 10)
            *p++ = (char)('0' + octet / 10 % 10);
        *p++ = (char)('0' + octet % 10);
        *p++ = shift ? '.' : '\0';
    }
    return buf;
}

const char *
fot_ipv6_text(const uint8_t a[16], char buf[FOT_IPV6_TEXT_SIZE])
{
    return inet_ntop(AF_INET6, a, buf, FOT_IPV6_TEXT_SIZE);
}

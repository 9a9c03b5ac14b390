/* A CE's share of IPv4 (RFC 7597 section 5.1): an address or prefix and,
 * when the address is shared, a port set named by its PSID. A port is
 * A | PSID | j, with a bits of A (the offset), k bits of PSID and
 * m = 16 - a - k bits of j; with a > 0, A = 0 (ports 0 to 2^(16-a) - 1) is in
 * no set. The same arithmetic for LW4o6 bindings (RFC 7596) and MAP rules. */
#ifndef FOT_PORTSET_H
#define FOT_PORTSET_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fot_port_set {
    uint32_t ipv4;     /* host byte order */
    uint8_t ipv4_len;  /* 32, or shorter when the CE gets a whole prefix */
    uint8_t psid_len;  /* k; 0: no port restriction */
    uint8_t offset;    /* a */
    uint16_t psid;
} fot_port_set;

/* Ports of the set at one of its addresses. */
uint32_t fot_port_set_size(const fot_port_set *ps);
bool fot_port_set_has_port(const fot_port_set *ps, uint16_t port);
/* The port and address both belong to the set (what a BR checks, RFC 7597 section 8.1). */
bool fot_port_set_contains(const fot_port_set *ps, uint32_t ipv4, uint16_t port);
/* The PSID a port carries under psid_len/offset. */
uint16_t fot_port_psid(uint16_t port, uint8_t psid_len, uint8_t offset);
/* A port in no set of this shape: A = 0 with a > 0 (the system ports and more). */
bool fot_port_excluded(uint8_t psid_len, uint8_t offset, uint16_t port);

#endif

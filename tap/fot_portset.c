/* \summary: port-set arithmetic of RFC 7597 section 5.1: size, membership, PSID of a port */
#include "fot_portset.h"

#include "fot_addr.h"

uint32_t
fot_port_set_size(const fot_port_set *ps)
{
    if (ps->psid_len == 0)
        return 65536;
    uint32_t m = 16u - ps->offset - ps->psid_len;
    uint32_t blocks = ps->offset ? (1u << ps->offset) - 1 : 1;
    return blocks << m;
}

uint16_t
fot_port_psid(uint16_t port, uint8_t psid_len, uint8_t offset)
{
    if (psid_len == 0)
        return 0;
    unsigned m = 16u - offset - psid_len;
    return (uint16_t)((port >> m) & ((1u << psid_len) - 1));
}

bool
fot_port_excluded(uint8_t psid_len, uint8_t offset, uint16_t port)
{
    return psid_len && offset && (port >> (16 - offset)) == 0;
}

bool
fot_port_set_has_port(const fot_port_set *ps, uint16_t port)
{
    if (ps->psid_len == 0)
        return true;
    if (fot_port_excluded(ps->psid_len, ps->offset, port))
        return false;
    return fot_port_psid(port, ps->psid_len, ps->offset) == ps->psid;
}

bool
fot_port_set_contains(const fot_port_set *ps, uint32_t ipv4, uint16_t port)
{
    uint32_t mask = fot_ipv4_mask(ps->ipv4_len);
    return (ipv4 & mask) == (ps->ipv4 & mask) && fot_port_set_has_port(ps, port);
}

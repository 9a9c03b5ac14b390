/* Big-endian reads of network headers (tcpdump's GET_BE_U_2/GET_BE_U_4),
 * one definition for every reader in tap/. The caller has checked that the
 * bytes are there. */
#ifndef FOT_BYTES_H
#define FOT_BYTES_H

#include <stdint.h>

static inline uint16_t
fot_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
fot_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif

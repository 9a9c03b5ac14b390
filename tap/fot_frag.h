/* Fragments waiting for Wireshark to finish a reassembly. A fragmented packet
 * counts once, when it is complete, with the IPv6 payload lengths of all its
 * fragments; this table adds them up meanwhile. Bounded in age and size. */
#ifndef FOT_FRAG_H
#define FOT_FRAG_H

#include <stdint.h>

#include "fot_packet.h"

typedef enum { FOT_FRAG_INNER_IPV4 = 1, FOT_FRAG_OUTER_IPV6 = 2 } fot_frag_kind;

typedef struct fot_frag_key {
    uint8_t kind;  /* fot_frag_kind */
    uint8_t proto; /* inner IPv4 protocol (inner fragments) */
    uint16_t pad;
    uint32_t id;   /* IPv4 or IPv6 identification */
    uint32_t src4, dst4;
    uint8_t src6[16], dst6[16];
} fot_frag_key;

/* An outer IPv6 fragment's key: its addresses and identification. */
void fot_frag_key_outer(fot_frag_key *k, const uint8_t src6[16], const uint8_t dst6[16], uint32_t id);
/* An inner IPv4 fragment's key, as Wireshark's IPv4 reassembly keys it; with
 * the outer addresses too (src6 not NULL) for the sums of one tunnel. */
void fot_frag_key_inner(fot_frag_key *k, const fot_ipv4 *ip, const uint8_t *src6, const uint8_t *dst6);

/* For hash tables keyed by a fot_frag_key (GHashFunc, GEqualFunc). */
unsigned int fot_frag_key_hash(const void *key);
int fot_frag_key_equal(const void *a, const void *b);

typedef struct fot_frag_sum {
    uint32_t fragments;
    uint64_t ipv6_len;
    uint64_t ipv4_len;
} fot_frag_sum;

#define FOT_FRAG_MAX_AGE_S 60
#define FOT_FRAG_MAX_ENTRIES 16384

typedef struct fot_frag_table fot_frag_table;

fot_frag_table *fot_frag_new(void);
void fot_frag_free(fot_frag_table *t);
void fot_frag_clear(fot_frag_table *t);

/* Add one fragment seen at time now. Returns 0, or the number of fragments
 * given up (too old, or no room) that will never be counted. */
uint64_t fot_frag_add(fot_frag_table *t, const fot_frag_key *key, int64_t now, uint32_t ipv6_len,
                      uint32_t ipv4_len);

/* Fragments held now, of packets not yet complete. */
uint64_t fot_frag_pending(const fot_frag_table *t);

/* Remove and return what was collected for key (zeros if nothing). */
fot_frag_sum fot_frag_take(fot_frag_table *t, const fot_frag_key *key);

#endif

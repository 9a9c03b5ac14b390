/* MAP-E rules (RFC 7597 section 5): a Rule IPv6 prefix, a Rule IPv4 prefix,
 * EA-bits length and PSID offset; the port set a CE's address derives from
 * its EA bits, and the CE address a port set derives (section 6: End-user
 * prefix = Rule IPv6 prefix + EA bits, subnet ID 0, interface identifier
 * 16 zero bits + IPv4 + PSID, or the older layout one byte earlier). */
#ifndef FOT_MAP_RULE_H
#define FOT_MAP_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_portset.h"

typedef struct fot_map_rule {
    uint8_t prefix6[16];
    uint8_t prefix6_len;
    uint8_t prefix4_len;
    uint8_t ea_len;
    uint8_t offset;
    uint32_t prefix4;
} fot_map_rule;

/* Parse "2001:db8::/40;192.0.2.0/24;16;6" (offset optional, default 6). On
 * error, *err (g_free it) says what is wrong. */
bool fot_map_rule_parse(const char *text, fot_map_rule *out, char **err);
/* The text form the parser reads (g_free it). */
char *fot_map_rule_text(const fot_map_rule *r);

/* The rule covers ce's address; derive its IPv4 address and PSID from the EA bits. */
bool fot_map_rule_matches(const fot_map_rule *r, const uint8_t ce[16]);
void fot_map_rule_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out);
/* The set a rule gives the owner of ipv4:port (the PSID from the port). */
void fot_map_rule_set_of(const fot_map_rule *r, uint32_t ipv4, uint16_t port, fot_port_set *out);

/* Interface identifier of a MAP CE address: 16 zero bits, IPv4, PSID
 * (RFC 7597 section 6), or the legacy 8 zero bits, IPv4, PSID, 8 zero bits. */
typedef enum { FOT_IID_NONE, FOT_IID_RFC7597, FOT_IID_LEGACY } fot_iid_layout;
fot_iid_layout fot_map_iid(const uint8_t ce[16], uint32_t ipv4, uint16_t *psid);

/* The CE's whole IPv6 address from a rule and a port set, in either layout. */
void fot_map_address(const fot_map_rule *r, const fot_port_set *set, fot_iid_layout layout, uint8_t out[16]);
/* ce is the address the rule derives for set, in either layout (a BR's source check). */
bool fot_map_is_address(const fot_map_rule *r, const fot_port_set *set, const uint8_t ce[16]);

#endif

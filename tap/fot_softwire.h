/* Softwire knowledge: MAP-E rules (RFC 7597), LW4o6 bindings (RFC 7596), BR
 * addresses, port sets (RFC 7597 section 5.1) and what a CE's IPv6 interface
 * identifier says (section 6, and the older layout one byte earlier). */
#ifndef FOT_SOFTWIRE_H
#define FOT_SOFTWIRE_H

#include <stdbool.h>
#include <stdint.h>

/* A CE's share of IPv4: an address (or prefix) and, when shared, a PSID. */
typedef struct fot_port_set {
    uint32_t ipv4;     /* host byte order */
    uint8_t ipv4_len;  /* 32, or shorter when the CE gets a whole prefix */
    uint8_t psid_len;  /* k; 0: no port restriction */
    uint8_t offset;    /* a */
    uint16_t psid;
} fot_port_set;

uint32_t fot_port_set_size(const fot_port_set *ps);
bool fot_port_set_has_port(const fot_port_set *ps, uint16_t port);
/* The port and address both belong to the set (what a BR checks, 8.1). */
bool fot_port_set_contains(const fot_port_set *ps, uint32_t ipv4, uint16_t port);
/* The PSID a port carries under psid_len/offset. */
uint16_t fot_port_psid(uint16_t port, uint8_t psid_len, uint8_t offset);

typedef struct fot_map_rule {
    uint8_t prefix6[16];
    uint8_t prefix6_len;
    uint8_t prefix4_len;
    uint8_t ea_len;
    uint8_t offset;
    uint32_t prefix4;
} fot_map_rule;

typedef struct fot_lw_binding {
    uint8_t b4[16];
    fot_port_set set;
} fot_lw_binding;

/* Parse "2001:db8::/40;192.0.2.0/24;16;6" (offset optional, default 6). On
 * error, *err (g_free it) says what is wrong. */
bool fot_map_rule_parse(const char *text, fot_map_rule *out, char **err);
/* Parse "B4_IPV6;IPV4;PSID;PSID_LEN;OFFSET" (offset optional, default 0). */
bool fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err);

/* The rule covers ce's address; derive its IPv4 address and PSID from the EA bits. */
bool fot_map_rule_matches(const fot_map_rule *r, const uint8_t ce[16]);
void fot_map_rule_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out);

/* Interface identifier of a MAP CE address: 16 zero bits, IPv4, PSID
 * (RFC 7597 section 6), or the legacy 8 zero bits, IPv4, PSID, 8 zero bits. */
typedef enum { FOT_IID_NONE, FOT_IID_RFC7597, FOT_IID_LEGACY } fot_iid_layout;
fot_iid_layout fot_map_iid(const uint8_t ce[16], uint32_t ipv4, uint16_t *psid);

/* RFC 1918, RFC 6598 shared space, and 192.0.0.0/29 (DS-Lite B4 addresses). */
bool fot_ipv4_is_private(uint32_t ipv4);

/* The configured knowledge; shared by reference between copies of a config. */
typedef struct fot_softwire fot_softwire;

fot_softwire *fot_softwire_new(void);
fot_softwire *fot_softwire_ref(fot_softwire *sw);
void fot_softwire_unref(fot_softwire *sw);
fot_softwire *fot_softwire_copy(const fot_softwire *sw);

void fot_softwire_add_rule(fot_softwire *sw, const fot_map_rule *r);
void fot_softwire_add_binding(fot_softwire *sw, const fot_lw_binding *b);
void fot_softwire_add_br(fot_softwire *sw, const uint8_t prefix[16], uint8_t len);
void fot_softwire_clear_rules(fot_softwire *sw);
void fot_softwire_clear_bindings(fot_softwire *sw);
void fot_softwire_clear_brs(fot_softwire *sw);

unsigned fot_softwire_rule_count(const fot_softwire *sw);
unsigned fot_softwire_binding_count(const fot_softwire *sw);
unsigned fot_softwire_br_count(const fot_softwire *sw);

/* Longest Rule IPv6 prefix covering ce, or NULL. */
const fot_map_rule *fot_softwire_find_rule(const fot_softwire *sw, const uint8_t ce[16]);
const fot_lw_binding *fot_softwire_find_binding(const fot_softwire *sw, const uint8_t b4[16]);
bool fot_softwire_is_br(const fot_softwire *sw, const uint8_t addr[16]);

/* The entries of one list in the text form their parsers accept, separated by spaces. */
typedef enum { FOT_LIST_RULES, FOT_LIST_BINDINGS, FOT_LIST_BRS } fot_list;
char *fot_softwire_list_text(const fot_softwire *sw, fot_list which);

/* Parse "ADDR[/LEN]" (IPv6). */
bool fot_ipv6_prefix_parse(const char *text, uint8_t out[16], uint8_t *len);
bool fot_ipv4_prefix_parse(const char *text, uint32_t *out, uint8_t *len);
bool fot_ipv6_prefix_match(const uint8_t a[16], const uint8_t prefix[16], uint8_t len);

#endif

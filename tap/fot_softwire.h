/* Softwire knowledge: MAP-E rules (RFC 7597), LW4o6 bindings (RFC 7596), BR
 * addresses, port sets (RFC 7597 section 5.1) and what a CE's IPv6 interface
 * identifier says (section 6, and the older layout one byte earlier). */
#ifndef FOT_SOFTWIRE_H
#define FOT_SOFTWIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_addr.h"
#include "fot_names.h"

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

/* One softwire as written in a table: B4, IPv4 + port set, optional BR. */
typedef struct fot_lw_binding {
    uint8_t b4[16];
    fot_port_set set;
    bool has_br;
    uint8_t br[16];
} fot_lw_binding;

/* Parse "2001:db8::/40;192.0.2.0/24;16;6" (offset optional, default 6). On
 * error, *err (g_free it) says what is wrong. */
bool fot_map_rule_parse(const char *text, fot_map_rule *out, char **err);
/* Parse "B4_IPV6;IPV4;PSID;PSID_LEN[;OFFSET[;BR]]" (offset default 0, also when empty). */
bool fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err);
/* The same from fields already split (4 to 6 of them); *why says what is wrong. */
bool fot_lw_binding_from_fields(char *const *f, unsigned n, fot_lw_binding *out, const char **why);

/* The rule covers ce's address; derive its IPv4 address and PSID from the EA bits. */
bool fot_map_rule_matches(const fot_map_rule *r, const uint8_t ce[16]);
void fot_map_rule_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out);

/* Interface identifier of a MAP CE address: 16 zero bits, IPv4, PSID
 * (RFC 7597 section 6), or the legacy 8 zero bits, IPv4, PSID, 8 zero bits. */
typedef enum { FOT_IID_NONE, FOT_IID_RFC7597, FOT_IID_LEGACY } fot_iid_layout;
fot_iid_layout fot_map_iid(const uint8_t ce[16], uint32_t ipv4, uint16_t *psid);

/* The configured knowledge; shared by reference between copies of a config. */
typedef struct fot_softwire fot_softwire;

fot_softwire *fot_softwire_new(void);
fot_softwire *fot_softwire_ref(fot_softwire *sw);
void fot_softwire_unref(fot_softwire *sw);
fot_softwire *fot_softwire_copy(const fot_softwire *sw);

void fot_softwire_add_rule(fot_softwire *sw, const fot_map_rule *r);
void fot_softwire_add_binding(fot_softwire *sw, const fot_lw_binding *b);
/* bindings=: a table file read when the table is first needed; NULL or "" for none. */
void fot_softwire_set_bindings_file(fot_softwire *sw, const char *path);
const char *fot_softwire_bindings_file(const fot_softwire *sw);
void fot_softwire_add_br(fot_softwire *sw, const uint8_t prefix[16], uint8_t len);
void fot_softwire_clear_rules(fot_softwire *sw);
void fot_softwire_clear_bindings(fot_softwire *sw);
void fot_softwire_clear_brs(fot_softwire *sw);

unsigned fot_softwire_rule_count(const fot_softwire *sw);
unsigned fot_softwire_binding_count(const fot_softwire *sw);
unsigned fot_softwire_br_count(const fot_softwire *sw);

bool fot_softwire_has_bindings(const fot_softwire *sw);
/* Rules or bindings are given: packets get verdicts. */
bool fot_softwire_judges(const fot_softwire *sw);
/* The binding table of every binding source, built once (and reused while its
 * sources stay the same, file unchanged); NULL without bindings. Its messages
 * (bad lines, conflicts) are fot_bindings_messages(). */
struct fot_bindings;
struct fot_bindings *fot_softwire_table(fot_softwire *sw);
/* Drop the last table kept for reuse (tests, shutdown). */
void fot_softwire_forget_cache(void);

/* Longest Rule IPv6 prefix covering ce, or NULL. */
const fot_map_rule *fot_softwire_find_rule(const fot_softwire *sw, const uint8_t ce[16]);
/* A MAP rule's CE: its whole address is the one the longest rule covering
 * it derives from its EA bits (RFC 7597 section 6, or the older layout); its
 * port set in *set. A rule prefix may also cover BRs, DS-Lite B4s and other
 * tunnel ends, and spoofed or misconfigured sources: those are none. */
bool fot_softwire_map_ce(const fot_softwire *sw, const uint8_t ce[16], fot_port_set *set);
/* Longest Rule IPv4 prefix covering ipv4 (how a BR picks the rule of a packet). */
const fot_map_rule *fot_softwire_find_rule_v4(const fot_softwire *sw, uint32_t ipv4);
bool fot_softwire_is_br(const fot_softwire *sw, const uint8_t addr[16]);

/* The CE's whole IPv6 address from a rule and a port set (RFC 7597 section 6:
 * End-user prefix = Rule IPv6 prefix + EA bits, subnet ID 0, interface
 * identifier 16 zero bits + IPv4 + PSID), or in the older layout. */
void fot_map_address(const fot_map_rule *r, const fot_port_set *set, fot_iid_layout layout, uint8_t out[16]);
/* ce is the address the rule derives for set, in either layout (a BR's source check). */
bool fot_map_is_address(const fot_map_rule *r, const fot_port_set *set, const uint8_t ce[16]);
/* The set a rule gives the owner of ipv4:port (the PSID from the port). */
void fot_map_rule_set_of(const fot_map_rule *r, uint32_t ipv4, uint16_t port, fot_port_set *out);

typedef struct fot_judgement {
    fot_verdict verdict;
    bool by_rule;       /* judged by a MAP rule, not the binding table */
    fot_port_set set;   /* the set ipv4:port falls in, when one does */
    uint32_t softwire;  /* that set's binding number (fot_bindings_get), 0: a rule's */
} fot_judgement;

/* fot_softwire_table() must have been called once. */
void fot_softwire_judge(const fot_softwire *sw, const uint8_t ce[16], const uint8_t br[16], uint32_t ipv4,
                        uint16_t port, fot_judgement *out);

/* The entries of one list in the text form their parsers accept, separated by spaces. */
typedef enum { FOT_LIST_RULES, FOT_LIST_BINDINGS, FOT_LIST_BRS } fot_list;
char *fot_softwire_list_text(const fot_softwire *sw, fot_list which);

#endif

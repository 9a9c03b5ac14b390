/* The configured softwire knowledge of one 4o6top instance: MAP-E rules
 * (fot_map_rule.h), LW4o6 bindings given one by one or in a file and the
 * binding table built from them (fot_bindings.h), BR addresses; and what a
 * BR/lwAFTR would decide for a packet. */
#ifndef FOT_SOFTWIRE_H
#define FOT_SOFTWIRE_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_addr.h"
#include "fot_bindings.h"
#include "fot_map_rule.h"
#include "fot_names.h"

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
fot_bindings *fot_softwire_table(fot_softwire *sw);
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
typedef enum { FOT_LIST_RULES, FOT_LIST_BINDINGS, FOT_LIST_BRS, FOT_LIST_COUNT } fot_list;
char *fot_softwire_list_text(const fot_softwire *sw, fot_list which);

#endif

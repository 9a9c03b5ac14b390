/* The words 4o6top shows for its numbers: protocols, timeout classes,
 * directions, mechanisms and verdicts, one table each, for every view (CSV,
 * JSON, sum, the Wireshark fields' value names). */
#ifndef FOT_NAMES_H
#define FOT_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_session.h"

typedef enum { FOT_MECH_UNKNOWN, FOT_MECH_DSLITE, FOT_MECH_MAPE, FOT_MECH_LW4O6, FOT_MECH_COUNT } fot_mechanism;

/* What made a CE/B4's mechanism (docs/softwires.md, "Mechanisms and their evidence"); the last two are guesses. */
typedef enum {
    FOT_WHY_NONE,         /* nothing: unknown */
    FOT_WHY_BINDING,      /* LW4o6: a binding of the table names it */
    FOT_WHY_MAP_RULE,     /* MAP-E: its address is the one a MAP rule derives */
    FOT_WHY_MAP_IID,      /* MAP-E: its interface identifier carries its clients' IPv4 */
    FOT_WHY_SEVERAL_IPV4, /* DS-Lite: more than one client IPv4 behind it */
    FOT_WHY_PRIVATE_IPV4, /* DS-Lite, a guess: its one client IPv4 is private or shared */
    FOT_WHY_PORT_RANGE,   /* LW4o6, a guess: one public IPv4, ports in one narrow range */
    FOT_WHY_COUNT
} fot_why;

/* What a BR/lwAFTR would do with a tunnelled packet, by the CE-side IPv4
 * address and port (RFC 7596 section 6, RFC 7597 section 8.1). */
typedef enum {
    FOT_VERDICT_NONE,          /* not judged: no rule or binding applies, or the port is not the CE's */
    FOT_VERDICT_BOUND,         /* IPv4 and port in a set of this CE, via this BR */
    FOT_VERDICT_WRONG_PORT,    /* the address is this CE's, the port in none of its sets */
    FOT_VERDICT_WRONG_ADDRESS, /* the IPv4 is not this CE's */
    FOT_VERDICT_WRONG_B4,      /* LW4o6: the softwire of IPv4 + port names another B4 */
    FOT_VERDICT_SPOOFED,       /* MAP-E: the CE address is not the one the rule derives */
    FOT_VERDICT_WRONG_BR,      /* the softwire's (or the configured) BR is another */
    FOT_VERDICT_UNBOUND,       /* no softwire or rule covers the IPv4 */
    FOT_VERDICT_CONFLICT,      /* two entries, or two CEs, claim this IPv4 + PSID */
    FOT_VERDICT_COUNT
} fot_verdict;

/* Bound and wrong-BR packets are in the CE's set; the others are out of it. */
static inline bool
fot_verdict_out_of_set(fot_verdict v)
{
    return v != FOT_VERDICT_NONE && v != FOT_VERDICT_BOUND && v != FOT_VERDICT_WRONG_BR;
}

/* "TCP", "UDP", "ICMP" (any other protocol number: "ICMP", as the engine
 * counts only these three). */
const char *fot_proto_name(uint8_t ip_proto);
const char *fot_class_name(fot_class c);          /* "TCP", "TCP closing", "UDP", "UDP DNS", "ICMP" */
const char *fot_dir_name(fot_dir d);              /* "up", "down" */
const char *fot_mechanism_name(fot_mechanism m);  /* "unknown", "DS-Lite", "MAP-E", "LW4o6" */
const char *fot_why_name(fot_why w);              /* "binding", ..., "guess:private-ipv4"; "none" */
const char *fot_verdict_name(fot_verdict v);      /* "bound", "wrong-port", ...; "" for none */
const char *fot_verdict_column(fot_verdict v);    /* the ce view's CSV header: "Bound", "WrongPort", ... */
const char *fot_verdict_key(fot_verdict v);       /* its JSON key: "bound", "wrong_port", ... */

#endif

/* What the engine knows of each CE/B4 (private to the engine's files): the
 * port sets it holds, from the configuration or its MAP interface
 * identifier, their in-set port use, the verdicts of its packets, and its
 * mechanism from the strongest evidence seen so far (README: "Mechanism").
 * The state lives in the CE's node (fot_nodes.h) and in held sets. */
#ifndef FOT_CE_STATE_H
#define FOT_CE_STATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "fot_bindings.h"
#include "fot_ce.h"
#include "fot_config.h"
#include "fot_distinct.h"
#include "fot_event.h"
#include "fot_nodes.h"

/* One port set a CE holds (a softwire of a B4, or its MAP set): the in-set
 * port use and the verdicts of the packets that fall on it; one row of the ce
 * view. A CE's held sets are chained in (IPv4, PSID) order. */
typedef struct fot_held_set {
    uint32_t ce;         /* node */
    uint32_t next;       /* the CE's next held set, number (0: none) */
    uint32_t softwire;   /* binding number; 0: a MAP rule's set */
    fot_port_set set;
    uint8_t source;      /* fot_set_source */
    bool many_ips;
    uint32_t used_ip;    /* the first client IPv4 counted on it */
    uint32_t ports_in_use, peak_ports;
    int64_t peak_time;
    bool above;          /* its use is past the threshold (until it falls FOT_EXHAUSTION_MARGIN under) */
    uint64_t sessions;
    uint64_t verdicts[FOT_VERDICT_COUNT];
} fot_held_set;


typedef struct fot_ce_state {
    fot_nodes *nodes;
    const fot_config *cfg;
    const fot_bindings *bindings;
    fot_key48_map ce_ports;  /* (CE node << 16 | client port) -> TCP/UDP sessions using it */
    fot_key48_map set_port_users; /* (held set << 16 | client port) -> in-set TCP/UDP sessions using it */
    fot_held_set *sets;      /* numbers are 1-based */
    uint32_t set_count, set_cap, free_sets;
    GHashTable *claims;      /* MAP (IPv4 prefix, PSID) key -> CE node + 1 that claimed it first */
    uint32_t *port_hist;     /* number of CEs with n ports in use, n = 0..65536 */
    uint32_t max_ce_ports;
    bool crossed_threshold;  /* by the packet being counted */
    GArray *crossed;         /* held set numbers that crossed upwards, told once the packet is counted */
    fot_exhaustion_fn on_exhaustion;
    void *on_exhaustion_ud;
} fot_ce_state;

void fot_ce_state_init(fot_ce_state *cs, fot_nodes *nodes, const fot_config *cfg, const fot_bindings *bindings);
void fot_ce_state_destroy(fot_ce_state *cs);

static inline const fot_held_set *
fot_ce_held_set(const fot_ce_state *cs, uint32_t number)
{
    return &cs->sets[number - 1];
}

/* A B4 with a binding, or a MAP rule's CE (its whole address the rule's). */
bool fot_ce_configured(const fot_ce_state *cs, const uint8_t addr[16]);

/* Ahead of a TCP/UDP session opened on CE node ce with client port port:
 * the line its port use is counted in (for a CE without held sets). */
static inline void
fot_ce_prefetch_port(const fot_ce_state *cs, uint32_t ce, uint16_t port)
{
    fot_key48_map_prefetch(&cs->ce_ports, (uint64_t)ce << 16 | port);
}

/* A session opened (its verdict is judged and set here, then it joins its CE), or closed. */
void fot_ce_session_opened(fot_ce_state *cs, fot_session *s, const fot_event *ev, fot_dir dir, int64_t now);
void fot_ce_session_closed(fot_ce_state *cs, const fot_session *s, int64_t when);
/* A session about to be turned round leaves its CE (forgotten when it was
 * its only session); once turned, it joins the other. */
void fot_ce_session_leaving(fot_ce_state *cs, const fot_session *s, int64_t now);
void fot_ce_session_turned(fot_ce_state *cs, fot_session *s, int64_t now);
/* A node is no CE any more (fot_nodes_forget_fn). */
void fot_ce_forget(void *cs, fot_node *n);

/* Judge one packet of s and count its verdict on its row. Returns the row's
 * held set number (0: the CE holds none). */
uint32_t fot_ce_count_packet(fot_ce_state *cs, const fot_session *s, const fot_event *ev, fot_dir dir,
                             fot_verdict *verdict);

/* After a packet is counted: tell of the sets it took past the threshold. */
void fot_ce_tell_crossed(fot_ce_state *cs, int64_t now);

void fot_ce_info_of(const fot_ce_state *cs, uint32_t node, fot_ce_info *out);
void fot_ce_foreach(const fot_ce_state *cs, fot_ce_fn fn, void *ud);
void fot_ce_foreach_row(const fot_ce_state *cs, fot_ce_fn fn, void *ud);

#endif

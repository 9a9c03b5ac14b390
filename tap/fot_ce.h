/* A CE/B4 as the views show it: its mechanism, the port sets it holds, their
 * use and the verdicts of its packets (the engine keeps them: fot_ce_state.h;
 * fot_engine_foreach_ce_row lists them). */
#ifndef FOT_CE_H
#define FOT_CE_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_names.h"
#include "fot_portset.h"

/* Where the CE's IPv4 and port set come from. */
typedef enum {
    FOT_SET_NONE,    /* nothing known */
    FOT_SET_IID,     /* the MAP interface identifier: IPv4 and PSID, not the PSID length */
    FOT_SET_RULE,    /* a configured MAP rule: the whole port set */
    FOT_SET_BINDING, /* a configured LW4o6 binding: the whole port set */
} fot_set_source;

/* A CE/B4 as a whole (fot_engine_ce), or one row of the ce view: one port
 * set it holds (a B4 with several softwires has a row each), or the CE
 * itself when it holds none. */
typedef struct fot_ce_info {
    uint32_t node;
    const uint8_t *addr;
    fot_mechanism mechanism;
    fot_why why;             /* what made the mechanism */
    fot_set_source source;
    fot_port_set set;        /* ipv4 and psid valid unless source is NONE; the rest for RULE, BINDING */
    uint32_t softwire;       /* a row's binding number, 0: none */
    uint32_t client_ip;      /* the first client IPv4 seen (on the row) */
    bool many_ips;           /* more than one */
    uint32_t ports_in_use;   /* distinct TCP and UDP client ports of its active sessions; in-set only
                                when it holds sets */
    uint32_t peak_ports;     /* the most at any instant */
    int64_t peak_time;
    uint32_t active_sessions; /* of the CE */
    uint64_t sessions;       /* opened in all (on the row) */
    uint64_t verdicts[FOT_VERDICT_COUNT]; /* packets judged, by verdict */
    uint64_t out_of_set;     /* the packets of out-of-set verdicts */
} fot_ce_info;

typedef void (*fot_ce_fn)(const fot_ce_info *ce, void *ud);

/* Ports of a whole set across every address of it (a CE may get an IPv4
 * prefix); 0 unless a rule or binding gives the whole set. The one size
 * every view uses. */
static inline uint64_t
fot_set_size(const fot_port_set *set, fot_set_source source)
{
    if (source != FOT_SET_RULE && source != FOT_SET_BINDING)
        return 0;
    return (uint64_t)fot_port_set_size(set) << (32 - set->ipv4_len);
}

static inline uint64_t
fot_ce_set_size(const fot_ce_info *ce)
{
    return fot_set_size(&ce->set, ce->source);
}

/* The one exhaustion rule: ports at or past threshold % of a whole set. */
static inline bool
fot_near_exhaustion(uint64_t size, uint32_t ports, uint32_t threshold)
{
    return size && (uint64_t)ports * 100 >= (uint64_t)threshold * size;
}

static inline bool
fot_ce_near_exhaustion(const fot_ce_info *ce, uint32_t threshold)
{
    return fot_near_exhaustion(fot_ce_set_size(ce), ce->peak_ports, threshold);
}

/* Told when a CE/B4's port set crosses the threshold upwards (above), and
 * when its use falls back FOT_EXHAUSTION_MARGIN percent of the set under it
 * (below), so that a set hovering at the threshold does not make a row per
 * session: as it happens, never per packet. row: the set's ce row then. */
#define FOT_EXHAUSTION_MARGIN 5
typedef void (*fot_exhaustion_fn)(const fot_ce_info *row, bool above, int64_t when, void *ud);

/* Peak use of a whole set in whole percent (rounded down), for messages. */
static inline uint64_t
fot_use_percent(uint32_t ports, uint64_t size)
{
    return size ? (uint64_t)ports * 100 / size : 0;
}

#endif

/* \summary: which end of a tunnel is the CE/B4: src=, configuration, peers, markers, first packet */
#include "fot_orient.h"

#include "fot_packet.h"

int
fot_orient_marker(const fot_event *ev)
{
    if (ev->proto == FOT_IPPROTO_TCP) {
        if (!(ev->tcp_flags & FOT_TCP_SYN) || (ev->tcp_flags & FOT_TCP_RST))
            return 0;
        return (ev->tcp_flags & FOT_TCP_ACK) ? -1 : 1;
    }
    if (ev->proto != FOT_IPPROTO_ICMP)
        return 0;
    switch (ev->icmp_type) {
    case FOT_ICMP_ECHO_REQUEST:
    case FOT_ICMP_TIMESTAMP_REQUEST:
        return 1;
    case FOT_ICMP_ECHO_REPLY:
    case FOT_ICMP_TIMESTAMP_REPLY:
    case FOT_ICMP_UNREACHABLE:
    case FOT_ICMP_SOURCE_QUENCH:
    case FOT_ICMP_REDIRECT:
    case FOT_ICMP_TIME_EXCEEDED:
    case FOT_ICMP_PARAMETER_PROBLEM:
        return -1;
    default:
        return 0;
    }
}

static const fot_node *
end_node(const fot_ce_state *cs, const fot_tunnel *x, unsigned end)
{
    return &cs->nodes->nodes[x->end[end]];
}

/* The configuration names one end: a BR/AFTR (the other is the CE), or a CE. */
static bool
configured_end(const fot_ce_state *cs, const fot_tunnel *x, unsigned *end)
{
    const fot_softwire *sw = cs->cfg->softwire;
    for (unsigned i = 0; i < 2; i++)
        if (fot_softwire_is_br(sw, end_node(cs, x, i)->addr)) {
            *end = !i;
            return true;
        }
    for (unsigned i = 0; i < 2; i++)
        if (fot_ce_configured(cs, end_node(cs, x, i)->addr)) {
            *end = i;
            return true;
        }
    return false;
}

fot_evidence
fot_orient_ends(const fot_ce_state *cs, const fot_tunnel *x, unsigned *end)
{
    if (configured_end(cs, x, end))
        return FOT_EVIDENCE_CONFIG;
    bool br0 = end_node(cs, x, 0)->refs >= FOT_BR_PEERS, br1 = end_node(cs, x, 1)->refs >= FOT_BR_PEERS;
    *end = br0; /* the other end */
    return br0 != br1 ? FOT_EVIDENCE_PEERS : FOT_EVIDENCE_FIRST_PACKET;
}

fot_evidence
fot_orient_evidence(const fot_ce_state *cs, const fot_tunnel *x, const fot_event *ev, unsigned src_end, unsigned *end)
{
    if (fot_config_src_matches(cs->cfg, ev->inner_src) || fot_config_src_matches(cs->cfg, ev->inner_dst)) {
        *end = fot_config_src_matches(cs->cfg, ev->inner_src) ? src_end : !src_end;
        return FOT_EVIDENCE_SRC;
    }
    fot_evidence kind = fot_orient_ends(cs, x, end);
    if (kind != FOT_EVIDENCE_FIRST_PACKET)
        return kind;
    int m = fot_orient_marker(ev);
    *end = m < 0 ? !src_end : src_end;
    return m ? FOT_EVIDENCE_MARKERS : FOT_EVIDENCE_FIRST_PACKET;
}

bool
fot_orient_update(fot_tunnel *x, fot_evidence kind, unsigned end)
{
    if (kind > x->evidence) {
        x->evidence = (uint8_t)kind;
        bool turns = end != x->ce;
        x->ce = (uint8_t)end;
        return turns;
    }
    if (kind == FOT_EVIDENCE_MARKERS && x->evidence == FOT_EVIDENCE_MARKERS && end != x->ce &&
        x->opened[end] > 2 * x->opened[x->ce]) {
        x->ce = (uint8_t)end;
        return true;
    }
    return false;
}

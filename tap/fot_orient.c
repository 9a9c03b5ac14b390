/* \summary: session orientation: src= hint, configured BR or CE, markers, first packet */
#include "fot_orient.h"

#include "fot_packet.h"

/* An ICMP error goes back to whoever sent the packet that caused it, so its
 * receiver is the client side. */
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

fot_dir
fot_orient_new(const fot_ce_state *cs, const fot_event *ev, fot_orient *how)
{
    const fot_config *cfg = cs->cfg;
    if (fot_config_src_matches(cfg, ev->inner_src)) {
        *how = FOT_ORIENT_SRC_HINT;
        return FOT_DIR_UP;
    }
    if (fot_config_src_matches(cfg, ev->inner_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return FOT_DIR_DOWN;
    }
    const fot_softwire *sw = cfg->softwire;
    if (fot_softwire_is_br(sw, ev->outer_src) || fot_softwire_is_br(sw, ev->outer_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return fot_softwire_is_br(sw, ev->outer_dst) ? FOT_DIR_UP : FOT_DIR_DOWN;
    }
    if (fot_ce_configured(cs, ev->outer_src) || fot_ce_configured(cs, ev->outer_dst)) {
        *how = FOT_ORIENT_SRC_HINT;
        return fot_ce_configured(cs, ev->outer_src) ? FOT_DIR_UP : FOT_DIR_DOWN;
    }
    int m = fot_orient_marker(ev);
    *how = m ? FOT_ORIENT_MARKER : FOT_ORIENT_FIRST_PACKET;
    return m < 0 ? FOT_DIR_DOWN : FOT_DIR_UP;
}

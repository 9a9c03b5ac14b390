#include "fast_path.h"

#include "ws_compat.h"

#include "annotate.h"
#include "fot_packet.h"

static int proto_fast = -1;
static int fast_tap = -1;
static dissector_handle_t fast_handle, ipv6_handle;

/* Whenever 4o6top's fields or expert infos are computed (a protocol tree for
 * a filter, -T fields or -V; -z expert; the GUI; tshark -2) Wireshark
 * dissects as usual: fields, filters and the post-dissector then see IPv6 and
 * IPv4 as without the fast path. Otherwise (tshark -z), a plain tunnelled
 * packet is read here and nothing after the link layer is dissected. */
static int
dissect_fast(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len > 0 && !fot_annotate_wanted(tree)) {
        fot_tunnel_packet *pkt = wmem_new(pinfo->pool, fot_tunnel_packet);
        if (fot_read_tunnel_packet(tvb_get_ptr(tvb, 0, len), len, pkt)) {
            set_actual_length(tvb, 40 + pkt->ipv6_len); /* as the IPv6 dissector: the rest is a trailer */
            tap_queue_packet(fast_tap, pinfo, pkt);
            return (int)(40 + pkt->ipv6_len);
        }
    }
    return call_dissector_with_data(ipv6_handle, tvb, pinfo, tree, data);
}

void
fot_fast_path_register(void)
{
    proto_fast = proto_register_protocol("4o6top fast path (IPv4-in-IPv6 statistics without the IP dissectors)",
                                         "4o6top-fast", "4o6top_fast");
    fast_handle = register_dissector_with_description("4o6top_fast", "4o6top fast path", dissect_fast, proto_fast);
    fast_tap = register_tap(FOT_FAST_PATH_TAP);
}

/* Of the tables that carry IPv6 in the link layers the lean profile keeps,
 * only "ethertype" (Ethernet, VLAN, QinQ, Linux cooked v1 and v2) supports
 * Decode As in Wireshark 4.0; PPP ("ppp.protocol"), null/loopback
 * ("null.type") and raw IP ("wtap_encap") do not (tshark -G dissector-tables),
 * so those keep Wireshark's IPv6 dissector. */
void
fot_fast_path_handoff(void)
{
    ipv6_handle = find_dissector_add_dependency("ipv6", proto_fast);
    dissector_add_for_decode_as("ethertype", fast_handle);
}

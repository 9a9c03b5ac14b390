/* \summary: the ip.proto hook: the tunnel of each IPv4-in-IPv6 packet, told as it is dissected */
/* The post-dissector runs before tshark pushes taps, so it cannot learn the
 * frame's tunnel from them: this hook, ahead of the IPv4 dissector, sees
 * the IPv6 header (its data) and the inner IPv4 bytes (its tvb) of every
 * IPv4 packet inside IPv6. */
#include "ipv4_hook.h"

#include "ws_compat.h"

#include <epan/exceptions.h>
#include <epan/ipproto.h>

#include "annotate.h"
#include "tunnel_seen.h"

static dissector_handle_t ipv4_handle;

/* First the tunnel is recorded for tshark's statistics; then, for the
 * fields, after the IPv4 dissector has run (and reassembled), the one pass
 * notes where the IPv4 header that follows the IPv6 header is, also when a
 * dissector deeper down throws, as a tap would still have been queued. */
static int
dissect_ipv4_hook(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    const ws_ip6 *ip6 = WS_IP6_PTR(data);
    if (ip6)
        fot_tunnel_seen_note(tvb, pinfo, ip6);
    if (!ip6 || pinfo->flags.in_error_pkt || !fot_annotate_computing(pinfo, tree))
        return call_dissector_with_data(ipv4_handle, tvb, pinfo, tree, data);
    volatile int consumed = 0;
    TRY {
        consumed = call_dissector_with_data(ipv4_handle, tvb, pinfo, tree, data);
    }
    FINALLY {
        fot_annotate_inner(pinfo, ip6, tvb);
    }
    ENDTRY;
    return consumed;
}

void
fot_ipv4_hook_handoff(void)
{
    /* Without a protocol, the hook is never disabled with 4o6top. */
    ipv4_handle = dissector_get_uint_handle(find_dissector_table("ip.proto"), IP_PROTO_IPV4);
    if (ipv4_handle)
        dissector_add_uint("ip.proto", IP_PROTO_IPV4,
                           create_dissector_handle_with_name_and_description(dissect_ipv4_hook, -1, "4o6top_ipv4",
                                                                              "IPv4 (4o6top watches)"));
}

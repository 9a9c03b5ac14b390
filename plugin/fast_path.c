/* \summary: the fast path: a plain IPv4-in-IPv6 packet read whole, every other to Wireshark's IPv6 dissector */
#include "fast_path.h"

#include "ws_compat.h"

#include <string.h>

#include "annotate.h"
#include "fot_defrag.h"
#include "fot_packet.h"
#include "fot_time.h"

static int proto_fast = -1;
static int fast_tap = -1;
static dissector_handle_t fast_handle, ipv6_handle;
static fot_defrag *defrag;    /* outer fragments of the file, put together here */
static gboolean ipv6_defragment; /* Wireshark's ipv6.defragment: off, fragments stay Wireshark's */

/* An outer IPv6 fragment of IPv4-in-IPv6: kept until its packet is whole,
 * which then counts in this frame, as Wireshark's reassembly would have it.
 * FALSE: Wireshark's (another series, or reassembly off). */
static gboolean
take_fragment(tvbuff_t *tvb, packet_info *pinfo, const guint8 *p, guint len, fot_tunnel_packet *pkt)
{
    fot_tunnel_fragment f;
    if (!ipv6_defragment || !defrag || !fot_read_tunnel_fragment(p, len, &f))
        return FALSE;
    fot_defrag_packet whole;
    uint64_t given_up;
    fot_defrag_status st = fot_defrag_add(defrag, &f, fot_time_make(pinfo->abs_ts.secs, pinfo->abs_ts.nsecs), &whole,
                                          &given_up);
    memset(pkt, 0, sizeof *pkt);
    pkt->src = f.src;
    pkt->dst = f.dst;
    pkt->unreassembled = given_up;
    pkt->held = st != FOT_DEFRAG_COMPLETE;
    if (st == FOT_DEFRAG_THEIRS) {
        if (given_up) /* what the sweep gave up counts in this frame, whoever reads the fragment */
            tap_queue_packet(fast_tap, pinfo, pkt);
        return FALSE;
    }
    set_actual_length(tvb, 40 + f.ipv6_len);
    if (!pkt->held) {
        pkt->ipv6_len = whole.ipv6_len;
        pkt->malformed_why = fot_read_reassembled_ipv4(whole.head, whole.head_len, whole.length, &pkt->ip, &pkt->l4);
    }
    if (!pkt->held || given_up)
        tap_queue_packet(fast_tap, pinfo, pkt);
    return TRUE;
}

/* Whenever 4o6top's fields or expert infos are computed (a protocol tree for
 * a filter, -T fields or -V; -z expert; the GUI; tshark -2) Wireshark
 * dissects as usual: fields, filters and the post-dissector then see IPv6 and
 * IPv4 as without the fast path. Otherwise (tshark -z), a plain tunnelled
 * packet, or an outer fragment of one, is read here and nothing after the
 * link layer is dissected. */
static int
dissect_fast(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint len = tvb_captured_length(tvb);
    if (len > 0 && !fot_annotate_wanted(tree)) {
        const guint8 *p = tvb_get_ptr(tvb, 0, len);
        fot_tunnel_packet *pkt = wmem_new(pinfo->pool, fot_tunnel_packet);
        if (fot_read_tunnel_packet(p, len, pkt)) {
            set_actual_length(tvb, 40 + pkt->ipv6_len); /* as the IPv6 dissector: the rest is a trailer */
            tap_queue_packet(fast_tap, pinfo, pkt);
            return (int)(40 + pkt->ipv6_len);
        }
        if (take_fragment(tvb, pinfo, p, len, pkt))
            return (int)tvb_captured_length(tvb);
    }
    return call_dissector_with_data(ipv6_handle, tvb, pinfo, tree, data);
}

static void
note_fast_entry(const char *table, ftenum_t type, void *key, void *entry, void *chosen)
{
    (void)table, (void)type, (void)key;
    if (dtbl_entry_get_handle((dtbl_entry_t *)entry) == fast_handle)
        *(gboolean *)chosen = TRUE;
}

gboolean
fot_fast_path_chosen(void)
{
    gboolean chosen = FALSE;
    dissector_table_foreach("ethertype", note_fast_entry, &chosen);
    return chosen;
}

uint64_t
fot_fast_path_pending(void)
{
    return defrag ? fot_defrag_pending(defrag) : 0;
}

/* Each file starts afresh (a retap, the next file, tshark -M). */
static void
fast_path_init(void)
{
    if (!defrag)
        defrag = fot_defrag_new();
    ipv6_defragment = fot_ws_pref_bool("ipv6", "defragment", true);
}

static void
fast_path_cleanup(void)
{
    fot_defrag_free(defrag);
    defrag = NULL;
}

void
fot_fast_path_register(void)
{
    proto_fast = proto_register_protocol("4o6top fast path (IPv4-in-IPv6 statistics without the IP dissectors)",
                                         "4o6top-fast", "4o6top_fast");
    fast_handle = register_dissector_with_description("4o6top_fast", "4o6top fast path", dissect_fast, proto_fast);
    fast_tap = register_tap(FOT_FAST_PATH_TAP);
    register_init_routine(fast_path_init);
    register_cleanup_routine(fast_path_cleanup);
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

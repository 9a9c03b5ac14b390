/* \summary: the 4o6top fields and expert infos: registered, and added to each tunnelled frame by the post-dissector */
#include "fields.h"

#include "ws_compat.h"

#include <epan/expert.h>
#include <string.h>

#include "annotate.h"
#include "fot_addr.h"
#include "fot_packet.h"
#include "host.h"
#include "prefs.h"

static int ett_4o6top = -1;
static int hf_session = -1, hf_new_session = -1, hf_ce = -1, hf_br = -1, hf_out_of_set = -1,
           hf_direction = -1, hf_client = -1, hf_client_port = -1, hf_server = -1, hf_server_port = -1,
           hf_proto = -1, hf_mechanism = -1, hf_psid = -1, hf_timeout_class = -1, hf_session_packets = -1,
           hf_session_bytes = -1, hf_gap = -1, hf_active_sessions = -1, hf_ce_ports_in_use = -1,
           hf_reopened = -1, hf_verdict = -1, hf_evidence = -1, hf_inbound = -1;
static expert_field ei_threshold = EI_INIT, ei_reopened = EI_INIT;
static expert_field ei_verdict[FOT_VERDICT_COUNT] = { EI_INIT, EI_INIT, EI_INIT, EI_INIT, EI_INIT,
                                                      EI_INIT, EI_INIT, EI_INIT, EI_INIT };

static int proto_ws_expert;   /* _ws.expert: a filter on it wants expert infos in the tree */
static bool fields_leave_out; /* tshark -e names fields, none of 4o6top's nor an expert info */

static void
fields_init(void)
{
    proto_ws_expert = proto_get_id_by_filter_name("_ws.expert");
    /* 4o6top's expert infos hang from its items: -e _ws.expert wants them too. */
    static const char *const printed[] = { "4o6top", "_ws.expert", NULL };
    fields_leave_out = fot_host_fields_leave_out(printed);
}

/* The expert info's words: what the BR does and what to check. */
static const char *const verdict_meaning[FOT_VERDICT_COUNT] = {
    "",
    "",
    "address is the CE's, port in none of its sets: a BR drops it; check PSID and offset",
    "IPv4 address is not the CE's: a BR drops it; check the CE's NAT address",
    "the softwire of this IPv4 and port names another B4: an lwAFTR drops it",
    "source is not the address the MAP rule derives (IPv4, PSID, prefix): a BR drops it",
    "sent via another BR than the one its softwire (or br=) names",
    "no softwire or rule covers the IPv4 address: a BR/lwAFTR drops it",
    "another entry or CE claims this IPv4 and PSID: a BR delivers to one only",
};

static void
expert_reopened(packet_info *pinfo, proto_item *pi, const fot_note *n)
{
    uint32_t timeout_s = fot_engine_config(fot_annotate_engine())->timeout_s[n->ended_class];
    expert_add_info_format(pinfo, pi, &ei_reopened,
                           "Session reopened %.3f s after the same 5-tuple timed out (timeout %u s)",
                           (double)n->reopen_gap / 1e9, timeout_s);
}

/* Of a B4 with several sets, the one that crossed, and its size. */
static void
expert_threshold(packet_info *pinfo, proto_item *pi, const fot_note *n, const char *ce_text)
{
    char ip[FOT_IPV4_TEXT_SIZE];
    if (n->crossed_one_of_several)
        expert_add_info_format(pinfo, pi, &ei_threshold,
                               "CE/B4 %s uses %u of the %" G_GUINT64_FORMAT
                               " ports of its softwire %s PSID %u: past the port-use threshold",
                               ce_text, n->ce_ports_in_use, n->crossed_set_size, fot_ipv4_text(n->crossed_ipv4, ip),
                               n->crossed_psid);
    else
        expert_add_info_format(pinfo, pi, &ei_threshold,
                               "CE/B4 %s uses %u of its %" G_GUINT64_FORMAT " ports: past the port-use threshold",
                               ce_text, n->ce_ports_in_use, n->crossed_set_size);
}

static void
expert_verdict(packet_info *pinfo, proto_item *pi, const fot_note *n, const char *ce_text)
{
    char ip[FOT_IPV4_TEXT_SIZE];
    expert_add_info_format(pinfo, pi, &ei_verdict[n->verdict], "%s: client %s:%u of CE/B4 %s (%s)",
                           fot_verdict_name((fot_verdict)n->verdict), fot_ipv4_text(n->client_ip, ip),
                           n->client_port, ce_text, verdict_meaning[n->verdict]);
}

/* The tree is shown, or a filter or column names 4o6top or one of its fields
 * (which marks the protocol referenced too). Not proto_field_is_referenced
 * on the protocol: that is true of every protocol whenever protocols are not
 * faked, as for -T fields; and tshark marks nothing for -e, so its
 * arguments tell whether -e names 4o6top. */
static bool
wanted_in(proto_tree *tree)
{
    if (tree && proto_registrar_get_nth(fot_prefs_proto())->ref_type != HF_REF_TYPE_NONE)
        return true;
    return !fields_leave_out && proto_field_is_referenced(tree, hf_session);
}

/* A dissection again that anything looks at: the tree or its expert infos
 * (not so for -T fields of other fields, -z io,stat and the like). */
static bool
shown(proto_tree *tree)
{
    return wanted_in(tree) || fot_annotate_experts_tapped() ||
           (tree && proto_ws_expert > 0 && proto_registrar_get_nth(proto_ws_expert)->ref_type != HF_REF_TYPE_NONE);
}

/* A packet with an expert info gets the whole tree: the info's own
 * _ws.expert items hang from one of ours. */
static bool
has_expert_info(const fot_note *n)
{
    return (n->flags & (FOT_NOTE_REOPENED | FOT_NOTE_CROSSED_THRESHOLD)) ||
           (n->verdict != FOT_VERDICT_NONE && n->verdict != FOT_VERDICT_BOUND);
}

static void
add_tree(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const fot_note *n)
{
    /* Nothing shows or filters on 4o6top in this tree (-T fields of other
     * fields; the GUI's first pass, for coloring rules): some 20 items saved. */
    if (!has_expert_info(n) && !wanted_in(tree))
        return;
    char ce_text[FOT_IPV6_TEXT_SIZE];
    fot_ipv6_text(n->ce, ce_text);
    bool up = n->flags & FOT_NOTE_UPSTREAM;
    proto_item *top = proto_tree_add_protocol_format(tree, fot_prefs_proto(), tvb, 0, 0,
                                                     "4o6top, Session %u, %s, %s %s", n->session,
                                                     fot_dir_name(up ? FOT_DIR_UP : FOT_DIR_DOWN),
                                                     fot_mechanism_name((fot_mechanism)n->mechanism), ce_text);
    proto_item_set_generated(top);
    proto_tree *t = proto_item_add_subtree(top, ett_4o6top);
    proto_item *pi;
    ws_in6_addr ce, br;
    memcpy(ce.bytes, n->ce, 16);
    memcpy(br.bytes, n->br, 16);
    proto_item_set_generated(proto_tree_add_uint(t, hf_session, tvb, 0, 0, n->session));
    if (n->flags & FOT_NOTE_NEW_SESSION)
        proto_item_set_generated(proto_tree_add_item(t, hf_new_session, tvb, 0, 0, ENC_NA));
    if (n->flags & FOT_NOTE_REOPENED) {
        pi = proto_tree_add_item(t, hf_reopened, tvb, 0, 0, ENC_NA);
        proto_item_set_generated(pi);
        expert_reopened(pinfo, pi, n);
    }
    proto_item_set_generated(proto_tree_add_ipv6(t, hf_ce, tvb, 0, 0, &ce));
    proto_item_set_generated(proto_tree_add_ipv6(t, hf_br, tvb, 0, 0, &br));
    proto_item_set_generated(proto_tree_add_uint(t, hf_direction, tvb, 0, 0, up ? FOT_DIR_UP : FOT_DIR_DOWN));
    proto_item_set_generated(proto_tree_add_uint(t, hf_proto, tvb, 0, 0, n->proto));
    proto_item_set_generated(proto_tree_add_ipv4(t, hf_client, tvb, 0, 0, g_htonl(n->client_ip)));
    proto_item_set_generated(proto_tree_add_uint(t, hf_client_port, tvb, 0, 0, n->client_port));
    proto_item_set_generated(proto_tree_add_ipv4(t, hf_server, tvb, 0, 0, g_htonl(n->server_ip)));
    proto_item_set_generated(proto_tree_add_uint(t, hf_server_port, tvb, 0, 0, n->server_port));
    proto_item_set_generated(proto_tree_add_boolean(t, hf_inbound, tvb, 0, 0, (n->flags & FOT_NOTE_INBOUND) != 0));
    proto_item_set_generated(proto_tree_add_uint(t, hf_mechanism, tvb, 0, 0, n->mechanism));
    proto_item_set_generated(proto_tree_add_uint(t, hf_evidence, tvb, 0, 0, n->why));
    if (n->flags & FOT_NOTE_HAS_PSID)
        proto_item_set_generated(proto_tree_add_uint(t, hf_psid, tvb, 0, 0, n->psid));
    proto_item_set_generated(proto_tree_add_uint(t, hf_timeout_class, tvb, 0, 0, n->tclass));
    proto_item_set_generated(proto_tree_add_uint64(t, hf_session_packets, tvb, 0, 0, n->session_packets));
    proto_item_set_generated(proto_tree_add_uint64(t, hf_session_bytes, tvb, 0, 0, n->session_bytes));
    if (n->gap >= 0) {
        nstime_t gap = { (time_t)(n->gap / 1000000000), (int)(n->gap % 1000000000) };
        proto_item_set_generated(proto_tree_add_time(t, hf_gap, tvb, 0, 0, &gap));
    }
    proto_item_set_generated(proto_tree_add_uint(t, hf_active_sessions, tvb, 0, 0, n->active_sessions));
    pi = proto_tree_add_uint(t, hf_ce_ports_in_use, tvb, 0, 0, n->ce_ports_in_use);
    proto_item_set_generated(pi);
    if (n->flags & FOT_NOTE_CROSSED_THRESHOLD)
        expert_threshold(pinfo, pi, n, ce_text);
    if (n->flags & FOT_NOTE_OUT_OF_SET)
        proto_item_set_generated(proto_tree_add_item(t, hf_out_of_set, tvb, 0, 0, ENC_NA));
    if (n->verdict != FOT_VERDICT_NONE) {
        pi = proto_tree_add_uint(t, hf_verdict, tvb, 0, 0, n->verdict);
        proto_item_set_generated(pi);
        if (n->verdict != FOT_VERDICT_BOUND)
            expert_verdict(pinfo, pi, n, ce_text);
    }
}

/* The post-dissector: the first dissection of a tunnelled frame counts it;
 * later ones show what it got. */
static int
dissect_4o6top(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    (void)data;
    fot_note n;
    if (fot_annotate_computing(pinfo, tree)) {
        if (!fot_annotate_count(pinfo, tvb, &n))
            return 0;
    } else if (!shown(tree) || !fot_annotate_frame(pinfo, &n)) {
        return 0;
    }
    add_tree(tree, tvb, pinfo, &n);
    return tvb_captured_length(tvb);
}

/* The enumerated fields are shown and filtered by name (4o6top.direction == "up")
 * and by number; -T fields prints the number, as for ip.proto. The names are
 * tap/'s (fot_names.h), each table ended by { 0, NULL }. */
static value_string direction_names[3], proto_names[4], mechanism_names[FOT_MECH_COUNT + 1],
    class_names[FOT_CLASS_COUNT + 1], verdict_names[FOT_VERDICT_COUNT], why_names[FOT_WHY_COUNT + 1];

static void
fill_value_names(void)
{
    for (int d = 0; d < 2; d++)
        direction_names[d] = (value_string){ (guint32)d, fot_dir_name((fot_dir)d) };
    static const uint8_t protos[] = { FOT_IPPROTO_ICMP, FOT_IPPROTO_TCP, FOT_IPPROTO_UDP };
    for (int p = 0; p < 3; p++)
        proto_names[p] = (value_string){ protos[p], fot_proto_name(protos[p]) };
    for (int m = 0; m < FOT_MECH_COUNT; m++)
        mechanism_names[m] = (value_string){ (guint32)m, fot_mechanism_name((fot_mechanism)m) };
    for (int c = 0; c < FOT_CLASS_COUNT; c++)
        class_names[c] = (value_string){ (guint32)c, fot_class_name((fot_class)c) };
    for (int v = FOT_VERDICT_BOUND; v < FOT_VERDICT_COUNT; v++)
        verdict_names[v - 1] = (value_string){ (guint32)v, fot_verdict_name((fot_verdict)v) };
    for (int w = 0; w < FOT_WHY_COUNT; w++)
        why_names[w] = (value_string){ (guint32)w, fot_why_name((fot_why)w) };
}

/* EXPFILL with the description Wireshark shows for the expert info's field
 * (tshark -G fields, the display filter dialog); EXPFILL leaves it empty. */
#define EXPFILL_DESCRIBED(description) 0, NULL, 0, \
    { 0, { NULL, NULL, FT_NONE, BASE_NONE, NULL, 0, description, HFILL } }

/* One expert info per verdict a BR refuses, the threshold crossing, a reopen. */
static void
register_expert_infos(int proto)
{
    static ei_register_info ei[] = {
        { &ei_verdict[FOT_VERDICT_WRONG_PORT], { "4o6top.verdict.wrong_port", PI_PROTOCOL, PI_WARN,
                                                 "Port outside the CE's port sets", EXPFILL_DESCRIBED(
              "Verdict wrong-port: the IPv4 address is the CE's, the port in none of its port sets; "
              "a BR drops the packet") } },
        { &ei_verdict[FOT_VERDICT_WRONG_ADDRESS], { "4o6top.verdict.wrong_address", PI_PROTOCOL, PI_WARN,
                                                    "IPv4 address not the CE's", EXPFILL_DESCRIBED(
              "Verdict wrong-address: the client IPv4 address is not the CE's; a BR drops the packet") } },
        { &ei_verdict[FOT_VERDICT_WRONG_B4], { "4o6top.verdict.wrong_b4", PI_SECURITY, PI_ERROR,
                                               "Softwire of another B4", EXPFILL_DESCRIBED(
              "Verdict wrong-b4: the LW4o6 softwire of this IPv4 address and port names another B4; "
              "an lwAFTR drops the packet") } },
        { &ei_verdict[FOT_VERDICT_SPOOFED], { "4o6top.verdict.spoofed", PI_SECURITY, PI_ERROR,
                                              "Source not the MAP-derived address", EXPFILL_DESCRIBED(
              "Verdict spoofed: the CE's IPv6 address is not the one the MAP-E rule derives from its IPv4 "
              "address and PSID; a BR drops the packet") } },
        { &ei_verdict[FOT_VERDICT_WRONG_BR], { "4o6top.verdict.wrong_br", PI_PROTOCOL, PI_NOTE,
                                               "Softwire of another BR", EXPFILL_DESCRIBED(
              "Verdict wrong-br: sent via another BR/AFTR than the one its softwire (or br=) names") } },
        { &ei_verdict[FOT_VERDICT_UNBOUND], { "4o6top.verdict.unbound", PI_PROTOCOL, PI_WARN,
                                              "No softwire or rule for the IPv4 address", EXPFILL_DESCRIBED(
              "Verdict unbound: no LW4o6 softwire or MAP-E rule covers the client IPv4 address; "
              "a BR/lwAFTR drops the packet") } },
        { &ei_verdict[FOT_VERDICT_CONFLICT], { "4o6top.verdict.conflict", PI_PROTOCOL, PI_WARN,
                                               "IPv4 and PSID claimed twice", EXPFILL_DESCRIBED(
              "Verdict conflict: two table entries, or two CEs, claim this IPv4 address and PSID; "
              "a BR delivers to one only") } },
        { &ei_threshold, { "4o6top.ce_ports_in_use.threshold", PI_PROTOCOL, PI_WARN,
                           "CE/B4 past the port-use threshold", EXPFILL_DESCRIBED(
              "The packet that takes a port set of the CE/B4 past the threshold= percentage of its "
              "ports in use") } },
        { &ei_reopened, { "4o6top.reopened.expert", PI_SEQUENCE, PI_NOTE,
                          "Session reopened shortly after it timed out", EXPFILL_DESCRIBED(
              "A new session less than a timeout after the same session (tunnel and 5-tuple) "
              "timed out: the timeout may be shorter than the application's idle time") } },
    };
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}

void
fot_fields_register(int proto)
{
    fill_value_names();
    static hf_register_info hf[] = {
        { &hf_session, { "Session", "4o6top.session", FT_UINT32, BASE_DEC, NULL, 0,
                         "Number of the session instance in the file, in order of opening", HFILL } },
        { &hf_new_session, { "New session", "4o6top.new_session", FT_NONE, BASE_NONE, NULL, 0,
                             "The first packet of a session instance", HFILL } },
        { &hf_reopened, { "Reopened", "4o6top.reopened", FT_NONE, BASE_NONE, NULL, 0,
                          "A new session less than a timeout after the same session (tunnel and 5-tuple) "
                          "timed out", HFILL } },
        { &hf_ce, { "CE/B4", "4o6top.ce", FT_IPv6, BASE_NONE, NULL, 0, "IPv6 address of the CE/B4", HFILL } },
        { &hf_br, { "BR/AFTR", "4o6top.br", FT_IPv6, BASE_NONE, NULL, 0, "IPv6 address of the BR/AFTR", HFILL } },
        { &hf_direction, { "Direction", "4o6top.direction", FT_UINT8, BASE_DEC, VALS(direction_names), 0,
                           "up: client to server; down: server to client", HFILL } },
        { &hf_proto, { "Protocol", "4o6top.proto", FT_UINT8, BASE_DEC, VALS(proto_names), 0,
                       "Inner IPv4 protocol number", HFILL } },
        { &hf_client, { "Client", "4o6top.client", FT_IPv4, BASE_NONE, NULL, 0,
                        "Inner IPv4 address on the CE/B4 side", HFILL } },
        { &hf_client_port, { "Client port", "4o6top.client_port", FT_UINT16, BASE_DEC, NULL, 0,
                             "TCP/UDP port or ICMP identifier on the CE/B4 side", HFILL } },
        { &hf_server, { "Server", "4o6top.server", FT_IPv4, BASE_NONE, NULL, 0,
                        "Inner IPv4 address on the BR/AFTR side (the Internet host)", HFILL } },
        { &hf_server_port, { "Server port", "4o6top.server_port", FT_UINT16, BASE_DEC, NULL, 0,
                             "TCP/UDP port or ICMP identifier on the BR/AFTR side", HFILL } },
        { &hf_mechanism, { "Mechanism", "4o6top.mechanism", FT_UINT8, BASE_DEC, VALS(mechanism_names), 0,
                           "DS-Lite, MAP-E, LW4o6 or unknown, from the evidence so far", HFILL } },
        { &hf_evidence, { "Mechanism evidence", "4o6top.evidence", FT_UINT8, BASE_DEC, VALS(why_names), 0,
                          "What made the mechanism: a binding, a MAP rule, the MAP interface identifier, several "
                          "client IPv4 addresses; guess: one private client IPv4, a narrow port range", HFILL } },
        { &hf_inbound, { "Inbound", "4o6top.inbound", FT_BOOLEAN, BASE_NONE, NULL, 0,
                         "The session was opened from the BR/AFTR side (its opener is on the Internet)", HFILL } },
        { &hf_psid, { "PSID", "4o6top.psid", FT_UINT16, BASE_DEC, NULL, 0, "The CE's port-set identifier", HFILL } },
        { &hf_timeout_class, { "Timeout class", "4o6top.timeout_class", FT_UINT8, BASE_DEC, VALS(class_names), 0,
                               "Which timeout applies to the session now", HFILL } },
        { &hf_session_packets, { "Session packets", "4o6top.session_packets", FT_UINT64, BASE_DEC, NULL, 0,
                                 "Packets of the session so far, this one included", HFILL } },
        { &hf_session_bytes, { "Session bytes", "4o6top.session_bytes", FT_UINT64, BASE_DEC, NULL, 0,
                               "Bytes of the session so far, this packet included", HFILL } },
        { &hf_gap, { "Since previous packet", "4o6top.gap", FT_RELATIVE_TIME, BASE_NONE, NULL, 0,
                     "Time since the session's previous packet", HFILL } },
        { &hf_active_sessions, { "Active sessions", "4o6top.active_sessions", FT_UINT32, BASE_DEC, NULL, 0,
                                 "Sessions active in the file at this packet", HFILL } },
        { &hf_ce_ports_in_use, { "CE ports in use", "4o6top.ce_ports_in_use", FT_UINT32, BASE_DEC, NULL, 0,
                                 "Distinct TCP/UDP client ports of this CE/B4's active sessions", HFILL } },
        { &hf_out_of_set, { "Out of set", "4o6top.out_of_set", FT_NONE, BASE_NONE, NULL, 0,
                            "Client address or port outside the CE's port set", HFILL } },
        { &hf_verdict, { "Verdict", "4o6top.verdict", FT_UINT8, BASE_DEC, VALS(verdict_names), 0,
                         "What the BR/lwAFTR would decide for this packet", HFILL } },
    };
    static gint *ett[] = { &ett_4o6top };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    register_expert_infos(proto);
    register_init_routine(fields_init);
}


void
fot_fields_handoff(void)
{
    register_postdissector(create_dissector_handle(dissect_4o6top, fot_prefs_proto()));
}

/* Per-CE accounting in the engine: ports in use as sessions come and go,
 * the peak, the largest use across CEs, out-of-set packets, mechanisms. */
#include "fot_args.h"
#include "fot_config.h"
#include "test_util.h"

static fot_engine *
engine_with(const char *args)
{
    fot_config c;
    fot_config_defaults(&c);
    fot_mode mode;
    char *filter = NULL, *err = NULL;
    g_assert_true(fot_config_parse_args(&c, args, &mode, &filter, &err));
    fot_engine *e = fot_engine_new(&c);
    fot_config_clear(&c);
    return e;
}

static fot_ce_info
ce_of(const fot_engine *e, const fot_session *s)
{
    fot_ce_info info;
    fot_engine_ce(e, s->ce, &info);
    return info;
}

static void
count_ce(const fot_ce_info *ce, void *ud)
{
    (void)ce;
    (*(unsigned *)ud)++;
}

static const fot_session *
udp_from(fot_engine *e, double t, const char *ce, const char *ip, uint16_t port)
{
    fot_event ev = ev_make(t, ce, BR, FOT_IPPROTO_UDP, ip, port, "203.0.113.1", 4500, 0, 48);
    return fot_engine_packet(e, &ev).session;
}

static void
test_ports_in_use_follow_sessions(void)
{
    fot_engine *e = engine_with("ce,udp_timeout=10");
    udp_from(e, 0, CE1, "192.168.1.2", 1000);
    udp_from(e, 1, CE1, "192.168.1.2", 1001);
    udp_from(e, 2, CE1, "192.168.1.3", 1001); /* same port from another host: one port */
    fot_event t = ev_make(3, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 1000, "203.0.113.1", 80, FOT_TCP_SYN, 40);
    const fot_session *s = fot_engine_packet(e, &t).session; /* TCP on a UDP port: still one port */
    fot_ce_info info = ce_of(e, s);
    g_assert_cmpuint(info.ports_in_use, ==, 2);
    g_assert_cmpuint(info.peak_ports, ==, 2);
    g_assert_cmpuint(info.active_sessions, ==, 4);
    g_assert_cmpuint(info.sessions, ==, 4);
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 2);
    fot_engine_advance(e, SEC(11)); /* the UDP sessions of t=0 and t=1 end */
    info = ce_of(e, s);
    g_assert_cmpuint(info.ports_in_use, ==, 2);
    fot_engine_advance(e, SEC(12.5)); /* t=2's ends too: port 1001 is free */
    info = ce_of(e, s);
    g_assert_cmpuint(info.ports_in_use, ==, 1);
    g_assert_cmpuint(info.peak_ports, ==, 2);
    g_assert_cmpint(info.peak_time, ==, SEC(1));
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 1);
    fot_engine_advance(e, SEC(1000));
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 0);
    fot_engine_free(e);
}

/* The largest use across CEs goes down when the busiest CE's sessions end. */
static void
test_max_across_ces(void)
{
    fot_engine *e = engine_with("ce,udp_timeout=5");
    for (int i = 0; i < 3; i++)
        udp_from(e, 0, CE1, "192.168.1.2", (uint16_t)(2000 + i));
    udp_from(e, 3, CE2, "192.168.1.2", 3000);
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 3);
    fot_engine_advance(e, SEC(5));
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 1);
    fot_engine_free(e);
}

static void
test_out_of_set_with_rule(void)
{
    fot_engine *e = engine_with("ce,map_rule=2001:db8::/40;192.0.2.0/24;16");
    const char *ce = "2001:db8:12:3400:0:c000:212:34";
    fot_event in = ev_make(0, ce, BR, FOT_IPPROTO_UDP, "192.0.2.18", 1232, "203.0.113.1", 53, 0, 48);
    fot_event out = ev_make(1, ce, BR, FOT_IPPROTO_UDP, "192.0.2.18", 1236, "203.0.113.1", 53, 0, 48);
    fot_event back = ev_make(2, BR, ce, FOT_IPPROTO_UDP, "203.0.113.1", 53, "192.0.2.18", 1236, 0, 48);
    fot_event icmp_err = ev_make(3, BR, ce, FOT_IPPROTO_ICMP, "203.0.113.1", 0, "192.0.2.18", 0, 0, 56);
    icmp_err.icmp_type = FOT_ICMP_UNREACHABLE;
    g_assert_false(fot_engine_packet(e, &in).out_of_set);
    g_assert_true(fot_engine_packet(e, &out).out_of_set);
    g_assert_true(fot_engine_packet(e, &back).out_of_set);
    fot_packet_result r = fot_engine_packet(e, &icmp_err); /* errors carry no port */
    g_assert_false(r.out_of_set);
    fot_ce_info info = ce_of(e, r.session);
    g_assert_cmpint(info.mechanism, ==, FOT_MECH_MAPE);
    g_assert_cmpint(info.source, ==, FOT_SET_RULE);
    g_assert_cmpuint(info.out_of_set, ==, 2);
    g_assert_cmpuint(fot_port_set_size(&info.set), ==, 252);
    fot_engine_free(e);
}

/* A rule's prefix may cover DS-Lite B4s (and BRs): only an address carrying the
 * rule's IPv4 in its interface identifier is that rule's CE. */
static void
test_rule_claims_only_map_addresses(void)
{
    fot_engine *e = engine_with("ce,map_rule=2001:db8::/40;192.0.2.0/24;16");
    const fot_session *s = udp_from(e, 0, "2001:db8:1::2", "192.168.1.2", 40000);
    fot_ce_info info = ce_of(e, s);
    g_assert_cmpint(info.mechanism, ==, FOT_MECH_DSLITE);
    g_assert_cmpint(info.source, ==, FOT_SET_NONE);
    s = udp_from(e, 1, "2001:db8:12:3400:0:c000:212:34", "192.0.2.18", 1232);
    info = ce_of(e, s);
    g_assert_cmpint(info.mechanism, ==, FOT_MECH_MAPE);
    g_assert_cmpint(info.source, ==, FOT_SET_RULE);
    fot_engine_free(e);
}

/* The interface identifier says MAP-E until a second inner host shows up. */
static void
test_mechanism_follows_evidence(void)
{
    fot_engine *e = engine_with("ce");
    const char *ce = "2001:db8:12:3400:0:c000:212:34";
    const fot_session *s = udp_from(e, 0, ce, "192.0.2.18", 1232);
    fot_ce_info info = ce_of(e, s);
    g_assert_cmpint(info.mechanism, ==, FOT_MECH_MAPE);
    g_assert_cmpint(info.source, ==, FOT_SET_IID);
    g_assert_cmpuint(info.set.psid, ==, 0x34);
    s = udp_from(e, 1, ce, "192.0.2.99", 1233);
    info = ce_of(e, s);
    g_assert_cmpint(info.mechanism, ==, FOT_MECH_DSLITE);
    g_assert_cmpint(info.source, ==, FOT_SET_NONE);
    /* A public IPv4 alone is not evidence of anything. */
    s = udp_from(e, 2, CE2, "198.51.100.7", 40000);
    g_assert_cmpint(ce_of(e, s).mechanism, ==, FOT_MECH_UNKNOWN);
    fot_engine_free(e);
}

/* A node taken for a CE only by a wrong first-packet guess stops being one. */
static void
test_flip_moves_the_session_to_the_real_ce(void)
{
    fot_engine *e = engine_with("ce");
    fot_event stray = ev_make(0, BR, CE1, FOT_IPPROTO_TCP, "203.0.113.1", 443, "192.168.1.2", 40000, FOT_TCP_ACK, 40);
    fot_packet_result a = fot_engine_packet(e, &stray);
    uint8_t br[16];
    ip6(br, BR);
    g_assert_cmpmem(fot_engine_node_addr(e, a.session->ce), 16, br, 16);
    fot_event syn = ev_make(1, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.1", 443, FOT_TCP_SYN, 40);
    fot_packet_result b = fot_engine_packet(e, &syn);
    fot_ce_info info = ce_of(e, b.session);
    g_assert_cmpuint(info.sessions, ==, 1);
    g_assert_cmpuint(info.ports_in_use, ==, 1);
    unsigned ces = 0;
    fot_engine_foreach_ce(e, count_ce, &ces);
    g_assert_cmpuint(ces, ==, 1);
    g_assert_cmpuint(fot_engine_max_ce_ports(e), ==, 1);
    fot_engine_free(e);
}

/* At the cap the least recently seen session goes, so a busy session survives a flood. */
static void
test_cap_evicts_least_recent(void)
{
    fot_engine *e = engine_with("sum,max_sessions=100");
    fot_event real = ev_make(0, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.1", 443, FOT_TCP_SYN, 40);
    fot_engine_packet(e, &real);
    for (int i = 0; i < 10000; i++) {
        char src[32];
        g_snprintf(src, sizeof src, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        fot_event syn = ev_make(1 + i * 0.001, CE2, BR, FOT_IPPROTO_TCP, src, (uint16_t)(i * 7), "203.0.113.1", 80,
                                FOT_TCP_SYN, 40);
        fot_engine_packet(e, &syn);
        if (i % 50 == 0) { /* the real session keeps talking */
            real.time = syn.time;
            fot_engine_packet(e, &real);
        }
    }
    g_assert_cmpuint(active(e), ==, 100);
    g_assert_cmpuint(fot_engine_evicted(e), ==, 10001 - 100);
    real.time += 1;
    fot_packet_result r = fot_engine_packet(e, &real);
    g_assert_false(r.opened);
    g_assert_cmpuint(fot_session_serial(r.session), ==, 1);
    g_assert_cmpuint(r.session->packets[FOT_DIR_UP], ==, 2 + 10000 / 50);
    fot_engine_free(e);
}

/* A flood from ever new outer addresses: the address table stays bounded;
 * CE records without sessions are dropped, and counted. */
static void
test_node_table_bounded(void)
{
    fot_engine *e = engine_with("ce,max_sessions=10");
    for (int i = 0; i < 5000; i++) {
        char ce[64];
        g_snprintf(ce, sizeof ce, "2001:db8:%x::%x", i >> 16, i & 0xffff);
        fot_event ev = ev_make(i * 0.001, ce, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.1", 53, 0, 40);
        fot_engine_packet(e, &ev);
    }
    unsigned ces = 0;
    fot_engine_foreach_ce(e, count_ce, &ces);
    g_assert_cmpuint(active(e), ==, 10);
    /* At most a tunnel per session and an idle one, two address nodes each
     * and two more, and one of them the BR's. */
    g_assert_cmpuint(ces, <=, (10 + 1) * 2 + 2 - 1);
    g_assert_cmpuint(ces + fot_engine_forgotten_ces(e), ==, 5000);
    fot_engine_free(e);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/ce/ports-in-use-follow-sessions", test_ports_in_use_follow_sessions);
    g_test_add_func("/ce/max-across-ces", test_max_across_ces);
    g_test_add_func("/ce/out-of-set-with-rule", test_out_of_set_with_rule);
    g_test_add_func("/ce/mechanism-follows-evidence", test_mechanism_follows_evidence);
    g_test_add_func("/ce/rule-claims-only-map-addresses", test_rule_claims_only_map_addresses);
    g_test_add_func("/ce/flip-moves-session", test_flip_moves_the_session_to_the_real_ce);
    g_test_add_func("/ce/cap-evicts-least-recent", test_cap_evicts_least_recent);
    g_test_add_func("/ce/node-table-bounded", test_node_table_bounded);
    return g_test_run();
}

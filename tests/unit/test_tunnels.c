/* Sessions in their tunnels: which end is the CE/B4, from which evidence,
 * and what happens to a tunnel's sessions when it turns round. */
#include "fot_config.h"
#include "test_util.h"

#define CE3 "2001:db8:3::1"

static fot_packet_result
tcp_from(fot_engine *e, double t, const char *from, const char *to, const char *src, uint16_t sport,
         const char *dst, uint16_t dport, uint8_t flags)
{
    fot_event ev = ev_make(t, from, to, FOT_IPPROTO_TCP, src, sport, dst, dport, flags, 40);
    return fot_engine_packet(e, &ev);
}

static const uint8_t *
ce_of(const fot_engine *e, const fot_packet_result *r)
{
    return fot_engine_node_addr(e, r->session->ce);
}

static void
note_ce(const fot_ce_info *ce, void *ud)
{
    g_ptr_array_add(ud, (gpointer)ce->addr);
}

/* The AFTR is taken for the CE of its first tunnel (a capture that starts
 * mid-flow); once it is an end of three tunnels, it is the BR, and its
 * first two tunnels turn round with their sessions. */
static void
test_peers_make_the_br(void)
{
    fot_engine *e = engine_default();
    fot_packet_result a = tcp_from(e, 1, BR, CE1, "203.0.113.10", 443, "192.168.1.2", 40000, FOT_TCP_ACK);
    uint8_t br[16], ce1[16];
    ip6(br, BR);
    ip6(ce1, CE1);
    g_assert_cmpmem(ce_of(e, &a), 16, br, 16);
    tcp_from(e, 2, CE2, BR, "192.168.1.2", 40001, "203.0.113.10", 443, FOT_TCP_ACK);
    g_assert_cmpmem(ce_of(e, &a), 16, br, 16); /* two tunnels: no evidence yet */
    fot_packet_result c = tcp_from(e, 3, CE3, BR, "192.168.1.2", 40002, "203.0.113.10", 443, FOT_TCP_ACK);
    g_assert_cmpmem(ce_of(e, &a), 16, ce1, 16);
    g_assert_cmpuint(a.session->client_ip, ==, ip4("192.168.1.2"));
    g_assert_cmpuint(a.session->client_port, ==, 40000);
    g_assert_cmpuint(a.session->packets[FOT_DIR_DOWN], ==, 1); /* the packet that came from the BR */
    g_assert_cmpuint(a.session->packets[FOT_DIR_UP], ==, 0);
    uint8_t ce3[16];
    ip6(ce3, CE3);
    g_assert_cmpmem(ce_of(e, &c), 16, ce3, 16);
    /* The BR lost its CE record with its last session: three ce rows, none its. */
    GPtrArray *ces = g_ptr_array_new();
    fot_engine_foreach_ce(e, note_ce, ces);
    g_assert_cmpuint(ces->len, ==, 3);
    for (guint i = 0; i < ces->len; i++)
        g_assert_true(memcmp(g_ptr_array_index(ces, i), br, 16) != 0);
    g_ptr_array_free(ces, TRUE);
    fot_engine_free(e);
}

/* One tunnel, no other evidence: the first marker decides, and it turns
 * only once the other side has opened more than twice as many sessions. */
static void
test_markers_turn_by_majority(void)
{
    fot_engine *e = engine_default();
    /* An inbound connection first: its SYN comes from the BR side. */
    fot_packet_result first = tcp_from(e, 1, BR, CE1, "198.51.100.7", 50000, "192.168.1.2", 8080, FOT_TCP_SYN);
    uint8_t br[16], ce1[16];
    ip6(br, BR);
    ip6(ce1, CE1);
    g_assert_cmpmem(ce_of(e, &first), 16, br, 16);
    g_assert_false(first.session->flags & FOT_SESSION_INBOUND);
    /* The other side opens 1, 2: not more than twice as many yet. */
    tcp_from(e, 2, CE1, BR, "192.168.1.2", 40001, "203.0.113.10", 443, FOT_TCP_SYN);
    fot_packet_result second = tcp_from(e, 3, CE1, BR, "192.168.1.2", 40002, "203.0.113.10", 443, FOT_TCP_SYN);
    g_assert_cmpmem(ce_of(e, &second), 16, br, 16);
    g_assert_true(second.session->flags & FOT_SESSION_INBOUND);
    /* The third: 3 > 2 x 1, the tunnel turns; the first session is now an inbound one. */
    fot_packet_result third = tcp_from(e, 4, CE1, BR, "192.168.1.2", 40003, "203.0.113.10", 443, FOT_TCP_SYN);
    g_assert_cmpmem(ce_of(e, &third), 16, ce1, 16);
    g_assert_false(third.session->flags & FOT_SESSION_INBOUND);
    g_assert_cmpmem(ce_of(e, &first), 16, ce1, 16);
    g_assert_true(first.session->flags & FOT_SESSION_INBOUND);
    g_assert_cmpuint(first.session->client_port, ==, 8080);
    g_assert_false(second.session->flags & FOT_SESSION_INBOUND);
    fot_engine_free(e);
}

/* The same inner 5-tuple in two tunnels, each first seen from the AFTR: two
 * sessions, and a packet of one never counts on the other. */
static void
test_same_tuple_two_tunnels_from_the_aftr(void)
{
    fot_engine *e = engine_default();
    fot_packet_result a = tcp_from(e, 1, BR, CE1, "203.0.113.10", 443, "192.168.1.2", 40000, FOT_TCP_SYN | FOT_TCP_ACK);
    fot_packet_result b = tcp_from(e, 2, BR, CE2, "203.0.113.10", 443, "192.168.1.2", 40000, FOT_TCP_SYN | FOT_TCP_ACK);
    g_assert_true(a.opened);
    g_assert_true(b.opened);
    g_assert_true(a.session != b.session);
    fot_packet_result back = tcp_from(e, 3, CE1, BR, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_ACK);
    g_assert_true(back.session == a.session);
    g_assert_cmpuint(a.session->packets[0] + a.session->packets[1], ==, 2);
    g_assert_cmpuint(b.session->packets[0] + b.session->packets[1], ==, 1);
    g_assert_cmpuint(active(e), ==, 2);
    fot_engine_free(e);
}

/* br= decides from the first packet: nothing ever turns, whoever opens. */
static void
test_configured_br_decides(void)
{
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL;
    g_assert_true(fot_config_set(&c, "br", BR, &err));
    fot_engine *e = fot_engine_new(&c);
    fot_config_clear(&c);
    uint8_t ce1[16];
    ip6(ce1, CE1);
    for (int i = 0; i < 4; i++) {
        fot_packet_result r = tcp_from(e, 1 + i, BR, CE1, "198.51.100.7", (uint16_t)(50000 + i), "192.168.1.2", 8080,
                                       FOT_TCP_SYN);
        g_assert_cmpmem(ce_of(e, &r), 16, ce1, 16);
        g_assert_true(r.session->flags & FOT_SESSION_INBOUND);
        g_assert_cmpint(r.dir, ==, FOT_DIR_DOWN);
    }
    fot_engine_free(e);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/tunnels/peers-make-the-br", test_peers_make_the_br);
    g_test_add_func("/tunnels/markers-turn-by-majority", test_markers_turn_by_majority);
    g_test_add_func("/tunnels/same-tuple-two-tunnels-from-the-aftr", test_same_tuple_two_tunnels_from_the_aftr);
    g_test_add_func("/tunnels/configured-br-decides", test_configured_br_decides);
    return g_test_run();
}

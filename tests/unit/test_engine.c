/* The engine against semantics.md: sessions, directions, keys, timeouts. */
#include "fot_config.h"
#include "test_util.h"

static fot_packet_result
up(fot_engine *e, double t, uint8_t proto, uint16_t cport, uint16_t sport, uint8_t flags)
{
    fot_event ev = ev_make(t, CE1, BR, proto, "192.168.1.2", cport, "203.0.113.10", sport, flags, 100);
    return fot_engine_packet(e, &ev);
}

static fot_packet_result
down(fot_engine *e, double t, uint8_t proto, uint16_t cport, uint16_t sport, uint8_t flags)
{
    fot_event ev = ev_make(t, BR, CE1, proto, "203.0.113.10", sport, "192.168.1.2", cport, flags, 60);
    return fot_engine_packet(e, &ev);
}

static void
test_both_directions_one_session(void)
{
    fot_engine *e = engine_default();
    fot_packet_result a = up(e, 1, FOT_IPPROTO_TCP, 40000, 80, FOT_TCP_SYN);
    fot_packet_result b = down(e, 1.1, FOT_IPPROTO_TCP, 40000, 80, FOT_TCP_SYN | FOT_TCP_ACK);
    fot_packet_result c = up(e, 1.2, FOT_IPPROTO_TCP, 40000, 80, FOT_TCP_ACK);
    g_assert_true(a.opened);
    g_assert_false(b.opened);
    g_assert_false(c.opened);
    g_assert_cmpint(a.dir, ==, FOT_DIR_UP);
    g_assert_cmpint(b.dir, ==, FOT_DIR_DOWN);
    g_assert_cmpuint(fot_session_serial(c.session), ==, 1);
    g_assert_cmpuint(c.session->packets[FOT_DIR_UP], ==, 2);
    g_assert_cmpuint(c.session->packets[FOT_DIR_DOWN], ==, 1);
    g_assert_cmpuint(c.session->bytes[FOT_DIR_UP], ==, 200);
    g_assert_cmpuint(c.session->bytes[FOT_DIR_DOWN], ==, 60);
    g_assert_cmpuint(active(e), ==, 1);
    fot_engine_free(e);
}

static void
test_same_inner_tuple_two_b4s(void)
{
    fot_engine *e = engine_default();
    fot_event a = ev_make(1, CE1, BR, FOT_IPPROTO_UDP, "192.0.0.2", 5000, "198.51.100.1", 443, 0, 80);
    fot_event b = ev_make(1, CE2, BR, FOT_IPPROTO_UDP, "192.0.0.2", 5000, "198.51.100.1", 443, 0, 80);
    fot_event back_to_b = ev_make(2, BR, CE2, FOT_IPPROTO_UDP, "198.51.100.1", 443, "192.0.0.2", 5000, 0, 80);
    const fot_session *sa = fot_engine_packet(e, &a).session;
    uint32_t serial_a = fot_session_serial(sa), ce_a = sa->ce;
    fot_packet_result rb = fot_engine_packet(e, &b);
    g_assert_true(rb.opened);
    g_assert_cmpuint(fot_session_serial(rb.session), !=, serial_a);
    g_assert_cmpuint(rb.session->ce, !=, ce_a);
    fot_packet_result rback = fot_engine_packet(e, &back_to_b);
    g_assert_false(rback.opened);
    g_assert_cmpuint(fot_session_serial(rback.session), ==, fot_session_serial(rb.session));
    g_assert_cmpmem(fot_engine_node_addr(e, rback.session->ce), 16, b.outer_src, 16);
    g_assert_cmpuint(active(e), ==, 2);

    fot_counts c;
    fot_engine_counts(e, &c);
    /* Two sessions, but one distinct destination, source port and port. */
    g_assert_cmpuint(c.proto[FOT_P_UDP].sessions, ==, 2);
    g_assert_cmpuint(c.proto[FOT_P_UDP].dst_ips, ==, 1);
    g_assert_cmpuint(c.proto[FOT_P_UDP].src_ports, ==, 1);
    g_assert_cmpuint(c.proto[FOT_P_UDP].dst_ports, ==, 1);
    fot_engine_free(e);
}

/* Active at t when t < last + timeout: still there 1 ns before, gone at it. */
static void
check_timeout_boundary(uint8_t proto, uint16_t cport, uint16_t sport, uint8_t flags, int timeout_s)
{
    fot_engine *e = engine_default();
    up(e, 100, proto, cport, sport, flags);
    fot_engine_advance(e, SEC(100 + timeout_s) - 1);
    g_assert_cmpuint(active(e), ==, 1);
    fot_engine_advance(e, SEC(100 + timeout_s));
    g_assert_cmpuint(active(e), ==, 0);
    fot_engine_free(e);
}

static void
test_timeout_tcp(void)
{
    check_timeout_boundary(FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK, 240);
}

static void
test_timeout_tcp_rst(void)
{
    check_timeout_boundary(FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_RST, 10);
}

static void
test_timeout_tcp_fin_ack(void)
{
    check_timeout_boundary(FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_FIN | FOT_TCP_ACK, 10);
}

static void
test_timeout_tcp_fin_without_ack_stays_open(void)
{
    check_timeout_boundary(FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_FIN, 240);
}

static void
test_timeout_udp(void)
{
    check_timeout_boundary(FOT_IPPROTO_UDP, 40000, 4500, 0, 60);
}

static void
test_timeout_dns_server_port(void)
{
    check_timeout_boundary(FOT_IPPROTO_UDP, 40000, 53, 0, 3);
}

static void
test_timeout_dns_client_port(void)
{
    check_timeout_boundary(FOT_IPPROTO_UDP, 53, 40000, 0, 3);
}

static void
test_timeout_icmp(void)
{
    check_timeout_boundary(FOT_IPPROTO_ICMP, 7, 7, 0, 3);
}

static void
test_configured_timeouts(void)
{
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL;
    g_assert_true(fot_config_set(&c, "udp_timeout", "5", &err));
    fot_engine *e = fot_engine_new(&c);
    up(e, 10, FOT_IPPROTO_UDP, 1000, 2000, 0);
    fot_engine_advance(e, SEC(15) - 1);
    g_assert_cmpuint(active(e), ==, 1);
    fot_engine_advance(e, SEC(15));
    g_assert_cmpuint(active(e), ==, 0);
    fot_engine_free(e);
}

/* Once closing, a later plain ACK does not put the session back on 240 s. */
static void
test_closing_is_sticky(void)
{
    fot_engine *e = engine_default();
    up(e, 1, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK);
    down(e, 2, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_FIN | FOT_TCP_ACK);
    fot_packet_result r = up(e, 3, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK);
    g_assert_cmpint(r.session->tclass, ==, FOT_CLASS_TCP_CLOSING);
    g_assert_cmpint(fot_engine_expiry(e, r.session), ==, SEC(13));
    fot_engine_advance(e, SEC(13));
    g_assert_cmpuint(active(e), ==, 0);
    fot_engine_free(e);
}

static void
test_reopen_after_expiry(void)
{
    fot_engine *e = engine_default();
    fot_packet_result a = up(e, 1, FOT_IPPROTO_UDP, 1000, 2000, 0);
    g_assert_cmpuint(fot_session_serial(a.session), ==, 1);
    /* Exactly at last + 60 s the session has ended: this opens a new one. */
    fot_packet_result b = down(e, 61, FOT_IPPROTO_UDP, 1000, 2000, 0);
    g_assert_true(b.opened);
    g_assert_cmpuint(fot_session_serial(b.session), ==, 2);
    g_assert_cmpuint(b.session->packets[0] + b.session->packets[1], ==, 1);
    g_assert_cmpuint(fot_engine_sessions_opened(e), ==, 2);
    /* The tunnel outlives its sessions and keeps its CE/B4: the client is
     * still behind CE1, and the reply side opened this one: inbound. */
    g_assert_cmpuint(b.session->client_ip, ==, ip4("192.168.1.2"));
    g_assert_cmpint(b.dir, ==, FOT_DIR_DOWN);
    g_assert_true(b.session->flags & FOT_SESSION_INBOUND);
    fot_engine_free(e);
}

static void
test_refresh_extends(void)
{
    fot_engine *e = engine_default();
    up(e, 1, FOT_IPPROTO_UDP, 1000, 2000, 0);
    down(e, 60, FOT_IPPROTO_UDP, 1000, 2000, 0);
    fot_engine_advance(e, SEC(119.5));
    g_assert_cmpuint(active(e), ==, 1);
    fot_engine_advance(e, SEC(120));
    g_assert_cmpuint(active(e), ==, 0);
    fot_engine_free(e);
}

static void
test_distinct_counts(void)
{
    fot_engine *e = engine_default();
    /* TCP: 3 sessions, 2 server addresses, 3 client ports, 2 server ports. */
    fot_event t1 = ev_make(1, CE1, BR, FOT_IPPROTO_TCP, "10.0.0.1", 1001, "198.51.100.1", 443, FOT_TCP_SYN, 60);
    fot_event t2 = ev_make(1, CE1, BR, FOT_IPPROTO_TCP, "10.0.0.1", 1002, "198.51.100.1", 80, FOT_TCP_SYN, 60);
    fot_event t3 = ev_make(1, CE2, BR, FOT_IPPROTO_TCP, "10.0.0.1", 1003, "198.51.100.2", 443, FOT_TCP_SYN, 60);
    /* ICMP: ids 7 and 9 to one address. */
    fot_event i1 = ev_make(1, CE1, BR, FOT_IPPROTO_ICMP, "10.0.0.1", 7, "198.51.100.9", 7, 0, 60);
    fot_event i2 = ev_make(1, CE1, BR, FOT_IPPROTO_ICMP, "10.0.0.1", 9, "198.51.100.9", 9, 0, 60);
    fot_event *all[] = { &t1, &t2, &t3, &i1, &i2 };
    for (unsigned k = 0; k < G_N_ELEMENTS(all); k++)
        fot_engine_packet(e, all[k]);
    fot_counts c;
    fot_engine_counts(e, &c);
    g_assert_cmpuint(c.sessions, ==, 5);
    g_assert_cmpuint(c.proto[FOT_P_TCP].sessions, ==, 3);
    g_assert_cmpuint(c.proto[FOT_P_TCP].dst_ips, ==, 2);
    g_assert_cmpuint(c.proto[FOT_P_TCP].src_ports, ==, 3);
    g_assert_cmpuint(c.proto[FOT_P_TCP].dst_ports, ==, 2);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].sessions, ==, 2);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].dst_ips, ==, 1);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].src_ports, ==, 2);
    g_assert_cmpuint(c.proto[FOT_P_UDP].sessions, ==, 0);
    /* ICMP ends after 3 s; the counts follow. */
    fot_engine_advance(e, SEC(4));
    fot_engine_counts(e, &c);
    g_assert_cmpuint(c.sessions, ==, 3);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].dst_ips, ==, 0);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].src_ports, ==, 0);
    fot_engine_free(e);
}

static void
test_syn_ack_first_marks_receiver(void)
{
    fot_engine *e = engine_default();
    fot_packet_result r = down(e, 1, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_SYN | FOT_TCP_ACK);
    g_assert_cmpint(r.dir, ==, FOT_DIR_DOWN);
    g_assert_cmpuint(r.session->client_ip, ==, ip4("192.168.1.2"));
    g_assert_cmpuint(r.session->client_port, ==, 40000);
    fot_engine_free(e);
}

/* A session opened by a stray reply turns around when the client's SYN comes. */
static void
test_syn_flips_first_packet_guess(void)
{
    fot_engine *e = engine_default();
    fot_packet_result a = down(e, 1, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK);
    g_assert_cmpuint(a.session->client_ip, ==, ip4("203.0.113.10"));
    fot_packet_result b = up(e, 2, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_SYN);
    g_assert_false(b.opened);
    g_assert_cmpuint(fot_session_serial(b.session), ==, 1);
    g_assert_cmpint(b.dir, ==, FOT_DIR_UP);
    g_assert_cmpuint(b.session->client_ip, ==, ip4("192.168.1.2"));
    g_assert_cmpuint(b.session->packets[FOT_DIR_UP], ==, 1);
    g_assert_cmpuint(b.session->packets[FOT_DIR_DOWN], ==, 1);
    g_assert_cmpuint(b.session->bytes[FOT_DIR_DOWN], ==, 60);
    uint8_t ce[16];
    ip6(ce, CE1);
    g_assert_cmpmem(fot_engine_node_addr(e, b.session->ce), 16, ce, 16);
    /* And the reply side now finds it in the other direction. */
    fot_packet_result c = down(e, 3, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK);
    g_assert_false(c.opened);
    g_assert_cmpint(c.dir, ==, FOT_DIR_DOWN);
    g_assert_cmpuint(active(e), ==, 1);
    fot_counts n;
    fot_engine_counts(e, &n);
    g_assert_cmpuint(n.proto[FOT_P_TCP].dst_ports, ==, 1);
    fot_engine_free(e);
}

/* Counts read before a tunnel turns round are not the ones after: its
 * sessions' servers become their clients (the first packet's guess had them
 * the other way). */
static void
test_counts_follow_flip(void)
{
    fot_engine *e = engine_default();
    down(e, 1, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_ACK); /* guessed: client 203.0.113.10:443 */
    down(e, 1.5, FOT_IPPROTO_TCP, 40001, 443, FOT_TCP_ACK);
    fot_counts n;
    fot_engine_counts(e, &n);
    g_assert_cmpuint(n.proto[FOT_P_TCP].src_ports, ==, 1);
    g_assert_cmpuint(n.proto[FOT_P_TCP].dst_ports, ==, 2);
    g_assert_cmpuint(n.proto[FOT_P_TCP].dst_ips, ==, 1);
    up(e, 2, FOT_IPPROTO_TCP, 40000, 443, FOT_TCP_SYN); /* turns the tunnel, both sessions, round */
    fot_engine_counts(e, &n);
    g_assert_cmpuint(n.sessions, ==, 2);
    g_assert_cmpuint(n.proto[FOT_P_TCP].src_ports, ==, 2);
    g_assert_cmpuint(n.proto[FOT_P_TCP].dst_ports, ==, 1);
    g_assert_cmpuint(n.proto[FOT_P_TCP].dst_ips, ==, 1);
    fot_engine_free(e);
}

/* A capture that starts mid-flow (AFTR -> B4a) makes the AFTR look like the CE; a SYN
 * from another B4 with the same private inner addresses is that B4's own session,
 * not B4a's turned around. */
static void
test_syn_from_third_b4_opens_its_own(void)
{
    fot_engine *e = engine_default();
    fot_event mid = ev_make(1, BR, CE1, FOT_IPPROTO_TCP, "203.0.113.10", 443, "192.168.1.2", 40000, FOT_TCP_ACK, 60);
    fot_packet_result a = fot_engine_packet(e, &mid);
    g_assert_true(a.opened);
    fot_event syn = ev_make(2, CE2, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_SYN, 100);
    fot_packet_result b = fot_engine_packet(e, &syn);
    g_assert_true(b.opened);
    g_assert_cmpint(b.dir, ==, FOT_DIR_UP);
    uint8_t ce2[16];
    ip6(ce2, CE2);
    g_assert_cmpmem(fot_engine_node_addr(e, b.session->ce), 16, ce2, 16);
    g_assert_cmpuint(b.session->client_ip, ==, ip4("192.168.1.2"));
    g_assert_cmpuint(b.session->packets[FOT_DIR_UP], ==, 1);
    g_assert_cmpuint(b.session->packets[FOT_DIR_DOWN], ==, 0);
    g_assert_cmpuint(active(e), ==, 2);
    /* The reply to that SYN goes to B4b's session. */
    fot_event synack = ev_make(3, BR, CE2, FOT_IPPROTO_TCP, "203.0.113.10", 443, "192.168.1.2", 40000,
                               FOT_TCP_SYN | FOT_TCP_ACK, 60);
    fot_packet_result c = fot_engine_packet(e, &synack);
    g_assert_false(c.opened);
    g_assert_true(c.session == b.session);
    g_assert_cmpint(c.dir, ==, FOT_DIR_DOWN);
    fot_engine_free(e);
}

static void
test_src_hint_orients(void)
{
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL;
    g_assert_true(fot_config_set(&c, "src", "192.168.1.0/24", &err));
    fot_engine *e = fot_engine_new(&c);
    /* A server's UDP packet first: without the hint its sender would be the client. */
    fot_packet_result r = down(e, 1, FOT_IPPROTO_UDP, 5000, 4500, 0);
    g_assert_cmpint(r.dir, ==, FOT_DIR_DOWN);
    g_assert_cmpuint(r.session->client_ip, ==, ip4("192.168.1.2"));
    /* The other side sent first: as far as the capture tells, it opened the session. */
    g_assert_true(r.session->flags & FOT_SESSION_INBOUND);
    fot_engine_free(e);
}

static void
test_icmp_error_goes_to_client(void)
{
    fot_engine *e = engine_default();
    fot_event ev = ev_make(1, BR, CE1, FOT_IPPROTO_ICMP, "203.0.113.10", 0, "192.168.1.2", 0, 0, 56);
    ev.icmp_type = FOT_ICMP_UNREACHABLE;
    fot_packet_result r = fot_engine_packet(e, &ev);
    g_assert_cmpuint(r.session->client_ip, ==, ip4("192.168.1.2"));
    uint8_t ce[16];
    ip6(ce, CE1);
    g_assert_cmpmem(fot_engine_node_addr(e, r.session->ce), 16, ce, 16);
    fot_engine_free(e);
}

/* A packet stamped before the clock counts at the clock's time. */
static void
test_time_never_goes_back(void)
{
    fot_engine *e = engine_default();
    up(e, 100, FOT_IPPROTO_ICMP, 1, 1, 0);
    fot_packet_result r = up(e, 50, FOT_IPPROTO_ICMP, 2, 2, 0);
    g_assert_cmpint(fot_session_first(r.session), ==, SEC(100));
    g_assert_cmpint(fot_engine_now(e), ==, SEC(100));
    fot_engine_advance(e, SEC(103));
    g_assert_cmpuint(active(e), ==, 0);
    fot_engine_free(e);
}

static void
test_bytes_ipv4_option(void)
{
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL;
    g_assert_true(fot_config_set(&c, "bytes", "ipv4", &err));
    fot_engine *e = fot_engine_new(&c);
    fot_event ev = ev_make(1, CE1, BR, FOT_IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 2, 0, 0);
    ev.ipv6_len = 128;
    ev.ipv4_len = 100;
    g_assert_cmpuint(fot_engine_packet(e, &ev).session->bytes[0], ==, 100);
    fot_engine_free(e);
}

static void
count_one(const fot_session *s, void *ud)
{
    (void)s;
    (*(unsigned *)ud)++;
}

/* Many sessions in and out: table, lists and counters stay consistent. */
static void
test_churn(void)
{
    fot_engine *e = engine_default();
    GRand *rnd = g_rand_new_with_seed(42);
    for (int i = 0; i < 200000; i++) {
        double t = i * 0.001;
        uint16_t port = (uint16_t)g_rand_int_range(rnd, 1024, 1024 + 5000);
        fot_event ev = ev_make(t, g_rand_boolean(rnd) ? CE1 : CE2, BR, FOT_IPPROTO_ICMP, "10.0.0.1", port,
                               "198.51.100.1", port, 0, 60);
        fot_engine_packet(e, &ev);
    }
    unsigned listed = 0;
    fot_engine_foreach(e, count_one, &listed);
    g_assert_cmpuint(listed, ==, active(e));
    fot_engine_advance(e, SEC(1000));
    fot_counts c;
    fot_engine_counts(e, &c);
    g_assert_cmpuint(c.sessions, ==, 0);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].dst_ips, ==, 0);
    g_assert_cmpuint(c.proto[FOT_P_ICMP].src_ports, ==, 0);
    g_rand_free(rnd);
    fot_engine_free(e);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/both-directions-one-session", test_both_directions_one_session);
    g_test_add_func("/engine/same-inner-tuple-two-b4s", test_same_inner_tuple_two_b4s);
    g_test_add_func("/engine/syn-from-third-b4-opens-its-own", test_syn_from_third_b4_opens_its_own);
    g_test_add_func("/engine/timeout/tcp", test_timeout_tcp);
    g_test_add_func("/engine/timeout/tcp-rst", test_timeout_tcp_rst);
    g_test_add_func("/engine/timeout/tcp-fin-ack", test_timeout_tcp_fin_ack);
    g_test_add_func("/engine/timeout/tcp-fin-without-ack", test_timeout_tcp_fin_without_ack_stays_open);
    g_test_add_func("/engine/timeout/udp", test_timeout_udp);
    g_test_add_func("/engine/timeout/dns-server-port", test_timeout_dns_server_port);
    g_test_add_func("/engine/timeout/dns-client-port", test_timeout_dns_client_port);
    g_test_add_func("/engine/timeout/icmp", test_timeout_icmp);
    g_test_add_func("/engine/timeout/configured", test_configured_timeouts);
    g_test_add_func("/engine/closing-is-sticky", test_closing_is_sticky);
    g_test_add_func("/engine/reopen-after-expiry", test_reopen_after_expiry);
    g_test_add_func("/engine/refresh-extends", test_refresh_extends);
    g_test_add_func("/engine/distinct-counts", test_distinct_counts);
    g_test_add_func("/engine/orient/syn-ack-first", test_syn_ack_first_marks_receiver);
    g_test_add_func("/engine/orient/syn-flips-guess", test_syn_flips_first_packet_guess);
    g_test_add_func("/engine/orient/counts-follow-flip", test_counts_follow_flip);
    g_test_add_func("/engine/orient/src-hint", test_src_hint_orients);
    g_test_add_func("/engine/orient/icmp-error", test_icmp_error_goes_to_client);
    g_test_add_func("/engine/time-never-goes-back", test_time_never_goes_back);
    g_test_add_func("/engine/bytes-ipv4", test_bytes_ipv4_option);
    g_test_add_func("/engine/churn", test_churn);
    return g_test_run();
}

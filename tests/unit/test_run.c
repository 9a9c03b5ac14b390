/* Streaming output: when stat rows appear, what sum and log print. TZ is set
 * by main so the local-time columns are fixed. */
#include <stdio.h>
#include <stdlib.h>

#include "fot_args.h"
#include "fot_run.h"
#include "test_util.h"

typedef struct capture_out {
    char *text, *log_text;
    size_t len, log_len;
    FILE *f, *log;
    fot_run *run;
} capture_out;

/* terminal: stdout is one (fot_output.clear_screen); the log stream is captured too. */
static void
start_on(capture_out *o, fot_mode mode, const char *args, bool terminal)
{
    fot_config c;
    fot_config_defaults(&c);
    if (args) {
        fot_mode ignored;
        char *filter = NULL, *err = NULL;
        g_assert_true(fot_config_parse_args(&c, args, &ignored, &filter, &err));
        g_free(filter);
    }
    o->f = open_memstream(&o->text, &o->len);
    o->log = open_memstream(&o->log_text, &o->log_len);
    fot_output out = { .out = o->f, .flush_rows = true, .clear_screen = terminal, .log = o->log };
    o->run = fot_run_new(&c, mode, NULL, out);
    fot_config_clear(&c);
}

static void
start(capture_out *o, fot_mode mode, const char *args)
{
    start_on(o, mode, args, false);
}

/* What went to stdout; o->log_text has what went to the log stream (free both). */
static const char *
finish(capture_out *o)
{
    fot_run_finish(o->run);
    fot_run_free(o->run);
    fclose(o->f);
    fclose(o->log);
    return o->text;
}

static void
capture_free(capture_out *o)
{
    free(o->text);
    free(o->log_text);
}

static void
feed(capture_out *o, const fot_event *ev)
{
    fot_run_frame(o->run, ev->time);
    fot_run_packet(o->run, ev, 6);
}

static fot_event
udp_at(double t)
{
    return ev_make(t, CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 5000, "203.0.113.10", 4500, 0, 100);
}

#define STAT_HEADER                                                                                              \
    "time,Session,TCPSession,UDPSession,ICMPSession,TCPSrcPort,UDPSrcPort,ICMPID,TCPDstIP,UDPDstIP,ICMPDstIP,"   \
    "TCPDstPort,UDPDstPort\n"

/* Rows from the first boundary after the first packet to the first boundary
 * at or after the last; a packet stamped on a boundary counts in that row. */
static void
test_stat_boundaries(void)
{
    capture_out o;
    start(&o, FOT_MODE_STAT, "stat,udp_timeout=2");
    fot_event a = udp_at(10.5);
    feed(&o, &a);
    fot_run_frame(o.run, SEC(12)); /* a non-tunnelled frame moves the clock */
    fot_event b = ev_make(13, CE2, BR, FOT_IPPROTO_UDP, "192.168.1.2", 5000, "203.0.113.10", 4500, 0, 100);
    feed(&o, &b);
    fot_run_frame(o.run, SEC(13.2));
    g_assert_cmpstr(finish(&o), ==,
                    STAT_HEADER "1970-01-01T00:00:11Z,1,0,1,0,0,1,0,0,1,0,0,1\n"
                                "1970-01-01T00:00:12Z,1,0,1,0,0,1,0,0,1,0,0,1\n"
                                "1970-01-01T00:00:13Z,1,0,1,0,0,1,0,0,1,0,0,1\n"
                                "1970-01-01T00:00:14Z,1,0,1,0,0,1,0,0,1,0,0,1\n");
    capture_free(&o);
}

/* Rows also through a gap, and a row stands for its boundary, not the packet. */
static void
test_stat_gap(void)
{
    capture_out o;
    start(&o, FOT_MODE_STAT, "stat,udp_timeout=2,interval=2,noheader");
    fot_event a = udp_at(1);
    feed(&o, &a);
    fot_event b = udp_at(9);
    feed(&o, &b);
    g_assert_cmpstr(finish(&o), ==,
                    "1970-01-01T00:00:02Z,1,0,1,0,0,1,0,0,1,0,0,1\n"
                    "1970-01-01T00:00:04Z,0,0,0,0,0,0,0,0,0,0,0,0\n"
                    "1970-01-01T00:00:06Z,0,0,0,0,0,0,0,0,0,0,0,0\n"
                    "1970-01-01T00:00:08Z,0,0,0,0,0,0,0,0,0,0,0,0\n"
                    "1970-01-01T00:00:10Z,1,0,1,0,0,1,0,0,1,0,0,1\n");
    capture_free(&o);
}

/* One packet on a boundary: still one row. */
static void
test_stat_single_packet_on_boundary(void)
{
    capture_out o;
    start(&o, FOT_MODE_STAT, "stat,noheader,delimiter=;");
    fot_event a = udp_at(20);
    feed(&o, &a);
    g_assert_cmpstr(finish(&o), ==, "1970-01-01T00:00:21Z;1;0;1;0;0;1;0;0;1;0;0;1\n");
    capture_free(&o);
}

static void
test_stat_fractional_interval(void)
{
    capture_out o;
    start(&o, FOT_MODE_STAT, "stat,noheader,interval=0.5");
    fot_event a = udp_at(1.2);
    feed(&o, &a);
    fot_event b = udp_at(1.6);
    feed(&o, &b);
    g_assert_cmpstr(finish(&o), ==,
                    "1970-01-01T00:00:01.500Z,1,0,1,0,0,1,0,0,1,0,0,1\n"
                    "1970-01-01T00:00:02.000Z,1,0,1,0,0,1,0,0,1,0,0,1\n");
    capture_free(&o);
}

static void
test_stat_local_offset(void)
{
    capture_out o;
    g_setenv("TZ", "Asia/Tokyo", TRUE);
    tzset();
    start(&o, FOT_MODE_STAT, "stat,noheader");
    fot_event a = udp_at(0.5);
    feed(&o, &a);
    g_assert_cmpstr(finish(&o), ==, "1970-01-01T09:00:01+09:00,1,0,1,0,0,1,0,0,1,0,0,1\n");
    g_setenv("TZ", "UTC", TRUE);
    tzset();
    capture_free(&o);
}

static void
test_log_rows_oriented_as_session(void)
{
    capture_out o;
    start(&o, FOT_MODE_LOG, NULL);
    fot_event a = ev_make(1.25, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_SYN, 60);
    fot_event b = ev_make(1.5, BR, CE1, FOT_IPPROTO_TCP, "203.0.113.10", 443, "192.168.1.2", 40000,
                          FOT_TCP_SYN | FOT_TCP_ACK, 44);
    feed(&o, &a);
    feed(&o, &b);
    g_assert_cmpstr(finish(&o), ==,
                    "time,Proto,SrcIP,SrcPort,DstIP,DstPort,Length\n"
                    "1970-01-01T00:00:01.250000Z,TCP,192.168.1.2,40000,203.0.113.10,443,60\n"
                    "1970-01-01T00:00:01.500000Z,TCP,192.168.1.2,40000,203.0.113.10,443,44\n");
    capture_free(&o);
}

static void
test_sum_table(void)
{
    capture_out o;
    start(&o, FOT_MODE_SUM, "sum,height=2");
    fot_event a = ev_make(100, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_SYN, 60);
    fot_event b = ev_make(101, CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 5353, "203.0.113.53", 53, 0, 500);
    fot_event c = ev_make(102.5, CE2, BR, FOT_IPPROTO_ICMP, "192.168.1.3", 9, "203.0.113.10", 9, 0, 84);
    c.icmp_type = FOT_ICMP_ECHO_REQUEST;
    feed(&o, &a);
    feed(&o, &b);
    feed(&o, &c);
    fot_run_tally(o.run, FOT_TALLY_OTHER, 2);
    g_assert_cmpstr(finish(&o), ==,
                    "4o6top ver: " FOT_VERSION "\n"
                    " Option interval:1 Timeout:240/10/60/3/3 Height:2 src ip:- sort:bytes bytes:ipv6\n"
                    "\n"
                    "1970/01/01 00:01:42  Total Sess:3\n"
                    "  TCP  Sess:     1 DstIP:     1 SrcPort:     1 DstPort:     1\n"
                    "  UDP  Sess:     1 DstIP:     1 SrcPort:     1 DstPort:     1\n"
                    "  ICMP Sess:     1 DstIP:     1 ICMP ID:     1\n"
                    "  Not sessions: other protocols 2, malformed 0, unreassembled fragments 0\n"
                    "\n"
                    " Proto       Source IP: Port         Dest IP: Port    Packets      Bytes Timeout\n"
                    "   UDP     192.168.1.2: 5353    203.0.113.53:   53          1        500       2\n"
                    "  ICMP     192.168.1.3:    9    203.0.113.10:    9          1         84       3\n"
                    "\n");
    capture_free(&o);
}

static void
test_sum_refresh_on_boundaries(void)
{
    capture_out o;
    start(&o, FOT_MODE_SUM, "sum,refresh=on,interval=10,noheader,height=0");
    fot_event a = udp_at(1);
    feed(&o, &a);
    fot_event b = udp_at(35); /* crosses 10, 20, 30: one redraw, as of 30 */
    feed(&o, &b);
    const char *text = finish(&o);
    g_assert_nonnull(strstr(text, "1970/01/01 00:00:30  Total Sess:1\n"));
    g_assert_nonnull(strstr(text, "1970/01/01 00:00:35  Total Sess:1\n"));
    g_assert_null(strstr(text, "00:00:10  Total"));
    capture_free(&o);
}

/* sum, stat and ce count packets in batches (fot_run.c): the output must be
 * that of counting each packet at once, which fot_run_engine forces. Random
 * frames go back as well as forward, with and without tunnelled packets, so
 * batches straddle stat rows, redraws, timeouts and evictions. */
static char *
random_run(fot_mode mode, const char *args, bool count_each, guint32 seed)
{
    static const char *const ces[] = { CE1, CE2, "2001:db8:3::1" };
    static const char *const clients[] = { "192.168.1.2", "192.168.1.3", "10.0.0.7" };
    static const uint8_t protos[] = { FOT_IPPROTO_TCP, FOT_IPPROTO_UDP, FOT_IPPROTO_ICMP };
    static const uint8_t flags[] = { FOT_TCP_SYN, FOT_TCP_SYN | FOT_TCP_ACK, FOT_TCP_ACK, FOT_TCP_FIN | FOT_TCP_ACK,
                                     FOT_TCP_RST };
    GRand *rng = g_rand_new_with_seed(seed);
    capture_out o;
    start(&o, mode, args);
    double t = 100;
    for (int i = 0; i < 3000; i++) {
        int op = g_rand_int_range(rng, 0, 10);
        t += op == 0 ? -g_rand_double_range(rng, 0, 3) : g_rand_double_range(rng, 0, op == 1 ? 5 : 0.2);
        fot_run_frame(o.run, SEC(t));
        if (op < 3)
            continue; /* a frame that carries no tunnelled packet */
        bool up = g_rand_boolean(rng);
        const char *ce = ces[g_rand_int_range(rng, 0, 3)];
        const char *client = clients[g_rand_int_range(rng, 0, 3)];
        uint16_t cport = (uint16_t)g_rand_int_range(rng, 1024, 1040), sport = g_rand_boolean(rng) ? 53 : 443;
        uint8_t proto = protos[g_rand_int_range(rng, 0, 3)];
        fot_event ev = up ? ev_make(t, ce, BR, proto, client, cport, "203.0.113.10", sport, 0, 100)
                          : ev_make(t, BR, ce, proto, "203.0.113.10", sport, client, cport, 0, 100);
        if (proto == FOT_IPPROTO_TCP)
            ev.tcp_flags = flags[g_rand_int_range(rng, 0, 5)];
        else if (proto == FOT_IPPROTO_ICMP)
            ev.icmp_type = up ? FOT_ICMP_ECHO_REQUEST : FOT_ICMP_ECHO_REPLY;
        fot_run_packet(o.run, &ev, 6);
        if (count_each)
            (void)fot_run_engine(o.run);
    }
    g_rand_free(rng);
    char *text = (char *)finish(&o);
    free(o.log_text);
    return text;
}

static void
test_batches_count_as_single_packets(void)
{
    static const struct {
        fot_mode mode;
        const char *args;
    } runs[] = {
        { FOT_MODE_STAT, "stat,udp_timeout=2,dns_timeout=1,icmp_timeout=1,tcp_timeout=6" },
        { FOT_MODE_SUM, "sum,refresh=on,udp_timeout=2,tcp_timeout=6,height=5,max_sessions=20" },
        { FOT_MODE_CE, "ce,udp_timeout=2,max_sessions=30" },
    };
    for (guint r = 0; r < G_N_ELEMENTS(runs); r++)
        for (guint32 seed = 1; seed <= 3; seed++) {
            char *batched = random_run(runs[r].mode, runs[r].args, false, seed);
            char *each = random_run(runs[r].mode, runs[r].args, true, seed);
            g_assert_cmpuint(strlen(batched), >, 300); /* rows, not just a header */
            g_assert_cmpstr(batched, ==, each);
            free(batched);
            free(each);
        }
}

/* ---- the original tool's layout (layout=original) ---- */

/* Every header field and every stat field is followed by the delimiter; extra columns come last. */
static void
test_original_stat(void)
{
    capture_out o;
    start(&o, FOT_MODE_STAT, "stat,layout=original,delimiter=;,ce_ports,evicted");
    fot_event a = udp_at(10.5);
    feed(&o, &a);
    g_assert_cmpstr(finish(&o), ==,
                    "time;Session;TCPSession;UDPSession;ICMPSession;TCPSrcPort;UDPSrcPort;ICMPID;TCPDstIP;UDPDstIP;"
                    "ICMPDstIP;TCPDstPort;UDPDstPort;MaxCEPortsInUse;Evicted;\n"
                    "1970-01-01T00:00:11Z;1;0;1;0;0;1;0;0;1;0;0;1;1;0;\n");
    capture_free(&o);
}

/* log: the header ends with the delimiter, rows do not; times to the second. */
static void
test_original_log(void)
{
    capture_out o;
    start(&o, FOT_MODE_LOG, "log,layout=original,tunnel");
    fot_event a = ev_make(1.25, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_SYN, 60);
    feed(&o, &a);
    g_assert_cmpstr(finish(&o), ==,
                    "time,Proto,SrcIP,SrcPort,DstIP,DstPort,Length,CE,BR,\n"
                    "1970-01-01T00:00:01Z,TCP,192.168.1.2,40000,203.0.113.10,443,60,2001:db8:1::1,2001:db8:ffff::1\n");
    capture_free(&o);
}

/* sess: no time column; with ends, the end's columns after the original's. */
static void
test_original_sess(void)
{
    capture_out o;
    start(&o, FOT_MODE_SESS, "sess,layout=original,ends,udp_timeout=2");
    fot_event a = udp_at(1), b = udp_at(1.5);
    feed(&o, &a);
    feed(&o, &b);
    fot_run_frame(o.run, SEC(5));
    g_assert_cmpstr(finish(&o), ==,
                    "Proto,SrcIP,SrcPort,DstIP,DstPort,Event,Packets,Bytes,Duration,\n"
                    "UDP,192.168.1.2,5000,203.0.113.10,4500,open,,,\n"
                    "UDP,192.168.1.2,5000,203.0.113.10,4500,timeout,2,200,0.500000\n");
    capture_free(&o);
}

static void
feed_sum_packets(capture_out *o)
{
    fot_event a = ev_make(100, CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 40000, "203.0.113.10", 443, FOT_TCP_SYN, 60);
    fot_event b = ev_make(101, CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 5353, "203.0.113.53", 53, 0, 500);
    feed(o, &a);
    feed(o, &b);
    fot_run_tally(o->run, FOT_TALLY_OTHER, 2);
}

#define ORIGINAL_SUM_HEAD                                                                                        \
    "\033[H\033[2J4o6top ver: " FOT_VERSION "\n"                                                               \
    " Option file:- interval:1 Timeout:240/10/60/3/3 Height:30 src ip:\n"                                       \
    "\n"
#define ORIGINAL_SUM_TOTAL "1970/01/01 00:01:41  Total Sess:2\n"
#define ORIGINAL_SUM_TAIL                                                                                        \
    "  TCP  Sess:     1 DstIP:     1 SrcPort:     1 DstPort:     1\n"                                          \
    "  UDP  Sess:     1 DstIP:     1 SrcPort:     1 DstPort:     1\n"                                          \
    "  ICMP Sess:     0 DstIP:     0 ICMP ID:     0\n"                                                         \
    "\n"                                                                                                        \
    " Proto       Source IP: Port         Dest IP: Port    Packets      Bytes Timeout\n"                        \
    "   UDP     192.168.1.2: 5353    203.0.113.53:   53          1        500     3\n"                          \
    "   TCP     192.168.1.2:40000    203.0.113.10:  443          1         60   239\n"

/* Off a terminal the Total Sess line goes to the log stream (the original's
 * stderr); -n does not touch sum, no "Not sessions" line, a 5-wide Timeout. */
static void
test_original_sum_off_terminal(void)
{
    capture_out o;
    start(&o, FOT_MODE_SUM, "sum,layout=original,noheader");
    feed_sum_packets(&o);
    g_assert_cmpstr(finish(&o), ==, ORIGINAL_SUM_HEAD ORIGINAL_SUM_TAIL);
    g_assert_cmpstr(o.log_text, ==, ORIGINAL_SUM_TOTAL);
    capture_free(&o);
}

/* On a terminal both streams are the screen: the line stays in its place. */
static void
test_original_sum_on_terminal(void)
{
    capture_out o;
    start_on(&o, FOT_MODE_SUM, "sum,layout=original", true);
    feed_sum_packets(&o);
    g_assert_cmpstr(finish(&o), ==, ORIGINAL_SUM_HEAD ORIGINAL_SUM_TOTAL ORIGINAL_SUM_TAIL);
    g_assert_cmpstr(o.log_text, ==, "");
    capture_free(&o);
}

/* JSON documents and ce rows have no original layout: the same bytes in both. */
static void
test_layout_leaves_json_and_ce(void)
{
    static const struct {
        fot_mode mode;
        const char *plugin, *original;
    } runs[] = {
        { FOT_MODE_STAT, "stat,format=json,ce_ports", "stat,format=json,ce_ports,layout=original" },
        { FOT_MODE_LOG, "log,format=json,tunnel", "log,format=json,tunnel,layout=original" },
        { FOT_MODE_SESS, "sess,format=json,ends", "sess,format=json,ends,layout=original" },
        { FOT_MODE_CE, "ce", "ce,layout=original" },
    };
    for (guint r = 0; r < G_N_ELEMENTS(runs); r++) {
        char *plugin = random_run(runs[r].mode, runs[r].plugin, false, 7);
        char *original = random_run(runs[r].mode, runs[r].original, false, 7);
        g_assert_cmpuint(strlen(plugin), >, 300);
        g_assert_cmpstr(plugin, ==, original);
        free(plugin);
        free(original);
    }
}

int
main(int argc, char **argv)
{
    g_setenv("TZ", "UTC", TRUE);
    tzset();
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/run/stat-boundaries", test_stat_boundaries);
    g_test_add_func("/run/stat-gap", test_stat_gap);
    g_test_add_func("/run/stat-single-packet-on-boundary", test_stat_single_packet_on_boundary);
    g_test_add_func("/run/stat-fractional-interval", test_stat_fractional_interval);
    g_test_add_func("/run/stat-local-offset", test_stat_local_offset);
    g_test_add_func("/run/log-oriented-as-session", test_log_rows_oriented_as_session);
    g_test_add_func("/run/sum-table", test_sum_table);
    g_test_add_func("/run/sum-refresh", test_sum_refresh_on_boundaries);
    g_test_add_func("/run/batches-count-as-single-packets", test_batches_count_as_single_packets);
    g_test_add_func("/run/original-stat", test_original_stat);
    g_test_add_func("/run/original-log", test_original_log);
    g_test_add_func("/run/original-sess", test_original_sess);
    g_test_add_func("/run/original-sum-off-terminal", test_original_sum_off_terminal);
    g_test_add_func("/run/original-sum-on-terminal", test_original_sum_on_terminal);
    g_test_add_func("/run/layout-leaves-json-and-ce", test_layout_leaves_json_and_ce);
    return g_test_run();
}

/* The reopen tracker: a new session of a key that timed out less than its
 * timeout before is a reopening; the key is the whole key (both tunnel ends
 * and the inner 5-tuple), the same either way round; and the tracker stays
 * within its bound. The last test feeds it from a real engine. */
#include <glib.h>
#include <string.h>

#include "fot_reopen.h"
#include "test_util.h"

static fot_session_key
key(const char *ce, const char *br, uint8_t proto, const char *client, uint16_t cport, const char *server,
    uint16_t sport)
{
    fot_session_key k;
    memset(&k, 0, sizeof k);
    ip6(k.ce, ce);
    ip6(k.br, br);
    k.proto = proto;
    k.client_ip = ip4(client);
    k.client_port = cport;
    k.server_ip = ip4(server);
    k.server_port = sport;
    return k;
}

static fot_session_key
udp_key(void)
{
    return key(CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9", 2000);
}

static fot_config
defaults(void)
{
    fot_config c;
    fot_config_defaults(&c); /* UDP 60 s, TCP closing 10 s */
    return c;
}

static void
test_within_timeout(void)
{
    fot_config c = defaults();
    fot_reopen *t = fot_reopen_new();
    fot_session_key k = udp_key();
    int64_t gap = -1;
    fot_class ended = FOT_CLASS_COUNT;
    fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(100));
    g_assert_true(fot_reopen_opened(t, &c, &k, SEC(159.5), &gap, &ended));
    g_assert_cmpint(gap, ==, SEC(59.5));
    g_assert_cmpint(ended, ==, FOT_CLASS_UDP);
    /* Told once: the key is forgotten. */
    g_assert_false(fot_reopen_opened(t, &c, &k, SEC(159.6), &gap, &ended));
    g_assert_cmpuint(fot_reopen_count(t), ==, 0);
    fot_reopen_free(t);
}

static void
test_after_timeout(void)
{
    fot_config c = defaults();
    fot_reopen *t = fot_reopen_new();
    fot_session_key k = udp_key();
    int64_t gap = -1;
    fot_class ended;
    /* The ended session's class decides: TCP closing is 10 s. */
    fot_reopen_ended(t, &k, FOT_CLASS_TCP_CLOSING, SEC(100));
    g_assert_false(fot_reopen_opened(t, &c, &k, SEC(110), &gap, &ended)); /* exactly the timeout: no */
    g_assert_cmpint(gap, ==, -1);
    g_assert_cmpuint(fot_reopen_count(t), ==, 0); /* forgotten all the same */
    fot_reopen_ended(t, &k, FOT_CLASS_TCP_CLOSING, SEC(100));
    g_assert_true(fot_reopen_opened(t, &c, &k, SEC(109.999), &gap, &ended));
    g_assert_cmpint(ended, ==, FOT_CLASS_TCP_CLOSING);
    fot_reopen_free(t);
}

static void
test_latest_end_counts(void)
{
    fot_config c = defaults();
    fot_reopen *t = fot_reopen_new();
    fot_session_key k = udp_key();
    int64_t gap;
    fot_class ended;
    fot_reopen_ended(t, &k, FOT_CLASS_TCP_CLOSING, SEC(100));
    fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(200));
    g_assert_cmpuint(fot_reopen_count(t), ==, 1);
    g_assert_true(fot_reopen_opened(t, &c, &k, SEC(250), &gap, &ended));
    g_assert_cmpint(gap, ==, SEC(50));
    g_assert_cmpint(ended, ==, FOT_CLASS_UDP);
    fot_reopen_free(t);
}

/* Any part of the key that differs makes another session: each end of the
 * tunnel, the protocol, each address and each port. */
static void
test_whole_key(void)
{
    fot_config c = defaults();
    fot_session_key others[] = {
        key(CE2, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9", 2000),
        key(CE1, "2001:db8:fffe::1", FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9", 2000),
        key(CE1, BR, FOT_IPPROTO_TCP, "192.168.1.2", 1000, "203.0.113.9", 2000),
        key(CE1, BR, FOT_IPPROTO_UDP, "192.168.1.3", 1000, "203.0.113.9", 2000),
        key(CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1001, "203.0.113.9", 2000),
        key(CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.8", 2000),
        key(CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9", 2001),
        /* the client's address and port on the BR's side: another pairing */
        key(CE1, BR, FOT_IPPROTO_UDP, "203.0.113.9", 1000, "192.168.1.2", 2000),
    };
    fot_session_key k = udp_key();
    for (unsigned i = 0; i < G_N_ELEMENTS(others); i++) {
        fot_reopen *t = fot_reopen_new();
        int64_t gap;
        fot_class ended;
        fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(100));
        if (fot_reopen_opened(t, &c, &others[i], SEC(101), &gap, &ended))
            g_error("key %u was taken for the one that ended", i);
        g_assert_cmpuint(fot_reopen_count(t), ==, 1);
        fot_reopen_free(t);
    }
}

/* The same session keyed from its other end: CE and BR, client and server swapped. */
static void
test_either_way_round(void)
{
    fot_config c = defaults();
    fot_reopen *t = fot_reopen_new();
    fot_session_key k = udp_key();
    fot_session_key round = key(BR, CE1, FOT_IPPROTO_UDP, "203.0.113.9", 2000, "192.168.1.2", 1000);
    int64_t gap;
    fot_class ended;
    fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(100));
    g_assert_true(fot_reopen_opened(t, &c, &round, SEC(130), &gap, &ended));
    g_assert_cmpint(gap, ==, SEC(30));
    fot_reopen_free(t);
}

static void
test_bounded(void)
{
    fot_config c = defaults();
    fot_reopen *t = fot_reopen_new();
    fot_session_key k = udp_key();
    int64_t gap;
    fot_class ended;
    for (uint32_t i = 0; i < FOT_REOPEN_MAX; i++) {
        k.client_port = (uint16_t)i;
        k.client_ip = ip4("192.168.1.2") + (i >> 16);
        fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(100));
    }
    g_assert_cmpuint(fot_reopen_count(t), ==, FOT_REOPEN_MAX);
    fot_session_key first = udp_key();
    first.client_port = 0;
    k.client_ip++;
    fot_reopen_ended(t, &k, FOT_CLASS_UDP, SEC(100)); /* one more: it starts afresh */
    g_assert_cmpuint(fot_reopen_count(t), ==, 1);
    g_assert_false(fot_reopen_opened(t, &c, &first, SEC(101), &gap, &ended));
    g_assert_true(fot_reopen_opened(t, &c, &k, SEC(101), &gap, &ended));
    fot_reopen_free(t);
}

/* As the post-dissector uses it: told of the engine's timeouts, asked at each opening. */
typedef struct fed {
    fot_reopen *tracker;
    const fot_engine *engine;
} fed;

static void
ended_in_engine(const fot_session *s, fot_end_reason why, int64_t when, void *ud)
{
    fed *f = ud;
    fot_session_key k;
    g_assert_cmpint(why, ==, FOT_END_TIMEOUT);
    fot_session_key_of(f->engine, s, &k);
    fot_reopen_ended(f->tracker, &k, (fot_class)s->tclass, when);
}

static bool
opened_in_engine(fed *f, const fot_event *ev, int64_t *gap)
{
    fot_engine *e = (fot_engine *)f->engine;
    fot_packet_result r = fot_engine_packet(e, ev);
    fot_session_key k;
    fot_class ended;
    g_assert_true(r.opened);
    fot_session_key_of(e, r.session, &k);
    return fot_reopen_opened(f->tracker, fot_engine_config(e), &k, ev->time, gap, &ended);
}

static void
test_fed_by_engine(void)
{
    fot_config c = defaults();
    fed f = { fot_reopen_new(), fot_engine_new(&c) };
    fot_engine_on_end((fot_engine *)f.engine, ended_in_engine, &f);
    int64_t gap = -1;
    fot_event a = ev_make(1, CE1, BR, FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9", 2000, 0, 100);
    g_assert_false(opened_in_engine(&f, &a, &gap));
    /* It times out at 61 s; the same key at 70 s reopens it, 9 s after. */
    fot_event b = a;
    b.time = SEC(70);
    g_assert_true(opened_in_engine(&f, &b, &gap));
    g_assert_cmpint(gap, ==, SEC(9));
    /* The same 5-tuple through another BR is another session. */
    fot_event other_br = ev_make(140, CE1, "2001:db8:fffe::1", FOT_IPPROTO_UDP, "192.168.1.2", 1000, "203.0.113.9",
                                 2000, 0, 100);
    g_assert_false(opened_in_engine(&f, &other_br, &gap));
    fot_engine_free((fot_engine *)f.engine);
    fot_reopen_free(f.tracker);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/reopen/within-timeout", test_within_timeout);
    g_test_add_func("/reopen/after-timeout", test_after_timeout);
    g_test_add_func("/reopen/latest-end-counts", test_latest_end_counts);
    g_test_add_func("/reopen/whole-key", test_whole_key);
    g_test_add_func("/reopen/either-way-round", test_either_way_round);
    g_test_add_func("/reopen/bounded", test_bounded);
    g_test_add_func("/reopen/fed-by-engine", test_fed_by_engine);
    return g_test_run();
}

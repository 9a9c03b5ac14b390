/* Helpers shared by the unit tests: events built from readable text. */
#ifndef FOT_TEST_UTIL_H
#define FOT_TEST_UTIL_H

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include "fot_config.h"
#include "fot_engine.h"
#include "fot_packet.h"
#include "fot_time.h"

static inline uint32_t
ip4(const char *text)
{
    struct in_addr a;
    g_assert_cmpint(inet_pton(AF_INET, text, &a), ==, 1);
    return ntohl(a.s_addr);
}

static inline void
ip6(uint8_t out[16], const char *text)
{
    g_assert_cmpint(inet_pton(AF_INET6, text, out), ==, 1);
}

#define SEC(s) ((int64_t)((s) * 1e9 + 0.5))

/* A packet at time t seconds: outer "A>B", inner "a:p>b:q". */
static inline fot_event
ev_make(double t, const char *o_src, const char *o_dst, uint8_t proto, const char *i_src, uint16_t sport,
        const char *i_dst, uint16_t dport, uint8_t tcp_flags, uint32_t len)
{
    fot_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time = SEC(t);
    ip6(ev.outer_src, o_src);
    ip6(ev.outer_dst, o_dst);
    ev.inner_src = ip4(i_src);
    ev.inner_dst = ip4(i_dst);
    ev.src_port = sport;
    ev.dst_port = dport;
    ev.proto = proto;
    ev.tcp_flags = tcp_flags;
    ev.ipv6_len = len;
    ev.ipv4_len = len;
    return ev;
}

#define CE1 "2001:db8:1::1"
#define CE2 "2001:db8:2::1"
#define BR "2001:db8:ffff::1"

/* An engine with every option at its default. */
static inline fot_engine *
engine_default(void)
{
    fot_config c;
    fot_config_defaults(&c);
    return fot_engine_new(&c);
}

static inline uint32_t
active(const fot_engine *e)
{
    fot_counts c;
    fot_engine_counts(e, &c);
    return c.sessions;
}

#endif

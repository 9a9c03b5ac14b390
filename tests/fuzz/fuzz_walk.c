/* libFuzzer target: the command's own reader after libpcap, the link-layer
 * walk (fot_link) and the tunnel walk with its fragment tables (fot_walk),
 * over a run of frames. The input: a byte choosing the link type
 * (LINKTYPES[b % n]), then records of one byte choosing how far capture time
 * moves, two bytes of frame length (big-endian, cut to what is left) and the
 * frame. Each frame is copied into a buffer of its own exact size, so that
 * AddressSanitizer sees any read past it. What the walk says must fit the
 * bytes and be conserved: every fragment held is either given up (in one
 * frame's count) or still pending at the end, never more than the frames. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fot_link.h"
#include "fot_packet.h"
#include "fot_time.h"
#include "fot_walk.h"

static void
broken(const char *what, int line)
{
    fprintf(stderr, "fuzz_walk.c:%d: invariant broken: %s\n", line, what);
    abort();
}

#define CHECK(cond) ((cond) ? (void)0 : broken(#cond, __LINE__))

/* make_seeds.py writes seeds with these indexes: keep the order. */
static const int LINKTYPES[] = {
    FOT_LINK_ETHERNET, FOT_LINK_LINUX_SLL, FOT_LINK_LINUX_SLL2, FOT_LINK_RAW, FOT_LINK_RAW_DLT,
    FOT_LINK_RAW_OPENBSD, FOT_LINK_IPV4, FOT_LINK_IPV6, FOT_LINK_NULL, FOT_LINK_LOOP, FOT_LINK_PPP,
    FOT_LINK_PPP_ETHER,
};
#define N_LINKTYPES (sizeof LINKTYPES / sizeof LINKTYPES[0])

/* How far capture time moves before a frame (the low 3 bits of its record's first byte). */
static int64_t
step(uint8_t choice)
{
    static const int64_t steps[8] = {
        0, 1000, 1000000, FOT_NS_PER_SEC, 30 * FOT_NS_PER_SEC, 61 * FOT_NS_PER_SEC, -FOT_NS_PER_SEC, 7,
    };
    return steps[choice & 7];
}

static void
check_link(int linktype, const uint8_t *p, size_t len)
{
    fot_link_found l;
    fot_net net = fot_link_walk(linktype, p, len, &l);
    CHECK(net == l.net);
    if (net != FOT_NET_NONE)
        CHECK(l.offset < l.end && l.end <= len);
    CHECK(!l.by_ethertype || net == FOT_NET_IPV6);
}

static void
check_result(const fot_walk_result *res, int64_t t)
{
    switch (res->kind) {
    case FOT_WALK_EVENT:
        CHECK(fot_ipv4_counted_proto(res->ev.proto));
        CHECK(res->ev.time == t && res->ev.ipv4_len >= 20);
        CHECK(res->ev.proto == FOT_IPPROTO_TCP || res->ev.tcp_flags == 0);
        break;
    case FOT_WALK_MALFORMED:
        CHECK(res->malformed_why && res->malformed_why[0]);
        break;
    case FOT_WALK_OTHER:
    case FOT_WALK_NOTHING:
        break;
    default:
        CHECK(!"a kind of result");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int linktype = LINKTYPES[data[0] % N_LINKTYPES];
    fot_walk *w = fot_walk_new();
    int64_t t = INT64_C(1714521600) * FOT_NS_PER_SEC;
    uint64_t frames = 0, given_up = 0;
    size_t at = 1;
    while (at + 3 <= size) {
        uint8_t choice = data[at];
        size_t len = (size_t)data[at + 1] << 8 | data[at + 2];
        at += 3;
        if (len > size - at)
            len = size - at;
        uint8_t *frame = malloc(len ? len : 1);
        memcpy(frame, data + at, len);
        at += len;
        t += step(choice);
        check_link(linktype, frame, len);
        fot_walk_result res;
        fot_walk_frame(w, linktype, frame, len, t, &res);
        free(frame);
        check_result(&res, t);
        frames++;
        given_up += res.unreassembled;
        CHECK(given_up <= frames);
    }
    uint64_t pending = fot_walk_drop_pending(w);
    CHECK(given_up + pending <= frames);
    CHECK(fot_walk_drop_pending(w) == 0);
    fot_walk_free(w);
    return 0;
}

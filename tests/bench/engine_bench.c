/* Engine micro-benchmark (not a test): events per second on one core, bytes
 * per live session at 1 M sessions, time to expire them all.
 * Usage: engine_bench [SESSIONS [PACKETS_PER_SESSION]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fot_engine.h"
#include "fot_packet.h"
#include "fot_time.h"

static double
seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident memory (Linux /proc): the engine maps its big tables itself
 * (fot_bigmem), beside malloc's heap. */
static size_t
resident_bytes(void)
{
    unsigned long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static uint64_t rng = 88172645463325252ull;
static uint32_t
next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* Session n: CE n % 4096 in 2001:db8::/32, client 10.x.y.z:port, one of 64 servers. */
static void
event_of(fot_event *ev, uint32_t n, bool up, int64_t t)
{
    memset(ev, 0, sizeof *ev);
    uint8_t ce[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (uint8_t)(n >> 8 & 15), (uint8_t)n };
    uint8_t br[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    uint32_t client = 0x0a000000u | (n >> 12), server = 0xcb007100u | (n % 64);
    uint16_t port = (uint16_t)(1024 + n % 60000);
    memcpy(ev->outer_src, up ? ce : br, 16);
    memcpy(ev->outer_dst, up ? br : ce, 16);
    ev->inner_src = up ? client : server;
    ev->inner_dst = up ? server : client;
    ev->src_port = up ? port : 443;
    ev->dst_port = up ? 443 : port;
    ev->proto = n % 3 ? FOT_IPPROTO_TCP : FOT_IPPROTO_UDP;
    ev->tcp_flags = FOT_TCP_ACK;
    ev->ipv6_len = ev->ipv4_len = 100;
    ev->time = t;
}

int
main(int argc, char **argv)
{
    uint32_t sessions = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000000;
    uint32_t per_session = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 10;
    fot_config cfg;
    fot_config_defaults(&cfg);

    /* 1. Bytes per live session: open `sessions` sessions, one packet each. */
    size_t before = resident_bytes();
    fot_engine *e = fot_engine_new(&cfg);
    fot_event ev;
    int64_t t = INT64_C(1714521600) * FOT_NS_PER_SEC;
    double start = seconds();
    for (uint32_t n = 0; n < sessions; n++) {
        event_of(&ev, n, true, t + n);
        fot_engine_packet(e, &ev);
    }
    double open_s = seconds() - start;
    size_t used = resident_bytes() - before;
    fot_counts c;
    start = seconds();
    fot_engine_counts(e, &c); /* a stat row's pass over the sessions */
    double count_s = seconds() - start;
    printf("sessions opened:        %u (active %u) in %.3f s\n", sessions, c.sessions, open_s);
    printf("bytes per live session: %.1f\n", (double)used / c.sessions);
    printf("distinct counts:        %.2f ms\n", count_s * 1e3);

    /* 2. Events per second: packets of known sessions, both directions, in a
     * random order (the cache-unfriendly case) and in trains of 8. */
    uint32_t events = sessions * per_session;
    uint32_t *order = malloc(sizeof *order * events);
    for (uint32_t i = 0; i < events; i++)
        order[i] = next_random() % sessions;
    start = seconds();
    for (uint32_t i = 0; i < events; i++) {
        event_of(&ev, order[i], i & 1, t + sessions + i);
        fot_engine_packet(e, &ev);
    }
    double random_s = seconds() - start;
    start = seconds();
    for (uint32_t i = 0; i < events; i++) {
        event_of(&ev, order[i / 8], i & 1, t + sessions + events + i);
        fot_engine_packet(e, &ev);
    }
    double train_s = seconds() - start;
    /* Random order again, counted as fot_run does: in batches whose memory is asked for first. */
    start = seconds();
    for (uint32_t i = 0; i < events; i += FOT_ENGINE_BATCH) {
        fot_timed_event batch[FOT_ENGINE_BATCH];
        uint32_t n = events - i < FOT_ENGINE_BATCH ? events - i : FOT_ENGINE_BATCH;
        for (uint32_t k = 0; k < n; k++) {
            event_of(&batch[k].ev, order[i + k], (i + k) & 1, t + sessions + 2 * (int64_t)events + i + k);
            batch[k].clock = batch[k].ev.time;
        }
        fot_engine_packets(e, batch, n);
    }
    double batch_s = seconds() - start;
    printf("events/s, random order: %.2f M (%u events in %.3f s)\n", events / random_s / 1e6, events, random_s);
    printf("events/s, trains of 8:  %.2f M (%u events in %.3f s)\n", events / train_s / 1e6, events, train_s);
    printf("events/s, random, batches of %d: %.2f M (%u events in %.3f s)\n", FOT_ENGINE_BATCH,
           events / batch_s / 1e6, events, batch_s);
    free(order);

    /* 3. Expire them all at once. */
    start = seconds();
    fot_engine_advance(e, t + INT64_C(100000) * FOT_NS_PER_SEC);
    double expire_s = seconds() - start;
    fot_engine_counts(e, &c);
    printf("expire %u sessions:     %.3f s (active after: %u)\n", sessions, expire_s, c.sessions);
    fot_engine_free(e);
    return 0;
}

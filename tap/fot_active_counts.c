/* \summary: distinct counts of the active sessions, by protocol, counted when asked */
#include "fot_active_counts.h"

#include <glib.h>
#include <string.h>

#include "fot_distinct.h"
#include "fot_packet.h"
#include "fot_pool.h"

fot_proto_index
fot_proto_index_of(uint8_t ip_proto)
{
    return ip_proto == FOT_IPPROTO_TCP ? FOT_P_TCP : ip_proto == FOT_IPPROTO_UDP ? FOT_P_UDP : FOT_P_ICMP;
}

static uint32_t
count_bits(const uint64_t *bits, size_t words)
{
    uint32_t n = 0;
    for (size_t i = 0; i < words; i++)
        n += (uint32_t)__builtin_popcountll(bits[i]);
    return n;
}

static void
count_sessions(const fot_pool *pool, fot_counts *out)
{
    enum { WORDS = 65536 / 64 };
    memset(out, 0, sizeof *out);
    fot_count_map ips[FOT_P_COUNT];
    uint64_t *client_ports = g_new0(uint64_t, FOT_P_COUNT * WORDS);
    uint64_t *server_ports = g_new0(uint64_t, FOT_P_COUNT * WORDS);
    for (int p = 0; p < FOT_P_COUNT; p++)
        fot_count_map_init(&ips[p]);
    for (uint32_t item = 1; item <= pool->used; item++) {
        const fot_session *s = fot_pool_session(pool, item);
        if (s->ce == FOT_POOL_FREE)
            continue;
        fot_proto_index p = fot_proto_index_of(s->proto);
        out->proto[p].sessions++;
        fot_count_map_add(&ips[p], s->server_ip);
        client_ports[p * WORDS + s->client_port / 64] |= UINT64_C(1) << (s->client_port % 64);
        server_ports[p * WORDS + s->server_port / 64] |= UINT64_C(1) << (s->server_port % 64);
    }
    for (int p = 0; p < FOT_P_COUNT; p++) {
        out->proto[p].dst_ips = ips[p].distinct;
        out->proto[p].src_ports = count_bits(client_ports + p * WORDS, WORDS);
        out->proto[p].dst_ports = count_bits(server_ports + p * WORDS, WORDS);
        out->sessions += out->proto[p].sessions;
        fot_count_map_destroy(&ips[p]);
    }
    g_free(client_ports);
    g_free(server_ports);
}

void
fot_active_counts_get(fot_active_counts *cache, const fot_pool *pool, uint64_t changes, fot_counts *out)
{
    if (cache->changes != changes) {
        count_sessions(pool, &cache->counts);
        cache->changes = changes;
    }
    *out = cache->counts;
}

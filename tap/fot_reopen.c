/* \summary: the reopen tracker: timed-out sessions by key, and whether a new one reopens one */
#include "fot_reopen.h"

#include <glib.h>
#include <string.h>

#include "fot_index.h"

/* One side of a session, and the key as both sides in a fixed order, so
 * that a session keyed the other way round finds the same entry. */
#define SIDE_BYTES 22 /* address, IPv4, port */
#define KEY_BYTES (2 * SIDE_BYTES + 1)

typedef struct ended {
    uint8_t key[KEY_BYTES];
    uint8_t tclass;
    int64_t when;
} ended;

struct fot_reopen {
    GHashTable *ended; /* ended* -> the same: each entry is its own key */
};

static void
put_side(uint8_t *out, const uint8_t addr[16], uint32_t ip, uint16_t port)
{
    memcpy(out, addr, 16);
    out[16] = (uint8_t)(ip >> 24), out[17] = (uint8_t)(ip >> 16), out[18] = (uint8_t)(ip >> 8);
    out[19] = (uint8_t)ip, out[20] = (uint8_t)(port >> 8), out[21] = (uint8_t)port;
}

static void
canonical(const fot_session_key *k, uint8_t out[KEY_BYTES])
{
    uint8_t a[SIDE_BYTES], b[SIDE_BYTES];
    put_side(a, k->ce, k->client_ip, k->client_port);
    put_side(b, k->br, k->server_ip, k->server_port);
    bool swap = memcmp(a, b, SIDE_BYTES) > 0;
    memcpy(out, swap ? b : a, SIDE_BYTES);
    memcpy(out + SIDE_BYTES, swap ? a : b, SIDE_BYTES);
    out[2 * SIDE_BYTES] = k->proto;
}

static guint
ended_hash(gconstpointer p)
{
    return fot_hash_bytes(((const ended *)p)->key, KEY_BYTES);
}

static gboolean
ended_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(((const ended *)a)->key, ((const ended *)b)->key, KEY_BYTES) == 0;
}

void
fot_session_key_of(const fot_engine *e, const fot_session *s, fot_session_key *out)
{
    memcpy(out->ce, fot_engine_node_addr(e, s->ce), 16);
    memcpy(out->br, fot_engine_node_addr(e, s->br), 16);
    out->client_ip = s->client_ip;
    out->server_ip = s->server_ip;
    out->client_port = s->client_port;
    out->server_port = s->server_port;
    out->proto = s->proto;
}

fot_reopen *
fot_reopen_new(void)
{
    fot_reopen *t = g_new0(fot_reopen, 1);
    t->ended = g_hash_table_new_full(ended_hash, ended_equal, NULL, g_free);
    return t;
}

void
fot_reopen_free(fot_reopen *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->ended);
    g_free(t);
}

void
fot_reopen_ended(fot_reopen *t, const fot_session_key *k, fot_class tclass, int64_t when)
{
    ended probe;
    canonical(k, probe.key);
    ended *x = g_hash_table_lookup(t->ended, &probe);
    if (!x) {
        if (g_hash_table_size(t->ended) >= FOT_REOPEN_MAX)
            g_hash_table_remove_all(t->ended);
        x = g_new(ended, 1);
        memcpy(x->key, probe.key, KEY_BYTES);
        g_hash_table_add(t->ended, x);
    }
    x->tclass = (uint8_t)tclass;
    x->when = when;
}

bool
fot_reopen_opened(fot_reopen *t, const fot_config *c, const fot_session_key *k, int64_t now, int64_t *gap,
                  fot_class *ended_class)
{
    ended probe;
    canonical(k, probe.key);
    ended *x = g_hash_table_lookup(t->ended, &probe);
    if (!x)
        return false;
    bool reopened = now < fot_config_expiry(c, (fot_class)x->tclass, x->when);
    if (reopened) {
        *gap = now - x->when;
        *ended_class = (fot_class)x->tclass;
    }
    g_hash_table_remove(t->ended, x);
    return reopened;
}

unsigned
fot_reopen_count(const fot_reopen *t)
{
    return g_hash_table_size(t->ended);
}

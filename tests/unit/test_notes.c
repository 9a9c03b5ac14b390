/* The kept notes give back exactly what was put, for every frame, whatever
 * the values' widths, a session turned around, and CE states that change. */
#include <glib.h>
#include <string.h>

#include "fot_config.h"
#include "fot_notes.h"
#include "fot_packet.h"

static fot_note
random_note(GRand *rnd, uint32_t session, bool first)
{
    fot_note n;
    memset(&n, 0, sizeof n);
    n.session = session;
    n.flags = (uint8_t)(g_rand_int_range(rnd, 0, 64) & ~FOT_NOTE_NEW_SESSION) | (first ? FOT_NOTE_NEW_SESSION : 0);
    if (!first)
        n.flags &= (uint8_t)~FOT_NOTE_REOPENED;
    n.proto = session % 3 == 0 ? FOT_IPPROTO_TCP : session % 3 == 1 ? FOT_IPPROTO_UDP : FOT_IPPROTO_ICMP;
    n.tclass = (uint8_t)g_rand_int_range(rnd, 0, FOT_CLASS_COUNT);
    n.ended_class = n.flags & FOT_NOTE_REOPENED ? (uint8_t)g_rand_int_range(rnd, 0, FOT_CLASS_COUNT) : 0;
    /* A CE's state is a function of its session here, so CEs change state as sessions do. */
    n.mechanism = (uint8_t)(session % 4);
    n.psid = n.flags & FOT_NOTE_HAS_PSID ? (uint16_t)(session * 7) : 0;
    n.ce_port_set_size = session % 5 ? 0 : 240;
    n.client_ip = 0xc0a80000u + session;
    n.server_ip = 0xcb007100u + session % 7;
    n.client_port = (uint16_t)(1024 + session);
    n.server_port = (uint16_t)(session % 2 ? 443 : 53);
    memset(n.ce, 0x20, 16);
    n.ce[15] = (uint8_t)(session % 5);
    memset(n.br, 0x20, 16);
    n.br[0] = 0xfe;
    n.active_sessions = g_rand_int(rnd);
    n.ce_ports_in_use = (uint32_t)g_rand_int_range(rnd, 0, 65537);
    n.ce_port_set_size = n.ce_port_set_size;
    bool wide = g_rand_int_range(rnd, 0, 20) == 0;
    n.packet_bytes = wide ? (1u << 24) + g_rand_int(rnd) % 1000000 : (uint32_t)g_rand_int_range(rnd, 0, 1 << 24);
    n.session_packets = (uint64_t)g_rand_int(rnd) + (wide ? UINT64_C(1) << 32 : 0);
    n.session_bytes = ((uint64_t)g_rand_int(rnd) << 16 | g_rand_int(rnd) % 65536) + (wide ? UINT64_C(1) << 48 : 0);
    int64_t gap = (int64_t)(((uint64_t)g_rand_int(rnd) << 18) | g_rand_int(rnd) % (1 << 18)) +
                  (wide ? INT64_C(1) << 50 : 0);
    n.gap = first ? -1 : gap;
    n.reopen_gap = n.flags & FOT_NOTE_REOPENED ? gap : 0;
    return n;
}

static fot_note
turned(fot_note n)
{
    uint8_t t[16];
    memcpy(t, n.ce, 16), memcpy(n.ce, n.br, 16), memcpy(n.br, t, 16);
    uint32_t ip = n.client_ip;
    n.client_ip = n.server_ip, n.server_ip = ip;
    uint16_t port = n.client_port;
    n.client_port = n.server_port, n.server_port = port;
    return n;
}

static void
test_notes_round_trip(void)
{
    GRand *rnd = g_rand_new_with_seed(16);
    fot_notes *notes = fot_notes_new();
    enum { FRAMES = 60000, SESSIONS = 5000 };
    fot_note *want = g_new0(fot_note, FRAMES + 1);
    bool *kept = g_new0(bool, FRAMES + 1);
    bool *turned_around = g_new0(bool, SESSIONS + 1);
    uint32_t opened = 0;
    for (uint32_t frame = 1; frame <= FRAMES; frame++) {
        if (g_rand_int_range(rnd, 0, 10) == 0)
            continue; /* not tunnelled */
        bool open = opened < SESSIONS && (opened == 0 || g_rand_int_range(rnd, 0, 8) == 0);
        uint32_t session = open ? ++opened : (uint32_t)g_rand_int_range(rnd, 1, (gint32)opened + 1);
        fot_note n = random_note(rnd, session, open);
        if (!open && !turned_around[session] && g_rand_int_range(rnd, 0, 50) == 0)
            turned_around[session] = true; /* a SYN turned it: this and later frames see it the other way */
        if (turned_around[session])
            n = turned(n);
        g_assert_true(fot_notes_put(notes, frame, &n));
        want[frame] = n;
        kept[frame] = true;
    }
    g_assert_false(fot_notes_put(notes, FRAMES, &want[FRAMES]));
    for (uint32_t frame = 0; frame <= FRAMES + 100; frame++) {
        fot_note got;
        bool found = fot_notes_get(notes, frame, &got);
        g_assert_cmpint(found, ==, frame <= FRAMES && kept[frame]);
        if (found)
            g_assert_cmpmem(&got, sizeof got, &want[frame], sizeof want[frame]);
    }
    fot_notes_size size;
    fot_notes_size_of(notes, &size);
    g_assert_cmpuint(size.frames, <, (uint64_t)FRAMES * 33 + (256u << 10) * 2);
    fot_notes_free(notes);
    g_free(want);
    g_free(kept);
    g_free(turned_around);
    g_rand_free(rnd);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/notes/round-trip", test_notes_round_trip);
    return g_test_run();
}

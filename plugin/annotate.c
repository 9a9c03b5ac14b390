/* \summary: the one pass behind the 4o6top fields: its state per file, and each frame counted into a note */
#include "annotate.h"

#include "ws_compat.h"

#include <string.h>

#include "fot_reopen.h"
#include "frame_reader.h"
#include "host.h"
#include "prefs.h"

/* The one pass: its state lives from the init routine of a file to its cleanup. */
static fot_engine *engine;
static fot_frame_reader *reader;
static fot_notes *notes;      /* what each frame got, when frames are dissected again later */
static fot_reopen *reopen;    /* sessions that timed out, to notice a quick reopening */
static int expert_tap;        /* -z expert wants expert infos, tree or not */
static char *pref_error;      /* a bad preference, told with the first computed frame */

static void
session_ended(const fot_session *s, fot_end_reason why, int64_t when, void *ud)
{
    (void)ud;
    if (why != FOT_END_TIMEOUT)
        return;
    fot_session_key k;
    fot_session_key_of(engine, s, &k);
    fot_reopen_ended(reopen, &k, (fot_class)s->tclass, when);
}

static void
annotate_init(void)
{
    fot_config cfg;
    char *err = NULL;
    expert_tap = find_tap_id("expert");
    if (engine)
        return; /* tshark -M: dissection restarts within the same capture; keep counting */
    /* Told at the first frame: a -z 4o6top statistic, set up later, stops tshark on it first. */
    if (!fot_prefs_config(&cfg, &err))
        pref_error = err;
    engine = fot_engine_new(&cfg);
    fot_config_clear(&cfg);
    fot_engine_on_end(engine, session_ended, NULL);
    reader = fot_frame_reader_new();
    /* Wireshark and tshark -2 dissect frames again later: keep what each got.
     * tshark in one pass keeps nothing per packet. */
    if (!fot_host_is_tshark() || fot_host_two_pass())
        notes = fot_notes_new();
    reopen = fot_reopen_new();
}

static void
free_state(void)
{
    fot_engine_free(engine);
    fot_frame_reader_free(reader);
    fot_notes_free(notes);
    fot_reopen_free(reopen);
    engine = NULL;
    reader = NULL;
    notes = NULL;
    reopen = NULL;
    g_clear_pointer(&pref_error, g_free);
}

/* Wireshark opens one file after another: each starts afresh. tshark reads one
 * capture, but -M N cleans up and re-inits dissection every N packets of it. */
static void
annotate_cleanup(void)
{
    if (!fot_host_is_tshark())
        free_state();
}

void
fot_annotate_register(void)
{
    register_init_routine(annotate_init);
    register_cleanup_routine(annotate_cleanup);
    register_shutdown_routine(free_state);
}

bool
fot_annotate_experts_tapped(void)
{
    return have_tap_listener(expert_tap);
}

gboolean
fot_annotate_wanted(proto_tree *tree)
{
    return notes || tree || fot_annotate_experts_tapped();
}

bool
fot_annotate_computing(packet_info *pinfo, proto_tree *tree)
{
    if (!engine || pinfo->fd->visited || !fot_annotate_wanted(tree))
        return false;
    if (pref_error) {
        g_printerr("4o6top: %s (the 4o6top fields use its default)\n", pref_error);
        g_clear_pointer(&pref_error, g_free);
    }
    return true;
}

void
fot_annotate_inner(packet_info *pinfo, const ws_ip6 *ip6, tvbuff_t *tvb)
{
    guint len = tvb_captured_length(tvb);
    fot_frame_reader_ipv6(reader, pinfo, ip6);
    fot_frame_reader_inner(reader, pinfo, len ? tvb_get_ptr(tvb, 0, len) : NULL, len);
}

/* The note's values from the engine's answer for the packet. */
static void
fill_note(const fot_event *ev, const fot_packet_result *r, fot_note *n)
{
    const fot_session *s = r->session;
    fot_ce_info ce;
    fot_engine_ce(engine, s->ce, &ce);
    memset(n, 0, sizeof *n);
    n->session = fot_session_serial(s);
    n->flags = (r->opened ? FOT_NOTE_NEW_SESSION : 0) | (r->out_of_set ? FOT_NOTE_OUT_OF_SET : 0) |
               (r->dir == FOT_DIR_UP ? FOT_NOTE_UPSTREAM : 0) |
               (r->crossed_threshold ? FOT_NOTE_CROSSED_THRESHOLD : 0) |
               (ce.source != FOT_SET_NONE ? FOT_NOTE_HAS_PSID : 0) |
               (s->flags & FOT_SESSION_INBOUND ? FOT_NOTE_INBOUND : 0);
    n->proto = s->proto;
    n->tclass = s->tclass;
    n->mechanism = (uint8_t)ce.mechanism;
    n->why = (uint8_t)ce.why;
    n->client_ip = s->client_ip;
    n->client_port = s->client_port;
    n->server_ip = s->server_ip;
    n->server_port = s->server_port;
    n->psid = ce.source != FOT_SET_NONE ? ce.set.psid : 0;
    n->active_sessions = fot_engine_active(engine);
    n->verdict = (uint8_t)r->verdict;
    n->ce_ports_in_use = r->set_size ? r->set_ports_in_use : ce.ports_in_use;
    n->ce_port_set_size = (uint32_t)MIN(fot_ce_set_size(&ce), UINT32_MAX);
    if (r->crossed_threshold) {
        n->crossed_set_size = r->set_size;
        n->crossed_ipv4 = r->set_ipv4;
        n->crossed_psid = r->set_psid;
        n->crossed_one_of_several = r->several_sets;
    }
    memcpy(n->ce, fot_engine_node_addr(engine, s->ce), 16);
    memcpy(n->br, fot_engine_node_addr(engine, s->br), 16);
    n->packet_bytes = fot_engine_config(engine)->bytes == FOT_BYTES_IPV4 ? ev->ipv4_len : ev->ipv6_len;
    n->session_packets = s->packets[0] + s->packets[1];
    n->session_bytes = s->bytes[0] + s->bytes[1];
    n->gap = r->gap;
}

/* A new session: did the same key's last session time out less than a timeout ago? */
static void
note_reopening(const fot_session *s, int64_t now, fot_note *n)
{
    fot_session_key k;
    fot_class ended;
    fot_session_key_of(engine, s, &k);
    if (fot_reopen_opened(reopen, fot_engine_config(engine), &k, now, &n->reopen_gap, &ended)) {
        n->flags |= FOT_NOTE_REOPENED;
        n->ended_class = (uint8_t)ended;
    }
}

bool
fot_annotate_count(packet_info *pinfo, tvbuff_t *tvb, fot_note *n)
{
    fot_frame_result res;
    fot_frame_reader_end(reader, pinfo, tvb, &res);
    fot_engine_advance(engine, res.time);
    if (res.kind != FOT_FRAME_EVENT)
        return false;
    fot_packet_result r = fot_engine_packet(engine, &res.ev);
    fill_note(&res.ev, &r, n);
    if (r.opened)
        note_reopening(r.session, res.time, n);
    if (notes)
        fot_notes_put(notes, pinfo->num, n);
    return true;
}

bool
fot_annotate_frame(packet_info *pinfo, fot_note *out)
{
    return notes && fot_notes_get(notes, pinfo->num, out);
}

const fot_engine *
fot_annotate_engine(void)
{
    return engine;
}

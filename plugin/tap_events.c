/* \summary: tap listeners turned into 4o6top events for a sink: a -z statistic or the window */
/* Tap listeners feeding a frame reader: Wireshark's `ipv6` and `ip` (or, in
 * tshark without a filter, what the ip.proto hook recorded), or the fast
 * path's tap for a packet it read whole. Taps fire in dissection order and
 * `frame` last, so `frame` commits what the frame held. */
#include "tap_events.h"

#include <epan/dissectors/packet-ip.h>
#include <epan/epan_dissect.h>

#include "fast_path.h"
#include "frame_reader.h"
#include "host.h"
#include "tunnel_seen.h"

struct fot_tap_events {
    fot_event_sink sink;
    void *ud;
    fot_frame_reader *reader;
    int listeners;
    gboolean hooked; /* reads fot_tunnel_seen instead of the ipv6 and ip taps */

    guint64 malformed;
    guint32 first_malformed_frame;
    const char *first_malformed_why;
};

static tap_packet_status
on_ipv6(FOT_TAP_PACKET_ARGS)
{
    (void)edt, (void)flags;
    fot_frame_reader_ipv6(((fot_tap_events *)tapdata)->reader, pinfo, data);
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status
on_ip(FOT_TAP_PACKET_ARGS)
{
    (void)edt, (void)flags;
    fot_frame_reader_inner_at(((fot_tap_events *)tapdata)->reader, pinfo, data);
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status
on_tunnel(FOT_TAP_PACKET_ARGS)
{
    (void)edt, (void)flags;
    fot_frame_reader_tunnel(((fot_tap_events *)tapdata)->reader, pinfo, data);
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status
on_frame(FOT_TAP_PACKET_ARGS)
{
    fot_tap_events *c = tapdata;
    (void)data, (void)flags;
    const fot_tunnel_seen *t = c->hooked ? fot_tunnel_seen_get(pinfo) : NULL;
    fot_frame_result res;
    if (t && t->plain) {
        fot_frame_plain(pinfo, &t->pkt, &res);
    } else {
        if (t)
            fot_frame_reader_seen(c->reader, pinfo, t);
        fot_frame_reader_end(c->reader, pinfo, edt->tvb, &res);
    }
    gboolean redraw = c->sink.frame(c->ud, res.time);
    if (res.unreassembled)
        c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, res.unreassembled);
    switch (res.kind) {
    case FOT_FRAME_EVENT:
        c->sink.packet(c->ud, &res.ev, res.frac_digits);
        break;
    case FOT_FRAME_OTHER:
        c->sink.tally(c->ud, FOT_TALLY_OTHER, 1);
        break;
    case FOT_FRAME_MALFORMED:
        c->sink.tally(c->ud, FOT_TALLY_MALFORMED, 1);
        if (c->malformed++ == 0) {
            c->first_malformed_frame = pinfo->num;
            c->first_malformed_why = res.malformed_why;
        }
        break;
    case FOT_FRAME_NOTHING:
        break;
    }
    return redraw ? TAP_PACKET_REDRAW : TAP_PACKET_DONT_REDRAW;
}

static void
on_draw(void *tapdata)
{
    fot_tap_events *c = tapdata;
    c->sink.draw(c->ud);
}

static void
on_finish(void *tapdata)
{
    fot_tap_events *c = tapdata;
    if (c->sink.finish)
        c->sink.finish(c->ud);
}

static void
on_reset(void *tapdata)
{
    fot_tap_events *c = tapdata;
    fot_frame_reader_reset(c->reader);
    c->malformed = 0;
    c->sink.reset(c->ud);
}

static GString *
add_listener(fot_tap_events *c, const char *tap, const char *filter, tap_reset_cb reset, tap_packet_cb packet,
             tap_draw_cb draw, tap_finish_cb finish)
{
    GString *e = register_tap_listener(tap, c, filter, TL_REQUIRES_NOTHING, reset, packet, draw, finish);
    if (!e)
        c->listeners++;
    return e;
}

fot_tap_events *
fot_tap_events_start(const char *filter, const fot_event_sink *sink, void *ud, char **err)
{
    fot_tap_events *c = g_new0(fot_tap_events, 1);
    c->sink = *sink;
    c->ud = ud;
    c->reader = fot_frame_reader_new();

    /* The filter picks packets; the clock (frame) sees every packet. Only
     * tshark dissects each frame once, with taps, so only there can `frame`
     * take the hook's record: the GUI also dissects frames it does not tap.
     * tshark's Decode As is set before its statistics start and never
     * changes: without the fast path chosen, its tap's listener would only
     * slow the other taps (tshark walks every listener for each tapped header). */
    GString *e = NULL;
    c->hooked = fot_host_is_tshark() && !(filter && *filter);
    if (c->hooked) {
        fot_tunnel_seen_want();
    } else {
        e = add_listener(c, "ipv6", filter, NULL, on_ipv6, NULL, NULL);
        if (!e)
            e = add_listener(c, "ip", filter, NULL, on_ip, NULL, NULL);
    }
    if (!e && (!fot_host_is_tshark() || fot_fast_path_chosen()))
        e = add_listener(c, FOT_FAST_PATH_TAP, filter, NULL, on_tunnel, NULL, NULL);
    if (!e)
        e = add_listener(c, "frame", NULL, on_reset, on_frame, on_draw, on_finish);
    if (!e)
        return c;
    *err = g_strdup(e->str);
    g_string_free(e, TRUE);
    fot_tap_events_stop(c);
    return NULL;
}

void
fot_tap_events_free(fot_tap_events *c)
{
    if (!c)
        return;
    if (c->hooked)
        fot_tunnel_seen_unwant();
    fot_frame_reader_free(c->reader);
    g_free(c);
}

void
fot_tap_events_stop(fot_tap_events *c)
{
    if (!c)
        return;
    for (; c->listeners > 0; c->listeners--)
        remove_tap_listener(c);
    fot_tap_events_free(c);
}

void
fot_tap_events_conclude(fot_tap_events *c, const char *who)
{
    c->sink.tally(c->ud, FOT_TALLY_UNREASSEMBLED, fot_frame_reader_drop_pending(c->reader) + fot_fast_path_pending());
    if (c->malformed)
        fprintf(stderr, "%s: %" G_GUINT64_FORMAT " tunnelled packet%s not counted: malformed (first: frame %u, %s)\n",
                who, c->malformed, c->malformed == 1 ? "" : "s", c->first_malformed_frame, c->first_malformed_why);
}

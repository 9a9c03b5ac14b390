/* \summary: Statistics > 4o6top: the window with the sum table, its buttons and busiest CEs */
/* A funnel text window fed by its own tap listeners (as tshark's -z is), so
 * it follows live captures: the frame listener asks for a redraw and
 * Wireshark calls draw at its update interval. Qt ignores the retap flag of
 * funnel_register_menu, so the window retaps itself. */
#include "gui_top.h"

#include "ws_compat.h"

#include <epan/funnel.h>
#include <epan/stat_groups.h>

#include "tap_events.h"
#include "fot_addr.h"
#include "fot_report.h"
#include "prefs.h"
#include "session_filter.h"

typedef struct top_window {
    const funnel_ops_t *ops;
    funnel_text_window_t *tw;
    fot_tap_events *events;
    fot_engine *engine;
    char *limit;   /* display filter the window is limited to, or NULL */
    char *notice;  /* one line for the user above the table, or NULL */
    GString *text;
} top_window;

#define CE_LINES 10

/* The text width: what Wireshark's funnel text window (620 pixels wide, it
 * gives the window no other size) shows of a 10-point monospace font without
 * wrapping (74 characters), less two. */
#define WINDOW_COLUMNS 72u

static void
fresh_engine(top_window *w)
{
    fot_config cfg;
    char *err = NULL;
    fot_engine_free(w->engine);
    w->engine = NULL;
    g_clear_pointer(&w->notice, g_free);
    if (!fot_prefs_config(&cfg, &err)) {
        w->notice = g_strdup_printf("Preference not valid, its default is used: %s", err);
        g_free(err);
    }
    w->engine = fot_engine_new(&cfg);
    fot_config_clear(&cfg);
}

static gboolean
on_frame(void *ud, int64_t t)
{
    top_window *w = ud;
    if (w->engine)
        fot_engine_advance(w->engine, t);
    return TRUE;
}

static void
on_packet(void *ud, const fot_event *ev, int frac_digits)
{
    top_window *w = ud;
    (void)frac_digits;
    if (w->engine)
        fot_engine_packet(w->engine, ev);
}

static void
on_tally(void *ud, fot_tally which, uint64_t n)
{
    top_window *w = ud;
    if (w->engine)
        fot_engine_tally(w->engine, which, n);
}

typedef struct ce_pick {
    fot_ce_info top[CE_LINES];
    unsigned n;
} ce_pick;

/* Insertion into the CE_LINES busiest so far, most ports in use first. */
static void
keep_busiest(const fot_ce_info *ce, void *ud)
{
    ce_pick *p = ud;
    unsigned i = p->n;
    if (i == CE_LINES) {
        if (p->top[CE_LINES - 1].ports_in_use >= ce->ports_in_use)
            return;
        i = CE_LINES - 1;
    } else {
        p->n++;
    }
    while (i > 0 && p->top[i - 1].ports_in_use < ce->ports_in_use) {
        p->top[i] = p->top[i - 1];
        i--;
    }
    p->top[i] = *ce;
}

/* The busiest CEs; those past the port-use threshold are marked "!!". */
static void
render_ces(GString *out, const fot_engine *e)
{
    ce_pick pick = { .n = 0 };
    fot_engine_foreach_ce_row(e, keep_busiest, &pick);
    if (pick.n == 0)
        return;
    uint32_t threshold = fot_engine_config(e)->threshold;
    g_string_append(out, "\nBusiest CE/B4s (\"!!\": peak port use past the threshold)\n");
    g_string_append_printf(out, "   %-39s %-7s %6s %6s %6s\n", "CE/B4", "Mech.", "In use", "Peak", "Set");
    for (unsigned i = 0; i < pick.n; i++) {
        const fot_ce_info *ce = &pick.top[i];
        uint64_t size = fot_ce_set_size(ce);
        bool near = fot_ce_near_exhaustion(ce, threshold);
        char addr[FOT_IPV6_TEXT_SIZE], set[24] = "-";
        if (size)
            g_snprintf(set, sizeof set, "%" G_GUINT64_FORMAT, size);
        g_string_append_printf(out, "%s %-39s %-7s %6u %6u %6s\n", near ? "!!" : "  ", fot_ipv6_text(ce->addr, addr),
                               fot_mechanism_name(ce->mechanism), ce->ports_in_use, ce->peak_ports, set);
    }
}

static void
on_draw(void *ud)
{
    top_window *w = ud;
    g_string_truncate(w->text, 0);
    if (w->notice) {
        fot_report_wrap(w->text, w->notice, WINDOW_COLUMNS, "");
        g_string_append_c(w->text, '\n');
    }
    if (w->engine) {
        fot_report_window(w->text, w->engine, w->limit, WINDOW_COLUMNS);
        render_ces(w->text, w->engine);
    }
    char *help = g_strdup_printf("Buttons: \"Filter for session\" applies the display filter of a session (give "
                                 "its number), \"Copy filter\" copies it; \"Limit to display filter\" counts "
                                 "only packets matching the current display filter (now: %s). Seconds left: "
                                 "Statistics > 4o6top Sessions. Settings: Edit > Preferences > Protocols > 4o6top.",
                                 w->limit ? w->limit : "off");
    g_string_append_c(w->text, '\n');
    fot_report_wrap(w->text, help, WINDOW_COLUMNS, "");
    g_free(help);
    w->ops->set_text(w->tw, w->text->str);
}

static void
on_reset(void *ud)
{
    fresh_engine(ud); /* preferences may have changed before a retap */
}

static const fot_event_sink sink = { on_frame, on_packet, on_tally, on_draw, on_reset, NULL };

static void
listen(top_window *w)
{
    char *err = NULL;
    fot_tap_events_stop(w->events);
    w->events = fot_tap_events_start(w->limit, &sink, w, &err);
    if (!w->events) {
        g_clear_pointer(&w->limit, g_free);
        g_free(w->notice);
        w->notice = g_strdup_printf("The display filter cannot limit this view: %s", err);
        g_free(err);
        w->events = fot_tap_events_start(NULL, &sink, w, &err);
    }
    w->ops->retap_packets(w->ops->ops_id);
}

/* The active session numbered `serial`, or NULL. */
typedef struct find_serial {
    uint32_t serial;
    const fot_session *found;
} find_serial;

static void
match_serial(const fot_session *s, void *ud)
{
    find_serial *f = ud;
    if (fot_session_serial(s) == f->serial)
        f->found = s;
}

static char *
filter_for(top_window *w, const char *number)
{
    find_serial f = { (uint32_t)g_ascii_strtoull(number ? number : "", NULL, 10), NULL };
    if (w->engine && f.serial)
        fot_engine_foreach(w->engine, match_serial, &f);
    g_clear_pointer(&w->notice, g_free);
    if (!f.found) {
        w->notice = g_strdup_printf("No active session numbered \"%s\".", number ? number : "");
        on_draw(w);
        return NULL;
    }
    const fot_session *s = f.found;
    return fot_session_filter(fot_engine_node_addr(w->engine, s->ce), fot_engine_node_addr(w->engine, s->br),
                              s->proto, s->client_ip, s->client_port, s->server_ip, s->server_port);
}

static void
apply_filter_answer(gchar **input, void *data)
{
    top_window *w = data;
    char *filter = filter_for(w, input[0]);
    if (filter) {
        w->ops->set_filter(w->ops->ops_id, filter);
        w->ops->apply_filter(w->ops->ops_id);
        g_free(filter);
    }
}

static void
copy_filter_answer(gchar **input, void *data)
{
    top_window *w = data;
    char *filter = filter_for(w, input[0]);
    if (filter) {
        GString *s = g_string_new(filter);
        w->ops->copy_to_clipboard(s);
        g_string_free(s, TRUE);
        w->notice = g_strdup_printf("Copied: %s", filter);
        on_draw(w);
        g_free(filter);
    }
}

static void
ask_session(top_window *w, const char *title, funnel_dlg_cb_t answer)
{
    static const gchar *fields[] = { "Session number", NULL };
    w->ops->new_dialog(w->ops->ops_id, title, fields, NULL, answer, w, NULL);
}

static fot_ws_button_result
on_apply_button(funnel_text_window_t *tw, void *data)
{
    (void)tw;
    ask_session(data, "4o6top: apply the filter of a session", apply_filter_answer);
    return TRUE;
}

static fot_ws_button_result
on_copy_button(funnel_text_window_t *tw, void *data)
{
    (void)tw;
    ask_session(data, "4o6top: copy the filter of a session", copy_filter_answer);
    return TRUE;
}

static fot_ws_button_result
on_limit_button(funnel_text_window_t *tw, void *data)
{
    top_window *w = data;
    (void)tw;
    const char *current = w->ops->get_filter(w->ops->ops_id);
    g_free(w->limit);
    w->limit = !w->limit && current && *current ? g_strdup(current) : NULL;
    listen(w);
    return TRUE;
}

static void
on_close(void *data)
{
    top_window *w = data;
    fot_tap_events_stop(w->events);
    fot_engine_free(w->engine);
    g_string_free(w->text, TRUE);
    g_free(w->limit);
    g_free(w->notice);
    g_free(w);
}

static void
add_button(top_window *w, const char *label, funnel_bt_cb_t fn)
{
    funnel_bt_t *bt = g_new0(funnel_bt_t, 1);
    bt->tw = w->tw;
    bt->func = fn;
    bt->data = w;
    bt->free_fcn = g_free;
    w->ops->add_button(w->tw, bt, label);
}

static void
open_window(gpointer unused)
{
    (void)unused;
    top_window *w = g_new0(top_window, 1);
    w->ops = funnel_get_funnel_ops();
    w->text = g_string_new(NULL);
    w->tw = w->ops->new_text_window(w->ops->ops_id, "4o6top");
    w->ops->set_close_cb(w->tw, on_close, w);
    add_button(w, "Filter for session", on_apply_button);
    add_button(w, "Copy filter", on_copy_button);
    add_button(w, "Limit to display filter", on_limit_button);
    fresh_engine(w);
    listen(w);
}

void
fot_gui_top_register(void)
{
    funnel_register_menu("4o6top", REGISTER_PACKET_STAT_GROUP_UNSORTED, open_window, NULL, NULL, FALSE);
}

/* \summary: Statistics > 4o6top Sessions and 4o6top CEs: the sortable tables */
/* One row per session instance of the file (or per CE/B4), rebuilt at every
 * retap. The rows of the Sessions table come from the frames the dialog's
 * filter lets through; the CEs table is the one pass's CE records. */
#include "gui_tables.h"

#include "ws_compat.h"

#include <string.h>

#include <epan/stat_groups.h>
#include <epan/stat_tap_ui.h>

#include "annotate.h"
#include "fot_packet.h"
#include "fot_addr.h"
#include "fot_index.h"
#include "fot_time.h"
#include "host.h"
#include "session_filter.h"

enum {
    S_SESSION, S_PROTO, S_CE, S_CLIENT, S_CLIENT_PORT, S_SERVER, S_SERVER_PORT, S_INBOUND, S_PACKETS_UP, S_BYTES_UP,
    S_PACKETS_DOWN, S_BYTES_DOWN, S_FIRST, S_LAST, S_LEFT, S_FILTER, S_COLUMNS
};

/* Wireshark structs are filled by field name: they grow between releases. */
#define COLUMN(item_type, alignment, name, format)                                                         \
    { .type = (item_type), .align = (alignment), .column_name = (name), .field_format = (format) }

static stat_tap_table_item session_columns[S_COLUMNS] = {
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Session", "%u"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Protocol", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "CE/B4", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Client", "%s"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Client port", "%u"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Server", "%s"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Server port", "%u"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Inbound", "%s"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Packets up", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes up", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Packets down", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bytes down", "%u"),
    COLUMN(TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "First seen (s)", "%.6f"),
    COLUMN(TABLE_ITEM_FLOAT, TAP_ALIGN_RIGHT, "Last seen (s)", "%.6f"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Seconds left", "%u"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Display filter", "%s"),
};

enum {
    C_CE, C_MECHANISM, C_EVIDENCE, C_IPV4, C_USED_IPV4, C_PSID, C_PSID_LEN, C_OFFSET, C_SET_SIZE, C_IN_USE, C_PEAK,
    C_PEAK_PERCENT, C_SESSIONS, C_BOUND, C_OUT_OF_SET, C_REFUSED, C_NEAR, C_COLUMNS
};

static stat_tap_table_item ce_columns[C_COLUMNS] = {
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "CE/B4", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Mechanism", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Evidence", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "IPv4", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Used IPv4", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "PSID", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "PSID length", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Offset", "%s"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Port set size", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Ports in use", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Peak ports in use", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Peak use %", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Sessions", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Bound", "%u"),
    COLUMN(TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Out of set", "%u"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Refused (verdict: packets)", "%s"),
    COLUMN(TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Near exhaustion", "%s"),
};

static GHashTable *row_of_session; /* Sessions table: session number -> row + 1 */
static GArray *row_side;          /* Sessions table: row_orientation per row */
static GHashTable *tunnel_rows;   /* Sessions table: the two outer addresses -> tunnel_rows_entry */
static bool ces_listed;           /* CEs table: this retap's rows are in */

/* Who a row names as CE/B4 and client: a later SYN can turn a session around,
 * and its tunnel turning round (at another session's packet) turns it too
 * while it is live: when it expires, from its class and last packet. */
typedef struct row_orientation {
    uint8_t ce[16], br[16];
    uint32_t client_ip, server_ip;
    uint16_t client_port, server_port;
    uint8_t proto;
    uint8_t tclass;
    int64_t last_ns;
} row_orientation;

/* A tunnel's rows, and the end its latest packet named the CE/B4. */
typedef struct tunnel_rows_entry {
    uint8_t ce[16];
    GArray *rows; /* guint */
} tunnel_rows_entry;

static stat_tap_table *
only_table(stat_tap_table_ui *ui)
{
    stat_tap_table *t = stat_tap_find_table(ui, ui->title);
    if (!t) {
        t = stat_tap_init_table(ui->title, (int)ui->nfields, 0, NULL);
        stat_tap_add_table(ui, t);
    }
    return t;
}

static void
free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field)
{
    (void)table, (void)row, (void)column;
    if (field->type == TABLE_ITEM_STRING)
        g_free((char *)field->value.string_value);
}

/* Rows come and go with sessions and CEs: a reset empties the table. */
static void
drop_rows(stat_tap_table *t)
{
    for (guint r = 0; r < t->num_elements; r++) {
        for (guint c = 0; c < t->num_fields; c++)
            free_item(t, r, c, &t->elements[r][c]);
        g_free(t->elements[r]);
    }
    g_free(t->elements);
    t->elements = NULL;
    t->num_elements = 0;
}

static void
reset_sessions(stat_tap_table *t)
{
    drop_rows(t);
    g_hash_table_remove_all(row_of_session);
    g_hash_table_remove_all(tunnel_rows);
    g_array_set_size(row_side, 0);
}

/* The two outer addresses, lower first: the same key whichever end is the CE. */
static guint
tunnel_key_hash(gconstpointer k)
{
    return fot_hash_bytes(k, 32);
}

static gboolean
tunnel_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, 32) == 0;
}

static void
free_tunnel_rows(gpointer p)
{
    tunnel_rows_entry *x = p;
    g_array_free(x->rows, TRUE);
    g_free(x);
}

static void
init_sessions(stat_tap_table_ui *ui)
{
    if (!row_of_session) {
        row_of_session = g_hash_table_new(g_direct_hash, g_direct_equal);
        row_side = g_array_new(FALSE, FALSE, sizeof(row_orientation));
        tunnel_rows = g_hash_table_new_full(tunnel_key_hash, tunnel_key_equal, g_free, free_tunnel_rows);
    }
    reset_sessions(only_table(ui));
}

static void
reset_ces(stat_tap_table *t)
{
    drop_rows(t);
    ces_listed = false;
}

static void
init_ces(stat_tap_table_ui *ui)
{
    reset_ces(only_table(ui));
}

static stat_tap_table_item_type
text_item(const char *s)
{
    stat_tap_table_item_type v = { .type = TABLE_ITEM_STRING };
    v.value.string_value = g_strdup(s);
    return v;
}

static stat_tap_table_item_type
uint_item(guint u)
{
    stat_tap_table_item_type v = { .type = TABLE_ITEM_UINT };
    v.value.uint_value = u;
    return v;
}

static stat_tap_table_item_type
float_item(double d)
{
    stat_tap_table_item_type v = { .type = TABLE_ITEM_FLOAT };
    v.value.float_value = d;
    return v;
}

static void
set_text(stat_tap_table *t, guint row, guint column, const char *s)
{
    stat_tap_table_item_type *v = stat_tap_get_field_data(t, row, column);
    g_free((char *)v->value.string_value);
    v->value.string_value = g_strdup(s);
}

/* The cells that name the session's ends, as the frame's note sees them. */
static void
set_ends(stat_tap_table *t, guint row, const fot_note *n)
{
    char ce[FOT_IPV6_TEXT_SIZE], client[FOT_IPV4_TEXT_SIZE], server[FOT_IPV4_TEXT_SIZE];
    char *filter = fot_session_filter(n->ce, n->br, n->proto, n->client_ip, n->client_port, n->server_ip,
                                      n->server_port);
    set_text(t, row, S_CE, fot_ipv6_text(n->ce, ce));
    set_text(t, row, S_CLIENT, fot_ipv4_text(n->client_ip, client));
    stat_tap_get_field_data(t, row, S_CLIENT_PORT)->value.uint_value = n->client_port;
    set_text(t, row, S_SERVER, fot_ipv4_text(n->server_ip, server));
    stat_tap_get_field_data(t, row, S_SERVER_PORT)->value.uint_value = n->server_port;
    set_text(t, row, S_FILTER, filter);
    g_free(filter);
    row_orientation *o = &g_array_index(row_side, row_orientation, row);
    memcpy(o->ce, n->ce, 16);
    memcpy(o->br, n->br, 16);
    o->client_ip = n->client_ip;
    o->client_port = n->client_port;
    o->server_ip = n->server_ip;
    o->server_port = n->server_port;
    o->proto = n->proto;
}

static guint
new_session_row(stat_tap_table *t, const fot_note *n, double now_s)
{
    stat_tap_table_item_type row[S_COLUMNS];
    row[S_SESSION] = uint_item(n->session);
    row[S_PROTO] = text_item(fot_proto_name(n->proto));
    row[S_CE] = text_item("");
    row[S_CLIENT] = text_item("");
    row[S_CLIENT_PORT] = uint_item(0);
    row[S_SERVER] = text_item("");
    row[S_SERVER_PORT] = uint_item(0);
    row[S_INBOUND] = text_item("");
    row[S_PACKETS_UP] = uint_item(0);
    row[S_BYTES_UP] = uint_item(0);
    row[S_PACKETS_DOWN] = uint_item(0);
    row[S_BYTES_DOWN] = uint_item(0);
    row[S_FIRST] = float_item(now_s);
    row[S_LAST] = float_item(now_s);
    row[S_LEFT] = uint_item(0);
    row[S_FILTER] = text_item("");
    guint index = t->num_elements;
    stat_tap_init_table_row(t, index, S_COLUMNS, row);
    g_array_set_size(row_side, index + 1);
    set_ends(t, index, n);
    g_hash_table_insert(row_of_session, GUINT_TO_POINTER(n->session), GUINT_TO_POINTER(index + 1));
    return index;
}

static void
swap_cells(stat_tap_table *t, guint row, guint a, guint b)
{
    stat_tap_table_item_type *x = stat_tap_get_field_data(t, row, a), *y = stat_tap_get_field_data(t, row, b);
    stat_tap_table_item_type keep = *x;
    *x = *y;
    *y = keep;
}

/* The engine turned the session around (a SYN from the side first taken for
 * the server): the row follows, as -z 4o6top,sess does, up and down included. */
static void
follow_orientation(stat_tap_table *t, guint row, const fot_note *n)
{
    const row_orientation *o = &g_array_index(row_side, row_orientation, row);
    if (o->client_ip == n->client_ip && o->client_port == n->client_port && memcmp(o->ce, n->ce, 16) == 0)
        return;
    swap_cells(t, row, S_PACKETS_UP, S_PACKETS_DOWN);
    swap_cells(t, row, S_BYTES_UP, S_BYTES_DOWN);
    set_ends(t, row, n);
}

/* Opened from the BR/AFTR side, in -z 4o6top,sess's words: a session's
 * first marker (SYN, echo request) or its tunnel turning round may change it. */
static void
set_inbound(stat_tap_table *t, guint row, const fot_note *n)
{
    const char *now = n->flags & FOT_NOTE_INBOUND ? "yes" : "no";
    const char *shown = stat_tap_get_field_data(t, row, S_INBOUND)->value.string_value;
    if (!shown || strcmp(shown, now) != 0)
        set_text(t, row, S_INBOUND, now);
}

/* The engine turned a row's tunnel round at another session's packet: the
 * row's ends change places, up and down with them, and whether it is inbound. */
static void
turn_row(stat_tap_table *t, guint row)
{
    const row_orientation *o = &g_array_index(row_side, row_orientation, row);
    fot_note m = { .proto = o->proto, .client_ip = o->server_ip, .client_port = o->server_port,
                   .server_ip = o->client_ip, .server_port = o->client_port };
    memcpy(m.ce, o->br, 16);
    memcpy(m.br, o->ce, 16);
    swap_cells(t, row, S_PACKETS_UP, S_PACKETS_DOWN);
    swap_cells(t, row, S_BYTES_UP, S_BYTES_DOWN);
    set_ends(t, row, &m);
    const char *inbound = stat_tap_get_field_data(t, row, S_INBOUND)->value.string_value;
    set_text(t, row, S_INBOUND, inbound && strcmp(inbound, "yes") == 0 ? "no" : "yes");
}

/* The packet names its tunnel's CE/B4. Another end than the tunnel's last
 * packet named means the engine turned the tunnel round, and with it every
 * session then live (not those ended before): their rows follow, as the
 * sessions' end rows of -z 4o6top,sess,ends do. */
static void
follow_tunnel(stat_tap_table *t, guint row, bool new_row, const fot_note *n, int64_t now_ns)
{
    uint8_t key[32];
    bool ce_first = memcmp(n->ce, n->br, 16) <= 0;
    memcpy(key, ce_first ? n->ce : n->br, 16);
    memcpy(key + 16, ce_first ? n->br : n->ce, 16);
    tunnel_rows_entry *x = g_hash_table_lookup(tunnel_rows, key);
    if (!x) {
        x = g_new0(tunnel_rows_entry, 1);
        memcpy(x->ce, n->ce, 16);
        x->rows = g_array_new(FALSE, FALSE, sizeof(guint));
        g_hash_table_insert(tunnel_rows, g_memdup2(key, sizeof key), x);
    }
    if (new_row)
        g_array_append_val(x->rows, row);
    if (memcmp(x->ce, n->ce, 16) == 0)
        return;
    memcpy(x->ce, n->ce, 16);
    const fot_config *cfg = fot_engine_config(fot_annotate_engine());
    for (guint i = 0; i < x->rows->len; i++) {
        guint r = g_array_index(x->rows, guint, i);
        const row_orientation *o = &g_array_index(row_side, row_orientation, r);
        if (r != row && memcmp(o->ce, n->ce, 16) != 0 &&
            fot_config_expiry(cfg, (fot_class)o->tclass, o->last_ns) > now_ns)
            turn_row(t, r);
    }
}

/* Table cells are 32 bits (Wireshark 4.0): a count past that stays at the maximum. */
static void
add_to(stat_tap_table *t, guint row, guint column, guint amount)
{
    stat_tap_table_item_type *v = stat_tap_get_field_data(t, row, column);
    v->value.uint_value = v->value.uint_value > G_MAXUINT - amount ? G_MAXUINT : v->value.uint_value + amount;
}

static guint
clamp_uint(uint64_t v)
{
    return v > G_MAXUINT ? G_MAXUINT : (guint)v;
}

/* Seconds left, counted from the end of the one pass (the capture's end for a file). */
static guint
seconds_left(const fot_note *n, int64_t last)
{
    const fot_engine *e = fot_annotate_engine();
    int64_t expiry = fot_config_expiry(fot_engine_config(e), (fot_class)n->tclass, last);
    int64_t left = expiry - fot_engine_now(e);
    return left > 0 ? (guint)((left + FOT_NS_PER_SEC - 1) / FOT_NS_PER_SEC) : 0;
}

static tap_packet_status
session_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data, tap_flags_t flags)
{
    stat_data_t *sd = tapdata;
    fot_note n;
    (void)edt, (void)data, (void)flags;
    if (!fot_annotate_frame(pinfo, &n))
        return TAP_PACKET_DONT_REDRAW;
    stat_tap_table *t = only_table(sd->stat_tap_data);
    double now_s = nstime_to_sec(&pinfo->rel_ts);
    guint row = GPOINTER_TO_UINT(g_hash_table_lookup(row_of_session, GUINT_TO_POINTER(n.session)));
    bool new_row = row == 0;
    if (row)
        follow_orientation(t, --row, &n);
    else
        row = new_session_row(t, &n, now_s);
    set_inbound(t, row, &n);
    add_to(t, row, n.flags & FOT_NOTE_UPSTREAM ? S_PACKETS_UP : S_PACKETS_DOWN, 1);
    add_to(t, row, n.flags & FOT_NOTE_UPSTREAM ? S_BYTES_UP : S_BYTES_DOWN, n.packet_bytes);
    stat_tap_get_field_data(t, row, S_LAST)->value.float_value = now_s;
    int64_t abs_ns = (int64_t)pinfo->abs_ts.secs * FOT_NS_PER_SEC + pinfo->abs_ts.nsecs;
    stat_tap_get_field_data(t, row, S_LEFT)->value.uint_value = seconds_left(&n, abs_ns);
    row_orientation *o = &g_array_index(row_side, row_orientation, row);
    o->tclass = n.tclass;
    o->last_ns = abs_ns;
    follow_tunnel(t, row, new_row, &n, abs_ns);
    return TAP_PACKET_REDRAW;
}

static void
add_ce_row(const fot_ce_info *ce, void *ud)
{
    stat_tap_table *t = ud;
    uint32_t threshold = fot_engine_config(fot_annotate_engine())->threshold;
    uint64_t size = fot_ce_set_size(ce);
    bool whole = size != 0;
    char addr[FOT_IPV6_TEXT_SIZE], ip[FOT_IPV4_TEXT_SIZE] = "", used[FOT_IPV4_TEXT_SIZE] = "";
    char psid[8] = "", len[8] = "", offset[8] = "";
    if (ce->sessions && !ce->many_ips)
        fot_ipv4_text(ce->client_ip, used);
    GString *refused = g_string_new(NULL);
    for (int v = FOT_VERDICT_WRONG_PORT; v < FOT_VERDICT_COUNT; v++)
        if (ce->verdicts[v])
            g_string_append_printf(refused, "%s%s: %" G_GUINT64_FORMAT, refused->len ? ", " : "",
                                   fot_verdict_name((fot_verdict)v), ce->verdicts[v]);
    if (ce->source != FOT_SET_NONE)
        fot_ipv4_text(ce->set.ipv4, ip);
    else if (ce->mechanism != FOT_MECH_DSLITE && !ce->many_ips)
        fot_ipv4_text(ce->client_ip, ip);
    if (ce->source == FOT_SET_IID || whole)
        g_snprintf(psid, sizeof psid, "%u", ce->set.psid);
    if (whole) {
        g_snprintf(len, sizeof len, "%u", ce->set.psid_len);
        g_snprintf(offset, sizeof offset, "%u", ce->set.offset);
    }
    guint percent = (guint)fot_use_percent(ce->peak_ports, size);
    stat_tap_table_item_type row[C_COLUMNS] = {
        text_item(fot_ipv6_text(ce->addr, addr)), text_item(fot_mechanism_name(ce->mechanism)),
        text_item(fot_why_name(ce->why)), text_item(ip), text_item(used), text_item(psid), text_item(len),
        text_item(offset), uint_item(clamp_uint(size)), uint_item(ce->ports_in_use),
        uint_item(ce->peak_ports), uint_item(percent), uint_item(clamp_uint(ce->sessions)),
        uint_item(clamp_uint(ce->verdicts[FOT_VERDICT_BOUND])), uint_item(clamp_uint(ce->out_of_set)),
        text_item(refused->str), text_item(fot_ce_near_exhaustion(ce, threshold) ? "YES" : ""),
    };
    stat_tap_init_table_row(t, t->num_elements, C_COLUMNS, row);
    g_string_free(refused, TRUE);
}

static void
collect_ce_row(const fot_ce_info *ce, void *ud)
{
    g_array_append_val((GArray *)ud, *ce);
}

/* Busiest first: peak use of the set, then ports in use now; the CEs near
 * exhaustion are the rows an operator opens the table for. */
static gint
by_use(gconstpointer pa, gconstpointer pb)
{
    const fot_ce_info *a = pa, *b = pb;
    uint64_t pa_ = fot_use_percent(a->peak_ports, fot_ce_set_size(a));
    uint64_t pb_ = fot_use_percent(b->peak_ports, fot_ce_set_size(b));
    if (pa_ != pb_)
        return pa_ > pb_ ? -1 : 1;
    if (a->ports_in_use != b->ports_in_use)
        return a->ports_in_use > b->ports_in_use ? -1 : 1;
    return memcmp(a->addr, b->addr, 16);
}

static tap_packet_status
ce_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data, tap_flags_t flags)
{
    stat_data_t *sd = tapdata;
    (void)pinfo, (void)edt, (void)data, (void)flags;
    if (ces_listed || !fot_annotate_engine())
        return TAP_PACKET_DONT_REDRAW;
    ces_listed = true;
    GArray *rows = g_array_new(FALSE, FALSE, sizeof(fot_ce_info));
    fot_engine_foreach_ce_row(fot_annotate_engine(), collect_ce_row, rows);
    g_array_sort(rows, by_use);
    for (guint i = 0; i < rows->len; i++)
        add_ce_row(&g_array_index(rows, fot_ce_info, i), only_table(sd->stat_tap_data));
    g_array_free(rows, TRUE);
    return TAP_PACKET_REDRAW;
}

void
fot_gui_tables_register(void)
{
    static tap_param params[] = {
        { .type = PARAM_FILTER, .name = "filter", .title = "Filter", .optional = TRUE }
    };
    static stat_tap_table_ui sessions = {
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED, .title = "4o6top Sessions", .tap_name = "frame",
        .cli_string = "4o6top-sessions", .stat_tap_init_cb = init_sessions, .packet_func = session_packet,
        .stat_tap_reset_table_cb = reset_sessions, .stat_tap_free_table_item_cb = free_item, .nfields = S_COLUMNS,
        .fields = session_columns, .nparams = 1, .params = params
    };
    static stat_tap_table_ui ces = {
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED, .title = "4o6top CEs", .tap_name = "frame",
        .cli_string = "4o6top-ces", .stat_tap_init_cb = init_ces, .packet_func = ce_packet,
        .stat_tap_reset_table_cb = reset_ces, .stat_tap_free_table_item_cb = free_item, .nfields = C_COLUMNS,
        .fields = ce_columns, .nparams = 1, .params = params
    };
    /* tshark has -z 4o6top,sess and ce; its trees are not built for these. */
    if (fot_host_is_tshark())
        return;
    register_stat_tap_table_ui(&sessions);
    register_stat_tap_table_ui(&ces);
}

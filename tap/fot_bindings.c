/* \summary: the LW4o6 binding table: its entries and their parser, the builder, three indexes */
/* Three open-addressing indexes of softwire numbers (4 bytes a slot, sized
 * once at build time to at most half full, linear probing): by IPv4 address
 * (one softwire each, which gives the address's PSID length and offset), by
 * (IPv4, PSID), and by B4 (the head of the B4's chain). With the 32-byte
 * entries that is at most 56 bytes a softwire. */
#include "fot_bindings.h"

#include <glib.h>
#include <string.h>

#include "fot_addr.h"
#include "fot_decimal.h"
#include "fot_index.h"

/* ---- one softwire as written ---- */

/* "A.B.C.D" or "A.B.C.D/32". */
static bool
exact_ipv4(const char *text, uint32_t *out)
{
    uint8_t len;
    return fot_ipv4_prefix_parse(text, out, &len) && len == 32;
}

bool
fot_lw_binding_from_fields(char *const *f, unsigned n, fot_lw_binding *out, const char **why)
{
    uint32_t psid = 0, len = 0, offset = 0;
    memset(out, 0, sizeof *out);
    *why = NULL;
    if (n < 4 || n > 6)
        *why = "needs 4 to 6 fields";
    else if (!fot_ipv6_parse(f[0], out->b4))
        *why = "B4 address is not an IPv6 address";
    else if (!exact_ipv4(f[1], &out->set.ipv4))
        *why = "IPv4 is not an IPv4 address";
    else if (!fot_decimal_parse(f[3], 0, 16, &len))
        *why = "PSID length is not 0..16";
    else if (n >= 5 && f[4][0] && !fot_decimal_parse(f[4], 0, 15, &offset))
        *why = "PSID offset is not 0..15";
    else if (len + offset > 16)
        *why = "PSID length + PSID offset exceeds 16";
    else if (!fot_decimal_parse(f[2], 0, len ? (1u << len) - 1 : 0, &psid))
        *why = "PSID does not fit in PSID length bits";
    else if (n == 6 && f[5][0] && !fot_ipv6_parse(f[5], out->br))
        *why = "BR address is not an IPv6 address";
    if (*why)
        return false;
    out->has_br = n == 6 && f[5][0];
    out->set.ipv4_len = 32;
    out->set.psid = (uint16_t)psid;
    out->set.psid_len = (uint8_t)len;
    out->set.offset = (uint8_t)offset;
    return true;
}

bool
fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err)
{
    gchar **f = g_strsplit(text, ";", -1);
    const char *why;
    bool ok = fot_lw_binding_from_fields(f, g_strv_length(f), out, &why);
    if (!ok)
        *err = g_strdup(why);
    g_strfreev(f);
    return ok;
}

char *
fot_lw_binding_text(const fot_lw_binding *b)
{
    char b4[FOT_IPV6_TEXT_SIZE], ipv4[FOT_IPV4_TEXT_SIZE], br[FOT_IPV6_TEXT_SIZE];
    return g_strdup_printf("%s;%s;%u;%u;%u%s%s", fot_ipv6_text(b->b4, b4), fot_ipv4_text(b->set.ipv4, ipv4),
                           b->set.psid, b->set.psid_len, b->set.offset, b->has_br ? ";" : "",
                           b->has_br ? fot_ipv6_text(b->br, br) : "");
}

/* ---- the builder ---- */

typedef struct origin {
    uint32_t source; /* index into sources */
    uint32_t line;   /* 0: the source is one entry (lw_binding=..., a table row) */
} origin;

struct fot_bindings_builder {
    GArray *entries; /* fot_binding */
    GArray *origins; /* origin, one per entry */
    GPtrArray *sources;
    GArray *brs;     /* 16-byte addresses */
    GString *messages;
};

struct fot_bindings {
    int refs;
    fot_binding *entries; /* numbers are 1-based: entries[n - 1] */
    uint32_t count, mask;
    uint32_t *by_ipv4, *by_key, *by_b4;
    uint8_t (*brs)[16];
    uint32_t br_count;
    char *messages;
    bool told;
};

fot_bindings_builder *
fot_bindings_builder_new(void)
{
    fot_bindings_builder *b = g_new0(fot_bindings_builder, 1);
    b->entries = g_array_new(FALSE, FALSE, sizeof(fot_binding));
    b->origins = g_array_new(FALSE, FALSE, sizeof(origin));
    b->sources = g_ptr_array_new_with_free_func(g_free);
    b->brs = g_array_new(FALSE, FALSE, 16);
    b->messages = g_string_new(NULL);
    return b;
}

static uint16_t
intern_br(fot_bindings_builder *b, const uint8_t br[16])
{
    for (guint i = 0; i < b->brs->len; i++) /* a deployment has a handful of BRs */
        if (memcmp(&g_array_index(b->brs, uint8_t, i * 16), br, 16) == 0)
            return (uint16_t)(i + 1);
    if (b->brs->len == UINT16_MAX)
        return 0;
    g_array_append_vals(b->brs, br, 1);
    return (uint16_t)b->brs->len;
}

static void
add_entry(fot_bindings_builder *b, const fot_lw_binding *e, uint32_t source, uint32_t line)
{
    fot_binding s;
    memset(&s, 0, sizeof s);
    memcpy(s.b4, e->b4, 16);
    s.ipv4 = e->set.ipv4;
    s.psid = e->set.psid;
    s.psid_len = e->set.psid_len;
    s.offset = e->set.offset;
    s.br = e->has_br ? intern_br(b, e->br) : 0;
    origin o = { source, line };
    g_array_append_val(b->entries, s);
    g_array_append_val(b->origins, o);
}

void
fot_bindings_builder_add(fot_bindings_builder *b, const fot_lw_binding *entry, const char *where)
{
    g_ptr_array_add(b->sources, g_strdup(where));
    add_entry(b, entry, b->sources->len - 1, 0);
}

static char *
trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

/* Split line at commas in place; fields are trimmed. */
static unsigned
split_fields(char *line, char **f, unsigned max)
{
    unsigned n = 0;
    for (char *p = line;; p++) {
        char *comma = strchr(p, ',');
        if (n == max)
            return max + 1;
        if (comma)
            *comma = '\0';
        f[n++] = trim(p);
        if (!comma)
            return n;
        p = comma;
    }
}

static const char *const columns[] = { "b4", "ipv4", "psid", "psid_len", "offset", "br" };

bool
fot_bindings_builder_add_file(fot_bindings_builder *b, const char *path)
{
    char *text = NULL;
    gsize size = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, &size, &error)) {
        g_string_append_printf(b->messages, "4o6top: bindings file %s: %s\n", path, error->message);
        g_error_free(error);
        return false;
    }
    g_ptr_array_add(b->sources, g_strdup(path));
    uint32_t source = b->sources->len - 1;
    unsigned header = 0; /* columns the header names; 0 until it is read, UINT32_MAX: refused */
    uint32_t number = 0;
    char *next = text;
    while (next && next < text + size) {
        char *line = next;
        char *nl = memchr(line, '\n', (size_t)(text + size - line));
        if (nl)
            *nl = '\0';
        next = nl ? nl + 1 : NULL;
        number++;
        if (strlen(line) != (size_t)((nl ? nl : text + size) - line)) {
            g_string_append_printf(b->messages, "4o6top: %s:%u: NUL byte in the line\n", path, number);
            continue;
        }
        char *l = trim(line);
        if (l[0] == '\0' || l[0] == '#')
            continue;
        char *f[G_N_ELEMENTS(columns) + 1];
        unsigned n = split_fields(l, f, G_N_ELEMENTS(columns));
        if (!header) {
            bool ok = n >= 4 && n <= G_N_ELEMENTS(columns);
            for (unsigned i = 0; ok && i < n; i++)
                ok = g_ascii_strcasecmp(f[i], columns[i]) == 0;
            if (!ok) {
                g_string_append_printf(b->messages,
                                       "4o6top: %s:%u: the header line must be b4,ipv4,psid,psid_len[,offset[,br]];"
                                       " file not used\n",
                                       path, number);
                header = UINT32_MAX;
                break;
            }
            header = n;
            continue;
        }
        fot_lw_binding e;
        const char *why;
        if (n > header)
            g_string_append_printf(b->messages, "4o6top: %s:%u: more fields than the header's %u\n", path, number,
                                   header);
        else if (!fot_lw_binding_from_fields(f, n, &e, &why))
            g_string_append_printf(b->messages, "4o6top: %s:%u: %s\n", path, number, why);
        else
            add_entry(b, &e, source, number);
    }
    if (!header)
        g_string_append_printf(b->messages, "4o6top: %s: no header line b4,ipv4,psid,psid_len[,offset[,br]]\n",
                               path);
    g_free(text);
    return true;
}

/* ---- the indexes ---- */

static uint32_t
hash_ipv4(uint32_t ipv4)
{
    return fot_hash64(ipv4);
}

static uint32_t
hash_key(uint32_t ipv4, uint16_t psid)
{
    return fot_hash64(((uint64_t)ipv4 << 16 | psid) ^ UINT64_C(0x5bd1e9955bd1e995));
}

const fot_binding *
fot_bindings_get(const fot_bindings *t, uint32_t number)
{
    return &t->entries[number - 1];
}

/* The slot holding a softwire with this IPv4, or the empty slot where one goes. */
static uint32_t *
slot_ipv4(const fot_bindings *t, uint32_t ipv4)
{
    for (uint32_t i = hash_ipv4(ipv4) & t->mask;; i = (i + 1) & t->mask)
        if (!t->by_ipv4[i] || t->entries[t->by_ipv4[i] - 1].ipv4 == ipv4)
            return &t->by_ipv4[i];
}

static uint32_t *
slot_key(const fot_bindings *t, uint32_t ipv4, uint16_t psid)
{
    for (uint32_t i = hash_key(ipv4, psid) & t->mask;; i = (i + 1) & t->mask) {
        const fot_binding *s = t->by_key[i] ? &t->entries[t->by_key[i] - 1] : NULL;
        if (!s || (s->ipv4 == ipv4 && s->psid == psid))
            return &t->by_key[i];
    }
}

static uint32_t *
slot_b4(const fot_bindings *t, const uint8_t b4[16])
{
    for (uint32_t i = fot_hash_addr16(b4) & t->mask;; i = (i + 1) & t->mask)
        if (!t->by_b4[i] || memcmp(t->entries[t->by_b4[i] - 1].b4, b4, 16) == 0)
            return &t->by_b4[i];
}

uint32_t
fot_bindings_of_ipv4(const fot_bindings *t, uint32_t ipv4)
{
    return t && t->count ? *slot_ipv4(t, ipv4) : 0;
}

uint32_t
fot_bindings_find(const fot_bindings *t, uint32_t ipv4, uint16_t psid)
{
    return t && t->count ? *slot_key(t, ipv4, psid) : 0;
}

uint32_t
fot_bindings_of_b4(const fot_bindings *t, const uint8_t b4[16])
{
    return t && t->count ? *slot_b4(t, b4) : 0;
}

const uint8_t *
fot_bindings_br(const fot_bindings *t, uint16_t br)
{
    return t->brs[br - 1];
}

void
fot_binding_port_set(const fot_binding *s, fot_port_set *out)
{
    out->ipv4 = s->ipv4;
    out->ipv4_len = 32;
    out->psid_len = s->psid_len;
    out->offset = s->offset;
    out->psid = s->psid;
}

/* "FILE:LINE" or the entry's own text. */
static void
append_where(GString *s, const fot_bindings_builder *b, const origin *o)
{
    g_string_append(s, g_ptr_array_index(b->sources, o->source));
    if (o->line)
        g_string_append_printf(s, ":%u", o->line);
}

static void
append_softwire(GString *s, const fot_binding *e)
{
    char ipv4[FOT_IPV4_TEXT_SIZE], b4[FOT_IPV6_TEXT_SIZE];
    g_string_append_printf(s, "%s PSID %u/%u offset %u (B4 %s)", fot_ipv4_text(e->ipv4, ipv4), e->psid,
                           e->psid_len, e->offset, fot_ipv6_text(e->b4, b4));
}

static void
conflict_message(fot_bindings_builder *b, const fot_binding *entries, uint32_t i, uint32_t j, const char *what)
{
    const fot_binding *e = &entries[i], *f = &entries[j];
    g_string_append(b->messages, "4o6top: ");
    append_where(b->messages, b, &g_array_index(b->origins, origin, i));
    g_string_append(b->messages, ": softwire ");
    append_softwire(b->messages, e);
    g_string_append(b->messages, " conflicts with ");
    append_where(b->messages, b, &g_array_index(b->origins, origin, j));
    g_string_append(b->messages, ": ");
    append_softwire(b->messages, f);
    g_string_append_printf(b->messages, ": %s\n", what);
}

fot_bindings *
fot_bindings_build(fot_bindings_builder *b)
{
    fot_bindings *t = g_new0(fot_bindings, 1);
    t->refs = 1;
    t->count = b->entries->len;
    uint32_t cap = 16;
    while (cap < 2 * (uint64_t)t->count)
        cap *= 2;
    t->mask = cap - 1;
    t->entries = g_renew(fot_binding, g_array_free(b->entries, FALSE), MAX(t->count, 1));
    t->by_ipv4 = g_new0(uint32_t, cap);
    t->by_key = g_new0(uint32_t, cap);
    t->by_b4 = g_new0(uint32_t, cap);
    for (uint32_t i = 0; i < t->count; i++) {
        fot_binding *e = &t->entries[i];
        uint32_t *v4 = slot_ipv4(t, e->ipv4);
        if (!*v4) {
            *v4 = i + 1;
        } else {
            fot_binding *first = &t->entries[*v4 - 1];
            if (first->psid_len != e->psid_len || first->offset != e->offset) {
                /* A BR derives the PSID from the port with one length and offset per address. */
                conflict_message(b, t->entries, i, *v4 - 1, "one IPv4 address has one PSID length and offset; "
                                                "its packets are judged conflict");
                first->flags |= FOT_BINDING_SHAPE_CONFLICT;
                e->flags |= FOT_BINDING_CONFLICT;
            }
        }
        uint32_t *key = slot_key(t, e->ipv4, e->psid);
        if (*key && !(e->flags & FOT_BINDING_CONFLICT)) {
            fot_binding *other = &t->entries[*key - 1];
            if (memcmp(other->b4, e->b4, 16) == 0 && other->br == e->br && other->psid_len == e->psid_len &&
                other->offset == e->offset) {
                conflict_message(b, t->entries, i, *key - 1, "the same softwire again; this line is not used");
                continue; /* out of every index */
            }
            conflict_message(b, t->entries, i, *key - 1, "the same IPv4 and PSID; its packets are judged conflict");
            other->flags |= FOT_BINDING_CONFLICT;
            e->flags |= FOT_BINDING_CONFLICT;
        } else if (!*key) {
            *key = i + 1;
        }
        uint32_t *head = slot_b4(t, e->b4);
        e->next_of_b4 = *head;
        *head = i + 1;
    }
    t->br_count = b->brs->len;
    t->brs = (uint8_t(*)[16])g_array_free(b->brs, FALSE);
    t->messages = g_string_free(b->messages, FALSE);
    g_array_free(b->origins, TRUE);
    g_ptr_array_free(b->sources, TRUE);
    g_free(b);
    return t;
}

fot_bindings *
fot_bindings_ref(fot_bindings *t)
{
    if (t)
        t->refs++;
    return t;
}

void
fot_bindings_unref(fot_bindings *t)
{
    if (!t || --t->refs > 0)
        return;
    g_free(t->entries);
    g_free(t->by_ipv4);
    g_free(t->by_key);
    g_free(t->by_b4);
    g_free(t->brs);
    g_free(t->messages);
    g_free(t);
}

uint32_t
fot_bindings_count(const fot_bindings *t)
{
    return t ? t->count : 0;
}

size_t
fot_bindings_memory(const fot_bindings *t)
{
    return sizeof *t + (size_t)t->count * sizeof(fot_binding) + 3 * ((size_t)t->mask + 1) * sizeof(uint32_t) +
           (size_t)t->br_count * 16;
}

const char *
fot_bindings_messages(const fot_bindings *t)
{
    return t ? t->messages : "";
}

const char *
fot_bindings_take_messages(fot_bindings *t)
{
    if (!t || t->told)
        return "";
    t->told = true;
    return t->messages;
}

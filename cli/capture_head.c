/* \summary: the head of a capture file: format, link type, time precision, first time stamp */
#include "capture_head.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "counting.h"
#include "fot_time.h"

/* A pcapng file may put name resolution or comments before its first
 * packet; past this much, what is known is what counts. */
#define HEAD_MAX (16u << 20)

enum {
    PCAP_MAGIC_USEC = 0xa1b2c3d4u,
    PCAP_MAGIC_NSEC = 0xa1b23c4du,
    PCAP_MAGIC_MODIFIED = 0xa1b2cd34u, /* Kuznetzov's patched tcpdump, microseconds */
    PCAPNG_SHB = 0x0a0d0d0au,
    PCAPNG_BOM = 0x1a2b3c4du,
    PCAPNG_IDB = 1,
    PCAPNG_PB = 2,
    PCAPNG_SPB = 3,
    PCAPNG_EPB = 6,
    OPT_END = 0,
    OPT_IF_TSRESOL = 9,
    OPT_IF_TSOFFSET = 14,
    MAX_INTERFACES = G_N_ELEMENTS(((fot_capture_head *)0)->snaplen_at) - 1,
};

typedef struct reader {
    int fd;
    bool regular;
    fot_capture_head *h;
    bool le; /* the file's byte order is little-endian */
    char *err;
} reader;

/* At least n bytes in h->bytes; false at the end of the input (or an error). */
static bool
need(reader *r, size_t n)
{
    GByteArray *b = r->h->bytes;
    while (b->len < n && !r->h->ended && !r->h->interrupted && !r->err) {
        guint8 chunk[65536];
        size_t want = MIN(sizeof chunk, MAX(n - b->len, (size_t)4096));
        ssize_t got = r->regular ? pread(r->fd, chunk, want, (off_t)b->len) : read(r->fd, chunk, want);
        if (got < 0 && errno == EINTR && fot_counting_stopped()) {
            r->h->interrupted = true;
            return false;
        }
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            r->err = g_strdup(g_strerror(errno));
        else if (got == 0)
            r->h->ended = true;
        else
            g_byte_array_append(b, chunk, (guint)got);
    }
    return b->len >= n;
}

static uint16_t
get16(const reader *r, size_t off)
{
    uint16_t v;
    memcpy(&v, r->h->bytes->data + off, 2);
    return r->le ? GUINT16_FROM_LE(v) : GUINT16_FROM_BE(v);
}

static uint32_t
get32(const reader *r, size_t off)
{
    uint32_t v;
    memcpy(&v, r->h->bytes->data + off, 4);
    return r->le ? GUINT32_FROM_LE(v) : GUINT32_FROM_BE(v);
}

static uint64_t
get64(const reader *r, size_t off)
{
    uint64_t v;
    memcpy(&v, r->h->bytes->data + off, 8);
    return r->le ? GUINT64_FROM_LE(v) : GUINT64_FROM_BE(v);
}

/* As Wireshark's pcapng reader turns a resolution into a precision. */
static int
digits_of(uint64_t units_per_second)
{
    static const struct {
        uint64_t units;
        int digits;
    } steps[] = { { 1000000000, 9 }, { 1000000, 6 }, { 1000, 3 }, { 100, 2 }, { 10, 1 } };
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++)
        if (units_per_second >= steps[i].units)
            return steps[i].digits;
    return 0;
}

static void
set_first_time(fot_capture_head *h, uint64_t ts, uint64_t units, int64_t offset_s)
{
    h->have_first_time = true;
    h->first_time = fot_time_make((int64_t)(ts / units) + offset_s,
                                  (int64_t)((unsigned __int128)(ts % units) * 1000000000u / units));
}

static void
read_pcap(reader *r, uint32_t magic)
{
    fot_capture_head *h = r->h;
    h->format = FOT_HEAD_PCAP;
    uint64_t units = magic == PCAP_MAGIC_NSEC ? 1000000000u : 1000000u;
    h->frac_digits = digits_of(units);
    if (!need(r, 24)) {
        h->cut = h->ended || h->interrupted;
        return;
    }
    uint32_t linktype = get32(r, 20);
    h->linktype = (int)(linktype & 0xffff);
    h->snaplen_at[h->n_snaplens++] = 16;
    if (linktype >> 16)
        h->not_native = "its link type field has FCS bits";
    if (need(r, 24 + 8))
        set_first_time(h, (uint64_t)get32(r, 24) * units + get32(r, 28), units, 0);
}

typedef struct interface {
    uint64_t units; /* per second */
    int64_t offset; /* if_tsoffset, seconds */
} interface;

static void
read_tsresol(fot_capture_head *h, uint8_t v, interface *ifc)
{
    int exp = v & 0x7f;
    if ((v & 0x80) ? exp > 63 : exp > 19) {
        h->not_native = "an interface's time resolution is out of range";
        return;
    }
    uint64_t units = 1;
    for (int i = 0; i < exp; i++)
        units *= (v & 0x80) ? 2 : 10;
    ifc->units = units;
}

/* An Interface Description Block (len bytes at off): link type and time options. */
static void
read_idb(reader *r, size_t off, size_t len, interface *ifc)
{
    fot_capture_head *h = r->h;
    int linktype = get16(r, off + 8);
    if (h->linktype >= 0 && linktype != h->linktype)
        h->not_native = "its interfaces have different link types";
    if (h->linktype < 0)
        h->linktype = linktype;
    ifc->units = 1000000;
    ifc->offset = 0;
    h->snaplen_at[h->n_snaplens++] = off + 12;
    size_t end = off + len - 4;
    for (size_t o = off + 16; o + 4 <= end;) {
        uint16_t code = get16(r, o), olen = get16(r, o + 2);
        if (code == OPT_END || o + 4 + olen > end)
            break;
        if (code == OPT_IF_TSRESOL && olen >= 1)
            read_tsresol(h, r->h->bytes->data[o + 4], ifc);
        else if (code == OPT_IF_TSOFFSET && olen >= 8)
            ifc->offset = (int64_t)get64(r, o + 4);
        o += 4 + (((size_t)olen + 3) & ~(size_t)3);
    }
}

/* The first packet block's time stamp (interface number at +8, time at +12). */
static void
read_packet_time(reader *r, size_t off, uint32_t block, const interface *ifc, unsigned n_ifc)
{
    if (block == PCAPNG_SPB || !need(r, off + 20))
        return;
    uint32_t i = block == PCAPNG_EPB ? get32(r, off + 8) : get16(r, off + 8);
    if (i < n_ifc)
        set_first_time(r->h, (uint64_t)get32(r, off + 12) << 32 | get32(r, off + 16), ifc[i].units, ifc[i].offset);
}

/* The section header, then blocks up to the first packet (or a new section). */
static void
read_pcapng(reader *r)
{
    fot_capture_head *h = r->h;
    h->format = FOT_HEAD_PCAPNG;
    if (!need(r, 12)) {
        h->cut = h->ended || h->interrupted;
        return;
    }
    uint32_t bom;
    memcpy(&bom, h->bytes->data + 8, 4);
    r->le = GUINT32_FROM_LE(bom) == PCAPNG_BOM;
    interface ifc[MAX_INTERFACES];
    unsigned n_ifc = 0;
    int digits = -1;
    size_t off = 0;
    bool at_packet = false;
    for (; off < HEAD_MAX && need(r, off + 8);) {
        uint32_t block = get32(r, off), len = get32(r, off + 4);
        if (len < 12 || len % 4 || len > HEAD_MAX || (off > 0 && block == PCAPNG_SHB))
            break; /* damaged (libpcap says how), or a new section */
        if (block == PCAPNG_EPB || block == PCAPNG_PB || block == PCAPNG_SPB) {
            at_packet = true;
            read_packet_time(r, off, block, ifc, n_ifc);
            break;
        }
        if (!need(r, off + len))
            break;
        if (block == PCAPNG_IDB) {
            if (len < 20 || n_ifc == MAX_INTERFACES)
                break;
            read_idb(r, off, len, &ifc[n_ifc]);
            int d = digits_of(ifc[n_ifc++].units);
            if (digits >= 0 && d != digits)
                h->not_native = "its interfaces have different time precisions";
            digits = digits < 0 ? d : digits;
        }
        off += len;
    }
    h->cut = h->ended && !at_packet && off < h->bytes->len;
    h->cut |= h->interrupted && !at_packet; /* Ctrl-C before the first packet: nothing to read */
    h->frac_digits = digits < 0 ? 6 : digits;
}

bool
fot_capture_head_read(int fd, bool regular, fot_capture_head *h, char **err)
{
    memset(h, 0, sizeof *h);
    h->linktype = -1;
    h->frac_digits = 6;
    h->bytes = g_byte_array_new();
    reader r = { .fd = fd, .regular = regular, .h = h, .le = true };
    if (!need(&r, 4)) {
        h->format = h->bytes->len == 0 ? FOT_HEAD_EMPTY : FOT_HEAD_OTHER;
    } else {
        const guint8 *b = h->bytes->data;
        uint32_t le, be;
        memcpy(&le, b, 4);
        be = GUINT32_FROM_BE(le);
        le = GUINT32_FROM_LE(le);
        if (b[0] == 0x1f && b[1] == 0x8b) {
            h->format = FOT_HEAD_GZIP;
        } else if (le == PCAPNG_SHB) {
            read_pcapng(&r);
        } else if (le == PCAP_MAGIC_USEC || le == PCAP_MAGIC_NSEC || le == PCAP_MAGIC_MODIFIED) {
            read_pcap(&r, le);
        } else if (be == PCAP_MAGIC_USEC || be == PCAP_MAGIC_NSEC || be == PCAP_MAGIC_MODIFIED) {
            r.le = false;
            read_pcap(&r, be);
        } else {
            h->format = FOT_HEAD_OTHER;
        }
    }
    if (r.err) {
        *err = r.err;
        return false;
    }
    return true;
}

void
fot_capture_head_unlimit_snaplen(fot_capture_head *h)
{
    for (unsigned i = 0; i < h->n_snaplens; i++)
        if (h->snaplen_at[i] + 4 <= h->bytes->len)
            memset(h->bytes->data + h->snaplen_at[i], 0, 4);
}

void
fot_capture_head_clear(fot_capture_head *h)
{
    if (h->bytes)
        g_byte_array_free(h->bytes, TRUE);
    h->bytes = NULL;
}

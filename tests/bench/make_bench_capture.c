/* make_bench_capture: write a deterministic pcap for benchmarking 4o6top.
 *
 * Usage: make_bench_capture [-d] PACKETS FILE [AT_ONCE]
 *
 * Classic pcap, Ethernet, microsecond timestamps. With AT_ONCE, sessions start
 * AT_ONCE every AT_ONCE_WINDOW_S seconds instead of every 1.9 ms on average:
 * each stays in 4o6top's table at least 3 s (the DNS and ICMP timeouts; UDP
 * 60 s, TCP 240 s), so about AT_ONCE are active at the same time, as at a busy
 * BR/AFTR; timestamps are then in nanoseconds (at ~1 M packets a second,
 * microseconds would collide). About 90 % of the packets are
 * IPv4 in IPv6 (next header 4) between CE/B4s in 2001:db8::/32 and the BR/AFTR
 * 2001:db8:ffff::1; the rest is plain IPv4. Sessions: TCP (handshake, request and
 * response rounds, FIN or RST), DNS, QUIC-like UDP 443, NTP, ICMP echo. Sessions
 * start about every 1.9 ms and overlap; packets average about 10 per session and
 * 200 us apart. A fixed seed makes the output byte-identical on every run.
 *
 * CE/B4s:
 *   DS-Lite B4 i:  2001:db8:200:i::2, clients 192.168.1.10-13 behind it
 *   MAP-E CE j:    rule 2001:db8:1000::/40, 192.0.2.0/24, 14 EA bits, offset 6
 *                  (PSID length 6); interface identifier 0:c000:2XX:PSID
 *                  (RFC 7597 section 6); client ports within the CE's port set
 *   plain hosts:   10.1.x.y, not tunnelled
 * Servers: 203.0.113.0/24 and 198.51.100.0/24; DNS .53, NTP 198.51.100.123.
 *
 * -d: the diversity a BR/AFTR sees: more CE/B4s (DSLITE_B4S_BR, MAPE_CES_BR),
 * drawn half uniformly and half skewed so that nearly all of them appear;
 * TCP and QUIC-like servers from SERVERS_BR addresses of 198.18.0.0/15 (the
 * benchmarking range), and most of those sessions to a server port drawn
 * from 1024-65535 instead of 443 or 993. DNS and NTP servers are as without
 * -d. Without -d, the random draws are exactly those of earlier versions, so
 * the same arguments still write the same bytes.
 *
 * Length fields are exact; IPv4 header and ICMP checksums are computed, TCP and
 * UDP checksums are zero (Wireshark does not check those by default).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_SEC 1714521600u /* 2024-05-01T00:00:00Z, like the test captures */
#define MEAN_ARRIVAL_GAP_US 1900u
#define AT_ONCE_WINDOW_S 2u
#define SEED 0x4f36746f70ull /* "4o6top" */

#define DSLITE_B4S 2500u
#define MAPE_CES 1000u
#define PLAIN_HOSTS 2000u
#define MAPE_OFFSET 6u
#define MAPE_PSID_LEN 6u

/* -d: pools sized so that a 2 M-packet capture of 200 000 sessions at once
 * shows about 12 500 CE/B4s, 21 000 servers and 45 000 server ports. */
#define DSLITE_B4S_BR 9000u
#define MAPE_CES_BR 3500u /* at most 2^14: one CE per EA-bit value */
#define SERVERS_BR 21500u
#define WIDE_PORT_PERCENT 82u

static int br_diversity; /* -d */

#define MAX_STEPS 40u /* TCP: 3 + 4 rounds of (1 + 6 + 1) + 3 */
#define MAX_FRAME 1600u

enum kind { KIND_TCP, KIND_DNS, KIND_QUIC, KIND_NTP, KIND_ICMP };

enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10 };

/* One packet of a session's script. */
struct step {
    uint32_t at_us;   /* after the session's start */
    uint16_t payload; /* L4 payload bytes (DNS and ICMP: decided when written) */
    uint8_t to_client;
    uint8_t tcp_flags;
};

struct session {
    uint64_t start_ns;
    uint8_t tunnelled;
    uint8_t kind;
    uint8_t ce[16];
    uint32_t client, server;
    uint16_t client_port, server_port; /* ICMP: identifier in client_port */
    uint32_t next_seq[2];              /* TCP: client [0], server [1] */
    uint32_t dns_name;
    unsigned nsteps, next_step;
    struct step steps[MAX_STEPS];
};

/* ---- PRNG: splitmix64, fixed seed ---- */

static uint64_t rng_state = SEED;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(((rng_next() >> 32) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rng_range(uint32_t lo, uint32_t hi)
{
    return lo + rng_below(hi - lo + 1);
}

static int rng_percent(uint32_t percent)
{
    return rng_below(100) < percent;
}

/* Skewed towards 0: a few heavy users and popular servers. */
static uint32_t rng_skewed(uint32_t n)
{
    return rng_below(rng_below(n) + 1);
}

/* ---- who talks ---- */

static uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d)
{
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

static const uint8_t BR_ADDRESS[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t MAC_CE[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t MAC_BR[6] = {0x02, 0, 0, 0, 0, 0x02};

static uint16_t ephemeral_port(void)
{
    return (uint16_t)rng_range(32768, 60999); /* Linux's default range */
}

/* A CE/B4 of n (n_br with -d): skewed, or with -d half of the time uniform. */
static uint32_t pick_ce(uint32_t n, uint32_t n_br)
{
    if (!br_diversity)
        return rng_skewed(n);
    return rng_percent(50) ? rng_skewed(n_br) : rng_below(n_br);
}

static void pick_dslite_client(struct session *s)
{
    uint32_t i = pick_ce(DSLITE_B4S, DSLITE_B4S_BR);
    static const uint8_t prefix[6] = {0x20, 0x01, 0x0d, 0xb8, 0x02, 0x00};
    memset(s->ce, 0, sizeof s->ce);
    memcpy(s->ce, prefix, sizeof prefix);
    s->ce[6] = (uint8_t)(i >> 8);
    s->ce[7] = (uint8_t)i;
    s->ce[15] = 2;
    s->client = ipv4(192, 168, 1, 10 + rng_below(1 + i % 4));
    s->client_port = ephemeral_port();
}

static void pick_mape_client(struct session *s)
{
    uint32_t j = pick_ce(MAPE_CES, MAPE_CES_BR);
    /* An odd multiplier is a bijection modulo 2^14: distinct EA bits per CE. */
    uint32_t ea = (j * 0x9e37u) & 0x3fffu;
    uint32_t suffix = ea >> MAPE_PSID_LEN, psid = ea & ((1u << MAPE_PSID_LEN) - 1);
    static const uint8_t prefix[5] = {0x20, 0x01, 0x0d, 0xb8, 0x10};
    memset(s->ce, 0, sizeof s->ce);
    memcpy(s->ce, prefix, sizeof prefix);
    s->ce[5] = (uint8_t)suffix; /* EA bits right after the /40 */
    s->ce[6] = (uint8_t)(psid << 2);
    s->ce[10] = 192; /* interface identifier 0:IPv4:PSID */
    s->ce[11] = 0;
    s->ce[12] = 2;
    s->ce[13] = (uint8_t)suffix;
    s->ce[15] = (uint8_t)psid;
    s->client = ipv4(192, 0, 2, suffix);
    /* A port of the set: A (not 0) . PSID . M (RFC 7597 section 5.1) */
    uint32_t m_bits = 16 - MAPE_OFFSET - MAPE_PSID_LEN;
    uint32_t a = rng_range(1, (1u << MAPE_OFFSET) - 1), m = rng_below(1u << m_bits);
    s->client_port = (uint16_t)(a << (16 - MAPE_OFFSET) | psid << m_bits | m);
}

static void pick_plain_client(struct session *s)
{
    uint32_t k = rng_skewed(PLAIN_HOSTS);
    s->client = ipv4(10, 1, k / 250, 1 + k % 250);
    s->client_port = ephemeral_port();
}

static uint32_t pick_server(void)
{
    if (br_diversity) {
        uint32_t n = rng_percent(50) ? rng_skewed(SERVERS_BR) : rng_below(SERVERS_BR);
        return ipv4(198, 18, 0, 0) + 1 + n;
    }
    uint32_t n = rng_skewed(508);
    return n < 254 ? ipv4(203, 0, 113, 1 + n) : ipv4(198, 51, 100, 1 + n - 254);
}

/* With -d, most TCP and QUIC-like sessions go to any port, as peer-to-peer
 * and game traffic through a BR does; else to the usual one. */
static uint16_t pick_server_port(uint16_t usual)
{
    if (br_diversity && rng_percent(WIDE_PORT_PERCENT))
        return (uint16_t)rng_range(1024, 65535);
    return usual;
}

/* ---- session scripts ---- */

static void add_step(struct session *s, uint32_t at_us, int to_client, uint8_t tcp_flags, uint32_t payload)
{
    struct step *st = &s->steps[s->nsteps++];
    st->at_us = at_us;
    st->to_client = (uint8_t)to_client;
    st->tcp_flags = tcp_flags;
    st->payload = (uint16_t)payload;
}

/* Client behind the CE, server behind the BR: the capture sees a client packet
 * lan_rtt after the server's, a server packet wan_rtt after the client's. */
static void script_tcp(struct session *s, uint32_t lan_rtt, uint32_t wan_rtt)
{
    uint32_t t = 0;
    s->server_port = pick_server_port(rng_percent(90) ? 443 : 993);
    s->next_seq[0] = (uint32_t)rng_next();
    s->next_seq[1] = (uint32_t)rng_next();
    add_step(s, t, 0, TCP_SYN, 0);
    add_step(s, t += wan_rtt, 1, TCP_SYN | TCP_ACK, 0);
    add_step(s, t += lan_rtt, 0, TCP_ACK, 0);
    uint32_t rounds = rng_range(1, 4);
    for (uint32_t r = 0; r < rounds; r++) {
        t += r == 0 ? rng_below(1000) : rng_below(300000); /* think time */
        add_step(s, t, 0, TCP_PSH | TCP_ACK, rng_range(40, 1460));
        t += wan_rtt;
        uint32_t segments = rng_range(1, 6);
        for (uint32_t k = 0; k < segments; k++) {
            int last = k + 1 == segments;
            uint32_t size = !last && rng_percent(70) ? 1460 : rng_range(40, 1460);
            add_step(s, t, 1, last ? TCP_PSH | TCP_ACK : TCP_ACK, size);
            t += rng_range(20, 400);
        }
        add_step(s, t += lan_rtt, 0, TCP_ACK, 0);
    }
    uint32_t end = rng_below(100);
    if (end < 85) {
        add_step(s, t += rng_below(2000), 0, TCP_FIN | TCP_ACK, 0);
        add_step(s, t += wan_rtt, 1, TCP_FIN | TCP_ACK, 0);
        add_step(s, t += lan_rtt, 0, TCP_ACK, 0);
    } else {
        add_step(s, t += rng_below(2000), end < 95, TCP_RST | TCP_ACK, 0);
    }
}

static void script_quic(struct session *s, uint32_t lan_rtt, uint32_t wan_rtt)
{
    uint32_t t = 0, steps = rng_range(4, 24);
    int to_client = 0;
    s->server_port = pick_server_port(443);
    for (uint32_t k = 0; k < steps; k++) {
        add_step(s, t, to_client, 0, to_client ? (rng_percent(70) ? 1252 : rng_range(40, 1252)) : rng_range(40, 200));
        int next_to_client = rng_percent(60);
        t += next_to_client == to_client ? rng_range(100, 2000) : (next_to_client ? wan_rtt : lan_rtt);
        to_client = next_to_client;
    }
}

static void start_session(struct session *s, uint64_t start_ns)
{
    s->start_ns = start_ns;
    s->nsteps = s->next_step = 0;
    s->tunnelled = !rng_percent(10);
    if (!s->tunnelled)
        pick_plain_client(s);
    else if (rng_percent(70))
        pick_dslite_client(s);
    else
        pick_mape_client(s);
    s->server = pick_server();
    uint32_t lan_rtt = rng_range(500, 20000), wan_rtt = rng_range(5000, 60000);
    uint32_t kind = rng_below(100);
    if (kind < 35) {
        s->kind = KIND_TCP;
        script_tcp(s, lan_rtt, wan_rtt);
    } else if (kind < 75) {
        s->kind = KIND_DNS;
        s->server = rng_percent(50) ? ipv4(203, 0, 113, 53) : ipv4(198, 51, 100, 53);
        s->server_port = 53;
        s->dns_name = rng_skewed(100000);
        add_step(s, 0, 0, 0, 0);
        add_step(s, rng_range(1000, 30000), 1, 0, 0);
    } else if (kind < 85) {
        s->kind = KIND_QUIC;
        script_quic(s, lan_rtt, wan_rtt);
    } else if (kind < 90) {
        s->kind = KIND_NTP;
        s->server = ipv4(198, 51, 100, 123);
        s->server_port = 123;
        add_step(s, 0, 0, 0, 48);
        add_step(s, wan_rtt, 1, 0, 48);
    } else {
        s->kind = KIND_ICMP;
        /* The client port serves as the echo identifier (a MAP-E CE's is in its port set). */
        uint32_t pings = rng_range(1, 4);
        for (uint32_t k = 0; k < pings; k++) {
            add_step(s, k * 1000000, 0, 0, 0);
            add_step(s, k * 1000000 + wan_rtt, 1, 0, 0);
        }
    }
}

/* ---- packet bytes ---- */

static uint8_t *put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    return put16(p + 2, v);
}

/* RFC 1071, over an even number of bytes. */
static uint16_t internet_checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 2)
        sum += (uint32_t)data[i] << 8 | data[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void fill_random(uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 8) {
        uint64_t r = rng_next();
        for (size_t k = 0; k < 8 && i + k < len; k++)
            p[i + k] = (uint8_t)(r >> (8 * k));
    }
}

/* A DNS query for hostN.example.com, or its response with one A record. */
static size_t write_dns(uint8_t *p, const struct session *s, int response)
{
    uint8_t *q = p;
    char label[16];
    int len = snprintf(label, sizeof label, "host%u", (unsigned)s->dns_name);
    q = put16(q, s->client_port ^ 0x5a5a); /* message ID */
    q = put16(q, response ? 0x8180 : 0x0100);
    q = put16(q, 1);
    q = put16(q, response ? 1 : 0);
    q = put32(q, 0);
    *q++ = (uint8_t)len;
    memcpy(q, label, (size_t)len);
    q += len;
    memcpy(q, "\7example\3com", 13); /* with the root label's 0 */
    q += 13;
    q = put32(q, 0x00010001); /* type A, class IN */
    if (response) {
        q = put16(q, 0xc00c); /* the name above */
        q = put32(q, 0x00010001);
        q = put32(q, 300);
        q = put16(q, 4);
        q = put32(q, ipv4(203, 0, 113, 1 + s->dns_name % 254));
    }
    return (size_t)(q - p);
}

/* L4 header and payload; returns their length. */
static size_t write_l4(uint8_t *p, struct session *s, const struct step *st, uint8_t *protocol)
{
    int dir = st->to_client;
    uint16_t sport = dir ? s->server_port : s->client_port, dport = dir ? s->client_port : s->server_port;
    size_t len;
    switch (s->kind) {
    case KIND_TCP: {
        *protocol = 6;
        uint32_t seq = s->next_seq[dir], ack = st->tcp_flags & TCP_ACK ? s->next_seq[!dir] : 0;
        s->next_seq[dir] += st->payload + !!(st->tcp_flags & (TCP_SYN | TCP_FIN));
        put16(p, sport);
        put16(p + 2, dport);
        put32(p + 4, seq);
        put32(p + 8, ack);
        p[12] = 5 << 4;
        p[13] = st->tcp_flags;
        put16(p + 14, 65535);
        memset(p + 16, 0, 4); /* checksum, urgent pointer */
        memset(p + 20, 0, st->payload);
        if (st->payload) { /* one TLS 1.2 application data record */
            p[20] = 23;
            put16(p + 21, 0x0303);
            put16(p + 23, st->payload - 5u);
        }
        return 20u + st->payload;
    }
    case KIND_ICMP: {
        *protocol = 1;
        p[0] = dir ? 0 : 8; /* echo reply, echo request */
        p[1] = 0;
        put16(p + 2, 0);
        put16(p + 4, s->client_port);
        put16(p + 6, 1 + s->next_step / 2);
        for (int i = 0; i < 56; i++)
            p[8 + i] = (uint8_t)i;
        put16(p + 2, internet_checksum(p, 64)); /* Wireshark checks ICMP's */
        return 64;
    }
    case KIND_DNS:
        len = write_dns(p + 8, s, dir);
        break;
    case KIND_NTP:
        memset(p + 8, 0, 48);
        p[8] = dir ? 0x24 : 0x23; /* version 4, mode server / client */
        len = 48;
        break;
    default: /* QUIC-like: short header, then bytes that look encrypted */
        fill_random(p + 8, st->payload);
        p[8] = 0x41;
        len = st->payload;
        break;
    }
    *protocol = 17;
    put16(p, sport);
    put16(p + 2, dport);
    put16(p + 4, (uint32_t)(8 + len));
    put16(p + 6, 0);
    return 8 + len;
}

static uint16_t ip_id;

/* Ethernet frame of the session's next step; returns its length. */
static size_t write_frame(uint8_t *frame, struct session *s)
{
    const struct step *st = &s->steps[s->next_step];
    int dir = st->to_client;
    uint8_t *p = frame;
    memcpy(p, dir ? MAC_CE : MAC_BR, 6);
    memcpy(p + 6, dir ? MAC_BR : MAC_CE, 6);
    put16(p + 12, s->tunnelled ? 0x86dd : 0x0800);
    p += 14;
    uint8_t *ipv6 = NULL;
    if (s->tunnelled) {
        ipv6 = p;
        put32(p, 0x60000000);
        p[6] = 4; /* next header: IPv4 */
        p[7] = 64;
        memcpy(p + 8, dir ? BR_ADDRESS : s->ce, 16);
        memcpy(p + 24, dir ? s->ce : BR_ADDRESS, 16);
        p += 40;
    }
    uint8_t protocol = 0;
    size_t l4_len = write_l4(p + 20, s, st, &protocol);
    uint32_t total = (uint32_t)(20 + l4_len);
    p[0] = 0x45;
    p[1] = 0;
    put16(p + 2, total);
    put16(p + 4, ip_id++);
    put16(p + 6, 0x4000); /* don't fragment */
    p[8] = dir ? 52 : 64;
    p[9] = protocol;
    put16(p + 10, 0);
    put32(p + 12, dir ? s->server : s->client);
    put32(p + 16, dir ? s->client : s->server);
    put16(p + 10, internet_checksum(p, 20));
    if (ipv6)
        put16(ipv6 + 4, total);
    return (size_t)(p - frame) + total;
}

/* ---- scheduling: a min-heap of (time of the next packet, session) ---- */

struct event {
    uint64_t at_ns;
    uint32_t session;
};

struct heap {
    struct event *items;
    size_t count, capacity;
};

static void *grow(void *array, size_t *capacity, size_t item_size)
{
    *capacity = *capacity ? *capacity * 2 : 1024;
    void *bigger = realloc(array, *capacity * item_size);
    if (!bigger) {
        fprintf(stderr, "make_bench_capture: out of memory\n");
        exit(1);
    }
    return bigger;
}

static void heap_push(struct heap *h, struct event e)
{
    if (h->count == h->capacity)
        h->items = grow(h->items, &h->capacity, sizeof *h->items);
    size_t i = h->count++;
    while (i > 0 && h->items[(i - 1) / 2].at_ns > e.at_ns) {
        h->items[i] = h->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->items[i] = e;
}

static struct event heap_pop(struct heap *h)
{
    struct event top = h->items[0], last = h->items[--h->count];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->count)
            break;
        if (c + 1 < h->count && h->items[c + 1].at_ns < h->items[c].at_ns)
            c++;
        if (h->items[c].at_ns >= last.at_ns)
            break;
        h->items[i] = h->items[c];
        i = c;
    }
    if (h->count)
        h->items[i] = last;
    return top;
}

/* ---- pcap ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void write_or_die(FILE *out, const void *data, size_t len)
{
    if (fwrite(data, 1, len, out) != len) {
        fprintf(stderr, "make_bench_capture: write: %s\n", strerror(errno));
        exit(1);
    }
}

/* Classic pcap; nanosecond timestamps have their own magic number. */
static void write_pcap_header(FILE *out, int nanoseconds)
{
    uint8_t h[24];
    put_le32(h, nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4);
    h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4 */
    put_le32(h + 8, 0);                     /* thiszone */
    put_le32(h + 12, 0);                    /* sigfigs */
    put_le32(h + 16, 262144);               /* snaplen */
    put_le32(h + 20, 1);                    /* Ethernet */
    write_or_die(out, h, sizeof h);
}

static void write_pcap_record(FILE *out, uint64_t at_ns, int nanoseconds, const uint8_t *frame, size_t len)
{
    uint8_t h[16];
    put_le32(h, (uint32_t)(START_SEC + at_ns / 1000000000));
    put_le32(h + 4, (uint32_t)(nanoseconds ? at_ns % 1000000000 : at_ns % 1000000000 / 1000));
    put_le32(h + 8, (uint32_t)len);
    put_le32(h + 12, (uint32_t)len);
    write_or_die(out, h, sizeof h);
    write_or_die(out, frame, len);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "-d") == 0) {
        br_diversity = 1;
        argv++;
        argc--;
    }
    char *end = "";
    unsigned long long packets = argc == 3 || argc == 4 ? strtoull(argv[1], &end, 10) : 0;
    unsigned long long at_once = 0;
    if (argc == 4 && !*end)
        at_once = strtoull(argv[3], &end, 10);
    if ((argc != 3 && argc != 4) || *end || packets == 0 || (argc == 4 && (at_once == 0 || at_once > 1000000000))) {
        fprintf(stderr, "usage: make_bench_capture [-d] PACKETS FILE [AT_ONCE]\n");
        return 2;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        fprintf(stderr, "make_bench_capture: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    static char out_buffer[1 << 20];
    setvbuf(out, out_buffer, _IOFBF, sizeof out_buffer);
    /* Times are kept in ns; without AT_ONCE every one is a whole microsecond. */
    int nanoseconds = at_once != 0;
    uint64_t tick_ns = nanoseconds ? 1 : 1000;
    uint32_t mean_gap = nanoseconds ? (uint32_t)(AT_ONCE_WINDOW_S * 1000000000ull / at_once) : MEAN_ARRIVAL_GAP_US;
    write_pcap_header(out, nanoseconds);

    struct session *sessions = NULL;
    size_t session_capacity = 0, session_count = 0;
    uint32_t *free_slots = NULL;
    size_t free_capacity = 0, free_count = 0;
    struct heap heap = {0};
    uint64_t next_arrival_ns = 0, last_ns = 0;
    unsigned long long written = 0, tunnelled = 0, started = 0, started_tunnelled = 0, bytes = 24;
    static uint8_t frame[MAX_FRAME];

    while (written < packets) {
        if (heap.count == 0 || next_arrival_ns <= heap.items[0].at_ns) {
            uint32_t slot;
            if (free_count) {
                slot = free_slots[--free_count];
            } else {
                if (session_count == session_capacity)
                    sessions = grow(sessions, &session_capacity, sizeof *sessions);
                slot = (uint32_t)session_count++;
            }
            start_session(&sessions[slot], next_arrival_ns);
            started++;
            started_tunnelled += sessions[slot].tunnelled;
            heap_push(&heap, (struct event){next_arrival_ns, slot});
            next_arrival_ns += rng_below(2 * mean_gap + 1) * tick_ns;
            continue;
        }
        struct event e = heap_pop(&heap);
        struct session *s = &sessions[e.session];
        /* Strictly increasing times, as a capture of one link would have. */
        uint64_t at_ns = e.at_ns > last_ns || written == 0 ? e.at_ns : last_ns + tick_ns;
        size_t len = write_frame(frame, s);
        write_pcap_record(out, at_ns, nanoseconds, frame, len);
        last_ns = at_ns;
        written++;
        tunnelled += s->tunnelled;
        bytes += 16 + len;
        if (++s->next_step < s->nsteps) {
            heap_push(&heap, (struct event){s->start_ns + s->steps[s->next_step].at_us * 1000ull, e.session});
        } else {
            if (free_count == free_capacity)
                free_slots = grow(free_slots, &free_capacity, sizeof *free_slots);
            free_slots[free_count++] = e.session;
        }
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "make_bench_capture: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    fprintf(stderr,
            "make_bench_capture: %llu packets (%llu tunnelled), %llu sessions started (%llu tunnelled), "
            "%.1f s, %llu bytes\n",
            written, tunnelled, started, started_tunnelled, last_ns / 1e9, bytes);
    free(sessions);
    free(free_slots);
    free(heap.items);
    return 0;
}

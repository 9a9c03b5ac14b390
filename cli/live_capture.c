/* \summary: capture from an interface with libpcap: open, filter, loop with wall-clock ticks, drops */
#include "live_capture.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "counting.h"
#include "fot_link.h"
#include "fot_time.h"

/* Whole packets: an outer fragment is only put together from whole ones. */
#define SNAPLEN 262144
#define BATCH 4096
/* The kernel hands packets over in blocks (TPACKET_V3), a block at the
 * latest this long after its first packet. Immediate mode would wake the
 * command for about every packet, at ten times the CPU, and give each packet
 * a ring slot of the interface's MTU: it dropped packets at 100 000 a second. */
#define BLOCK_TIMEOUT_MS 50
/* A packet comes within the block timeout of its time stamp. */
#define GRACE_NS (FOT_NS_PER_SEC / 10)
#define STATS_EVERY_NS (FOT_NS_PER_SEC / 10)

/* The one line saying why the capture cannot start; the exit status. */
static int
activate_error(const fot_cli_args *a, pcap_t *p, int rc)
{
    switch (rc) {
    case PCAP_ERROR_PERM_DENIED:
        fprintf(stderr,
                "4o6top: -I %s: capturing needs CAP_NET_RAW (and CAP_NET_ADMIN): run it as root, or give the "
                "command the capabilities (setcap cap_net_raw,cap_net_admin=eip /usr/bin/4o6top)\n",
                a->iface);
        return 1;
    case PCAP_ERROR_NO_SUCH_DEVICE:
        fprintf(stderr, "4o6top: invalid value \"%s\" for flag -I: no such interface\n", a->iface);
        return 2;
    case PCAP_ERROR_IFACE_NOT_UP:
        fprintf(stderr, "4o6top: -I %s: the interface is not up\n", a->iface);
        return 1;
    default:
        fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, pcap_geterr(p));
        return 1;
    }
}

/* "ip6", and -f's expression; 2 and one line when it does not compile. */
static int
set_filter(const fot_cli_args *a, pcap_t *p)
{
    char *expr = a->bpf ? g_strdup_printf("ip6 and (%s)", a->bpf) : g_strdup("ip6");
    struct bpf_program prog;
    int status = 0;
    if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(p, &prog) != 0) {
        fprintf(stderr, "4o6top: invalid value \"%s\" for flag -f: %s\n", a->bpf ? a->bpf : "", pcap_geterr(p));
        status = 2;
    } else {
        pcap_freecode(&prog);
    }
    g_free(expr);
    return status;
}

/* The capture, activated and filtered; NULL after one line, *status set. */
static pcap_t *
open_interface(const fot_cli_args *a, int *status)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(a->iface, errbuf);
    if (!p) {
        fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, errbuf);
        *status = 1;
        return NULL;
    }
    /* Each fails only on a capture already active, which this one is not. */
    int rc = pcap_set_snaplen(p, SNAPLEN) | pcap_set_promisc(p, 1) | pcap_set_timeout(p, BLOCK_TIMEOUT_MS) |
             pcap_set_buffer_size(p, (int)a->buffer_mib << 20);
    if (rc == 0)
        rc = pcap_activate(p);
    if (rc < 0) {
        *status = activate_error(a, p, rc);
        pcap_close(p);
        return NULL;
    }
    if (rc > 0)
        fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, pcap_geterr(p));
    if (!fot_link_known(pcap_datalink(p))) {
        fprintf(stderr, "4o6top: -I %s: its link type %s is not one the native reader walks\n", a->iface,
                pcap_datalink_val_to_name(pcap_datalink(p)));
        *status = 1;
    } else if ((*status = set_filter(a, p)) == 0 && pcap_setnonblock(p, 1, errbuf) != 0) {
        fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, errbuf);
        *status = 1;
    }
    if (*status) {
        pcap_close(p);
        return NULL;
    }
    return p;
}

/* What the kernel and the interface dropped, told to the counting. */
static void
take_stats(pcap_t *p, fot_counting *c, struct pcap_stat *ps)
{
    if (pcap_stats(p, ps) == 0)
        fot_counting_dropped(c, (uint64_t)ps->ps_drop + ps->ps_ifdrop);
}

/* Until Ctrl-C: packets as they come, ticks while none do. */
static int
capture_loop(const fot_cli_args *a, pcap_t *p, fot_counting *c, struct pcap_stat *ps)
{
    struct pollfd pfd = { pcap_get_selectable_fd(p), POLLIN, 0 };
    int64_t stats_due = 0;
    while (!fot_counting_stopped()) {
        int ms = fot_counting_tick(c);
        if (poll(&pfd, 1, ms) < 0 && errno != EINTR) {
            fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, g_strerror(errno));
            return 1;
        }
        int n = pcap_dispatch(p, BATCH, fot_counting_frame, (u_char *)c);
        if (n == PCAP_ERROR) {
            fprintf(stderr, "4o6top: -I %s: %s\n", a->iface, pcap_geterr(p));
            return 1;
        }
        if (fot_monotonic_ns() >= stats_due) {
            take_stats(p, c, ps);
            stats_due = fot_monotonic_ns() + STATS_EVERY_NS;
        }
    }
    return 0;
}

int
fot_live_capture(const fot_cli_args *a, fot_doc_fn doc_fn, void *ud)
{
    int status = 0;
    pcap_t *p = open_interface(a, &status);
    if (!p)
        return status;
    fot_config cfg;
    fot_config_copy(&cfg, &a->cfg);
    cfg.drops_known = true;
    cfg.drops_column = a->drops;
    fot_counting_input in = {
        .linktype = pcap_datalink(p), .digits = 6, .nano = false, .live = true, .grace_ns = GRACE_NS,
    };
    fot_counting *c = fot_counting_new(a, &cfg, &in, doc_fn, ud);
    fot_config_clear(&cfg);
    fot_counting_catch_signals(p);
    struct pcap_stat ps = { 0 };
    status = capture_loop(a, p, c, &ps);
    take_stats(p, c, &ps);
    fot_counting_finish(c);
    /* tcpdump's last words: what was read, and what was lost before it could be. */
    fprintf(stderr, "4o6top: -I %s: %" G_GUINT64_FORMAT " packets captured, %u dropped by the kernel, %u by the interface\n",
            a->iface, fot_counting_frames(c), ps.ps_drop, ps.ps_ifdrop);
    fot_counting_free(c);
    pcap_close(p);
    return status;
}

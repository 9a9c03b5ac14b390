/* -I IFACE: the command captures itself, with libpcap, instead of reading
 * tcpdump's output: packets handed over in blocks (at most 50 ms late), a
 * kernel buffer of -B MiB, the BPF filter "ip6" (and -f's). The sum table and
 * stat rows come every interval of wall-clock time, packets or not; the
 * packets the kernel or the interface dropped are shown in the sum header
 * (and with -drops, in stat rows) and said in a last line on stderr. */
#ifndef FOT_CLI_LIVE_CAPTURE_H
#define FOT_CLI_LIVE_CAPTURE_H

#include "flags.h"
#include "tshark_run.h"

/* Captures until Ctrl-C; the exit status (one line on stderr when not 0). */
int fot_live_capture(const fot_cli_args *a, fot_doc_fn doc_fn, void *ud);

#endif

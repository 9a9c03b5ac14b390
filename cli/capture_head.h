/* The first bytes of a capture, read before choosing who reads the rest:
 * libpcap (the native reader) or tshark.
 *
 * libpcap reads every packet, but converts time stamps to the precision
 * asked for (pcap_get_tstamp_precision says what was asked, not what the
 * file holds) and fails only later, on the block, when a pcapng interface of
 * a second link type comes. tshark prints a file's times with the file's own
 * precision. So the head is looked at here, and only the head: the pcap file
 * header (its magic number says microseconds or nanoseconds) or the pcapng
 * section header and the interface descriptions before the first packet
 * (link type, if_tsresol, if_tsoffset), and the first packet's time stamp
 * (is a pipe live?). The bytes read are kept, to be read again. */
#ifndef FOT_CLI_CAPTURE_HEAD_H
#define FOT_CLI_CAPTURE_HEAD_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    FOT_HEAD_EMPTY,  /* not one byte */
    FOT_HEAD_PCAP,
    FOT_HEAD_PCAPNG,
    FOT_HEAD_GZIP,   /* compressed: tshark reads it, libpcap does not */
    FOT_HEAD_OTHER,  /* no pcap or pcapng: tshark may know the format */
} fot_head_format;

typedef struct fot_capture_head {
    fot_head_format format;
    int linktype;           /* the (first) interface's LINKTYPE_ value; -1: none seen */
    const char *not_native; /* why the native reader cannot read it; NULL: it can */
    int frac_digits;        /* time precision as tshark prints it (0..9) */
    bool have_first_time;
    int64_t first_time;     /* the first packet's capture time, ns */
    bool ended;             /* the input ended within the head */
    bool cut;               /* it ended inside the file header (pcap) or a block before the first packet (pcapng) */
    bool interrupted;       /* Ctrl-C came while the head was read */
    GByteArray *bytes;      /* what was read */
    size_t snaplen_at[256]; /* where the file header and interface descriptions say their snap length */
    unsigned n_snaplens;
} fot_capture_head;

/* Reads the head of the capture at fd (from its current position; a regular
 * file is read with pread, leaving the position); from a pipe, up to the
 * first packet's time stamp, waiting for it. false: a read error, *err set
 * (g_free it). */
bool fot_capture_head_read(int fd, bool regular, fot_capture_head *h, char **err);
void fot_capture_head_clear(fot_capture_head *h);

/* Sets the snap lengths in the head's bytes to 0 (\"none\"): libpcap cuts a
 * record longer than its file's snap length to it, Wireshark reads it whole;
 * with none given, both read every record as long as it is (up to 256 KiB). */
void fot_capture_head_unlimit_snaplen(fot_capture_head *h);

#endif

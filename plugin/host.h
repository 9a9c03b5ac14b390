/* What program the plugin runs in, and how it reads.
 * Why it matters: tshark reads a capture once, in order, so the post-dissector
 * keeps no per-frame notes and -z 4o6top prints as it goes; Wireshark and
 * sharkd revisit frames (retaps, filters, clicks), so notes are kept and the
 * session and CE tables are offered; sharkd runs no tap plugin registration
 * (it has no -z), so those tables must be registered with the protocol there.
 * The epan API (4.0 to 4.6) does not say which program loaded it, so ask the
 * process (Linux /proc and the program name; elsewhere the answers are
 * "tshark, one pass, not live", which options such as refresh=on override).
 * An epan call naming the application and its passes (as the GUI's
 * "visited" frames and tshark's -2 imply) would replace all of this. */
#ifndef FOT_HOST_H
#define FOT_HOST_H

#include <stdbool.h>

bool fot_host_is_tshark(void);
/* sharkd, Wireshark's back-end for web front-ends (Webshark). */
bool fot_host_is_sharkd(void);
/* tshark -2: the first pass has no tree, the second no unvisited frames. */
bool fot_host_two_pass(void);
/* tshark reads an interface (-i), or -r names "-", a FIFO, socket or character device. */
bool fot_host_input_is_live(void);
/* What tshark reads: the value of -r or -i, else "-" (g_free it). */
char *fot_host_input_name(void);
/* tshark prints only the fields that -e names (-T fields, ek, json, pdml) and
 * none of them is one of names (NULL-terminated protocols) or one of their
 * fields: their tree items go unseen, though the tree is visible. */
bool fot_host_fields_leave_out(const char *const names[]);

#endif

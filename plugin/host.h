/* What program the plugin runs in, and how it reads: the epan API does not
 * say, so ask the process (Linux /proc; elsewhere the answers are "tshark,
 * one pass, not live", which options such as refresh=on override). */
#ifndef FOT_HOST_H
#define FOT_HOST_H

#include <stdbool.h>

bool fot_host_is_tshark(void);
/* tshark -2: the first pass has no tree, the second no unvisited frames. */
bool fot_host_two_pass(void);
/* tshark reads an interface (-i), or -r names "-", a FIFO, socket or character device. */
bool fot_host_input_is_live(void);

#endif

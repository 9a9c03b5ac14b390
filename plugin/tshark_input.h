/* Does this tshark read a live source (an interface, or a capture piped in)?
 * tshark does not tell its taps, so ask its command line. */
#ifndef FOT_TSHARK_INPUT_H
#define FOT_TSHARK_INPUT_H

#include <stdbool.h>

bool fot_tshark_input_is_live(void);

#endif

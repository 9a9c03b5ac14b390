/* The display filter that selects one session's packets: its outer (CE/B4,
 * BR/AFTR) and inner (client, server) addresses and ports, in Wireshark's own
 * fields, so it also works on the capture without 4o6top. */
#ifndef FOT_SESSION_FILTER_H
#define FOT_SESSION_FILTER_H

#include <glib.h>
#include <stdint.h>

char *fot_session_filter(const uint8_t ce[16], const uint8_t br[16], uint8_t proto, uint32_t client_ip,
                         uint16_t client_port, uint32_t server_ip, uint16_t server_port);

#endif

/* The fast path: a dissector for the link layer's IPv6 payload that reads a
 * plain IPv4-in-IPv6 packet itself and hands every other packet to
 * Wireshark's IPv6 dissector. It is registered for Decode As only, so it
 * runs only where a profile's decode_as_entries chooses it (the 4o6top-fast
 * profile); Wireshark's default dissection does not change. */
#ifndef FOT_FAST_PATH_H
#define FOT_FAST_PATH_H

#include <glib.h>
#include <stdint.h>

/* Tap fed with one fot_tunnel_packet per packet the fast path read. */
#define FOT_FAST_PATH_TAP "4o6top.fast"

void fot_fast_path_register(void);
/* A Decode As entry hands some ethertype to the fast path. */
gboolean fot_fast_path_chosen(void);
/* Outer fragments the fast path holds now, of packets not yet complete. */
uint64_t fot_fast_path_pending(void);
void fot_fast_path_handoff(void);

#endif

/* Which side of a session is the client (the inner endpoint behind the
 * CE/B4), from the strongest evidence a packet brings (private to the
 * engine's files). */
#ifndef FOT_ORIENT_H
#define FOT_ORIENT_H

#include "fot_ce_state.h"

/* Which side a packet's markers say is the client: 1 the sender, -1 the
 * receiver, 0 no marker (TCP SYN or SYN-ACK, ICMP query or error). */
int fot_orient_marker(const fot_event *ev);

/* A new session's first packet: up (its sender is the client side) or down,
 * and what told (*how). */
fot_dir fot_orient_new(const fot_ce_state *cs, const fot_event *ev, fot_orient *how);

#endif

/* Which end of a tunnel is the CE/B4, from the strongest evidence seen so far
 * (private to the engine's files): src=, then the configuration (br=, a
 * binding's B4, a MAP rule's CE), then an end in tunnels with several peers
 * (a BR/AFTR: a CE talks to one, two at most), then which side opened more of its
 * sessions, then the sender of its first packet. The client of every session
 * is the inner endpoint on the CE/B4's side. */
#ifndef FOT_ORIENT_H
#define FOT_ORIENT_H

#include "fot_ce_state.h"
#include "fot_tunnels.h"

/* An end of this many tunnels or more is a BR/AFTR, if the other end is not. */
#define FOT_BR_PEERS 3

/* Which side a packet's markers say opened its session: 1 the sender, -1 the
 * receiver, 0 no marker (TCP SYN or SYN-ACK, ICMP query or error; an ICMP
 * error goes back to the sender of the packet that caused it). */
int fot_orient_marker(const fot_event *ev);

/* The evidence in the tunnel's ends alone (configuration, peers), and the
 * end it names; FOT_EVIDENCE_FIRST_PACKET: none. */
fot_evidence fot_orient_ends(const fot_ce_state *cs, const fot_tunnel *x, unsigned *end);

/* The evidence a session's packet gives about its tunnel x, whose end
 * src_end sent it: the strongest kind, and the end it names (*end). */
fot_evidence fot_orient_evidence(const fot_ce_state *cs, const fot_tunnel *x, const fot_event *ev, unsigned src_end,
                                 unsigned *end);

/* Should x turn round to the evidence (kind, end)? Then it takes the
 * evidence; either way its kind never weakens. Markers at markers' level
 * turn it only once the other side has opened more than twice as many. */
bool fot_orient_update(fot_tunnel *x, fot_evidence kind, unsigned end);

#endif

/* A dissector in front of Wireshark's IPv4 dissector in the "ip.proto"
 * table: where an IPv4 header follows an IPv6 header it tells tshark's
 * statistics (tunnel_seen.h) and the one pass (annotate.h). */
#ifndef FOT_IPV4_HOOK_H
#define FOT_IPV4_HOOK_H

void fot_ipv4_hook_handoff(void);

#endif

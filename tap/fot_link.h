/* The link layers in front of IP, as tshark's dissectors read them for
 * 4o6top's profiles: Ethernet (Ethernet II, 802.3 with LLC/SNAP), 802.1Q,
 * 802.1ad and 0x9100 VLAN tags, PPPoE session, MPLS, Linux cooked capture v1
 * and v2, raw IP, BSD null/loopback and PPP. The walk finds where the
 * network-layer packet starts and how far its link layer lets it run. */
#ifndef FOT_LINK_H
#define FOT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* pcap LINKTYPE_ values the walk knows (the DLT_ value where it differs). */
enum {
    FOT_LINK_NULL = 0,
    FOT_LINK_ETHERNET = 1,
    FOT_LINK_PPP = 9,
    FOT_LINK_RAW_DLT = 12,    /* DLT_RAW on most systems */
    FOT_LINK_RAW_OPENBSD = 14, /* DLT_RAW on OpenBSD */
    FOT_LINK_PPP_ETHER = 51,  /* PPPoE without the Ethernet header */
    FOT_LINK_RAW = 101,
    FOT_LINK_LOOP = 108,
    FOT_LINK_LINUX_SLL = 113,
    FOT_LINK_IPV4 = 228,
    FOT_LINK_IPV6 = 229,
    FOT_LINK_LINUX_SLL2 = 276,
};

typedef enum { FOT_NET_NONE, FOT_NET_IPV4, FOT_NET_IPV6 } fot_net;

typedef struct fot_link_found {
    fot_net net;
    size_t offset;      /* where the IP header starts */
    size_t end;         /* where the link layer ends it (a PPPoE or 802.3 length), else the captured length */
    bool by_ethertype;  /* IPv6 reached through the Ethernet type table (Ethernet,
                         * VLAN, Linux cooked): where tshark's fast path reads */
} fot_link_found;

bool fot_link_known(int linktype);

/* The network-layer packet of a frame of this link type, len bytes captured.
 * FOT_NET_NONE: none that 4o6top reads (another protocol, or cut short). */
fot_net fot_link_walk(int linktype, const uint8_t *p, size_t len, fot_link_found *out);

#endif

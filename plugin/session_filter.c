/* \summary: the display filter that selects one session's packets */
#include "session_filter.h"

#include "fot_packet.h"
#include "fot_addr.h"

char *
fot_session_filter(const uint8_t ce[16], const uint8_t br[16], uint8_t proto, uint32_t client_ip,
                   uint16_t client_port, uint32_t server_ip, uint16_t server_port)
{
    char ce_text[FOT_IPV6_TEXT_SIZE], br_text[FOT_IPV6_TEXT_SIZE];
    char client[FOT_IPV4_TEXT_SIZE], server[FOT_IPV4_TEXT_SIZE];
    GString *f = g_string_new(NULL);
    g_string_printf(f, "ipv6.addr == %s && ipv6.addr == %s && ip.addr == %s && ip.addr == %s",
                    fot_ipv6_text(ce, ce_text), fot_ipv6_text(br, br_text), fot_ipv4_text(client_ip, client),
                    fot_ipv4_text(server_ip, server));
    if (proto == FOT_IPPROTO_TCP || proto == FOT_IPPROTO_UDP) {
        const char *p = proto == FOT_IPPROTO_TCP ? "tcp" : "udp";
        g_string_append_printf(f, " && %s.port == %u && %s.port == %u", p, client_port, p, server_port);
    } else if (client_port != 0) {
        g_string_append_printf(f, " && icmp.ident == %u", client_port);
    } else {
        g_string_append(f, " && icmp");
    }
    return g_string_free(f, FALSE);
}

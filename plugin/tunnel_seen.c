#include "tunnel_seen.h"

#include <string.h>

static unsigned readers;
static fot_tunnel_seen seen;

void
fot_tunnel_seen_want(void)
{
    readers++;
}

void
fot_tunnel_seen_unwant(void)
{
    if (readers > 0 && --readers == 0)
        memset(&seen, 0, sizeof seen);
}

void
fot_tunnel_seen_note(tvbuff_t *tvb, packet_info *pinfo, const ws_ip6 *ip6)
{
    /* Frames are dissected one after the other, so a record of this frame
     * from the same pass is this dissection's: a deeper tunnel. */
    gboolean ours = seen.frame == pinfo->num && seen.visited == pinfo->fd->visited;
    if (readers == 0 || ours || pinfo->flags.in_error_pkt || ip6->ip6_src.len != 16 || ip6->ip6_dst.len != 16)
        return;
    seen.frame = pinfo->num;
    seen.visited = pinfo->fd->visited;
    memcpy(seen.src, ip6->ip6_src.data, 16);
    memcpy(seen.dst, ip6->ip6_dst.data, 16);
    seen.ipv6_len = ip6->ip6_len;
    seen.inner_len = tvb_captured_length(tvb);
    seen.inner = seen.inner_len ? tvb_get_ptr(tvb, 0, seen.inner_len) : NULL;
}

const fot_tunnel_seen *
fot_tunnel_seen_get(const packet_info *pinfo)
{
    return readers > 0 && seen.frame == pinfo->num ? &seen : NULL;
}

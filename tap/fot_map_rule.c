/* \summary: MAP-E rules (RFC 7597): parsing, the port set an address derives, the address a set derives */
#include "fot_map_rule.h"

#include <glib.h>
#include <string.h>

#include "fot_addr.h"
#include "fot_bytes.h"
#include "fot_decimal.h"

bool
fot_map_rule_parse(const char *text, fot_map_rule *out, char **err)
{
    gchar **f = g_strsplit(text, ";", -1);
    guint n = g_strv_length(f);
    uint32_t ea = 0, offset = 6;
    uint8_t l6 = 0, l4 = 0;
    const char *why = NULL;
    memset(out, 0, sizeof *out);
    if (n < 3 || n > 4)
        why = "needs 3 or 4 fields separated by \";\"";
    else if (!fot_ipv6_prefix_parse(f[0], out->prefix6, &l6))
        why = "Rule IPv6 prefix is not an IPv6 prefix";
    else if (!fot_ipv4_prefix_parse(f[1], &out->prefix4, &l4))
        why = "Rule IPv4 prefix is not an IPv4 prefix";
    else if (!fot_decimal_parse(f[2], 0, 48, &ea))
        why = "EA-bits length is not 0..48";
    else if (n == 4 && !fot_decimal_parse(f[3], 0, 15, &offset))
        why = "PSID offset is not 0..15";
    else if (l6 + ea > 64)
        why = "Rule IPv6 prefix length + EA-bits length exceeds 64";
    else if (ea > 32u - l4 && ea - (32u - l4) + offset > 16)
        why = "PSID length + PSID offset exceeds 16";
    if (why) {
        *err = g_strdup(why);
        g_strfreev(f);
        return false;
    }
    out->prefix6_len = l6;
    out->prefix4_len = l4;
    out->prefix4 &= fot_ipv4_mask(l4);
    out->ea_len = (uint8_t)ea;
    out->offset = (uint8_t)offset;
    g_strfreev(f);
    return true;
}

char *
fot_map_rule_text(const fot_map_rule *r)
{
    char prefix6[FOT_IPV6_TEXT_SIZE], prefix4[FOT_IPV4_TEXT_SIZE];
    return g_strdup_printf("%s/%u;%s/%u;%u;%u", fot_ipv6_text(r->prefix6, prefix6), r->prefix6_len,
                           fot_ipv4_text(r->prefix4, prefix4), r->prefix4_len, r->ea_len, r->offset);
}

/* count bits of a starting at bit `from` (0 = most significant), count <= 32. */
static uint32_t
bits(const uint8_t a[16], unsigned from, unsigned count)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < count; i++) {
        unsigned b = from + i;
        v = v << 1 | ((a[b / 8] >> (7 - b % 8)) & 1u);
    }
    return v;
}

bool
fot_map_rule_matches(const fot_map_rule *r, const uint8_t ce[16])
{
    return fot_ipv6_prefix_match(ce, r->prefix6, r->prefix6_len);
}

void
fot_map_rule_port_set(const fot_map_rule *r, const uint8_t ce[16], fot_port_set *out)
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, sizeof *out);
    out->offset = r->offset;
    if (r->ea_len <= suffix_len) {
        /* No PSID: the CE gets an address, or a prefix when EA bits are fewer. */
        uint32_t ea = bits(ce, r->prefix6_len, r->ea_len);
        out->ipv4_len = (uint8_t)(r->prefix4_len + r->ea_len);
        out->ipv4 = r->prefix4 | (r->ea_len ? ea << (suffix_len - r->ea_len) : 0);
        return;
    }
    /* Up to 48 EA bits: the IPv4 suffix (at most 32), then the PSID (at most 16). */
    unsigned k = r->ea_len - suffix_len;
    out->ipv4_len = 32;
    out->ipv4 = r->prefix4 | bits(ce, r->prefix6_len, suffix_len);
    out->psid_len = (uint8_t)k;
    out->psid = (uint16_t)bits(ce, r->prefix6_len + suffix_len, k);
}

fot_iid_layout
fot_map_iid(const uint8_t ce[16], uint32_t ipv4, uint16_t *psid)
{
    if (ce[8] == 0 && ce[9] == 0 && fot_get32(ce + 10) == ipv4) {
        *psid = (uint16_t)(ce[14] << 8 | ce[15]);
        return FOT_IID_RFC7597;
    }
    if (ce[8] == 0 && ce[15] == 0 && fot_get32(ce + 9) == ipv4) {
        *psid = (uint16_t)(ce[13] << 8 | ce[14]);
        return FOT_IID_LEGACY;
    }
    return FOT_IID_NONE;
}

static void
set_bits(uint8_t a[16], unsigned from, unsigned count, uint32_t v)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned b = from + i;
        uint8_t bit = (uint8_t)(1u << (7 - b % 8));
        if (v >> (count - 1 - i) & 1u)
            a[b / 8] |= bit;
        else
            a[b / 8] &= (uint8_t)~bit;
    }
}

void
fot_map_rule_set_of(const fot_map_rule *r, uint32_t ipv4, uint16_t port, fot_port_set *out)
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, sizeof *out);
    out->offset = r->offset;
    if (r->ea_len <= suffix_len) {
        out->ipv4_len = (uint8_t)(r->prefix4_len + r->ea_len);
        out->ipv4 = ipv4 & fot_ipv4_mask(out->ipv4_len);
        return;
    }
    out->ipv4_len = 32;
    out->ipv4 = ipv4;
    out->psid_len = (uint8_t)(r->ea_len - suffix_len);
    out->psid = fot_port_psid(port, out->psid_len, out->offset);
}

void
fot_map_address(const fot_map_rule *r, const fot_port_set *set, fot_iid_layout layout, uint8_t out[16])
{
    unsigned suffix_len = 32u - r->prefix4_len;
    memset(out, 0, 16);
    memcpy(out, r->prefix6, (r->prefix6_len + 7u) / 8u);
    set_bits(out, r->prefix6_len, 64u - r->prefix6_len, 0); /* EA bits and subnet ID start at zero */
    if (r->ea_len <= suffix_len) {
        uint32_t ea = r->ea_len ? (set->ipv4 >> (suffix_len - r->ea_len)) & ((1u << r->ea_len) - 1) : 0;
        set_bits(out, r->prefix6_len, r->ea_len, ea);
    } else {
        set_bits(out, r->prefix6_len, suffix_len, suffix_len ? set->ipv4 & (UINT32_MAX >> (32 - suffix_len)) : 0);
        set_bits(out, r->prefix6_len + suffix_len, set->psid_len, set->psid);
    }
    uint32_t v4 = set->ipv4 & fot_ipv4_mask(set->ipv4_len);
    uint8_t *iid = out + 8;
    unsigned at = layout == FOT_IID_LEGACY ? 1 : 2;
    iid[at] = (uint8_t)(v4 >> 24), iid[at + 1] = (uint8_t)(v4 >> 16), iid[at + 2] = (uint8_t)(v4 >> 8);
    iid[at + 3] = (uint8_t)v4;
    iid[at + 4] = (uint8_t)(set->psid >> 8), iid[at + 5] = (uint8_t)set->psid;
}

bool
fot_map_is_address(const fot_map_rule *r, const fot_port_set *set, const uint8_t ce[16])
{
    uint8_t e[16];
    fot_map_address(r, set, FOT_IID_RFC7597, e);
    if (memcmp(e, ce, 16) == 0)
        return true;
    fot_map_address(r, set, FOT_IID_LEGACY, e);
    return memcmp(e, ce, 16) == 0;
}

/* Everything that differs between the Wireshark releases 4o6top builds for
 * (4.0, 4.2, 4.4, 4.6), in one place, keyed on Wireshark's own version macros.
 * Each entry names the release that changed and what changed. */
#ifndef FOT_WS_COMPAT_H
#define FOT_WS_COMPAT_H

#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/epan.h>
#include <epan/packet.h>
/* after packet.h, which it needs */
#include <epan/dissectors/packet-ip.h>
#include <epan/prefs-int.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <ws_version.h>
/* pinfo->rec->tsprec: 4.0's epan/frame_data.h pulled wtap.h in, 4.2 on only
 * forward-declare wtap_rec. */
#include <wiretap/wtap.h>

#define FOT_WS_AT_LEAST(major, minor)                                                                      \
    (WIRESHARK_VERSION_MAJOR > (major) || (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

#if !FOT_WS_AT_LEAST(4, 0) || FOT_WS_AT_LEAST(4, 7)
#error "4o6top supports Wireshark 4.0 to 4.6"
#endif

/* The listener callback gained its flags argument in 3.7; same through 4.6. */
#define FOT_TAP_PACKET_ARGS void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data, tap_flags_t flags

/* uat_update_cb_t (a UAT record check) returns bool from 4.2, gboolean before. */
#if FOT_WS_AT_LEAST(4, 2)
typedef bool fot_ws_uat_result;
#else
typedef gboolean fot_ws_uat_result;
#endif

/* funnel_bt_cb_t (a button of a Statistics text window) returns bool from 4.4. */
#if FOT_WS_AT_LEAST(4, 4)
typedef bool fot_ws_button_result;
#else
typedef gboolean fot_ws_button_result;
#endif

/* stat_tap_init_cb (tshark -z) returns bool from 4.6, void before. 4o6top
 * reports a bad argument itself and exits, so a return means success. */
#if FOT_WS_AT_LEAST(4, 6)
typedef bool fot_ws_stat_init_result;
#define FOT_WS_STAT_INIT_DONE true
#else
typedef void fot_ws_stat_init_result;
#define FOT_WS_STAT_INIT_DONE
#endif

/* From 4.4 the loader reads an optional plugin_describe(): without it
 * `tshark -G plugins` lists the plugin with type "unknown". Before 4.4 there
 * is nothing to export (and no WS_PLUGIN_DESC_* flags). */
#if FOT_WS_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#define FOT_WS_DEFINE_PLUGIN_DESCRIBE(flags)                                                               \
    WS_DLL_PUBLIC uint32_t plugin_describe(void);                                                          \
    uint32_t plugin_describe(void) { return (flags); }
#else
#define FOT_WS_DEFINE_PLUGIN_DESCRIBE(flags)
#endif

/* A data source of this packet by name ("Reassembled IPv4"), or NULL. 4.6
 * removed get_data_source_tvb_by_name for a lookup and an accessor. */
static inline tvbuff_t *
fot_ws_data_source_tvb(packet_info *pinfo, const char *name)
{
#if FOT_WS_AT_LEAST(4, 6)
    struct data_source *source = get_data_source_by_name(pinfo, name);
    return source ? get_data_source_tvb(source) : NULL;
#else
    return get_data_source_tvb_by_name(pinfo, name);
#endif
}

/* Another protocol's boolean preference (e.g. ip.defragment), or `absent`.
 * epan/prefs.h has a public getter for uint preferences only (reading a bool
 * one through it is wrong: gboolean in 4.0, a 1-byte bool from 4.4), so the
 * value comes from prefs_get_bool_value of the installed epan/prefs-int.h,
 * exported by libwireshark 4.0 to 4.6 with the same arguments. */
static inline bool
fot_ws_pref_bool(const char *module_name, const char *pref_name, bool absent)
{
    module_t *module = prefs_find_module(module_name);
    pref_t *pref = module ? prefs_find_preference(module, pref_name) : NULL;
    return pref ? prefs_get_bool_value(pref, pref_current) != 0 : absent;
}

/* The inner IPv4 header an `ip` tap record was read from. ws_ip4 has no
 * pointer to it, but ip_src.data is set by set_address_tvb on the header's
 * tvb at offset 12 (the source address) in 4.0 to 4.6, so it points 12 bytes
 * into the header, in the frame's bytes or a reassembly buffer. The golden
 * tests hold it on each release; callers check the bounds before reading. */
static inline const guint8 *
fot_ws_ip4_header(const ws_ip4 *h)
{
    return (const guint8 *)h->ip_src.data - 12;
}

/* Capture time precision of this record, in fraction digits (0-9). */
static inline int
fot_ws_time_digits(const packet_info *pinfo)
{
    int prec = pinfo->rec ? pinfo->rec->tsprec : 6;
    return prec >= 0 && prec <= 9 ? prec : 9;
}

#endif

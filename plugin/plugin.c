/* \summary: the entry points the Wireshark plugin loader looks for */
#include "ws_compat.h"

#include "annotate.h"
#include "fast_path.h"
#include "fields.h"
#include "gui_tables.h"
#include "gui_top.h"
#include "host.h"
#include "ipv4_hook.h"
#include "prefs.h"
#include "tshark_stat.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = FOT_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
/* A dissector (the post-dissector and its fields) and tap listeners (-z, Statistics). */
FOT_WS_DEFINE_PLUGIN_DESCRIBE(WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)

static void
register_taps(void)
{
    fot_tshark_stat_register();
    fot_gui_top_register();
    fot_gui_tables_register();
}

/* sharkd never calls the tap plugins' registration (it has no -z); its
 * "nstat:" tables are those registered with a protocol, as dissectors do. */
static void
register_protocol(void)
{
    fot_prefs_register();
    fot_annotate_register();
    fot_fields_register(fot_prefs_proto());
    fot_fast_path_register();
    if (fot_host_is_sharkd())
        fot_gui_tables_register();
}

static void
handoff(void)
{
    fot_fields_handoff();
    fot_ipv4_hook_handoff();
    fot_fast_path_handoff();
}

void
plugin_register(void)
{
    static proto_plugin proto = { .register_protoinfo = register_protocol, .register_handoff = handoff };
    static tap_plugin tap = { .register_tap_listener = register_taps };
    proto_register_plugin(&proto);
    tap_register_plugin(&tap);
}

/* \summary: the 4o6top protocol and its preferences, one per option of the table */
/* Preferences built from the option table. All are strings checked by
 * fot_config_set, the code that checks -z: tshark silently ignores a bad
 * enum or bool -o value and wraps negative numbers, so its own types would
 * let bad values through without a word. */
#include "ws_compat.h"

#include <epan/prefs.h>

#include "prefs.h"
#include "softwire_uat.h"

static int proto_4o6top = -1;

/* Tables have their own preference (softwire_uat.c); an output file and the
 * capture's name are per -z. */
static bool
is_preference(const fot_option *o)
{
    return o->id != FOT_ID_MAP_RULE && o->id != FOT_ID_LW_BINDING && o->id != FOT_ID_OUTPUT &&
           o->id != FOT_ID_FILE;
}
static const char *values[FOT_ID_COUNT]; /* indexed by fot_opt_id */

int
fot_prefs_proto(void)
{
    return proto_4o6top;
}

void
fot_prefs_register(void)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(values) == G_N_ELEMENTS(fot_options));
    proto_4o6top = proto_register_protocol("4o6top: IPv4-in-IPv6 softwire sessions", "4o6top", "4o6top");
    module_t *module = prefs_register_protocol(proto_4o6top, NULL);

    fot_config defaults;
    fot_config_defaults(&defaults);
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        if (!is_preference(o))
            continue;
        char *text = fot_config_get(&defaults, o->name);
        values[i] = text; /* Wireshark keeps its own copy */
        prefs_register_string_preference(module, o->name, o->title, o->description, &values[i]);
        g_free(text);
    }
    fot_softwire_uat_register(module);
}

bool
fot_prefs_config(fot_config *out, char **err)
{
    fot_config_defaults(out);
    *err = NULL;
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        if (!is_preference(o))
            continue;
        const char *text = values[i] ? values[i] : "";
        char *why = NULL;
        if (!fot_config_set_text(out, o->name, text, &why)) {
            if (!*err) /* the option keeps its default */
                *err = g_strdup_printf("-o 4o6top.%s:%s: %s", o->name, text, why);
            g_free(why);
        }
    }
    fot_softwire_uat_apply(out);
    return *err == NULL;
}

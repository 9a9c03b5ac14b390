/* MAP-E rules and LW4o6 bindings as Wireshark tables (UATs): files
 * 4o6top_map_rules and 4o6top_lw_bindings in the profile, Edit > Preferences >
 * Protocols > 4o6top in the GUI, -o "uat:4o6top_map_rules:..." in tshark. */
#ifndef FOT_SOFTWIRE_UAT_H
#define FOT_SOFTWIRE_UAT_H

#include "ws_compat.h"

#include <epan/prefs.h>

#include "fot_config.h"

void fot_softwire_uat_register(module_t *module);

/* Make c's map_rule and lw_binding lists those of the tables. */
void fot_softwire_uat_apply(fot_config *c);

#endif

/* The 4o6top protocol, owner of the preferences (-o 4o6top.<option>:<value>,
 * Edit > Preferences > Protocols > 4o6top), one per option in fot_options. */
#ifndef FOT_PREFS_H
#define FOT_PREFS_H

#include <stdbool.h>

#include "fot_config.h"

void fot_prefs_register(void);

/* The settings the preferences give now, always usable (fot_config_clear them).
 * false with *err (g_free it) naming the first preference that holds a value
 * 4o6top does not accept; such a preference keeps its default. */
bool fot_prefs_config(fot_config *out, char **err);

int fot_prefs_proto(void);

#endif

/* What follows "4o6top," in a -z argument:
 *   MODE[,key=value|flag]...[,FILTER]
 * The first item that is neither a known flag nor of the form identifier=value
 * starts the display filter, which runs to the end (commas included);
 * "filter=" does the same explicitly. Values are the option table's
 * (fot_config.h). */
#ifndef FOT_ARGS_H
#define FOT_ARGS_H

#include <stdbool.h>

#include "fot_config.h"
#include "fot_mode.h"

/* *filter is NULL when there is none. The first map_rule=, lw_binding= or
 * br= replaces that list of c. On error, *err (g_free it) names the bad part. */
bool fot_config_parse_args(fot_config *c, const char *args, fot_mode *mode, char **filter, char **err);

#endif

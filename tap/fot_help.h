/* The help texts, generated from the mode table (fot_mode.h) and the option
 * table (fot_config.h): tshark's -z 4o6top,help and the 4o6top command's
 * -help list the same modes and options in the same words. */
#ifndef FOT_HELP_H
#define FOT_HELP_H

#include <glib.h>
#include <stdbool.h>

#include "fot_config.h"

/* -z 4o6top,help: usage, modes, every option with the original tool's flag
 * and its default (the preferences' defaults), the filter. */
void fot_help_z(GString *out);

/* The command's -help is made of lines "  FLAG VALUE" (24 columns), text. */
void fot_help_flag_line(GString *out, const char *flag, const char *value, const char *text);
/* The modes, as values of -m under its line. */
void fot_help_mode_flags(GString *out);
/* The options as flags, with their defaults in `defaults`: those the original
 * tool had, by its spelling (original), or the others as -NAME. output= and
 * file= are left out: the command has its own (-m elastic's documents, -r). */
void fot_help_option_flags(GString *out, const fot_config *defaults, bool original);

#endif

/* The modes, by name: one table for -z, the help texts and the command.
 * What each mode does at each step is the run's (fot_run.c). */
#ifndef FOT_MODE_H
#define FOT_MODE_H

#include <stddef.h>

typedef enum { FOT_MODE_SUM, FOT_MODE_STAT, FOT_MODE_LOG, FOT_MODE_CE, FOT_MODE_SESS, FOT_MODE_COUNT } fot_mode;

typedef struct fot_mode_info {
    const char *name; /* as -z and -m spell it */
    const char *help; /* one line, for the help texts */
} fot_mode_info;

/* Indexed by fot_mode. */
extern const fot_mode_info fot_modes[FOT_MODE_COUNT];

/* The mode named by the first len characters of name, or -1. */
int fot_mode_find(const char *name, size_t len);
/* "sum, stat, log, ce, sess" (sep ", ") or "sum|stat|log|ce|sess" (sep "|"); g_free it. */
char *fot_mode_list(const char *sep);

#endif

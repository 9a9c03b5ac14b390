/* Running tshark for the command: its argument list from the flags, and one
 * run with stdin and stdout handed over, stderr relayed (a missing plugin or
 * profile explained), SIGINT/SIGTERM/SIGHUP passed on, and its status back. */
#ifndef FOT_CLI_TSHARK_RUN_H
#define FOT_CLI_TSHARK_RUN_H

#include "flags.h"

/* The configuration profile tshark runs with: the fastest that gives the
 * same numbers (packaging/profiles). */
#define FOT_CLI_PROFILE "4o6top"

/* The file descriptor tshark writes -m elastic's stat documents to. */
#define FOT_CLI_DOC_FD 3

/* tshark's arguments (argv[0] "tshark"); with_profile adds -C FOT_CLI_PROFILE. */
GPtrArray *fot_tshark_argv(const fot_cli_args *a, bool with_profile);

/* Is the profile where tshark -C finds it (the user's or the global profiles)? */
bool fot_tshark_profile_installed(void);

/* Called with each line (newline included) tshark writes to FOT_CLI_DOC_FD. */
typedef void (*fot_doc_fn)(const char *line, void *ud);

/* Runs tshark (searched in PATH) with argv; doc_fn NULL: no document pipe.
 * Returns its exit status (128 + signal if killed), or 127 with *err set
 * when tshark cannot be started. */
int fot_tshark_run(GPtrArray *argv, fot_doc_fn doc_fn, void *ud, char **err);

#endif

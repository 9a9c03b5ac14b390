/* Running tshark for the command: its argument list from the flags, and one
 * run: the capture fed to tshark's stdin through a pipe, its stdout ours, its
 * stderr relayed (a missing plugin explained), its status back.
 * tshark stops without its final output on SIGINT; so Ctrl-C (SIGINT,
 * SIGTERM, SIGHUP) ends the input instead, and tshark ends as at the end of
 * a capture, printing everything. A second one stops tshark at once. */
#ifndef FOT_CLI_TSHARK_RUN_H
#define FOT_CLI_TSHARK_RUN_H

#include <stdint.h>

#include "flags.h"

/* The configuration profile tshark runs with: the fastest that gives the
 * same numbers (packaging/profiles: 4o6top-fast, the lean profile plus the
 * fast path; every golden test runs under each profile). */
#define FOT_CLI_PROFILE "4o6top-fast"

/* The file descriptor tshark writes -m elastic's stat documents to. */
#define FOT_CLI_DOC_FD 3

/* tshark's arguments (argv[0] "tshark"); with_profile adds -C FOT_CLI_PROFILE;
 * not_live: one sum table at the end (a file, or a pipe of old packets),
 * unless -refresh says otherwise. */
GPtrArray *fot_tshark_argv(const fot_cli_args *a, bool with_profile, bool not_live);

/* Is the profile where tshark -C finds it (the user's or the global profiles)? */
bool fot_tshark_profile_installed(void);

/* Called with each line (newline included) tshark writes to FOT_CLI_DOC_FD. */
typedef void (*fot_doc_fn)(const char *line, void *ud);

typedef struct fot_tshark_input {
    int fd;               /* the capture (closed at the end unless it is stdin) */
    const uint8_t *prefix; /* bytes already read from fd: fed first */
    size_t prefix_len;
    const char *name;     /* the capture in messages */
    const char *note;     /* said once tshark has read the capture well (NULL: nothing) */
} fot_tshark_input;

/* Runs tshark (searched in PATH) with argv, fed from in; doc_fn NULL: no
 * document pipe. tshark's words about the capture are said again naming it.
 * Returns the command's exit status: 0, 1 (the capture could not be read to
 * its end, or tshark failed), 2 (a bad -filter), 128 + signal if tshark was
 * killed, or 127 with *err set when tshark cannot be started. */
int fot_tshark_run(GPtrArray *argv, const fot_tshark_input *in, fot_doc_fn doc_fn, void *ud, char **err);

#endif

/* The 4o6top command's flags: the original Go tool's, spelled as it spelled
 * them (-m, -r, -s, -h, -i, -d, -n, -T*, -E), and every other option of
 * tap/'s option table as -NAME VALUE. Values are checked by that table,
 * so the command and tshark -z reject the same things in the same words. */
#ifndef FOT_CLI_FLAGS_H
#define FOT_CLI_FLAGS_H

#include <glib.h>
#include <stdbool.h>

#include "fot_config.h"
#include "fot_mode.h"

typedef struct fot_cli_args {
    fot_mode mode;
    bool elastic;        /* -m elastic: the sum table, and stat documents posted to -E */
    const char *file;    /* -r; "-" is standard input */
    const char *url;     /* -E */
    const char *filter;  /* -filter */
    const char *engine;  /* -engine: "native", "tshark", or NULL to choose */
    const char *bpf;     /* -f */
    const char *iface;   /* -I: capture from this interface */
    unsigned buffer_mib; /* -B: its kernel buffer */
    bool buffer_given;
    bool drops;          /* -drops: stat rows count the packets the capture dropped */
    bool file_given;     /* -r was given */
    fot_config cfg;      /* every value given, checked */
    GPtrArray *settings; /* "name=value" per value given (and layout= first, file= for -r), in order, for -z */
} fot_cli_args;

/* -B's default and largest values, MiB. */
#define FOT_CLI_BUFFER_MIB 32
#define FOT_CLI_BUFFER_MIB_MAX 2047

typedef enum { FOT_CLI_RUN, FOT_CLI_HELP, FOT_CLI_BAD } fot_cli_parse_result;

/* FOT_CLI_BAD sets *err to one line naming the flag (g_free it). */
fot_cli_parse_result fot_cli_parse(int argc, char **argv, fot_cli_args *a, char **err);
void fot_cli_args_clear(fot_cli_args *a);

/* The -help text, generated from the mode and option tables. */
char *fot_cli_help(void);

#endif

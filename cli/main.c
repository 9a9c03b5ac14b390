/* 4o6top: the original Go tool's command line over tshark and the 4o6top
 * plugin. Flags are checked here, by tap/'s option table, before tshark
 * starts; tshark then prints what -z 4o6top prints. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elastic.h"
#include "flags.h"
#include "tshark_run.h"

static void
post_document(const char *line, void *ud)
{
    fot_elastic_add(ud, line);
}

int
main(int argc, char **argv)
{
    fot_cli_args a;
    char *err = NULL;
    fot_cli_parse_result parsed = fot_cli_parse(argc, argv, &a, &err);
    if (parsed == FOT_CLI_HELP) {
        char *help = fot_cli_help();
        fputs(help, stdout);
        g_free(help);
        fot_cli_args_clear(&a);
        return 0;
    }
    fot_elastic *elastic = NULL;
    if (parsed == FOT_CLI_RUN && a.elastic && !(elastic = fot_elastic_new(a.url, &err))) {
        char *why = err;
        err = g_strdup_printf("invalid value \"%s\" for flag -E: %s", a.url, why);
        g_free(why);
        parsed = FOT_CLI_BAD;
    }
    if (parsed == FOT_CLI_RUN && g_strcmp0(a.file, "-") == 0 && isatty(STDIN_FILENO)) {
        err = g_strdup("-r - reads a capture from standard input, which is a terminal: "
                       "pipe one in (tcpdump -l -w - ... | 4o6top) or give -r FILE");
        parsed = FOT_CLI_BAD;
    }
    if (parsed == FOT_CLI_BAD) {
        fprintf(stderr, "4o6top: %s\n", err);
        g_free(err);
        fot_cli_args_clear(&a);
        return 2; /* as Go's flag package */
    }

    int capture_fd = STDIN_FILENO;
    if (strcmp(a.file, "-") != 0 && (capture_fd = open(a.file, O_RDONLY | O_CLOEXEC)) < 0) {
        fprintf(stderr, "4o6top: cannot read %s: %s\n", a.file, g_strerror(errno));
        fot_cli_args_clear(&a);
        return 1;
    }
    bool profile = fot_tshark_profile_installed();
    if (!profile)
        fprintf(stderr, "4o6top: the configuration profile \"%s\" is not installed (the 4o6top package has it); "
                        "running with Wireshark's defaults, slower\n", FOT_CLI_PROFILE);
    GPtrArray *tshark_argv = fot_tshark_argv(&a, profile);
    int status = fot_tshark_run(tshark_argv, capture_fd, elastic ? post_document : NULL, elastic, &err);
    if (err) {
        fprintf(stderr, "4o6top: %s\n", err);
        g_free(err);
    }
    if (elastic) {
        unsigned unsent = fot_elastic_finish(elastic);
        if (unsent) {
            fprintf(stderr, "4o6top: elastic: %u documents not stored\n", unsent);
            status = status ? status : 1;
        }
    }
    g_ptr_array_free(tshark_argv, TRUE);
    fot_cli_args_clear(&a);
    return status;
}

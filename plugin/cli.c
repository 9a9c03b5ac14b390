/* The tshark side: parse -z 4o6top,..., stream rows to stdout, and on a bad
 * argument say so in one line and exit before any packet is read (as
 * tshark's own -z statistics do). */
#include "ws_compat.h"

#include <epan/stat_tap_ui.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "cli.h"
#include "fot_args.h"
#include "fot_mode.h"
#include "fot_run.h"
#include "prefs.h"
#include "host.h"

#define CLI_NAME "4o6top"

typedef struct cli_instance {
    fot_run *run;
    fot_capture *capture;
    FILE *file; /* output=, or NULL for stdout */
} cli_instance;

static gboolean
cli_frame(void *ud, int64_t t)
{
    fot_run_frame(((cli_instance *)ud)->run, t);
    return FALSE;
}

static void
cli_packet(void *ud, const fot_event *ev, int frac_digits)
{
    fot_run_packet(((cli_instance *)ud)->run, ev, frac_digits);
}

static void
cli_tally(void *ud, fot_tally which, uint64_t n)
{
    fot_run_tally(((cli_instance *)ud)->run, which, n);
}

static void
cli_draw(void *ud)
{
    cli_instance *inst = ud;
    fot_capture_conclude(inst->capture, CLI_NAME);
    fot_run_finish(inst->run);
}

static void
cli_reset(void *ud)
{
    (void)ud; /* tshark resets only after the final draw */
}

/* tshark removes its tap listeners at exit: free the instance then. */
static void
cli_finish(void *ud)
{
    cli_instance *inst = ud;
    fot_run_free(inst->run);
    fot_capture_free(inst->capture);
    if (inst->file)
        fclose(inst->file);
    g_free(inst);
}

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2)
fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(CLI_NAME ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void
print_help(void)
{
    printf("Usage: tshark -r FILE -q -z 4o6top,MODE[,option=value...][,FILTER]\nModes:\n");
    for (int m = 0; m < FOT_MODE_COUNT; m++)
        printf("  %-18s %s\n", fot_modes[m].name, fot_modes[m].help);
    printf("Options (also preferences: -o 4o6top.OPTION:VALUE):\n");
    fot_config defaults;
    fot_config_defaults(&defaults);
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        char *def = fot_config_get(&defaults, o->name);
        printf("  %-18s %-5s %s [default: %s]\n", o->name, o->original_flag ? o->original_flag : "", o->description,
               def[0] ? def : "none");
        g_free(def);
    }
    printf("  %-18s %-5s %s\n", "filter", "", "display filter for the tunnelled packets (also: a trailing filter)");
}

static fot_ws_stat_init_result
cli_init(const char *opt_arg, void *userdata)
{
    (void)userdata;
    const char *rest = opt_arg + strlen(CLI_NAME);
    if (*rest != ',') { /* tshark hands over every -z that starts with "4o6top" */
        char *modes = fot_mode_list("|");
        fail("\"-z %s\"%s: -z 4o6top,%s[,option=value...][,filter]; -z 4o6top,help lists the options", opt_arg,
             *rest ? " is not a 4o6top statistic" : ": a mode is needed", modes);
    }
    rest++;
    if (strcmp(rest, "help") == 0 || strncmp(rest, "help,", 5) == 0) {
        print_help();
        exit(0);
    }

    fot_config cfg;
    fot_mode mode;
    char *filter = NULL, *err = NULL;
    if (!fot_prefs_config(&cfg, &err) || !fot_config_parse_args(&cfg, rest, &mode, &filter, &err))
        fail("%s", err);

    /* The filter first: nothing, not even a header, is printed for a bad one. */
    cli_instance *inst = g_new0(cli_instance, 1);
    static const fot_capture_sink sink = { cli_frame, cli_packet, cli_tally, cli_draw, cli_reset, cli_finish };
    inst->capture = fot_capture_start(filter, &sink, inst, &err);
    if (!inst->capture)
        fail("bad filter: %s", err);
    if (cfg.output[0] && !(inst->file = fopen(cfg.output, "w")))
        fail("output=%s: %s", cfg.output, g_strerror(errno));

    FILE *file = inst->file ? inst->file : stdout;
    struct stat st;
    bool to_file = fstat(fileno(file), &st) == 0 && S_ISREG(st.st_mode);
    bool live = fot_host_input_is_live();
    fot_output out = { .out = file, .flush_rows = !to_file || live, .live = live,
                       .clear_screen = isatty(fileno(file)) != 0 };
    if (!cfg.file[0]) { /* sum's original Option line names what tshark reads */
        char *name = fot_host_input_name();
        g_strlcpy(cfg.file, name, sizeof cfg.file);
        g_free(name);
    }
    inst->run = fot_run_new(&cfg, mode, filter, out);
    fot_config_clear(&cfg);
    g_free(filter);
    return FOT_WS_STAT_INIT_DONE;
}

void
fot_cli_register(void)
{
    static stat_tap_ui ui = {
        .group = REGISTER_STAT_GROUP_GENERIC, .title = "4o6top", .cli_string = CLI_NAME, .tap_init_cb = cli_init
    };
    register_stat_tap_ui(&ui, NULL);
}

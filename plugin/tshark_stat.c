/* \summary: the -z 4o6top statistic of tshark: its arguments, its output, a run fed by tap events */
/* On a bad argument it says so in one line and exits before any packet is
 * read, as tshark's own -z statistics do. */
#include "ws_compat.h"

#include <epan/stat_tap_ui.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fot_args.h"
#include "fot_help.h"
#include "fot_mode.h"
#include "fot_run.h"
#include "prefs.h"
#include "host.h"
#include "tap_events.h"
#include "tshark_stat.h"

#define STAT_NAME "4o6top"

typedef struct stat_instance {
    fot_run *run;
    fot_tap_events *events;
    FILE *file; /* output=, or NULL for stdout */
} stat_instance;

static gboolean
stat_frame(void *ud, int64_t t)
{
    fot_run_frame(((stat_instance *)ud)->run, t);
    return FALSE;
}

static void
stat_packet(void *ud, const fot_event *ev, int frac_digits)
{
    fot_run_packet(((stat_instance *)ud)->run, ev, frac_digits);
}

static void
stat_tally(void *ud, fot_tally which, uint64_t n)
{
    fot_run_tally(((stat_instance *)ud)->run, which, n);
}

static void
stat_draw(void *ud)
{
    stat_instance *inst = ud;
    fot_tap_events_conclude(inst->events, STAT_NAME);
    fot_run_finish(inst->run);
}

static void
stat_reset(void *ud)
{
    (void)ud; /* tshark resets only after the final draw */
}

/* tshark removes its tap listeners at exit: free the instance then. */
static void
stat_finish(void *ud)
{
    stat_instance *inst = ud;
    fot_run_free(inst->run);
    fot_tap_events_free(inst->events);
    if (inst->file)
        fclose(inst->file);
    g_free(inst);
}

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2)
fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(STAT_NAME ": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static fot_ws_stat_init_result
stat_init(const char *opt_arg, void *userdata)
{
    (void)userdata;
    const char *rest = opt_arg + strlen(STAT_NAME);
    if (*rest != ',') { /* tshark hands over every -z that starts with "4o6top" */
        char *modes = fot_mode_list("|");
        fail("\"-z %s\"%s: -z 4o6top,%s[,option=value...][,filter]; -z 4o6top,help lists the options", opt_arg,
             *rest ? " is not a 4o6top statistic" : ": a mode is needed", modes);
    }
    rest++;
    if (strcmp(rest, "help") == 0 || strncmp(rest, "help,", 5) == 0) {
        GString *help = g_string_new(NULL);
        fot_help_z(help);
        fputs(help->str, stdout);
        g_string_free(help, TRUE);
        exit(0);
    }

    fot_config cfg;
    fot_mode mode;
    char *filter = NULL, *err = NULL;
    if (!fot_prefs_config(&cfg, &err) || !fot_config_parse_args(&cfg, rest, &mode, &filter, &err))
        fail("%s", err);

    /* The filter first: nothing, not even a header, is printed for a bad one. */
    stat_instance *inst = g_new0(stat_instance, 1);
    static const fot_event_sink sink = { stat_frame, stat_packet, stat_tally, stat_draw, stat_reset, stat_finish };
    inst->events = fot_tap_events_start(filter, &sink, inst, &err);
    if (!inst->events)
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
fot_tshark_stat_register(void)
{
    static stat_tap_ui ui = {
        .group = REGISTER_STAT_GROUP_GENERIC, .title = "4o6top", .cli_string = STAT_NAME, .tap_init_cb = stat_init
    };
    register_stat_tap_ui(&ui, NULL);
}

#include "host.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>

bool
fot_host_is_tshark(void)
{
    return strcmp(program_invocation_short_name, "tshark") == 0;
}

bool
fot_host_is_sharkd(void)
{
    return strcmp(program_invocation_short_name, "sharkd") == 0;
}

static bool
is_stream(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return true;
    return stat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

/* Calls fn on each argument of this process until it returns true. */
static bool
any_argument(bool (*fn)(const char *arg, const char *next))
{
    gchar *cmdline;
    gsize len;
    if (!g_file_get_contents("/proc/self/cmdline", &cmdline, &len, NULL))
        return false;
    bool found = false;
    const char *end = cmdline + len;
    for (const char *a = cmdline; a < end && !found; a += strlen(a) + 1) {
        const char *next = a + strlen(a) + 1;
        found = fn(a, next < end ? next : NULL);
    }
    g_free(cmdline);
    return found;
}

static bool
two_pass_flag(const char *a, const char *next)
{
    (void)next;
    return strcmp(a, "-2") == 0;
}

bool
fot_host_two_pass(void)
{
    return fot_host_is_tshark() && any_argument(two_pass_flag);
}

static bool
live_source(const char *a, const char *next)
{
    if (strcmp(a, "-i") == 0 || strncmp(a, "--interface", 11) == 0 || (a[0] == '-' && a[1] == 'i' && a[2]))
        return true;
    if ((strcmp(a, "-r") == 0 || strcmp(a, "--read-file") == 0) && next)
        return is_stream(next);
    if (a[0] == '-' && a[1] == 'r' && a[2])
        return is_stream(a + 2);
    return strncmp(a, "--read-file=", 12) == 0 && is_stream(a + 12);
}

bool
fot_host_input_is_live(void)
{
    return any_argument(live_source);
}

/* \summary: what program the plugin runs in, and what it reads (from /proc) */
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
any_argument(bool (*fn)(const char *arg, const char *next, void *data), void *data)
{
    gchar *cmdline;
    gsize len;
    if (!g_file_get_contents("/proc/self/cmdline", &cmdline, &len, NULL))
        return false;
    bool found = false;
    const char *end = cmdline + len;
    for (const char *a = cmdline; a < end && !found; a += strlen(a) + 1) {
        const char *next = a + strlen(a) + 1;
        found = fn(a, next < end ? next : NULL, data);
    }
    g_free(cmdline);
    return found;
}

static bool
two_pass_flag(const char *a, const char *next, void *data)
{
    (void)next;
    (void)data;
    return strcmp(a, "-2") == 0;
}

bool
fot_host_two_pass(void)
{
    return fot_host_is_tshark() && any_argument(two_pass_flag, NULL);
}

static bool
live_source(const char *a, const char *next, void *data)
{
    (void)data;
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
    return any_argument(live_source, NULL);
}

/* The value of -e in an argument, as getopt reads tshark's short options:
 * "-e F", "-eF", or after flags that take no value ("-qe F"). */
static const char *
field_value(const char *a, const char *next)
{
    if (a[0] != '-' || a[1] == '-')
        return NULL;
    for (const char *c = a + 1; *c; c++) {
        if (*c == 'e')
            return c[1] ? c + 1 : next;
        if (!strchr("2DghIlLnpPqQvVx", *c))
            return NULL; /* an option that takes the rest as its value */
    }
    return NULL;
}

typedef struct {
    const char *const *names;
    bool any_field;
} field_search;

static bool
names_one(const char *a, const char *next, void *data)
{
    field_search *s = data;
    const char *field = field_value(a, next);
    if (!field)
        return false;
    s->any_field = true;
    for (const char *const *p = s->names; *p; p++) {
        size_t n = strlen(*p);
        if (strncmp(field, *p, n) == 0 && (field[n] == '\0' || field[n] == '.'))
            return true;
    }
    return false;
}

bool
fot_host_fields_leave_out(const char *const names[])
{
    field_search s = { names, false };
    return fot_host_is_tshark() && !any_argument(names_one, &s) && s.any_field;
}

static bool
input_argument(const char *a, const char *next, void *data)
{
    const char *name = NULL;
    if ((strcmp(a, "-r") == 0 || strcmp(a, "--read-file") == 0 || strcmp(a, "-i") == 0 ||
         strcmp(a, "--interface") == 0) && next)
        name = next;
    else if (a[0] == '-' && (a[1] == 'r' || a[1] == 'i') && a[2])
        name = a + 2;
    else if (strncmp(a, "--read-file=", 12) == 0 || strncmp(a, "--interface=", 12) == 0)
        name = a + 12;
    if (name)
        *(char **)data = g_strdup(name);
    return name != NULL;
}

char *
fot_host_input_name(void)
{
    char *name = NULL;
    return any_argument(input_argument, &name) ? name : g_strdup("-");
}

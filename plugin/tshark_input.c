/* Live when tshark has -i/--interface, or -r names "-", a FIFO, a socket or a
 * character device. Linux /proc; elsewhere the answer is "not live", which
 * refresh=on overrides. */
#include "tshark_input.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>

static bool
is_stream(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return true;
    return stat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

bool
fot_tshark_input_is_live(void)
{
    gchar *cmdline;
    gsize len;
    if (!g_file_get_contents("/proc/self/cmdline", &cmdline, &len, NULL))
        return false;
    bool live = false;
    const char *end = cmdline + len;
    for (const char *a = cmdline; a < end && !live; a += strlen(a) + 1) {
        const char *next = a + strlen(a) + 1;
        if (strcmp(a, "-i") == 0 || strncmp(a, "--interface", 11) == 0)
            live = true;
        else if (a[0] == '-' && a[1] == 'i' && a[2] != '\0')
            live = true;
        else if ((strcmp(a, "-r") == 0 || strcmp(a, "--read-file") == 0) && next < end)
            live = is_stream(next);
        else if (a[0] == '-' && a[1] == 'r' && a[2] != '\0')
            live = is_stream(a + 2);
        else if (strncmp(a, "--read-file=", 12) == 0)
            live = is_stream(a + 12);
    }
    g_free(cmdline);
    return live;
}

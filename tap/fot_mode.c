/* \summary: the table of modes: names, help lines, lookup by name */
#include "fot_mode.h"

#include <glib.h>
#include <string.h>

const fot_mode_info fot_modes[] = {
    [FOT_MODE_SUM] = { "sum", "top-like table of the active sessions" },
    [FOT_MODE_STAT] = { "stat", "a row of distinct counts per interval" },
    [FOT_MODE_LOG] = { "log", "a row per tunnelled packet" },
    [FOT_MODE_CE] = { "ce", "a row per CE/B4: its port set and port use" },
    [FOT_MODE_SESS] = { "sess", "a row per session start (and end, with ends)" },
};
G_STATIC_ASSERT(G_N_ELEMENTS(fot_modes) == FOT_MODE_COUNT);

int
fot_mode_find(const char *name, size_t len)
{
    for (int i = 0; i < FOT_MODE_COUNT; i++)
        if (strlen(fot_modes[i].name) == len && strncmp(name, fot_modes[i].name, len) == 0)
            return i;
    return -1;
}

char *
fot_mode_list(const char *sep)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < FOT_MODE_COUNT; i++)
        g_string_append_printf(s, "%s%s", i ? sep : "", fot_modes[i].name);
    return g_string_free(s, FALSE);
}

/* \summary: the -z argument grammar: MODE[,key=value|flag]...[,FILTER] */
#include "fot_args.h"

#include <glib.h>
#include <string.h>

/* identifier=... : an option, never the start of a display filter. */
static bool
looks_like_option(const char *item, size_t *key_len)
{
    size_t i = 0;
    if (!(g_ascii_islower(item[0]) || item[0] == '_'))
        return false;
    while (g_ascii_islower(item[i]) || g_ascii_isdigit(item[i]) || item[i] == '_')
        i++;
    if (item[i] != '=' || item[i + 1] == '=')
        return false;
    *key_len = i;
    return true;
}

bool
fot_config_parse_args(fot_config *c, const char *args, fot_mode *mode, char **filter, char **err)
{
    bool list_seen[FOT_LIST_COUNT] = { false };
    *filter = NULL;
    *err = NULL;
    const char *p = args;
    const char *comma = strchr(p, ',');
    size_t mode_len = comma ? (size_t)(comma - p) : strlen(p);
    int m = fot_mode_find(p, mode_len);
    if (m < 0) {
        char *modes = fot_mode_list(", ");
        *err = g_strdup_printf("unknown mode \"%.*s\" (accepted: %s)", (int)mode_len, p, modes);
        g_free(modes);
        return false;
    }
    *mode = (fot_mode)m;

    while (comma) {
        p = comma + 1;
        comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == 0)
            continue;
        char *item = g_strndup(p, len);
        size_t key_len;
        bool ok = true;
        if (strncmp(item, "filter=", 7) == 0) {
            *filter = g_strdup(p + 7);
            g_free(item);
            break;
        }
        if (looks_like_option(item, &key_len)) {
            char *why = NULL;
            item[key_len] = '\0';
            const fot_option *o = fot_option_find(item);
            if (o && o->kind == FOT_OPT_LIST && !list_seen[o->list]) {
                list_seen[o->list] = true;
                fot_config_clear_list(c, item);
            }
            ok = fot_config_set(c, item, item + key_len + 1, &why);
            if (!ok) {
                item[key_len] = '=';
                *err = g_strdup_printf("%s: %s", item, why);
                g_free(why);
            }
        } else {
            const fot_option *o = fot_option_find(item);
            if (o && o->kind == FOT_OPT_BOOL) {
                ok = fot_config_set(c, item, "yes", err);
            } else if (o) {
                *err = g_strdup_printf("option \"%s\" needs a value (%s=...)", item, item);
                ok = false;
            } else {
                *filter = g_strdup(p);
                g_free(item);
                break;
            }
        }
        g_free(item);
        if (!ok)
            return false;
    }
    if (*filter && (*filter)[0] == '\0') {
        g_free(*filter);
        *filter = NULL;
    }
    return true;
}


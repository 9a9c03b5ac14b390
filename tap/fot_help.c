/* \summary: the help texts of -z 4o6top and the 4o6top command, from the mode and option tables */
#include "fot_help.h"

#include "fot_mode.h"

void
fot_help_z(GString *out)
{
    fot_config defaults;
    fot_config_defaults(&defaults);
    g_string_append(out, "Usage: tshark -r FILE -q -z 4o6top,MODE[,option=value...][,FILTER]\nModes:\n");
    for (int m = 0; m < FOT_MODE_COUNT; m++)
        g_string_append_printf(out, "  %-18s %s\n", fot_modes[m].name, fot_modes[m].help);
    g_string_append(out, "Options (also preferences: -o 4o6top.OPTION:VALUE):\n");
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        char *def = fot_config_get(&defaults, o->name);
        g_string_append_printf(out, "  %-18s %-5s %s [default: %s]\n", o->name,
                               o->original_flag ? o->original_flag : "", o->description, def[0] ? def : "none");
        g_free(def);
    }
    g_string_append_printf(out, "  %-18s %-5s %s\n", "filter", "",
                           "display filter for the tunnelled packets (also: a trailing filter)");
    fot_config_clear(&defaults);
}

void
fot_help_flag_line(GString *out, const char *flag, const char *value, const char *text)
{
    char *left = g_strdup_printf("%s %s", flag, value);
    g_string_append_printf(out, "  %-24s %s\n", left, text);
    g_free(left);
}

void
fot_help_mode_flags(GString *out)
{
    for (int m = 0; m < FOT_MODE_COUNT; m++) {
        char *name = g_strdup_printf("    %s", fot_modes[m].name);
        fot_help_flag_line(out, name, "", fot_modes[m].help);
        g_free(name);
    }
}

/* What follows the flag: an enum's choices, else the kind of value. */
static char *
value_name(const fot_option *o)
{
    static const char *const kinds[] = {
        [FOT_OPT_UINT] = "N",        [FOT_OPT_SECONDS] = "SECONDS",        [FOT_OPT_BOOL] = "",
        [FOT_OPT_ENUM] = "",         [FOT_OPT_DELIMITER] = "TEXT",         [FOT_OPT_IPV4_PREFIX] = "ADDR[/LEN]",
        [FOT_OPT_LIST] = "ENTRY",    [FOT_OPT_PATH] = "FILE",              [FOT_OPT_FILE] = "FILE",
        [FOT_OPT_NAME] = "TEXT",
    };
    if (o->kind == FOT_OPT_ENUM)
        return g_strjoinv("|", (char **)o->choices);
    return g_strdup(kinds[o->kind]);
}

void
fot_help_option_flags(GString *out, const fot_config *defaults, bool original)
{
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        if ((o->original_flag != NULL) != original || o->id == FOT_ID_OUTPUT || o->id == FOT_ID_FILE)
            continue;
        char *flag = original ? g_strdup(o->original_flag) : g_strconcat("-", o->name, NULL);
        char *def = fot_config_get(defaults, o->name), *value = value_name(o);
        char *text = g_strdup_printf("%s%s%s%s", o->description, def[0] ? " (default " : "", def,
                                     def[0] ? ")" : "");
        fot_help_flag_line(out, flag, value, text);
        g_free(value);
        g_free(text);
        g_free(def);
        g_free(flag);
    }
}

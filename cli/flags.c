/* \summary: flags parsed as Go's flag package parses them (the original is a Go
 * program): -name or --name; a value as the next argument or after '=';
 * a boolean flag alone means yes; parsing stops at "--" or at the first
 * argument that is not a flag. */
#include "flags.h"

#include <string.h>

#include "fot_help.h"
#include "fot_mode.h"

#define ELASTIC "elastic"

/* The original's spelling first (-Tt), else the option's name (-tunnel). */
static const fot_option *
option_for_flag(const char *name)
{
    char *dashed = g_strconcat("-", name, NULL);
    const fot_option *o = fot_option_by_flag(dashed);
    g_free(dashed);
    if (!o)
        o = fot_option_find(name);
    if (o && (o->id == FOT_ID_OUTPUT || o->id == FOT_ID_FILE))
        return NULL; /* the command's own plumbing (-m elastic, -r); redirect stdout instead */
    return o;
}

static bool
set_mode(fot_cli_args *a, const char *value)
{
    if (strcmp(value, ELASTIC) == 0) {
        a->mode = FOT_MODE_SUM;
        a->elastic = true;
        return true;
    }
    int m = fot_mode_find(value, strlen(value));
    if (m < 0)
        return false;
    a->mode = (fot_mode)m;
    a->elastic = false;
    return true;
}

/* The value as tshark -z takes it back: what fot_config_get reads out, except
 * for list entries, which are kept one by one. */
static void
record_setting(fot_cli_args *a, const fot_option *o, const char *value)
{
    char *text = o->kind == FOT_OPT_LIST ? g_strdup(value) : fot_config_get(&a->cfg, o->name);
    g_ptr_array_add(a->settings, g_strdup_printf("%s=%s", o->name, text));
    g_free(text);
}

/* The plugin's defaults but the original's layouts: the command is its drop-in. */
static void
command_defaults(fot_config *c)
{
    fot_config_defaults(c);
    c->layout = FOT_LAYOUT_ORIGINAL;
}

static void
args_init(fot_cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->mode = FOT_MODE_SUM;
    a->file = "-";
    a->buffer_mib = FOT_CLI_BUFFER_MIB;
    command_defaults(&a->cfg);
    a->settings = g_ptr_array_new_with_free_func(g_free);
    record_setting(a, &fot_options[FOT_ID_LAYOUT], NULL); /* first: a -layout flag comes later and wins */
}

/* -r names the capture; sum's Option line shows it (file=, its commas as %2C). */
static bool
set_file(fot_cli_args *a, const char *value, char **why)
{
    char *name = fot_config_name_text(value);
    bool ok = fot_config_set(&a->cfg, "file", name, why);
    if (ok) {
        a->file = value;
        record_setting(a, &fot_options[FOT_ID_FILE], NULL);
    }
    g_free(name);
    return ok;
}

/* The command's own flags, beside the option table's. */
static bool
own_flag(const char *key)
{
    static const char *const own[] = { "m", "r", "E", "filter", "engine", "f", "I", "B", "drops" };
    for (size_t k = 0; k < G_N_ELEMENTS(own); k++)
        if (strcmp(key, own[k]) == 0)
            return true;
    return false;
}

static bool
set_buffer(fot_cli_args *a, const char *value, char **why)
{
    char *end;
    unsigned long mib = strtoul(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || mib < 1 || mib > FOT_CLI_BUFFER_MIB_MAX) {
        *why = g_strdup_printf("not valid (accepted: MiB, a whole number 1..%d)", FOT_CLI_BUFFER_MIB_MAX);
        return false;
    }
    a->buffer_mib = (unsigned)mib;
    a->buffer_given = true;
    return true;
}

/* One of the command's own flags; false with *why for a bad value. */
static bool
set_own(fot_cli_args *a, const char *key, const char *value, char **why)
{
    if (strcmp(key, "m") == 0) {
        if (set_mode(a, value))
            return true;
        char *modes = fot_mode_list(", ");
        *why = g_strdup_printf("not a mode (accepted: %s, " ELASTIC ")", modes);
        g_free(modes);
        return false;
    }
    if (strcmp(key, "engine") == 0) {
        if (strcmp(value, "native") != 0 && strcmp(value, "tshark") != 0) {
            *why = g_strdup("not an engine (accepted: native, tshark)");
            return false;
        }
        a->engine = value;
    } else if (strcmp(key, "B") == 0) {
        return set_buffer(a, value, why);
    } else if (strcmp(key, "drops") == 0) {
        if (!fot_config_bool_text(value, &a->drops)) {
            *why = g_strdup("not valid (accepted: yes or no; also true, false, on, off, 1, 0)");
            return false;
        }
    } else if (strcmp(key, "r") == 0) {
        if (!set_file(a, value, why))
            return false;
        a->file_given = true;
    } else {
        const char **field = strcmp(key, "E") == 0        ? &a->url
                             : strcmp(key, "filter") == 0 ? &a->filter
                             : strcmp(key, "f") == 0      ? &a->bpf
                                                          : &a->iface;
        *field = value;
    }
    return true;
}

/* An option of the table: Go's last-given-wins for one value; a list's
 * first flag replaces the profile's list. */
static bool
set_option(fot_cli_args *a, const fot_option *o, const char *value, bool *lists_given, char **why)
{
    if (o->kind == FOT_OPT_LIST && !lists_given[o->list]) {
        lists_given[o->list] = true;
        fot_config_clear_list(&a->cfg, o->name);
    }
    if (!fot_config_set(&a->cfg, o->name, value, why))
        return false;
    record_setting(a, o, value);
    return true;
}

/* Flags that do not go together: the line saying so, or NULL. */
static char *
combination_error(const fot_cli_args *a)
{
    bool tshark = g_strcmp0(a->engine, "tshark") == 0;
    if (a->elastic && !a->url)
        return g_strdup("-m " ELASTIC " needs -E URL (such as http://localhost:9200)");
    if (a->url && !a->elastic)
        return g_strdup("-E is for -m " ELASTIC);
    if (g_strcmp0(a->engine, "native") == 0 && a->filter)
        return g_strdup("-filter is a Wireshark display filter: -engine tshark reads it (or give -f, a BPF filter)");
    if (a->filter && a->bpf)
        return g_strdup("-filter (a display filter, read by tshark) and -f (a BPF filter, read by libpcap) "
                        "do not go together: give one");
    if (a->iface && (a->file_given || a->filter || tshark))
        return g_strdup_printf("-I captures itself, with libpcap: not with %s",
                               a->file_given ? "-r"
                               : a->filter   ? "-filter (a display filter: give -f, a BPF filter)"
                                             : "-engine tshark");
    if (!a->iface && (a->drops || a->buffer_given))
        return g_strdup_printf("%s is for -I (a capture from an interface)", a->drops ? "-drops" : "-B");
    if (tshark && a->bpf)
        return g_strdup("-f is a BPF filter for the native reader: with -engine tshark give -filter instead");
    return NULL;
}

fot_cli_parse_result
fot_cli_parse(int argc, char **argv, fot_cli_args *a, char **err)
{
    args_init(a);
    *err = NULL;
    bool lists_given[FOT_LIST_BRS + 1] = { false }; /* indexed by fot_list */
    int i = 1;
    for (; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        const char *name = arg + (arg[1] == '-' ? 2 : 1);
        if (strcmp(name, "help") == 0)
            return FOT_CLI_HELP;
        char *key = g_strdup(name);
        char *eq = strchr(key, '=');
        const char *value = NULL;
        if (eq) {
            *eq = '\0';
            value = name + (eq - key) + 1; /* in argv, which outlives the parse */
        }
        const fot_option *o = option_for_flag(key);
        bool own = own_flag(key);
        if (!o && !own) {
            *err = g_strdup_printf("flag provided but not defined: -%s (4o6top -help lists the flags)", key);
        } else if (!value && ((o && o->kind == FOT_OPT_BOOL) || strcmp(key, "drops") == 0)) {
            value = "yes";
        } else if (!value && i + 1 == argc) {
            *err = g_strdup_printf("flag needs an argument: -%s", key);
        } else if (!value) {
            value = argv[++i];
        }
        char *why = NULL;
        if (!*err && !(own ? set_own(a, key, value, &why) : set_option(a, o, value, lists_given, &why))) {
            *err = g_strdup_printf("invalid value \"%s\" for flag -%s: %s", value, key, why);
            g_free(why);
        }
        g_free(key);
        if (*err)
            return FOT_CLI_BAD;
    }
    if (i < argc)
        *err = g_strdup_printf("unexpected argument \"%s\": flags only (-r FILE names the capture)", argv[i]);
    else
        *err = combination_error(a);
    return *err ? FOT_CLI_BAD : FOT_CLI_RUN;
}

void
fot_cli_args_clear(fot_cli_args *a)
{
    fot_config_clear(&a->cfg);
    g_ptr_array_free(a->settings, TRUE);
    a->settings = NULL;
}

/* The original's flags, then the plugin's options as flags, from tap/'s
 * tables (fot_help.h), with the command's defaults (its layout). */
static void
option_lines(GString *s, bool original)
{
    fot_config defaults;
    command_defaults(&defaults);
    fot_help_option_flags(s, &defaults, original);
    fot_config_clear(&defaults);
}

char *
fot_cli_help(void)
{
    GString *s = g_string_new(NULL);
    g_string_append(s, "Usage: 4o6top [flags]\n"
                       "IPv4-in-IPv6 softwire sessions (DS-Lite, MAP-E, LW4o6) of a pcap or pcapng capture,\n"
                       "with the original 4o6top's flags; prints what tshark -z 4o6top prints.\n"
                       "  tcpdump -i eth0 -l -w - 'ip6' | 4o6top -s 192.0.2.0 -h 30 -Tt 60 -Tu 30 -i 1\n"
                       "  4o6top -r capture.pcap -m stat -d ';' -n > stat.csv\n"
                       "  4o6top -I eth0 -m stat -drops\n"
                       "It reads pcap and pcapng itself (libpcap), from a file, a pipe or an interface (-I):\n"
                       "  4o6top -r capture.pcap -m log -f 'ip6 and net 2001:db8::/32'\n"
                       "and hands the capture to tshark with the 4o6top plugin, saying so, when only tshark can\n"
                       "read it: a -filter display filter, a compressed or other-format capture, pcapng\n"
                       "interfaces of several link types or time precisions, a link type it does not walk:\n"
                       "  4o6top -r capture.pcapng.gz -m log -filter 'ip.dst == 192.0.2.1'\n\n"
                       "Flags of the original:\n");
    fot_help_flag_line(s, "-m", "MODE", "Mode (default sum):");
    fot_help_mode_flags(s);
    fot_help_flag_line(s, "    " ELASTIC, "", "the sum table, and a stat document per interval posted to -E (bulk API)");
    fot_help_flag_line(s, "-r", "FILE", "Read pcap or pcapng FILE; - is standard input (default -)");
    option_lines(s, true);
    fot_help_flag_line(s, "-E", "URL", "Elasticsearch for -m " ELASTIC ": http://host:9200, https://user:pass@host:9200");
    g_string_append(s, "\nOptions of the 4o6top plugin (tshark -z 4o6top,help), as flags:\n");
    option_lines(s, false);
    fot_help_flag_line(s, "-filter", "EXPR", "Display filter: only tunnelled packets it matches count (reads with tshark)");
    fot_help_flag_line(s, "-f", "EXPR", "BPF capture filter (tcpdump's syntax): only frames it matches are read");
    fot_help_flag_line(s, "-engine", "native|tshark", "Who reads the capture (default: native, tshark when it must)");
    fot_help_flag_line(s, "-I", "IFACE", "Capture from IFACE with libpcap (needs CAP_NET_RAW), instead of -r");
    char *mib = g_strdup_printf("-I: the kernel's capture buffer (default %d)", FOT_CLI_BUFFER_MIB);
    fot_help_flag_line(s, "-B", "MiB", mib);
    g_free(mib);
    fot_help_flag_line(s, "-drops", "", "-I: a stat column of the packets the capture dropped");
    fot_help_flag_line(s, "-help", "", "This help");
    g_string_append(s, "List options (map_rule, lw_binding, br) take one entry per flag; repeat the flag.\n\n"
                       "Output is in the original's layouts, byte for byte (-layout plugin: tshark -z 4o6top's).\n"
                       "Different from the original on purpose, and why:\n"
                       "  Both directions are always one session, client first: a reply belongs to its request\n"
                       "    (the original joins them only with -s).\n"
                       "  Sessions age by capture time, not wall-clock ticks: a file gives the same answer every run.\n"
                       "    stat rows stand at interval boundaries of capture time; sum's time is the capture's\n"
                       "    and its Timeout the seconds left (the original counted redraws).\n"
                       "  From a file sum prints one table, as of the last packet (the original redrew every\n"
                       "    interval while reading: what it showed hung on the machine's speed).\n"
                       "  Ctrl-C ends with the final output, so nothing is lost (the original stopped without it).\n"
                       "  sum's rows are the most bytes first and -h 0 shows them all, so the table shows what\n"
                       "    matters (the original's came in any order; -h 0 showed one).\n"
                       "  Sess counts sessions, the CE/B4 in the key: DS-Lite B4s share inner addresses (the\n"
                       "    original counted distinct source port, destination IP and port).\n"
                       "  Fragmented packets count once, reassembled, and IPv6 extension headers are read: both\n"
                       "    are ordinary tunnel traffic (the original skipped such packets).\n"
                       "  An ICMP error's session has the quoted connection's client first, whom it concerns\n"
                       "    (the original: the error's sender).\n"
                       "  IPv4 carrying GRE, ESP, ... makes no rows, having no ports (the original printed them\n"
                       "    with no protocol and ports 0); a malformed inner header is skipped (the original\n"
                       "    could stop on one).\n"
                       "  A TCP session that saw RST, or FIN with ACK, keeps the -Ttr timeout, as a BR's NAT keeps\n"
                       "    a closing connection (a later ACK gave the original's -Tt back).\n"
                       "  -max_sessions bounds memory; sum says when it ended sessions early (the original grew).\n"
                       "  -m elastic also shows the sum table, to see what is sent, and needs -E (the original\n"
                       "    printed nothing, defaulted to localhost and sent mapping type stat, gone since\n"
                       "    Elasticsearch 7).\n"
                       "  The version line is this 4o6top's. On a terminal sum's Total Sess line stays in place\n"
                       "    on standard output, so the table is drawn whole (the original's went to standard\n"
                       "    error through Go's log package, as 4o6top's does off a terminal).\n");
    return g_string_free(s, FALSE);
}

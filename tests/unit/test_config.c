/* Options: -z parsing, validation messages, the filter tail, round trips. */
#include <glib.h>
#include <string.h>

#include "fot_args.h"
#include "fot_config.h"
#include "fot_time.h"

typedef struct parsed {
    bool ok;
    fot_config cfg;
    fot_mode mode;
    char *filter;
    char *err;
} parsed;

static parsed
parse(const char *args)
{
    parsed p;
    fot_config_defaults(&p.cfg);
    p.ok = fot_config_parse_args(&p.cfg, args, &p.mode, &p.filter, &p.err);
    return p;
}

static void
parsed_free(parsed *p)
{
    g_free(p->filter);
    g_free(p->err);
    fot_config_clear(&p->cfg);
}

static void
test_modes(void)
{
    static const struct { const char *args; fot_mode mode; } cases[] = {
        { "sum", FOT_MODE_SUM }, { "stat", FOT_MODE_STAT }, { "log", FOT_MODE_LOG }, { "stat,", FOT_MODE_STAT },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        parsed p = parse(cases[i].args);
        g_assert_true(p.ok);
        g_assert_cmpint(p.mode, ==, cases[i].mode);
        g_assert_null(p.filter);
        parsed_free(&p);
    }
    parsed p = parse("summ");
    g_assert_false(p.ok);
    g_assert_cmpstr(p.err, ==, "unknown mode \"summ\" (accepted: sum, stat, log, ce, sess)");
    parsed_free(&p);
}

static void
test_every_original_option(void)
{
    parsed p = parse("stat,interval=5,height=10,src=192.0.2.1,delimiter=;,noheader,tcp_timeout=60,"
                     "tcp_close_timeout=4,udp_timeout=30,dns_timeout=2,icmp_timeout=1");
    g_assert_true(p.ok);
    g_assert_cmpint(p.cfg.interval_ns, ==, 5 * FOT_NS_PER_SEC);
    g_assert_cmpuint(p.cfg.height, ==, 10);
    g_assert_true(p.cfg.src.set);
    g_assert_cmphex(p.cfg.src.net, ==, 0xc0000201);
    g_assert_cmphex(p.cfg.src.mask, ==, 0xffffffff);
    g_assert_cmpstr(p.cfg.delimiter, ==, ";");
    g_assert_true(p.cfg.noheader);
    g_assert_cmpuint(p.cfg.timeout_s[FOT_CLASS_TCP], ==, 60);
    g_assert_cmpuint(p.cfg.timeout_s[FOT_CLASS_TCP_CLOSING], ==, 4);
    g_assert_cmpuint(p.cfg.timeout_s[FOT_CLASS_UDP], ==, 30);
    g_assert_cmpuint(p.cfg.timeout_s[FOT_CLASS_DNS], ==, 2);
    g_assert_cmpuint(p.cfg.timeout_s[FOT_CLASS_ICMP], ==, 1);
    g_assert_null(p.filter);
    parsed_free(&p);
}

static void
test_trailing_filter_keeps_commas(void)
{
    parsed p = parse("sum,height=5,ip.dst==198.51.100.1 or tcp.port in {80,443}");
    g_assert_true(p.ok);
    g_assert_cmpuint(p.cfg.height, ==, 5);
    g_assert_cmpstr(p.filter, ==, "ip.dst==198.51.100.1 or tcp.port in {80,443}");
    parsed_free(&p);

    p = parse("log,tcp");
    g_assert_true(p.ok);
    g_assert_cmpstr(p.filter, ==, "tcp");
    parsed_free(&p);

    p = parse("log,filter=udp,height=3");
    g_assert_true(p.ok);
    g_assert_cmpstr(p.filter, ==, "udp,height=3");
    g_assert_cmpuint(p.cfg.height, ==, 30);
    parsed_free(&p);
}

static void
test_errors_name_the_bad_part(void)
{
    static const struct { const char *args, *err; } cases[] = {
        { "sum,intervall=5", "intervall=5: unknown option (accepted: interval, height, src, delimiter, noheader, "
                             "tcp_timeout, tcp_close_timeout, udp_timeout, dns_timeout, icmp_timeout, sort, "
                             "bytes, refresh, tunnel, ce_ports, threshold, map_rule, lw_binding, br, max_sessions, "
                             "evicted, format, ends, output, bindings, layout, file, events, observer, filter)" },
        { "ce,map_rule=2001:db8::/40;192.0.2.0/24", "map_rule=2001:db8::/40;192.0.2.0/24: needs 3 or 4 "
                                                    "fields separated by \";\" (accepted: "
                                                    "PREFIX6;PREFIX4;EA_LEN[;OFFSET])" },
        { "ce,lw_binding=2001:db8::5;198.51.100.5;64;6", "lw_binding=2001:db8::5;198.51.100.5;64;6: PSID does not "
                                                          "fit in PSID length bits (accepted: "
                                                          "B4_IPV6;IPV4;PSID;PSID_LEN[;OFFSET[;BR]])" },
        { "sum,br=2001:db8::1::", "br=2001:db8::1::: not an IPv6 address or prefix (accepted: an IPv6 address or "
                                  "prefix)" },
        { "ce,threshold=0", "threshold=0: not valid (accepted: a whole number 1..100)" },
        { "sum,interval=0", "interval=0: not valid (accepted: seconds, more than 0 and at most 86400, decimals allowed)" },
        { "sum,interval=1e3", "interval=1e3: not valid (accepted: seconds, more than 0 and at most 86400, decimals allowed)" },
        { "sum,interval=86400.5", "interval=86400.5: not valid (accepted: seconds, more than 0 and at most 86400, decimals allowed)" },
        { "sum,height=-1", "height=-1: not valid (accepted: a whole number 0..1000000)" },
        { "sum,tcp_timeout=0", "tcp_timeout=0: not valid (accepted: a whole number 1..604800)" },
        { "sum,udp_timeout=604801", "udp_timeout=604801: not valid (accepted: a whole number 1..604800)" },
        { "sum,src=192.0.2.256", "src=192.0.2.256: not valid (accepted: an IPv4 address or prefix such as 192.0.2.1 or 192.0.2.0/24)" },
        { "sum,src=192.0.2.0/33", "src=192.0.2.0/33: not valid (accepted: an IPv4 address or prefix such as 192.0.2.1 or 192.0.2.0/24)" },
        { "sum,delimiter=", "delimiter=: not valid (accepted: 1 to 8 characters, or tab, space, comma, semicolon, pipe)" },
        { "sum,sort=size", "sort=size: not valid (accepted: one of bytes, packets, recent, oldest)" },
        { "sum,noheader=maybe", "noheader=maybe: not valid (accepted: yes or no; also true, false, on, off, 1, 0)" },
        { "sum,height", "option \"height\" needs a value (height=...)" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        parsed p = parse(cases[i].args);
        g_assert_false(p.ok);
        g_assert_cmpstr(p.err, ==, cases[i].err);
        parsed_free(&p);
    }
}

static void
test_values(void)
{
    parsed p = parse("stat,interval=0.25,delimiter=tab,src=10.1.2.3/8,sort=recent,bytes=ipv4,refresh=on");
    g_assert_true(p.ok);
    g_assert_cmpint(p.cfg.interval_ns, ==, 250000000);
    g_assert_cmpstr(p.cfg.delimiter, ==, "\t");
    g_assert_cmphex(p.cfg.src.net, ==, 0x0a000000);
    g_assert_cmphex(p.cfg.src.mask, ==, 0xff000000);
    g_assert_cmpint(p.cfg.sort, ==, FOT_SORT_RECENT);
    g_assert_cmpint(p.cfg.bytes, ==, FOT_BYTES_IPV4);
    g_assert_cmpint(p.cfg.refresh, ==, FOT_REFRESH_ON);
    parsed_free(&p);
}

/* Every option's text form parses back to the same value (preferences rely on it). */
static void
test_get_set_round_trip(void)
{
    parsed p = parse("stat,interval=0.000000001,height=0,src=10.0.0.0/8,delimiter=||,noheader=yes,"
                     "dns_timeout=9,sort=oldest,bytes=ipv4,refresh=off,tunnel,ce_ports,threshold=95,"
                     "map_rule=2001:db8::/40;192.0.2.0/24;16,map_rule=2001:db8:1000::/36;198.51.100.0/24;16;4,"
                     "lw_binding=2001:db8:aaaa::5;198.51.100.5;3;6,br=2001:db8:ffff::1,br=2001:db8:fffe::/48,"
                     "layout=original,file=a%2Cb%25c");
    g_assert_true(p.ok);
    fot_config copy;
    fot_config_defaults(&copy);
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        char *text = fot_config_get(&p.cfg, fot_options[i].name);
        char *again, *err = NULL;
        g_assert_true(fot_config_set_text(&copy, fot_options[i].name, text, &err));
        again = fot_config_get(&copy, fot_options[i].name);
        g_assert_cmpstr(again, ==, text);
        g_free(text);
        g_free(again);
    }
    char *rules = fot_config_get(&copy, "map_rule");
    g_assert_cmpstr(rules, ==, "2001:db8::/40;192.0.2.0/24;16;6 2001:db8:1000::/36;198.51.100.0/24;16;4");
    g_free(rules);
    fot_softwire *sw = copy.softwire;
    copy.softwire = p.cfg.softwire;
    g_assert_cmpmem(&copy, sizeof copy, &p.cfg, sizeof p.cfg);
    copy.softwire = sw;
    fot_config_clear(&copy);
    parsed_free(&p);
}

/* A list given in the arguments replaces the one from the preferences. */
static void
test_list_replaces_preferences(void)
{
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL, *filter = NULL;
    fot_mode mode;
    g_assert_true(fot_config_set_text(&c, "br", "2001:db8:ffff::1 2001:db8:fffe::1", &err));
    fot_config shared;
    fot_config_copy(&shared, &c);
    g_assert_true(fot_config_parse_args(&c, "sum,br=2001:db8::9,br=2001:db8::a", &mode, &filter, &err));
    char *brs = fot_config_get(&c, "br");
    g_assert_cmpstr(brs, ==, "2001:db8::9 2001:db8::a");
    g_free(brs);
    /* The copy taken before is untouched (copy on write). */
    brs = fot_config_get(&shared, "br");
    g_assert_cmpstr(brs, ==, "2001:db8:ffff::1 2001:db8:fffe::1");
    g_free(brs);
    fot_config_clear(&shared);
    fot_config_clear(&c);
}

/* The table is indexed by id, every entry is complete, and each original flag
 * leads back to its option; a value set lands where get reads it. */
static void
test_option_table(void)
{
    for (unsigned i = 0; i < FOT_ID_COUNT; i++) {
        const fot_option *o = &fot_options[i];
        g_assert_cmpuint(o->id, ==, i);
        g_assert_nonnull(o->name);
        g_assert_nonnull(o->title);
        g_assert_nonnull(o->description);
        g_assert_true(fot_option_find(o->name) == o);
        if (o->original_flag)
            g_assert_true(fot_option_by_flag(o->original_flag) == o);
    }
    g_assert_null(fot_option_by_flag("-m"));
    fot_config c;
    fot_config_defaults(&c);
    char *err = NULL;
    g_assert_true(fot_config_set(&c, "icmp_timeout", "7", &err));
    g_assert_true(fot_config_set(&c, "format", "json", &err));
    g_assert_true(fot_config_set(&c, "src", "10.1.0.0/16", &err));
    g_assert_cmpuint(c.timeout_s[FOT_CLASS_ICMP], ==, 7);
    g_assert_cmpuint(c.timeout_s[FOT_CLASS_DNS], ==, 3);
    g_assert_cmpint(c.format, ==, FOT_FORMAT_JSON);
    g_assert_true(c.src.set);
    g_assert_cmphex(c.src.mask, ==, 0xffff0000);
    g_assert_true(fot_config_set(&c, "src", "", &err));
    g_assert_false(c.src.set);
    fot_config_clear(&c);
}

static void
test_describe(void)
{
    parsed p = parse("sum,tcp_timeout=60,udp_timeout=30,src=192.0.2.7,interval=0.5");
    char *d = fot_config_describe(&p.cfg);
    g_assert_cmpstr(d, ==, " Option interval:0.5 Timeout:60/10/30/3/3 Height:30 src ip:192.0.2.7 sort:bytes bytes:ipv6");
    g_free(d);
    parsed_free(&p);
}

/* The original's Option line: its fields only, then what differs from its behaviour. */
static void
test_describe_original(void)
{
    parsed p = parse("sum");
    char *d = fot_config_describe_original(&p.cfg);
    g_assert_cmpstr(d, ==, " Option file:- interval:1 Timeout:240/10/60/3/3 Height:30 src ip:");
    g_free(d);
    parsed_free(&p);
    p = parse("sum,file=/tmp/c.pcap,src=192.0.2.7,height=0,interval=0.5,sort=packets,bytes=ipv4,br=2001:db8::1");
    d = fot_config_describe_original(&p.cfg);
    g_assert_cmpstr(d, ==, " Option file:/tmp/c.pcap interval:0.5 Timeout:240/10/60/3/3 Height:0 src ip:192.0.2.7"
                           " sort:packets bytes:ipv4 br:1");
    g_free(d);
    parsed_free(&p);
}

/* A -z item ends at a comma: file= carries commas as %2C and % as %25, and
 * nothing else is decoded. */
static void
test_file_name(void)
{
    parsed p = parse("sum,file=cap%2C1%2c%25%41.pcap");
    g_assert_true(p.ok);
    g_assert_cmpstr(p.cfg.file, ==, "cap,1,%%41.pcap");
    char *text = fot_config_get(&p.cfg, "file");
    g_assert_cmpstr(text, ==, "cap%2C1%2C%25%2541.pcap");
    g_free(text);
    char *long_name = g_strnfill(FOT_PATH_MAX + 1, 'x'), *err = NULL;
    g_assert_false(fot_config_set(&p.cfg, "file", long_name, &err));
    g_assert_cmpstr(p.cfg.file, ==, "cap,1,%%41.pcap"); /* a bad value leaves the old one */
    g_assert_cmpstr(err, ==, "not valid (accepted: text of at most 4095 bytes, %2C for a comma)");
    long_name[FOT_PATH_MAX] = '\0';
    g_assert_true(fot_config_set(&p.cfg, "file", long_name, &err));
    g_assert_cmpuint(strlen(p.cfg.file), ==, FOT_PATH_MAX);
    g_free(err);
    g_free(long_name);
    parsed_free(&p);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/config/modes", test_modes);
    g_test_add_func("/config/every-original-option", test_every_original_option);
    g_test_add_func("/config/trailing-filter", test_trailing_filter_keeps_commas);
    g_test_add_func("/config/errors", test_errors_name_the_bad_part);
    g_test_add_func("/config/values", test_values);
    g_test_add_func("/config/round-trip", test_get_set_round_trip);
    g_test_add_func("/config/list-replaces-preferences", test_list_replaces_preferences);
    g_test_add_func("/config/describe", test_describe);
    g_test_add_func("/config/describe-original", test_describe_original);
    g_test_add_func("/config/file-name", test_file_name);
    g_test_add_func("/config/option-table", test_option_table);
    return g_test_run();
}

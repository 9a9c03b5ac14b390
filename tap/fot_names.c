/* \summary: the one table of names for protocols, classes, directions, mechanisms, verdicts */
#include "fot_names.h"

#include "fot_packet.h"

const char *
fot_proto_name(uint8_t ip_proto)
{
    return ip_proto == FOT_IPPROTO_TCP ? "TCP" : ip_proto == FOT_IPPROTO_UDP ? "UDP" : "ICMP";
}

const char *
fot_class_name(fot_class c)
{
    static const char *const names[FOT_CLASS_COUNT] = { "TCP", "TCP closing", "UDP", "UDP DNS", "ICMP" };
    return names[c];
}

const char *
fot_dir_name(fot_dir d)
{
    return d == FOT_DIR_UP ? "up" : "down";
}

const char *
fot_mechanism_name(fot_mechanism m)
{
    static const char *const names[FOT_MECH_COUNT] = { "unknown", "DS-Lite", "MAP-E", "LW4o6" };
    return names[m];
}

const char *
fot_why_name(fot_why w)
{
    static const char *const names[FOT_WHY_COUNT] = { "none",         "binding",           "map-rule",
                                                      "map-iid",      "several-ipv4",      "guess:private-ipv4",
                                                      "guess:port-range" };
    return names[w];
}

static const struct {
    const char *name, *column, *key;
} verdicts[FOT_VERDICT_COUNT] = {
    [FOT_VERDICT_NONE] = { "", "", "" },
    [FOT_VERDICT_BOUND] = { "bound", "Bound", "bound" },
    [FOT_VERDICT_WRONG_PORT] = { "wrong-port", "WrongPort", "wrong_port" },
    [FOT_VERDICT_WRONG_ADDRESS] = { "wrong-address", "WrongAddress", "wrong_address" },
    [FOT_VERDICT_WRONG_B4] = { "wrong-b4", "WrongB4", "wrong_b4" },
    [FOT_VERDICT_SPOOFED] = { "spoofed", "Spoofed", "spoofed" },
    [FOT_VERDICT_WRONG_BR] = { "wrong-br", "WrongBR", "wrong_br" },
    [FOT_VERDICT_UNBOUND] = { "unbound", "Unbound", "unbound" },
    [FOT_VERDICT_CONFLICT] = { "conflict", "Conflict", "conflict" },
};

const char *
fot_verdict_name(fot_verdict v)
{
    return verdicts[v].name;
}

const char *
fot_verdict_column(fot_verdict v)
{
    return verdicts[v].column;
}

const char *
fot_verdict_key(fot_verdict v)
{
    return verdicts[v].key;
}

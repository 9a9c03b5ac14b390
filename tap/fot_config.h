/* The settings of one 4o6top instance, and the one table of options that the
 * -z arguments (fot_args.h), the Wireshark preferences, the command's flags
 * and the help texts all come from. */
#ifndef FOT_CONFIG_H
#define FOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_session.h"
#include "fot_softwire.h"
#include "fot_time.h"

typedef enum { FOT_SORT_BYTES, FOT_SORT_PACKETS, FOT_SORT_RECENT, FOT_SORT_OLDEST } fot_sort;
typedef enum { FOT_BYTES_IPV6, FOT_BYTES_IPV4 } fot_bytes;
typedef enum { FOT_REFRESH_AUTO, FOT_REFRESH_ON, FOT_REFRESH_OFF } fot_refresh;
typedef enum { FOT_FORMAT_CSV, FOT_FORMAT_JSON } fot_format;
/* CSV and sum text: the plugin's own, or the original Go tool's byte for byte
 * (trailing delimiters, times to the second, its sess columns and sum widths). */
typedef enum { FOT_LAYOUT_PLUGIN, FOT_LAYOUT_ORIGINAL } fot_layout;

#define FOT_DELIMITER_MAX 8
#define FOT_PATH_MAX 4095

typedef struct fot_ipv4_prefix {
    bool set;
    uint32_t net, mask; /* host byte order */
} fot_ipv4_prefix;

typedef struct fot_config {
    uint32_t timeout_s[FOT_CLASS_COUNT];
    int64_t interval_ns;
    uint32_t height;            /* 0: every active session */
    fot_ipv4_prefix src;        /* src=: the client side's IPv4 address or prefix */
    char delimiter[FOT_DELIMITER_MAX + 1];
    bool noheader;
    fot_sort sort;
    fot_bytes bytes;
    fot_refresh refresh;
    bool tunnel_columns;      /* tunnel=: sum, log, sess: CE/B4 and BR/AFTR columns; sess: Inbound too */
    bool ce_ports;            /* stat: largest per-CE port use column */
    uint32_t threshold;       /* percent of a CE's port set that is "near exhaustion" */
    uint32_t max_sessions;    /* cap on active sessions; 0: none */
    bool evicted;             /* stat: Evicted column */
    fot_format format;        /* stat, log, sess, ce */
    bool ends;                /* sess: a row also when a session ends */
    bool events;              /* ce: a row also when a port set crosses the threshold, up or down */
    fot_layout layout;        /* sum, stat, log, sess as CSV */
    fot_softwire *softwire;   /* MAP rules, LW4o6 bindings, BR addresses; shared, may be NULL */
    /* Set by the 4o6top command's own live capture (no option): */
    bool drops_known;         /* the capture counts the packets it dropped: the sum header shows them */
    bool drops_column;        /* stat: Dropped column (-drops) */
    /* Last: the long names stay clear of what the engine reads per packet. */
    char output[FOT_PATH_MAX + 1]; /* -z only: rows to this file; empty: stdout */
    char file[FOT_PATH_MAX + 1];   /* -z only: the capture's name in sum's original Option line */
    char observer[FOT_PATH_MAX + 1]; /* JSON documents' observer.name; empty: the host name */
} fot_config;

typedef enum {
    FOT_OPT_UINT,        /* whole number in [min, max] */
    FOT_OPT_SECONDS,     /* decimal seconds, up to nanoseconds, in (0, max] */
    FOT_OPT_BOOL,
    FOT_OPT_ENUM,
    FOT_OPT_DELIMITER,
    FOT_OPT_IPV4_PREFIX, /* a.b.c.d or a.b.c.d/len; empty clears it */
    FOT_OPT_LIST,        /* repeatable: each value adds one entry to a softwire list */
    FOT_OPT_PATH,        /* a file name, up to FOT_PATH_MAX bytes; empty for none */
    FOT_OPT_FILE,        /* a readable file's path, kept in the softwire; empty: none */
    FOT_OPT_NAME,        /* any text up to FOT_PATH_MAX bytes; %2C stands for a comma, %25 for % */
} fot_opt_kind;

typedef enum {
    FOT_ID_INTERVAL,
    FOT_ID_HEIGHT,
    FOT_ID_SRC,
    FOT_ID_DELIMITER,
    FOT_ID_NOHEADER,
    FOT_ID_TCP_TIMEOUT, /* the five timeouts follow fot_class order */
    FOT_ID_TCP_CLOSE_TIMEOUT,
    FOT_ID_UDP_TIMEOUT,
    FOT_ID_DNS_TIMEOUT,
    FOT_ID_ICMP_TIMEOUT,
    FOT_ID_SORT,
    FOT_ID_BYTES,
    FOT_ID_REFRESH,
    FOT_ID_TUNNEL,
    FOT_ID_CE_PORTS,
    FOT_ID_THRESHOLD,
    FOT_ID_MAP_RULE,
    FOT_ID_LW_BINDING,
    FOT_ID_BR,
    FOT_ID_MAX_SESSIONS,
    FOT_ID_EVICTED,
    FOT_ID_FORMAT,
    FOT_ID_ENDS,
    FOT_ID_OUTPUT,
    FOT_ID_BINDINGS,
    FOT_ID_LAYOUT,
    FOT_ID_FILE,
    FOT_ID_EVENTS,
    FOT_ID_OBSERVER,
    FOT_ID_COUNT
} fot_opt_id;

/* Where an option's value lives: the kind says the type found at `offset`
 * in fot_config (uint32_t, int64_t nanoseconds, bool, an int-sized enum,
 * char[FOT_DELIMITER_MAX + 1], fot_ipv4_prefix, char[FOT_PATH_MAX + 1] for a path
 * or a name); a list
 * lives in the softwire. */
typedef struct fot_option {
    fot_opt_id id;
    const char *name;          /* -z key and preference name */
    fot_opt_kind kind;
    size_t offset;             /* in fot_config; not for FOT_OPT_LIST, FOT_OPT_FILE */
    uint32_t min, max;         /* FOT_OPT_UINT; FOT_OPT_SECONDS uses max */
    const char *const *choices; /* FOT_OPT_ENUM, NULL-terminated */
    fot_list list;             /* FOT_OPT_LIST */
    const char *original_flag; /* the Go tool's flag, or NULL */
    const char *title;         /* preference title */
    const char *description;   /* preference description and help line */
} fot_option;

/* Indexed by fot_opt_id. */
extern const fot_option fot_options[FOT_ID_COUNT];

void fot_config_defaults(fot_config *c);
/* A config owns a reference to its softwire: copy and clear with these. */
void fot_config_copy(fot_config *dst, const fot_config *src);
void fot_config_clear(fot_config *c);
/* Empty a list option (map_rule, lw_binding, br) before adding to it anew. */
void fot_config_clear_list(fot_config *c, const char *name);

/* Set option `name` from its text form. On error returns false and sets *err
 * (g_free it) to what is accepted; the caller names the bad part. */
/* A yes/no value as every boolean option reads it (yes, true, on, 1; no, ...). */
bool fot_config_bool_text(const char *text, bool *out);

bool fot_config_set(fot_config *c, const char *name, const char *value, char **err);

/* Like fot_config_set, but a list option takes all its entries at once,
 * separated by spaces (the form preferences store), replacing the list. */
bool fot_config_set_text(fot_config *c, const char *name, const char *text, char **err);

/* The option's current value in the text form fot_config_set_text() accepts. */
char *fot_config_get(const fot_config *c, const char *name);

/* name as a file= value: commas as %2C and % as %25, so that it fits in -z. */
char *fot_config_name_text(const char *name);

const fot_option *fot_option_find(const char *name);
/* The option behind one of the Go tool's flags ("-Tt"), or NULL. */
const fot_option *fot_option_by_flag(const char *flag);

/* Text such as " Option interval:1 Timeout:240/10/60/3/3 Height:30 src ip:-". */
char *fot_config_describe(const fot_config *c);
/* The original tool's line, " Option file:- interval:1 Timeout:240/10/60/3/3
 * Height:30 src ip:", and after it only what differs from its behaviour
 * (" sort:packets", " bytes:ipv4", the softwire tables). */
char *fot_config_describe_original(const fot_config *c);

/* The capture time at which a session of class k whose last packet came at
 * `last` ends, unless another comes: the one expiry rule. */
static inline int64_t
fot_config_expiry(const fot_config *c, fot_class k, int64_t last)
{
    return last + (int64_t)c->timeout_s[k] * FOT_NS_PER_SEC;
}

/* The client side of a session when src= is set: is ip inside the prefix? */
static inline bool
fot_config_src_matches(const fot_config *c, uint32_t ip)
{
    return c->src.set && (ip & c->src.mask) == c->src.net;
}

#endif

/* The LW4o6 binding table as an lwAFTR holds it (RFC 7596 section 5.1): softwires
 * keyed by (IPv4 address, PSID), each naming its B4's IPv6 address, its port
 * set (PSID length, offset) and optionally the BR/AFTR that serves it. Every
 * source (the Wireshark table, lw_binding=, a bindings= file) feeds one
 * builder; the built table is immutable and answers in O(1). */
#ifndef FOT_BINDINGS_H
#define FOT_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fot_portset.h"

/* One softwire as written in a table: B4, IPv4 + port set, optional BR. */
typedef struct fot_lw_binding {
    uint8_t b4[16];
    fot_port_set set;
    bool has_br;
    uint8_t br[16];
} fot_lw_binding;

/* Parse "B4_IPV6;IPV4;PSID;PSID_LEN[;OFFSET[;BR]]" (offset default 0, also when
 * empty). On error, *err (g_free it) says what is wrong. */
bool fot_lw_binding_parse(const char *text, fot_lw_binding *out, char **err);
/* The same from fields already split (4 to 6 of them); *why says what is wrong. */
bool fot_lw_binding_from_fields(char *const *f, unsigned n, fot_lw_binding *out, const char **why);
/* The text form the parser reads (g_free it). */
char *fot_lw_binding_text(const fot_lw_binding *b);

/* One softwire as stored: 32 bytes. */
typedef struct fot_binding {
    uint8_t b4[16];
    uint32_t ipv4;       /* host byte order */
    uint16_t psid;
    uint8_t psid_len, offset;
    uint16_t br;         /* 0: none; else index + 1 into the table's BR addresses */
    uint8_t flags;       /* FOT_BINDING_* */
    uint8_t pad;
    uint32_t next_of_b4; /* the next softwire of the same B4, number (1-based), 0: none */
} fot_binding;

enum {
    FOT_BINDING_CONFLICT = 1,       /* another entry claims the same (IPv4, PSID) */
    FOT_BINDING_SHAPE_CONFLICT = 2, /* on the entry the IPv4 index holds: entries of this IPv4 disagree
                                       on PSID length or offset */
};

typedef struct fot_bindings fot_bindings;
typedef struct fot_bindings_builder fot_bindings_builder;

fot_bindings_builder *fot_bindings_builder_new(void);
/* One entry; where names it in messages ("lw_binding=...", "FILE:LINE"). */
void fot_bindings_builder_add(fot_bindings_builder *b, const fot_lw_binding *entry, const char *where);
/* The lines of a bindings file (CSV, header line, # comments): good lines
 * are added, each bad one gets a message. False if the file cannot be read. */
bool fot_bindings_builder_add_file(fot_bindings_builder *b, const char *path);
/* Consume the builder. Conflicts get a message each; nothing is replaced:
 * every party to a conflict is marked, so the order of entries never matters. */
fot_bindings *fot_bindings_build(fot_bindings_builder *b);

fot_bindings *fot_bindings_ref(fot_bindings *t);
void fot_bindings_unref(fot_bindings *t);

uint32_t fot_bindings_count(const fot_bindings *t);
/* Bytes the table holds (entries and indexes). */
size_t fot_bindings_memory(const fot_bindings *t);
/* One line each ("4o6top: ...\n"), for stderr; "" when none. */
const char *fot_bindings_messages(const fot_bindings *t);
/* The same the first time, "" after (and for NULL): a table shared by several
 * instances is told of once. */
const char *fot_bindings_take_messages(fot_bindings *t);

/* Softwires are numbered from 1. */
const fot_binding *fot_bindings_get(const fot_bindings *t, uint32_t number);
/* A softwire of this IPv4 (any), whose PSID length and offset are the address's. */
uint32_t fot_bindings_of_ipv4(const fot_bindings *t, uint32_t ipv4);
uint32_t fot_bindings_find(const fot_bindings *t, uint32_t ipv4, uint16_t psid);
/* The B4's first softwire; the rest follow next_of_b4. */
uint32_t fot_bindings_of_b4(const fot_bindings *t, const uint8_t b4[16]);
const uint8_t *fot_bindings_br(const fot_bindings *t, uint16_t br);

void fot_binding_port_set(const fot_binding *s, fot_port_set *out);

#endif

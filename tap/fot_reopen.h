/* Sessions that timed out lately, by their whole key, to notice a new
 * session of the same key less than a timeout after the last one ended: a
 * NAT or BR mapping that outlived 4o6top's timeout, or a timeout set too
 * short. The key is the session's as the engine has it: the tunnel's CE/B4
 * and BR/AFTR addresses and the inner 5-tuple, the same either way round.
 * Bounded at FOT_REOPEN_MAX keys, past which it starts afresh: what it says
 * is a hint, not a count. */
#ifndef FOT_REOPEN_H
#define FOT_REOPEN_H

#include <stdbool.h>
#include <stdint.h>

#include "fot_engine.h"

#define FOT_REOPEN_MAX 65536

typedef struct fot_session_key {
    uint8_t ce[16], br[16];
    uint32_t client_ip, server_ip; /* host byte order */
    uint16_t client_port, server_port;
    uint8_t proto;
} fot_session_key;

/* An engine session's key. */
void fot_session_key_of(const fot_engine *e, const fot_session *s, fot_session_key *out);

typedef struct fot_reopen fot_reopen;

fot_reopen *fot_reopen_new(void);
void fot_reopen_free(fot_reopen *t);

/* The session of key k, of timeout class tclass, timed out at `when`. */
void fot_reopen_ended(fot_reopen *t, const fot_session_key *k, fot_class tclass, int64_t when);

/* A session of key k opened at now. True when the same key's last session
 * timed out less than its class's timeout (in c) before: *gap is the time
 * since, *ended_class that session's class. The key is forgotten either way. */
bool fot_reopen_opened(fot_reopen *t, const fot_config *c, const fot_session_key *k, int64_t now, int64_t *gap,
                       fot_class *ended_class);

/* Keys held now. */
unsigned fot_reopen_count(const fot_reopen *t);

#endif

/* -m elastic: the stat documents into Elasticsearch with the bulk API, as the
 * original tool indexed them (index 4o6top-YYYY-MM-DD), each _id its sensor,
 * mode and time: a second run over a capture overwrites, not doubles, and two
 * sensors never overwrite each other.
 * Posting runs in its own thread, so a slow or absent server never holds
 * tshark or the sum table up; a failure is one line on stderr, retried with
 * back-off while documents queue. */
#ifndef FOT_CLI_ELASTIC_H
#define FOT_CLI_ELASTIC_H

#include <stdbool.h>

typedef struct fot_elastic fot_elastic;

/* NULL with *err set for a URL curl cannot use (not http or https). */
fot_elastic *fot_elastic_new(const char *url, char **err);
/* One stat document: a JSON object on one line, with "timestamp". */
void fot_elastic_add(fot_elastic *e, const char *line);
/* Sends what is queued (a few more tries), stops, frees. Returns the number
 * of documents not accepted. */
unsigned fot_elastic_finish(fot_elastic *e);

#endif

/* \summary: -m elastic: documents posted to Elasticsearch's bulk API from a thread of their own */
#include "elastic.h"

#include <curl/curl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#define BATCH_MAX 1000        /* documents per bulk request */
#define BACKOFF_FIRST_MS 500  /* then doubled after each failure */
#define BACKOFF_MAX_MS 60000
#define FINAL_TRIES 4         /* after the capture ended, before giving up */
#define FINAL_BACKOFF_MAX_MS 2000

struct fot_elastic {
    char *bulk_url;
    char *shown_url; /* without the password, for messages */
    GAsyncQueue *docs; /* char * lines; the stop marker ends the stream */
    GThread *thread;
    gint ending; /* set by fot_elastic_finish: retries are counted from then */
    unsigned unsent;
};

static char stop_marker[] = "";

fot_elastic *
fot_elastic_new(const char *url, char **err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *shown = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
              (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    if (ok) {
        curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
        ok = curl_url_get(u, CURLUPART_URL, &shown, 0) == CURLUE_OK;
    }
    curl_free(scheme);
    curl_url_cleanup(u);
    if (!ok) {
        *err = g_strdup("not an http:// or https:// URL (such as https://user:pass@host:9200)");
        curl_free(shown);
        return NULL;
    }
    fot_elastic *e = g_new0(fot_elastic, 1);
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        n--;
    e->bulk_url = g_strdup_printf("%.*s/_bulk", (int)n, url);
    e->shown_url = g_strdup(shown);
    curl_free(shown);
    e->docs = g_async_queue_new();
    return e;
}

/* The text of a document's string field key (as tap/ writes JSON: no
 * escapes in these values), or false. */
static bool
string_of(const char *doc, const char *key, char *out, size_t size)
{
    char *quoted = g_strdup_printf("\"%s\":\"", key);
    const char *at = strstr(doc, quoted);
    size_t skip = strlen(quoted);
    g_free(quoted);
    if (!at)
        return false;
    at += skip;
    const char *end = strchr(at, '"');
    if (!end || (size_t)(end - at) >= size)
        return false;
    memcpy(out, at, end - at);
    out[end - at] = '\0';
    return true;
}

/* The index is the document's day; the _id its sensor, mode and time, so
 * that a re-run overwrites rather than doubles and two sensors never
 * overwrite each other. A stat document is one per interval; another mode
 * has several a second, told apart by a digest of the whole document. */
static void
append_action(GString *body, const char *doc)
{
    char ts[64], mode[16], observer[256];
    if (!string_of(doc, "timestamp", ts, sizeof ts) || strlen(ts) < 10 || !string_of(doc, "mode", mode, sizeof mode) ||
        !string_of(doc, "observer.name", observer, sizeof observer))
        return;
    GString *id = g_string_new(NULL);
    g_string_printf(id, "%s:%s:%s", observer, mode, ts);
    if (strcmp(mode, "stat") != 0) {
        char *digest = g_compute_checksum_for_string(G_CHECKSUM_SHA1, doc, -1);
        g_string_append_printf(id, ":%.16s", digest);
        g_free(digest);
    }
    g_string_append_printf(body, "{\"index\":{\"_index\":\"4o6top-%.10s\",\"_id\":\"", ts);
    for (const char *c = id->str; *c; c++) {
        if (*c == '"' || *c == '\\')
            g_string_append_c(body, '\\');
        g_string_append_c(body, *c);
    }
    g_string_append(body, "\"}}\n");
    g_string_free(id, TRUE);
    g_string_append(body, doc);
    if (body->str[body->len - 1] != '\n')
        g_string_append_c(body, '\n');
}

static size_t
collect_reply(char *data, size_t size, size_t n, void *ud)
{
    g_string_append_len(ud, data, (gssize)(size * n));
    return size * n;
}

/* A cluster's own CA (Elasticsearch makes one at install), named as the curl
 * command takes it: libcurl itself reads no environment for this. */
static void
set_trust(CURL *c)
{
    const char *bundle = g_getenv("CURL_CA_BUNDLE");
    if (!bundle || !*bundle)
        bundle = g_getenv("SSL_CERT_FILE");
    if (bundle && *bundle)
        curl_easy_setopt(c, CURLOPT_CAINFO, bundle);
    const char *dir = g_getenv("SSL_CERT_DIR");
    if (dir && *dir)
        curl_easy_setopt(c, CURLOPT_CAPATH, dir);
}

/* One bulk request; false with *why (g_free it) when it is to be retried. */
static bool
post(fot_elastic *e, const GString *body, unsigned *rejected, char **why)
{
    CURL *c = curl_easy_init();
    GString *reply = g_string_new(NULL);
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/x-ndjson");
    curl_easy_setopt(c, CURLOPT_URL, e->bulk_url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->str);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_reply);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    set_trust(c);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    bool ok = false;
    if (rc != CURLE_OK) {
        *why = g_strdup(curl_err[0] ? curl_err : curl_easy_strerror(rc));
    } else if (status < 200 || status > 299) {
        *why = g_strdup_printf("HTTP %ld", status);
    } else {
        ok = true;
        /* Rejected items (a mapping conflict) would be rejected again: counted, not retried. */
        if (strstr(reply->str, "\"errors\":true")) {
            const char *reason = strstr(reply->str, "\"reason\":\"");
            unsigned n = 0;
            for (const char *p = reply->str; (p = strstr(p, "\"error\":")); p++)
                n++;
            *rejected += n;
            fprintf(stderr, "4o6top: elastic: %s: %u documents rejected: %.120s\n", e->shown_url, n,
                    reason ? reason + strlen("\"reason\":\"") : reply->str);
        }
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    g_string_free(reply, TRUE);
    return ok;
}

static gpointer
poster(gpointer ud)
{
    fot_elastic *e = ud;
    GPtrArray *batch = g_ptr_array_new_with_free_func(g_free);
    GString *body = g_string_new(NULL);
    bool stopping = false;
    unsigned backoff_ms = BACKOFF_FIRST_MS, final_failures = 0;
    for (;;) {
        /* Take what is queued: wait for the first only when nothing is pending. */
        while (!stopping && batch->len < BATCH_MAX) {
            char *doc = batch->len ? g_async_queue_try_pop(e->docs) : g_async_queue_pop(e->docs);
            if (!doc)
                break;
            if (doc == stop_marker)
                stopping = true;
            else
                g_ptr_array_add(batch, doc);
        }
        if (batch->len == 0)
            break; /* stopped, all sent */
        g_string_truncate(body, 0);
        for (guint i = 0; i < batch->len; i++)
            append_action(body, g_ptr_array_index(batch, i));
        char *why = NULL;
        unsigned rejected = 0;
        if (post(e, body, &rejected, &why)) {
            e->unsent += rejected;
            g_ptr_array_set_size(batch, 0);
            backoff_ms = BACKOFF_FIRST_MS;
            continue;
        }
        if (g_atomic_int_get(&e->ending) && ++final_failures >= FINAL_TRIES) {
            fprintf(stderr, "4o6top: elastic: %s: %s; giving up\n", e->shown_url, why);
            g_free(why);
            break;
        }
        /* Once the capture has ended, nothing more is waited for than a few short tries. */
        unsigned wait_ms = g_atomic_int_get(&e->ending) ? MIN(backoff_ms, FINAL_BACKOFF_MAX_MS) : backoff_ms;
        fprintf(stderr, "4o6top: elastic: %s: %s; %u document%s kept, next try in %.1f s\n", e->shown_url,
                why, batch->len, batch->len == 1 ? "" : "s", wait_ms / 1000.0);
        g_free(why);
        g_usleep((gulong)wait_ms * 1000);
        backoff_ms = MIN(backoff_ms * 2, BACKOFF_MAX_MS);
    }
    e->unsent += batch->len;
    g_ptr_array_free(batch, TRUE);
    g_string_free(body, TRUE);
    return NULL;
}

void
fot_elastic_add(fot_elastic *e, const char *line)
{
    if (!e->thread)
        e->thread = g_thread_new("elastic", poster, e);
    g_async_queue_push(e->docs, g_strdup(line));
}

unsigned
fot_elastic_finish(fot_elastic *e)
{
    if (e->thread) {
        g_atomic_int_set(&e->ending, 1);
        g_async_queue_push(e->docs, stop_marker);
        g_thread_join(e->thread);
    }
    /* Given up on: what is still queued was never sent either. */
    unsigned unsent = e->unsent;
    char *doc;
    while ((doc = g_async_queue_try_pop(e->docs)))
        if (doc != stop_marker) {
            unsent++;
            g_free(doc);
        }
    g_async_queue_unref(e->docs);
    g_free(e->bulk_url);
    g_free(e->shown_url);
    g_free(e);
    return unsent;
}

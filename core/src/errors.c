/* The thread-local last-error record and the status table's strings. */
#include "internal.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct field_error {
    char *name, *issue, *expected, *received;
} field_error;

struct foil_error {
    foil_status_t status;
    int http_status;
    char *code;
    char *message;
    int retryable;
    char *request_id;
    char *docs_url;
    char *next_action;
    double retry_after;
    char *body;
    cJSON *details;
    field_error *fields;
    size_t field_count;
    char **allowed;
    size_t allowed_count;
    /* foil_error_json(), built on first use, freed with the record. Atomic: two threads
     * reading one copy at once may both build it; one keeps its tree, the other frees its. */
    _Atomic(cJSON *) json;
    bool owned; /* a foil_error_copy(): released by foil_error_free() */
};

static _Thread_local struct foil_error tls_error = {.retry_after = -1};

/* A thread's record is freed when the thread exits: long-lived servers and thread
 * pools would otherwise leak one record per finished thread. */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static _Thread_local bool exit_hook_armed;

static void error_reset(struct foil_error *e);

static void on_thread_exit(void *record) {
    error_reset(record);
}

static void make_exit_key(void) {
    pthread_key_create(&exit_key, on_thread_exit);
}

/* The record about to be written, with its exit hook armed. */
static struct foil_error *record(void) {
    if (!exit_hook_armed) {
        pthread_once(&exit_key_once, make_exit_key);
        exit_hook_armed = pthread_setspecific(exit_key, &tls_error) == 0;
    }
    return &tls_error;
}

/* The status table as data, for the run-time readers. */
static const struct status_row {
    foil_status_t value;
    const char *name, *kind, *parent, *text;
} status_rows[] = {
#define X(name, value, kind, parent, text) {name, #name, kind, parent, text},
    FOIL_STATUS_TABLE(X)
#undef X
};

#define STATUS_ROW_COUNT (sizeof status_rows / sizeof status_rows[0])

/* The row for a value, NULL when the value is not in the table. Values are dense from 0
 * in table order today; the search keeps this correct should that ever change. */
static const struct status_row *status_row(foil_status_t status) {
    size_t i = (size_t)status;
    if (i < STATUS_ROW_COUNT && status_rows[i].value == status) return &status_rows[i];
    for (i = 0; i < STATUS_ROW_COUNT; i++)
        if (status_rows[i].value == status) return &status_rows[i];
    return NULL;
}

const char *foil_status_str(foil_status_t status) {
    const struct status_row *row = status_row(status);
    return row ? row->text : "unknown status";
}

const char *foil_status_kind(foil_status_t status) {
    const struct status_row *row = status_row(status);
    return row ? row->kind : "unknown";
}

size_t foil_status_count(void) {
    return STATUS_ROW_COUNT;
}

foil_status_t foil_status_at(size_t i) {
    return i < STATUS_ROW_COUNT ? status_rows[i].value : (foil_status_t)-1;
}

const char *foil_status_name(foil_status_t status) {
    const struct status_row *row = status_row(status);
    return row ? row->name : NULL;
}

const char *foil_status_parent(foil_status_t status) {
    const struct status_row *row = status_row(status);
    return row ? row->parent : NULL;
}

static void error_reset(struct foil_error *e) {
    free(e->code);
    free(e->message);
    free(e->request_id);
    free(e->docs_url);
    free(e->next_action);
    free(e->body);
    cJSON_Delete(e->details);
    for (size_t i = 0; i < e->field_count; i++) {
        free(e->fields[i].name);
        free(e->fields[i].issue);
        free(e->fields[i].expected);
        free(e->fields[i].received);
    }
    free(e->fields);
    for (size_t i = 0; i < e->allowed_count; i++)
        free(e->allowed[i]);
    free(e->allowed);
    cJSON_Delete(atomic_load(&e->json));
    memset(e, 0, sizeof *e);
    e->retry_after = -1;
}

void foil_error_clear(void) {
    error_reset(&tls_error);
}

const foil_error_t *foil_last_error(void) {
    return &tls_error;
}

static char *vformat(const char *fmt, va_list ap) {
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (s) vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *client_code(foil_status_t status) {
    const char *kind = foil_status_kind(status);
    size_t n = strlen("client.") + strlen(kind) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "client.%s", kind);
    return s;
}

foil_status_t foil_fail(foil_status_t status, const char *fmt, ...) {
    /* Formatted before the old record goes: an argument may be one of its strings. */
    va_list ap;
    va_start(ap, fmt);
    char *message = vformat(fmt, ap);
    va_end(ap);
    error_reset(record());
    tls_error.status = status;
    tls_error.code = client_code(status);
    tls_error.message = message;
    tls_error.retryable = status == FOIL_E_CONNECTION || status == FOIL_E_TIMEOUT;
    return status;
}

foil_status_t foil_fail_nomem(void) {
    error_reset(record());
    tls_error.status = FOIL_E_NOMEM;
    return FOIL_E_NOMEM;
}

void foil_error_set_code(const char *code) {
    char *copy = foil_strdup(code);
    if (!copy) return;
    free(tls_error.code);
    tls_error.code = copy;
}

foil_status_t foil_fail_field(foil_status_t status, const char *field, const char *issue,
                              const char *expected, const char *received) {
    foil_fail(status, "%s: %s", field, issue);
    free(tls_error.code);
    tls_error.code = foil_strdup(status == FOIL_E_VALIDATION ? "client.validation_failed"
                                                             : "client.invalid_argument");
    tls_error.fields = calloc(1, sizeof(field_error));
    if (tls_error.fields) {
        tls_error.field_count = 1;
        tls_error.fields[0].name = foil_strdup(field);
        tls_error.fields[0].issue = foil_strdup(issue);
        tls_error.fields[0].expected = foil_strdup(expected);
        tls_error.fields[0].received = foil_strdup(received);
    }
    return status;
}

foil_status_t foil_status_for_http(int http_status) {
    switch (http_status) {
    case 401:
        return FOIL_E_AUTHENTICATION;
    case 403:
        return FOIL_E_PERMISSION;
    case 404:
        return FOIL_E_NOT_FOUND;
    case 409:
        return FOIL_E_CONFLICT;
    case 410:
        return FOIL_E_GONE;
    case 400:
    case 422:
        return FOIL_E_VALIDATION;
    case 429:
        return FOIL_E_RATE_LIMITED;
    default:
        return http_status >= 500 ? FOIL_E_SERVER : FOIL_E_API;
    }
}

static char *json_text(const cJSON *v) {
    if (!v) return NULL;
    if (cJSON_IsString(v)) return foil_strdup(v->valuestring);
    return cJSON_PrintUnformatted(v);
}

static void take_details(struct foil_error *e, const cJSON *details) {
    if (!cJSON_IsObject(details)) return;
    e->details = cJSON_Duplicate(details, 1);
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(details, "fields");
    size_t n = (size_t)cJSON_GetArraySize(fields);
    if (cJSON_IsArray(fields) && n > 0 && (e->fields = calloc(n, sizeof(field_error)))) {
        const cJSON *f;
        cJSON_ArrayForEach(f, fields) {
            if (!cJSON_IsObject(f)) continue;
            field_error *fe = &e->fields[e->field_count++];
            fe->name = json_text(cJSON_GetObjectItemCaseSensitive(f, "name"));
            fe->issue = json_text(cJSON_GetObjectItemCaseSensitive(f, "issue"));
            fe->expected = json_text(cJSON_GetObjectItemCaseSensitive(f, "expected"));
            fe->received = json_text(cJSON_GetObjectItemCaseSensitive(f, "received"));
        }
    }
    const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(details, "allowed_values");
    n = (size_t)cJSON_GetArraySize(allowed);
    if (cJSON_IsArray(allowed) && n > 0 && (e->allowed = calloc(n, sizeof(char *)))) {
        const cJSON *a;
        cJSON_ArrayForEach(a, allowed) e->allowed[e->allowed_count++] = json_text(a);
    }
    e->next_action = json_text(cJSON_GetObjectItemCaseSensitive(details, "next_action"));
}

foil_status_t foil_fail_http(int http_status, const char *body, size_t body_len,
                             const cJSON *envelope, const char *header_request_id,
                             double retry_after) {
    struct foil_error *e = record();
    error_reset(e);
    e->status = foil_status_for_http(http_status);
    e->http_status = http_status;
    e->retry_after = retry_after;
    e->retryable = http_status == 429 || http_status >= 500;
    if (body && body_len > 0) {
        e->body = malloc(body_len + 1);
        if (e->body) {
            memcpy(e->body, body, body_len);
            e->body[body_len] = '\0';
        }
    }
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(envelope, "error");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(err, "message");
    if (cJSON_IsString(code) && cJSON_IsString(message)) {
        e->code = foil_strdup(code->valuestring);
        e->message = foil_strdup(message->valuestring);
        const cJSON *retryable = cJSON_GetObjectItemCaseSensitive(err, "retryable");
        if (cJSON_IsBool(retryable)) e->retryable = cJSON_IsTrue(retryable);
        e->docs_url = json_text(cJSON_GetObjectItemCaseSensitive(err, "docs_url"));
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(err, "request_id");
        if (!foil_str_empty(header_request_id))
            e->request_id = foil_strdup(header_request_id);
        else if (cJSON_IsString(rid))
            e->request_id = foil_strdup(rid->valuestring);
        take_details(e, cJSON_GetObjectItemCaseSensitive(err, "details"));
    } else {
        /* Not the error envelope (a proxy page, an empty body): still useful. */
        e->code = foil_strdup("request.failed");
        char buf[96];
        snprintf(buf, sizeof buf, "Foil API request failed with HTTP status %d", http_status);
        e->message = foil_strdup(buf);
        if (!foil_str_empty(header_request_id)) e->request_id = foil_strdup(header_request_id);
    }
    return e->status;
}

foil_status_t foil_fail_transport(foil_status_t status, const char *what) {
    return foil_fail(status, "%s", what);
}

foil_status_t foil_error_status(const foil_error_t *e) {
    return e ? e->status : FOIL_OK;
}
int foil_error_http_status(const foil_error_t *e) {
    return e ? e->http_status : 0;
}
const char *foil_error_code(const foil_error_t *e) {
    if (!e || e->status == FOIL_OK) return "ok";
    if (e->code) return e->code;
    return e->status == FOIL_E_NOMEM ? "client.out_of_memory" : "client.error";
}
const char *foil_error_message(const foil_error_t *e) {
    if (!e) return "";
    return e->message ? e->message : foil_status_str(e->status);
}
int foil_error_retryable(const foil_error_t *e) {
    return e ? e->retryable : 0;
}
const char *foil_error_request_id(const foil_error_t *e) {
    return e ? e->request_id : NULL;
}
const char *foil_error_docs_url(const foil_error_t *e) {
    return e ? e->docs_url : NULL;
}
const char *foil_error_next_action(const foil_error_t *e) {
    return e ? e->next_action : NULL;
}
double foil_error_retry_after(const foil_error_t *e) {
    return e ? e->retry_after : -1;
}
const char *foil_error_body(const foil_error_t *e) {
    return e ? e->body : NULL;
}
const foil_json_t *foil_error_details(const foil_error_t *e) {
    return e ? FOIL_VIEW(e->details) : NULL;
}
size_t foil_error_field_count(const foil_error_t *e) {
    return e ? e->field_count : 0;
}
#define FIELD_ACCESSOR(member)                                                                     \
    const char *foil_error_field_##member(const foil_error_t *e, size_t i) {                       \
        return e && i < e->field_count ? e->fields[i].member : NULL;                               \
    }
FIELD_ACCESSOR(name)
FIELD_ACCESSOR(issue)
FIELD_ACCESSOR(expected)
FIELD_ACCESSOR(received)
size_t foil_error_allowed_value_count(const foil_error_t *e) {
    return e ? e->allowed_count : 0;
}
const char *foil_error_allowed_value(const foil_error_t *e, size_t i) {
    return e && i < e->allowed_count ? e->allowed[i] : NULL;
}

/* --- the record as one JSON view, owned copies ------------------------------ */

static bool add_text(cJSON *obj, const char *key, const char *value) {
    return value ? cJSON_AddStringToObject(obj, key, value) != NULL
                 : cJSON_AddNullToObject(obj, key) != NULL;
}

/* {"name","issue"[,"expected"][,"received"]} per field error, as the official SDKs give
 * field_errors: the API's details.fields objects as sent, else the client-side ones. */
static cJSON *field_errors_json(const struct foil_error *e) {
    cJSON *list = cJSON_CreateArray();
    if (!list) return NULL;
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(e->details, "fields");
    if (!cJSON_IsArray(fields)) fields = NULL;
    if (e->details) {
        const cJSON *f;
        cJSON_ArrayForEach(f, fields) {
            cJSON *copy = cJSON_IsObject(f) ? cJSON_Duplicate(f, 1) : NULL;
            if (cJSON_IsObject(f) && !cJSON_AddItemToArray(list, copy)) {
                cJSON_Delete(copy);
                goto nomem;
            }
        }
        return list;
    }
    for (size_t i = 0; i < e->field_count; i++) {
        const field_error *fe = &e->fields[i];
        cJSON *f = cJSON_CreateObject();
        if (!f || !cJSON_AddItemToArray(list, f)) {
            cJSON_Delete(f);
            goto nomem;
        }
        if (!add_text(f, "name", fe->name) || !add_text(f, "issue", fe->issue) ||
            (fe->expected && !add_text(f, "expected", fe->expected)) ||
            (fe->received && !add_text(f, "received", fe->received)))
            goto nomem;
    }
    return list;
nomem:
    cJSON_Delete(list);
    return NULL;
}

static cJSON *error_json(const struct foil_error *e) {
    cJSON *obj = cJSON_CreateObject();
    if (!obj) return NULL;
    cJSON *fields = NULL, *allowed = NULL, *details = NULL;
    bool ok = add_text(obj, "kind", foil_status_kind(e->status)) &&
              cJSON_AddNumberToObject(obj, "status", e->http_status) &&
              add_text(obj, "code", foil_error_code(e)) &&
              add_text(obj, "message", foil_error_message(e)) &&
              add_text(obj, "request_id", e->request_id) &&
              cJSON_AddBoolToObject(obj, "retryable", e->retryable != 0) &&
              (e->retry_after >= 0 ? cJSON_AddNumberToObject(obj, "retry_after", e->retry_after)
                                   : cJSON_AddNullToObject(obj, "retry_after")) &&
              add_text(obj, "docs_url", e->docs_url) &&
              add_text(obj, "next_action", e->next_action);
    ok =
        ok && (fields = field_errors_json(e)) && cJSON_AddItemToObject(obj, "field_errors", fields);
    if (!ok) cJSON_Delete(fields);
    ok = ok && (allowed = cJSON_AddArrayToObject(obj, "allowed_values"));
    for (size_t i = 0; ok && i < e->allowed_count; i++) {
        cJSON *v = e->allowed[i] ? cJSON_CreateString(e->allowed[i]) : cJSON_CreateNull();
        if (!v || !cJSON_AddItemToArray(allowed, v)) {
            cJSON_Delete(v);
            ok = false;
        }
    }
    if (ok && e->details) {
        ok = (details = cJSON_Duplicate(e->details, 1)) &&
             cJSON_AddItemToObject(obj, "details", details);
        if (!ok) cJSON_Delete(details);
    } else if (ok) {
        ok = cJSON_AddNullToObject(obj, "details") != NULL;
    }
    ok = ok && add_text(obj, "body", e->body);
    if (!ok) {
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

const foil_json_t *foil_error_json(const foil_error_t *e) {
    if (!e) return NULL;
    /* A copy may be read by several threads at once (a handle's last failure): the first
     * tree stored wins. Not foil_fail(): building must never replace the record it
     * describes. */
    struct foil_error *rec = (struct foil_error *)e;
    cJSON *json = atomic_load(&rec->json);
    if (!json) {
        if (rec == &tls_error) record(); /* arm the thread-exit hook that frees the cache */
        cJSON *built = error_json(rec);
        if (!built || atomic_compare_exchange_strong(&rec->json, &json, built))
            json = built;
        else
            cJSON_Delete(built); /* another thread stored its tree first: `json` is it */
    }
    return FOIL_VIEW(json);
}

static bool copy_text(char **dst, const char *src) {
    return !src || (*dst = foil_strdup(src)) != NULL;
}

foil_status_t foil_error_copy(const foil_error_t *e, foil_error_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!e)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "error", "must not be NULL", NULL, NULL);
    struct foil_error *c = calloc(1, sizeof *c);
    if (!c) return foil_fail_nomem();
    c->owned = true;
    c->status = e->status;
    c->http_status = e->http_status;
    c->retryable = e->retryable;
    c->retry_after = e->retry_after;
    bool ok = copy_text(&c->code, e->code) && copy_text(&c->message, e->message) &&
              copy_text(&c->request_id, e->request_id) && copy_text(&c->docs_url, e->docs_url) &&
              copy_text(&c->next_action, e->next_action) && copy_text(&c->body, e->body) &&
              (!e->details || (c->details = cJSON_Duplicate(e->details, 1)));
    if (ok && e->field_count > 0) ok = (c->fields = calloc(e->field_count, sizeof *c->fields));
    for (size_t i = 0; ok && i < e->field_count; i++) {
        c->field_count = i + 1;
        ok = copy_text(&c->fields[i].name, e->fields[i].name) &&
             copy_text(&c->fields[i].issue, e->fields[i].issue) &&
             copy_text(&c->fields[i].expected, e->fields[i].expected) &&
             copy_text(&c->fields[i].received, e->fields[i].received);
    }
    if (ok && e->allowed_count > 0)
        ok = (c->allowed = calloc(e->allowed_count, sizeof *c->allowed));
    for (size_t i = 0; ok && i < e->allowed_count; i++) {
        c->allowed_count = i + 1;
        ok = copy_text(&c->allowed[i], e->allowed[i]);
    }
    if (!ok) {
        error_reset(c);
        free(c);
        return foil_fail_nomem(); /* only now: e may be this thread's record */
    }
    *out = c;
    return FOIL_OK;
}

foil_status_t foil_error_out(foil_status_t st, foil_error_t **error_out) {
    if (st != FOIL_OK && error_out) foil_error_copy(foil_last_error(), error_out);
    return st;
}

void foil_error_free(foil_error_t *e) {
    if (!e || !e->owned) return; /* a thread's own record is never freed by hand */
    error_reset(e);
    free(e);
}

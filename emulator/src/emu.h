/* Internal declarations shared by the emulator's source files. */
#ifndef FOIL_EMU_INTERNAL_H
#define FOIL_EMU_INTERNAL_H

#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "foil/contract.h"
#include "foil_emulator.h"
#include "mhd_stop.h"

struct MHD_Connection;
struct MHD_Daemon;

/* ---- small containers (containers.c) ---------------------------------------------- */

/* String-keyed hash map; values are owned by the caller. */
typedef struct emu_map_entry {
    char *key;
    void *value;
    struct emu_map_entry *next;
} emu_map_entry_t;
typedef struct emu_map {
    emu_map_entry_t **buckets;
    size_t nbuckets;
    size_t count;
} emu_map_t;
void *emu_map_get(const emu_map_t *m, const char *key);
/* Inserts or replaces; returns the previous value (or NULL). -1 on OOM via *failed. */
void *emu_map_put(emu_map_t *m, const char *key, void *value, int *failed);
void *emu_map_remove(emu_map_t *m, const char *key);
/* Removes (and passes to fn) every value for which pred(value, ctx) is true. */
void emu_map_remove_if(emu_map_t *m, int (*pred)(void *value, void *ctx), void *ctx,
                       void (*fn)(void *value));
/* The first value for which pred(value, ctx) is true, or NULL. */
void *emu_map_find(const emu_map_t *m, int (*pred)(void *value, void *ctx), void *ctx);
/* Calls fn for every value, then frees the table (values freed by fn). */
void emu_map_clear(emu_map_t *m, void (*fn)(void *value));

/* Growable array of pointers, insertion order. */
typedef struct emu_vec {
    void **items;
    size_t len;
    size_t cap;
} emu_vec_t;
int emu_vec_push(emu_vec_t *v, void *item);
void emu_vec_clear(emu_vec_t *v, void (*fn)(void *item));

/* ---- ids, time, randomness (ids.c) ------------------------------------------------- */

#define EMU_ID_MAX 64
extern const char emu_base32_alphabet[33];
/* prefix + 26 random characters of the Foil base32 alphabet. */
void emu_id_new(char *out, size_t outsz, const char *prefix);
/* prefix + 32 random lowercase hex characters. */
void emu_hex_id_new(char *out, size_t outsz, const char *prefix);
/* "req_" + 32 hex; fast (thread-local generator seeded from the OS). */
void emu_request_id(char out[40]);
/* A random decimal code of `digits` digits. */
void emu_digits_new(char *out, size_t digits);
int64_t emu_now_ms(void);
/* ISO-8601 UTC with milliseconds: 2026-04-04T20:15:00.000Z (out >= 32 bytes). */
void emu_iso8601(int64_t ms, char out[32]);
/* Deterministic 64-bit mixing for seeded data. */
uint64_t emu_mix64(uint64_t x);
uint64_t emu_hash3(uint64_t seed, uint64_t tag, uint64_t index);
/* Encode/decode an index as a 26-character id body (bijective, checked). */
void emu_index_id(char out[27], uint64_t seed, uint64_t tag, uint64_t index);
int emu_index_from_id(const char *body, uint64_t seed, uint64_t tag, uint64_t *index);

/* ---- JSON text buffer (json_writer.c) ---------------------------------------------- */

/* Output matches cJSON_PrintUnformatted byte for byte. Appends after an allocation failure
 * are ignored; emu_buf_take reports it. */
typedef struct emu_buf {
    char *data;
    size_t len, cap;
    int failed;
} emu_buf_t;
void emu_buf_init(emu_buf_t *b, size_t capacity);
void emu_buf_free(emu_buf_t *b);
/* The NUL-terminated text (free()) and its length; NULL after an allocation failure. The
 * buffer is left empty either way. */
char *emu_buf_take(emu_buf_t *b, size_t *len);
void emu_buf_raw(emu_buf_t *b, const char *s, size_t n);
#define EMU_BUF_LIT(b, literal) emu_buf_raw((b), (literal), sizeof(literal) - 1)
void emu_buf_string(emu_buf_t *b, const char *s); /* quoted and escaped */
void emu_buf_int(emu_buf_t *b, int64_t v);
/* Decimal digits of v into out (NUL-terminated); returns their count. */
size_t emu_format_int(char out[24], int64_t v);
void emu_buf_bool(emu_buf_t *b, int v);
void emu_buf_iso(emu_buf_t *b, int64_t ms);   /* quoted ISO-8601, or null when ms == 0 */
void emu_buf_hex64(emu_buf_t *b, uint64_t v); /* quoted 16 lowercase hex digits */

/* ---- requests and responses (http_types) ------------------------------------------- */

#define EMU_MAX_PARAMS 3
#define EMU_MAX_HEADERS 8

typedef struct emu_response {
    unsigned status;
    char *body; /* malloc'd, owned */
    size_t body_len;
    const char *content_type; /* static */
    struct {
        const char *name; /* static */
        char value[96];
    } headers[EMU_MAX_HEADERS];
    size_t nheaders;
} emu_response_t;

typedef struct emu_request {
    foil_emulator_t *emu;
    struct MHD_Connection *conn;
    const char *method;
    const char *path;
    const char *body;
    size_t body_len;
    char params[EMU_MAX_PARAMS][EMU_ID_MAX];
    size_t nparams;
    char request_id[40];
    char client_addr[64];
    /* Filled by a successful secret-key check. */
    char org_id[EMU_ID_MAX];
    char key_id[EMU_ID_MAX];
} emu_request_t;

typedef void (*emu_handler_fn)(emu_request_t *req, emu_response_t *resp);

void emu_response_header(emu_response_t *resp, const char *name, const char *value);
/* Takes ownership of `data`: {"data": data, "meta": {"request_id": ...}}; a NULL `data` (an
 * allocation that failed) is answered 500 internal.out_of_memory. */
void emu_respond_data(emu_request_t *req, emu_response_t *resp, unsigned status, cJSON *data);
/* Takes ownership of `items`: list envelope with pagination. */
void emu_respond_page(emu_request_t *req, emu_response_t *resp, cJSON *items, int limit,
                      int has_more, const char *next_cursor);
/* The same envelope written directly: emu_page_begin, then per item emu_page_next_item and
 * the item's JSON, then emu_respond_page_end (consumes the buffer). */
void emu_page_begin(emu_buf_t *page, size_t capacity);
void emu_page_next_item(emu_buf_t *page);
void emu_respond_page_end(emu_request_t *req, emu_response_t *resp, emu_buf_t *page, int limit,
                          int has_more, const char *next_cursor);
void emu_respond_empty(emu_response_t *resp, unsigned status);
/* Takes ownership of `details` (may be NULL). */
void emu_respond_error(emu_request_t *req, emu_response_t *resp, unsigned status, const char *code,
                       const char *message, cJSON *details);
void emu_respond_raw(emu_response_t *resp, unsigned status, const char *content_type, char *body,
                     size_t len);
void emu_respond_not_found(emu_request_t *req, emu_response_t *resp, const char *what,
                           const char *id);
const char *emu_query(const emu_request_t *req, const char *name);
const char *emu_header(const emu_request_t *req, const char *name);
/* Parses the body as a JSON object; answers 400/422 and returns NULL otherwise. */
cJSON *emu_body_object(emu_request_t *req, emu_response_t *resp);

/* ---- validation (validate.c) ------------------------------------------------------- */

typedef struct emu_checks {
    cJSON *fields;
} emu_checks_t;
void emu_checks_init(emu_checks_t *c);
void emu_checks_free(emu_checks_t *c);
void emu_check_add(emu_checks_t *c, const char *name, const char *issue, const char *expected,
                   const cJSON *received);
/* Adds "unknown_field" issues for properties outside `allowed` (NULL-terminated). */
void emu_check_only(emu_checks_t *c, const cJSON *obj, const char *const *allowed);
/* The string at obj[name], checked; NULL when absent or invalid (issue recorded). */
const char *emu_check_string(emu_checks_t *c, const cJSON *obj, const char *name, int required,
                             size_t min_len, size_t max_len);
/* An http(s) URL. */
const char *emu_check_url(emu_checks_t *c, const cJSON *obj, const char *name, int required);
/* Answers 422 with every issue; returns 1 when there were issues. */
int emu_checks_respond(emu_checks_t *c, emu_request_t *req, emu_response_t *resp,
                       const char *message, const char *parameter_set);
/* One 422 issue. */
void emu_respond_field_error(emu_request_t *req, emu_response_t *resp, const char *message,
                             const char *parameter_set, const char *name, const char *issue,
                             const char *expected, const char *received);
int emu_is_url(const char *s);
int emu_is_service_id(const char *s);

/* ---- pagination (pagination.c) ----------------------------------------------------- */

/* Reads `limit` (1..200, default 50) and `cursor`; *offset is 0 without a cursor.
 * `filter_hash` binds a cursor to its query. Answers 422 and returns -1 on bad input. */
int emu_page_params(emu_request_t *req, emu_response_t *resp, const char *parameter_set,
                    uint64_t filter_hash, int *limit, uint64_t *offset);
/* An opaque cursor for `offset`; free(). */
char *emu_cursor_encode(const char *parameter_set, uint64_t filter_hash, uint64_t offset);
uint64_t emu_hash_str(uint64_t h, const char *s);

/* ---- auth (auth.c) ----------------------------------------------------------------- */

/* The bearer token or NULL. */
const char *emu_bearer(const emu_request_t *req);
/* Checks a secret key with `scope`; fills req->org_id/key_id. Answers 401/403 and returns
 * 0 on failure, 1 on success. */
int emu_require_secret(emu_request_t *req, emu_response_t *resp, const char *scope);

/* ---- state -------------------------------------------------------------------------- */

typedef struct emu_api_key {
    char id[EMU_ID_MAX];
    char org_id[EMU_ID_MAX];
    char *name;
    int secret;             /* 1 secret, 0 publishable */
    int live;               /* 1 live, 0 test */
    int status;             /* 0 active, 1 rotating, 2 revoked */
    char *value;            /* the key itself */
    char *previous_value;   /* valid until grace_expires_ms after a rotation */
    cJSON *scopes;          /* array or NULL */
    cJSON *allowed_origins; /* array or NULL */
    int64_t created_ms, last_used_ms, rotated_ms, revoked_ms, grace_expires_ms;
} emu_api_key_t;

typedef struct emu_org {
    char id[EMU_ID_MAX];
    char parent_id[EMU_ID_MAX];
    char *name;
    char *slug;
    int status; /* 0 active, 1 suspended, 2 deleted */
    int64_t created_ms, updated_ms;
} emu_org_t;

typedef struct emu_service {
    char id[40];
    char org_id[EMU_ID_MAX]; /* "" for system services */
    cJSON *entry;            /* registry fields (name, description, ... branding, consent) */
    int active;
    int discoverable;
    int builtin;
    char *outputs_json;
    char *webhook_url;
    char *webhook_secret;
    char webhook_endpoint_id[EMU_ID_MAX];
    int64_t created_ms, updated_ms;
} emu_service_t;

typedef struct emu_webhook_endpoint {
    char id[EMU_ID_MAX];
    char org_id[EMU_ID_MAX];
    char *name;
    char *url;
    char *signing_secret;
    int active;
    cJSON *event_types;
    int64_t created_ms, updated_ms;
} emu_webhook_endpoint_t;

typedef struct emu_event {
    char id[EMU_ID_MAX];
    char org_id[EMU_ID_MAX];
    char *type;
    char *subject_type;
    char *subject_id;
    cJSON *data;
    cJSON *deliveries; /* array of WebhookDelivery */
    int64_t created_ms;
} emu_event_t;

typedef enum emu_gate_state {
    EMU_GATE_PENDING,
    EMU_GATE_APPROVING,
    EMU_GATE_APPROVED,
    EMU_GATE_REJECTED,
    EMU_GATE_CONSUMED
} emu_gate_state_t;

typedef struct emu_gate_session {
    char id[EMU_ID_MAX];
    char poll_token[EMU_ID_MAX];
    char ack_token[EMU_ID_MAX];
    char approval_token[EMU_ID_MAX];
    char account_id[EMU_ID_MAX];
    char service_id[40];
    char *account_name;
    char *metadata_json; /* NULL when absent */
    char *delivery_json;
    char *integrator_envelope;
    char *gate_envelope;
    char *docs_url;
    char *error; /* last approval failure, shown on the consent page */
    int64_t created_ms, expires_ms;
    emu_gate_state_t state;
} emu_gate_session_t;

typedef struct emu_login_session {
    char id[EMU_ID_MAX];
    char approval_token[EMU_ID_MAX];
    char service_id[40];
    char account_id[EMU_ID_MAX];
    char *account_name;
    char code[16];
    int approved;
    int consumed;
    int64_t created_ms, expires_ms, code_expires_ms;
} emu_login_session_t;

typedef struct emu_agent_token {
    char *token;
    char service_id[40];
    char account_id[EMU_ID_MAX];
    char *account_name;
    int revoked;
    int64_t created_ms, last_used_ms;
} emu_agent_token_t;

typedef struct emu_fault {
    char method[16];
    char *path_prefix;
    unsigned remaining;
    foil_emulator_fault_kind_t kind;
    unsigned status;
    unsigned delay_ms;
} emu_fault_t;

/* A connection suspended until its delay is due (parked_connections.c). */
typedef struct emu_parked {
    int64_t due_ms; /* CLOCK_MONOTONIC */
    struct MHD_Connection *conn;
    struct emu_parked *prev, *next;
} emu_parked_t;

typedef struct emu_parking {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    emu_parked_t *head, *tail; /* by due time */
    int stopping, started;
} emu_parking_t;

typedef struct emu_bucket {
    double tokens;
    int64_t updated_ms;
} emu_bucket_t;

struct foil_emulator {
    foil_emulator_config_t cfg;
    char host[64];
    char base_url[128];
    unsigned port;
    struct MHD_Daemon *daemon;
    mhd_connections_t connections; /* drained before the daemon stops (mhd_stop.h) */
    emu_parking_t parking;         /* connections waiting out a delay fault */

    /* Everything except the Gate signup sessions, faults and buckets. */
    pthread_mutex_t lock;
    emu_vec_t orgs;                         /* emu_org_t* */
    emu_vec_t api_keys;                     /* emu_api_key_t* */
    emu_vec_t services;                     /* emu_service_t* */
    emu_vec_t endpoints;                    /* emu_webhook_endpoint_t* */
    emu_vec_t events;                       /* emu_event_t* */
    emu_map_t login_sessions;               /* id -> emu_login_session_t* */
    emu_map_t agent_tokens;                 /* token -> emu_agent_token_t* */
    uint32_t *fingerprint_first_seen_order; /* lazily built permutation */

    /* Read once per list page, written by PATCH /v1/sessions/{id}. */
    pthread_rwlock_t session_users_lock;
    emu_map_t session_users; /* sid -> char* client_user_id ("" = explicit null) */

    /* The hot poll path only takes this one. */
    pthread_mutex_t gate_lock;
    emu_map_t gate_sessions; /* id -> emu_gate_session_t* */

    pthread_mutex_t fault_lock;
    emu_vec_t faults; /* emu_fault_t* */
    atomic_uint fault_count;

    pthread_mutex_t bucket_lock;
    emu_map_t buckets; /* "kind:token" -> emu_bucket_t* */

    char org_id[EMU_ID_MAX];
    char secret_key[96];
    uint64_t seed;
    int64_t seed_epoch_ms; /* newest seeded session's creation time */

    atomic_uint_fast64_t stat_requests;
    atomic_uint_fast64_t stat_connections;
};

/* ---- per-concept modules ------------------------------------------------------------ */

/* org_store.c */
emu_org_t *emu_org_new(foil_emulator_t *emu, const char *name, const char *slug,
                       const char *parent);
emu_org_t *emu_org_find(foil_emulator_t *emu, const char *id);
foil_status_t emu_org_create_demo(foil_emulator_t *emu);
void emu_org_free(void *p);
/* 1 when the key's organization may act on organization `org_id` (its own or a child). */
int emu_org_visible(foil_emulator_t *emu, const char *caller_org, const char *org_id);
/* key_store.c */
emu_api_key_t *emu_api_key_new(foil_emulator_t *emu, const char *org_id, const char *name,
                               int secret, int live, cJSON *scopes);
emu_api_key_t *emu_api_key_find_by_value(foil_emulator_t *emu, const char *value);
void emu_api_key_free(void *p);
int emu_api_key_has_scope(const emu_api_key_t *k, const char *scope);
/* registry.c */
foil_status_t emu_registry_init(foil_emulator_t *emu);
emu_service_t *emu_service_find(foil_emulator_t *emu, const char *id);
void emu_service_free(void *p);
cJSON *emu_service_registry_json(const emu_service_t *s);
/* webhooks.c */
emu_webhook_endpoint_t *emu_endpoint_find(foil_emulator_t *emu, const char *org_id, const char *id);
void emu_endpoint_free(void *p);
void emu_event_free(void *p);
/* Records an event whose single delivery already happened (the Gate webhook). */
void emu_event_record(foil_emulator_t *emu, const char *org_id, const char *event_id,
                      const char *type, const char *subject_type, const char *subject_id,
                      const cJSON *data, const char *endpoint_id, long http_status,
                      const char *response_body, const char *error);
/* webhook_client.c: POST a signed Foil webhook; *status_out is the HTTP status (0 when no
 * response); *body_out the response body (free()). */
foil_status_t emu_webhook_post(const char *url, const char *secret, const char *body,
                               long *status_out, char **body_out);
/* gate_sessions.c */
void emu_gate_session_free(void *p);
foil_status_t emu_gate_approve(foil_emulator_t *emu, const char *id, char **error_out);
foil_status_t emu_gate_deny(foil_emulator_t *emu, const char *id);
/* login.c */
void emu_login_session_free(void *p);
void emu_agent_token_free(void *p);
foil_status_t emu_login_approve(foil_emulator_t *emu, const char *id, char **code_out,
                                char **redirect_out);
foil_status_t emu_login_deny(foil_emulator_t *emu, const char *id);
emu_agent_token_t *emu_agent_token_issue(foil_emulator_t *emu, const char *service_id,
                                         const char *account_id, const char *account_name);
/* seed_ids.c: ids of the seeded items (-1: not one of them) */
#define EMU_TAG_SESSION 0x5e55
#define EMU_TAG_FINGERPRINT 0xf1f1
int emu_session_index(const foil_emulator_t *emu, const char *sid, uint64_t *index);
void emu_session_id_at(const foil_emulator_t *emu, uint64_t index, char out[EMU_ID_MAX]);
int emu_fingerprint_index(const foil_emulator_t *emu, const char *vid, uint64_t *index);
void emu_fingerprint_id_at(const foil_emulator_t *emu, uint64_t index, char out[EMU_ID_MAX]);
/* sessions_seed.c */
cJSON *emu_session_summary(foil_emulator_t *emu, uint64_t index);
const char *emu_session_user_agent(const foil_emulator_t *emu, uint64_t index);
void emu_session_ip(const foil_emulator_t *emu, uint64_t index, char out[32]);
cJSON *emu_session_detail(foil_emulator_t *emu, uint64_t index);
cJSON *emu_session_decision(const foil_emulator_t *emu, uint64_t index);
cJSON *emu_session_request_context(const foil_emulator_t *emu, uint64_t index);
int64_t emu_session_created_ms(const foil_emulator_t *emu, uint64_t index);
/* fingerprints_seed.c */
void emu_fingerprints_free(foil_emulator_t *emu);
/* sealed_token_mint.c */
foil_status_t emu_seal_token(foil_emulator_t *emu, uint64_t index, int version,
                             const char *const *secrets, size_t nsecrets, char **out);
/* faults.c */
/* The fault for this request (consumes one use) or 0 with *out untouched. */
int emu_fault_take(foil_emulator_t *emu, const char *method, const char *path, emu_fault_t *out);
void emu_fault_free(void *p);
/* parked_connections.c: start the timer thread (0 or -1). */
int emu_parking_start(emu_parking_t *p);
/* From a request handler: suspend `conn` and resume it delay_ms from now (libmicrohttpd then
 * calls the handler again). `node` lives until then. -1 when stopping: answer at once. */
int emu_parking_park(emu_parking_t *p, emu_parked_t *node, struct MHD_Connection *conn,
                     unsigned delay_ms);
/* Before MHD_stop_daemon: park nothing more, resume every parked connection, join the timer. */
void emu_parking_stop(emu_parking_t *p);
/* After MHD_stop_daemon (no handler runs any more). */
void emu_parking_free(emu_parking_t *p);
/* rate_limit.c: 1 when allowed (adds headers), 0 when limited (answers 429). */
int emu_rate_limit(emu_request_t *req, emu_response_t *resp);
void emu_bucket_free(void *p);
/* router.c */
void emu_route(emu_request_t *req, emu_response_t *resp);
/* consent_page.c */
void emu_consent_page(emu_request_t *req, emu_response_t *resp);
void emu_consent_decision(emu_request_t *req, emu_response_t *resp);
/* server.c */
/* 1 when `host` is "localhost", an IPv4 address in 127.0.0.0/8 or ::1: the only addresses
 * served, as /_emulator (no auth) mints secret keys and approves signups. */
int emu_host_is_loopback(const char *host);
foil_status_t emu_server_start(foil_emulator_t *emu);
void emu_server_stop(foil_emulator_t *emu);

/* Route handlers. */
void emu_h_registry_list(emu_request_t *, emu_response_t *);
void emu_h_registry_get(emu_request_t *, emu_response_t *);
void emu_h_services_list(emu_request_t *, emu_response_t *);
void emu_h_services_create(emu_request_t *, emu_response_t *);
void emu_h_services_get(emu_request_t *, emu_response_t *);
void emu_h_services_update(emu_request_t *, emu_response_t *);
void emu_h_services_disable(emu_request_t *, emu_response_t *);
void emu_h_gate_create(emu_request_t *, emu_response_t *);
void emu_h_gate_poll(emu_request_t *, emu_response_t *);
void emu_h_gate_ack(emu_request_t *, emu_response_t *);
void emu_h_login_create(emu_request_t *, emu_response_t *);
void emu_h_login_consume(emu_request_t *, emu_response_t *);
void emu_h_agent_verify(emu_request_t *, emu_response_t *);
void emu_h_agent_revoke(emu_request_t *, emu_response_t *);
void emu_h_sessions_list(emu_request_t *, emu_response_t *);
void emu_h_sessions_get(emu_request_t *, emu_response_t *);
void emu_h_sessions_update(emu_request_t *, emu_response_t *);
void emu_h_fingerprints_list(emu_request_t *, emu_response_t *);
void emu_h_fingerprints_get(emu_request_t *, emu_response_t *);
void emu_h_org_create(emu_request_t *, emu_response_t *);
void emu_h_org_get(emu_request_t *, emu_response_t *);
void emu_h_org_update(emu_request_t *, emu_response_t *);
void emu_h_keys_list(emu_request_t *, emu_response_t *);
void emu_h_keys_create(emu_request_t *, emu_response_t *);
void emu_h_keys_update(emu_request_t *, emu_response_t *);
void emu_h_keys_revoke(emu_request_t *, emu_response_t *);
void emu_h_keys_rotate(emu_request_t *, emu_response_t *);
void emu_h_endpoints_list(emu_request_t *, emu_response_t *);
void emu_h_endpoints_create(emu_request_t *, emu_response_t *);
void emu_h_endpoints_update(emu_request_t *, emu_response_t *);
void emu_h_endpoints_disable(emu_request_t *, emu_response_t *);
void emu_h_endpoints_rotate(emu_request_t *, emu_response_t *);
void emu_h_endpoints_test(emu_request_t *, emu_response_t *);
void emu_h_events_list(emu_request_t *, emu_response_t *);
void emu_h_events_get(emu_request_t *, emu_response_t *);
/* emulator-only routes (emulator_routes.c) */
void emu_h_x_gate_approve(emu_request_t *, emu_response_t *);
void emu_h_x_gate_deny(emu_request_t *, emu_response_t *);
void emu_h_x_login_approve(emu_request_t *, emu_response_t *);
void emu_h_x_sealed_token(emu_request_t *, emu_response_t *);
void emu_h_x_faults_add(emu_request_t *, emu_response_t *);
void emu_h_x_faults_clear(emu_request_t *, emu_response_t *);
void emu_h_x_secret_keys(emu_request_t *, emu_response_t *);
void emu_h_x_info(emu_request_t *, emu_response_t *);
void emu_h_x_webhook_sink(emu_request_t *, emu_response_t *);

/* Shared small helpers (json_util.c). */
cJSON *emu_json_iso(int64_t ms);                               /* string or null when ms == 0 */
void emu_json_set(cJSON *obj, const char *name, cJSON *value); /* replace or add */
char *emu_strdup(const char *s);
void emu_log(const char *fmt, ...);

#endif

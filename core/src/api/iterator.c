/* foil_iter_t: walks a cursor-paginated list, one page in memory at a time; the next page
 * is requested while the caller reads the current one (foil_client_set_prefetch). */
#include "iterator.h"
#include "cursor_guess.h"
#include "run.h"

#include "json/json_projection.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef enum { WALK_UNSTARTED, WALK_ITEMS, WALK_PAGES } walk_mode;

struct foil_iter {
    /* Taken by every call but foil_iter_free(): threads sharing an iterator take turns,
     * each call handing out the next item or page. */
    pthread_mutex_t lock;
    foil_client_t *client;
    foil_op_t op;
    char *path_args[2];
    char *names[FOIL_REQUEST_MAX_QUERY];
    char *values[FOIL_REQUEST_MAX_QUERY];
    size_t query_count;
    char *cursor;                /* cursor of the next page to fetch; NULL for the first */
    foil_request_ahead_t *ahead; /* the request for `cursor`'s page, when started */
    /* The request for the page after it, started on `guess`, the next_cursor read from
     * the raw answer before it is parsed (cursor_guess.h); fetch() keeps it as `ahead`
     * only when the parsed page names the same cursor. */
    foil_request_ahead_t *guessed;
    char *guess;
    walk_mode mode;                 /* items or whole pages: not both */
    foil_json_projection_t *fields; /* NULL, or what each item keeps (foil_iter_set_fields) */
    foil_page_t *page;
    size_t index;
    bool last_page;
    size_t position;
    size_t pages;
    /* Every cursor followed so far, as keyed 64-bit hashes in an open-addressing set: a
     * server that hands back any of them again (a cycle of any length) would make the
     * walk endless. */
    uint64_t *seen;
    size_t seen_count, seen_cap;
    unsigned char seen_key[crypto_shorthash_KEYBYTES];
    foil_error_t *error; /* copy of the last failure of foil_iter_next (foil_iter_error) */
};

static uint64_t cursor_hash(const foil_iter_t *it, const char *cursor) {
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, (const unsigned char *)cursor, strlen(cursor), it->seen_key);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h ? h : 1; /* 0 marks an empty slot */
}

/* Adds the cursor to the seen set: 1 when new, 0 when seen before, -1 out of memory. */
static int remember_cursor(foil_iter_t *it, const char *cursor) {
    if ((it->seen_count + 1) * 2 > it->seen_cap) {
        size_t cap = it->seen_cap ? it->seen_cap * 2 : 64;
        uint64_t *grown = calloc(cap, sizeof *grown);
        if (!grown) return -1;
        for (size_t i = 0; i < it->seen_cap; i++) {
            if (!it->seen[i]) continue;
            size_t j = (size_t)(it->seen[i] & (cap - 1));
            while (grown[j])
                j = (j + 1) & (cap - 1);
            grown[j] = it->seen[i];
        }
        free(it->seen);
        it->seen = grown;
        it->seen_cap = cap;
    }
    uint64_t h = cursor_hash(it, cursor);
    size_t j = (size_t)(h & (it->seen_cap - 1));
    for (; it->seen[j]; j = (j + 1) & (it->seen_cap - 1))
        if (it->seen[j] == h) return 0;
    it->seen[j] = h;
    it->seen_count++;
    return 1;
}

foil_status_t foil_iter_create(foil_client_t *client, const foil_request_t *tmpl,
                               foil_iter_t **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!client)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "client", "must not be NULL", NULL, NULL);
    foil_iter_t *it = calloc(1, sizeof *it);
    if (!it) return foil_fail_nomem();
    if (pthread_mutex_init(&it->lock, NULL) != 0) {
        free(it);
        return foil_fail_nomem();
    }
    it->op = tmpl->op;
    bool ok = true;
    for (size_t i = 0; i < 2; i++)
        if (tmpl->path_args[i]) ok = ok && (it->path_args[i] = foil_strdup(tmpl->path_args[i]));
    for (size_t i = 0; i < tmpl->query_count; i++) {
        ok = ok && (it->names[i] = foil_strdup(tmpl->query[i].name)) &&
             (it->values[i] = foil_strdup(tmpl->query[i].value));
        it->query_count = i + 1;
    }
    if (!ok) {
        foil_iter_free(it);
        return foil_fail_nomem();
    }
    randombytes_buf(it->seen_key, sizeof it->seen_key);
    foil_client_retain(client);
    it->client = client;
    *out = it;
    return FOIL_OK;
}

static void page_request(const foil_iter_t *it, const char *cursor, foil_request_t *req) {
    *req = (foil_request_t){.op = it->op, .path_args = {it->path_args[0], it->path_args[1]}};
    for (size_t i = 0; i < it->query_count; i++)
        foil_request_query(req, it->names[i], it->values[i]);
    foil_request_query(req, "cursor", cursor);
    req->projection = it->fields;
}

static void forget_guess(foil_iter_t *it) {
    foil_request_ahead_drop(it->guessed);
    free(it->guess);
    it->guess = NULL;
}

/* Once the answer for it->cursor is in, and before it is parsed: start the request for
 * the page after it on the cursor its last bytes name. */
static void start_guessed(foil_iter_t *it, const char *body, size_t len) {
    forget_guess(it);
    if (!it->client->prefetch || !(it->guess = foil_cursor_guess(body, len))) return;
    if (!it->guessed && !(it->guessed = foil_request_ahead_new())) return;
    foil_request_t req;
    page_request(it, it->guess, &req);
    foil_request_ahead_start(it->guessed, it->client, &req);
}

/* The page for it->cursor: the answer to the request started ahead when it is a good one,
 * else sent now (retries and typed errors as for any call). */
static foil_status_t get_page(foil_iter_t *it, foil_page_t **page) {
    if (it->ahead) { /* FOIL_E_STATE when no request was started */
        size_t len = 0;
        const char *body = foil_request_ahead_body(it->ahead, &len);
        if (body) start_guessed(it, body, len);
        foil_response_t response;
        foil_status_t st = foil_request_ahead_finish(it->ahead, &response);
        if (st == FOIL_OK && foil_page_from_response(&response, page) == FOIL_OK) return FOIL_OK;
        if (st == FOIL_E_CANCELLED) return st;
    }
    foil_request_t req;
    page_request(it, it->cursor, &req);
    foil_run_t run = {.client = it->client, .page = page};
    return foil_run_request(&run, &req);
}

/* Request the page after the one just taken (cursor `next`): the request started on the
 * guess when the guess was right, else a new one. */
static void start_next(foil_iter_t *it, const char *next) {
    if (it->guess && strcmp(it->guess, next) == 0) {
        foil_request_ahead_t *spare = it->ahead; /* finished: idle */
        it->ahead = it->guessed;
        it->guessed = spare;
        free(it->guess);
        it->guess = NULL;
        return;
    }
    forget_guess(it);
    if (!it->ahead) it->ahead = foil_request_ahead_new();
    foil_request_t req;
    page_request(it, next, &req);
    if (it->ahead) foil_request_ahead_start(it->ahead, it->client, &req);
}

static foil_status_t fetch_page(foil_iter_t *it) {
    foil_page_t *page = NULL;
    foil_status_t st = get_page(it, &page);
    if (st != FOIL_OK) return st;
    const char *next = foil_page_next_cursor(page);
    bool more = foil_page_has_more(page);
    if (more && foil_str_empty(next)) {
        foil_page_free(page);
        return foil_fail(FOIL_E_PROTOCOL, "list says has_more but gives no next_cursor");
    }
    int fresh = more ? remember_cursor(it, next) : 1;
    if (fresh <= 0) {
        foil_page_free(page);
        if (fresh < 0) return foil_fail_nomem();
        return foil_fail(FOIL_E_PROTOCOL,
                         "list repeats a next_cursor it gave before (page %zu): the walk would "
                         "never end",
                         it->pages + 1);
    }
    char *next_copy = NULL;
    if (more && !(next_copy = foil_strdup(next))) {
        foil_page_free(page);
        return foil_fail_nomem();
    }
    foil_page_free(it->page);
    free(it->cursor);
    it->page = page;
    it->cursor = next_copy;
    it->index = 0;
    it->last_page = !more;
    it->pages++;
    if (more && it->client->prefetch) start_next(it, it->cursor);
    return FOIL_OK;
}

static foil_status_t fetch(foil_iter_t *it) {
    foil_status_t st = fetch_page(it);
    forget_guess(it); /* a guess not taken up by start_next: its request is not wanted */
    return st;
}

/* Keep a failure on the handle, readable from any thread (foil_iter_error). */
static foil_status_t keep_error(foil_iter_t *it, foil_status_t st) {
    foil_error_free(it->error);
    it->error = NULL;
    if (foil_error_copy(foil_last_error(), &it->error) != FOIL_OK) return FOIL_E_NOMEM;
    return st;
}

static foil_status_t enter_mode(foil_iter_t *it, walk_mode mode) {
    if (it->mode != WALK_UNSTARTED && it->mode != mode)
        return keep_error(it,
                          foil_fail(FOIL_E_STATE, "an iterator walks items or pages, not both"));
    it->mode = mode;
    return FOIL_OK;
}

/* The lock is state, not part of the value: const getters take it too. */
static void lock(const foil_iter_t *it) {
    pthread_mutex_lock(&((foil_iter_t *)it)->lock);
}

static void unlock(const foil_iter_t *it) {
    pthread_mutex_unlock(&((foil_iter_t *)it)->lock);
}

static foil_status_t next_page(foil_iter_t *it, foil_page_t **page) {
    foil_status_t st = enter_mode(it, WALK_PAGES);
    if (st != FOIL_OK) return st;
    if (it->pages > 0 && it->last_page) return FOIL_OK;
    if ((st = fetch(it)) != FOIL_OK) return keep_error(it, st);
    *page = it->page;
    it->page = NULL;
    it->position += foil_page_count(*page);
    return FOIL_OK;
}

foil_status_t foil_iter_next_page(foil_iter_t *it, foil_page_t **page) {
    if (!page)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "page", "must not be NULL", NULL, NULL);
    *page = NULL;
    if (!it) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "it", "must not be NULL", NULL, NULL);
    lock(it);
    foil_status_t st = next_page(it, page);
    unlock(it);
    return st;
}

static foil_status_t next_item(foil_iter_t *it, const foil_json_t **item) {
    foil_status_t st = enter_mode(it, WALK_ITEMS);
    if (st != FOIL_OK) return st;
    for (;;) {
        if (it->page && it->index < foil_page_count(it->page)) {
            *item = foil_page_item(it->page, it->index++);
            it->position++;
            return FOIL_OK;
        }
        if (it->page && it->last_page) return FOIL_OK;
        if ((st = fetch(it)) != FOIL_OK) return keep_error(it, st);
    }
}

foil_status_t foil_iter_next(foil_iter_t *it, const foil_json_t **item) {
    if (!item)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "item", "must not be NULL", NULL, NULL);
    *item = NULL;
    if (!it) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "it", "must not be NULL", NULL, NULL);
    lock(it);
    foil_status_t st = next_item(it, item);
    unlock(it);
    return st;
}

foil_status_t foil_iter_set_fields(foil_iter_t *it, const char *fields_json) {
    if (!it) return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "it", "must not be NULL", NULL, NULL);
    foil_json_projection_t *fields = NULL;
    foil_status_t st = foil_json_projection_new(fields_json, &fields);
    if (st != FOIL_OK) return st;
    lock(it);
    if (it->pages > 0 || it->mode != WALK_UNSTARTED) {
        unlock(it);
        foil_json_projection_free(fields);
        return foil_fail(FOIL_E_STATE, "fields are set before the walk starts");
    }
    foil_json_projection_free(it->fields);
    it->fields = fields;
    unlock(it);
    return FOIL_OK;
}

#define LOCKED_GETTER(type, name, fallback, member)                                                \
    type foil_iter_##name(const foil_iter_t *it) {                                                 \
        if (!it) return fallback;                                                                  \
        lock(it);                                                                                  \
        type value = it->member;                                                                   \
        unlock(it);                                                                                \
        return value;                                                                              \
    }
LOCKED_GETTER(const foil_error_t *, error, NULL, error)
LOCKED_GETTER(size_t, position, 0, position)
LOCKED_GETTER(size_t, pages, 0, pages)

void foil_iter_free(foil_iter_t *it) {
    if (!it) return;
    foil_request_ahead_free(it->ahead);
    foil_request_ahead_free(it->guessed);
    free(it->guess);
    foil_page_free(it->page);
    free(it->cursor);
    free(it->seen);
    for (size_t i = 0; i < 2; i++)
        free(it->path_args[i]);
    for (size_t i = 0; i < FOIL_REQUEST_MAX_QUERY; i++) {
        free(it->names[i]);
        free(it->values[i]);
    }
    foil_error_free(it->error);
    foil_json_projection_free(it->fields);
    foil_client_release(it->client);
    pthread_mutex_destroy(&it->lock);
    free(it);
}

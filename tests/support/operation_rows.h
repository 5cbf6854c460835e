/* Every operation of the table run two ways against the embedded emulator and compared:
 * through foil_call, and through the way a test checks (the typed functions, the sans-IO
 * core). One row per operation by its SDK name, in an order where each finds the objects
 * the rows before it made. A read runs on the same object both ways and gives the same
 * document (but for request ids and the calling key's last use); a write runs on twin
 * objects (a key revoked once cannot be again) and gives the same shape. */
#ifndef FOIL_TEST_OPERATION_ROWS_H
#define FOIL_TEST_OPERATION_ROWS_H

#include "foil/foil.h"
#include "foil_emulator.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* The two sides: the objects foil_call works on, and the twins the other way writes. */
enum operation_side { BY_CALL, BY_TWIN };

/* The values the rows share, one per side; {NAME} in a row's params is the side's value. */
enum operation_var {
    ORG,
    ORG2,
    SLUG,
    SID,
    VID,
    KEY,
    EP,
    EVT,
    SVC,
    DELIVERY,
    GS,
    POLL,
    ACK,
    AGENT,
    LOGIN,
    CODE,
    OPERATION_NVARS
};

typedef struct operation_twins operation_twins_t;

typedef struct operation_row {
    const char *op;     /* SDK name */
    const char *params; /* {VAR} is replaced by the side's value (JSON-escaped as is) */
    bool same;          /* a read of one object: equal documents; else a write: equal shapes */
    struct {
        enum operation_var var;
        const char *path; /* this path of each side's answer becomes the side's value */
    } capture[2];
    void (*before)(operation_twins_t *t);
    void (*after)(operation_twins_t *t, cJSON *const answers[2]);
} operation_row_t;

/* The way a test runs a row besides foil_call, and what else it checks of every answer. */
typedef struct operation_way {
    const char *name; /* in failure messages */
    /* Runs `row` (operation index `op`) on the objects of side `values` (BY_CALL for a
     * read); the answer's JSON, NULL for no content. Fails the test when the call fails. */
    cJSON *(*run)(void *ctx, const operation_twins_t *t, const operation_row_t *row, size_t op,
                  int values);
    /* Optional: more checks of each side's answer (NULL: no content). */
    void (*check)(void *ctx, const operation_row_t *row, size_t op, const cJSON *answer);
    void *ctx;
} operation_way_t;

/* Adds the service "acme" the rows use to `emu`, and the values both sides start from (the
 * demo organization, a seeded session each, a slug and a service id each). */
operation_twins_t *operation_twins_new(foil_emulator_t *emu);
void operation_twins_free(operation_twins_t *t);
/* The side's value of `v`. */
const char *operation_twins_value(const operation_twins_t *t, enum operation_var v, int side);
/* `tmpl` with every {VAR} replaced by the side's value, malloc'd (NULL for NULL). */
char *operation_twins_expand(const operation_twins_t *t, const char *tmpl, int side);

/* A successful call's answer as JSON, `r` freed (NULL: no content); a failure fails the
 * test, naming the operation, the way and the error. */
cJSON *operation_answer(const char *op, const char *way, foil_status_t st, foil_result_t *r,
                        const foil_error_t *err);

/* Every row in order, each operation of the table exactly once: foil_call on `client`,
 * then way->run; the answers compared, checked by way->check, and their captures kept. */
void operation_rows_run(operation_twins_t *t, foil_client_t *client, const operation_way_t *way);

#endif

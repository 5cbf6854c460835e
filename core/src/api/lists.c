/* The cursor-paginated lists, prepared once from the operation table: the client, the
 * path parameters (required), limit (1..200, 0: the API default), then the value rules
 * below, in that order; the query in table order with the cursor last. */
#include "run.h"
#include "contract/values.h"
#include "validate.h"

#include <string.h>

static const char *const fingerprint_sorts[] = {"seen_count", "first_seen", NULL};

/* What the table's types do not say: the values a list's query parameter may take
 * (allowed NULL: any non-empty string). */
static const struct query_rule {
    foil_op_t op;
    const char *name;
    const char *const *allowed;
} rules[] = {
    {FOIL_OP_LIST_SESSIONS, "verdict", foil_values_session_verdicts},
    {FOIL_OP_LIST_FINGERPRINTS, "sort", fingerprint_sorts},
    {FOIL_OP_LIST_EVENTS, "endpoint_id", NULL},
    {FOIL_OP_LIST_EVENTS, "type", foil_values_webhook_event_types},
};

static const char *value_of(const foil_list_arg_t *args, const char *name) {
    for (; args && args->name; args++)
        if (strcmp(args->name, name) == 0) return args->value;
    return NULL;
}

/* The request for the list's first page (and the cursor's, with_cursor); limit_text holds
 * the limit's query value, so it lives as long as *req. */
static foil_status_t prepare(foil_op_t op, int limit, const foil_list_arg_t *args, bool with_cursor,
                             foil_int_text_t *limit_text, foil_request_t *req) {
    foil_status_t st;
    const foil_param_t *params = foil_operation_get(op)->params;
    *req = (foil_request_t){.op = op};
    size_t path = 0;
    for (const foil_param_t *p = params; p->name; p++) {
        if (p->in != FOIL_PARAM_PATH) continue;
        const char *value = value_of(args, p->name);
        if ((st = foil_check_required(value, p->name)) != FOIL_OK) return st;
        req->path_args[path++] = value;
    }
    const char *limit_value = NULL;
    if ((st = foil_check_limit(limit, limit_text, &limit_value)) != FOIL_OK) return st;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].op != op) continue;
        const char *value = value_of(args, rules[i].name);
        st = rules[i].allowed ? foil_check_enum(value, rules[i].name, rules[i].allowed)
                              : foil_check_optional(value, rules[i].name);
        if (st != FOIL_OK) return st;
    }
    for (const foil_param_t *p = params; p->name; p++)
        if (p->in == FOIL_PARAM_QUERY && strcmp(p->name, "cursor") != 0)
            foil_request_query(req, p->name,
                               strcmp(p->name, "limit") == 0 ? limit_value
                                                             : value_of(args, p->name));
    if (with_cursor) foil_request_query(req, "cursor", value_of(args, "cursor"));
    return FOIL_OK;
}

foil_status_t foil_list_run(const foil_run_t *run, foil_op_t op, int limit,
                            const foil_list_arg_t *args) {
    foil_int_text_t limit_text;
    foil_request_t req;
    foil_status_t st = prepare(op, limit, args, true, &limit_text, &req);
    return st == FOIL_OK ? foil_run_request(run, &req) : st;
}

foil_status_t foil_list_page(foil_client_t *client, foil_op_t op, int limit,
                             const foil_list_arg_t *args, foil_page_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_page(&run, client, out);
    return st == FOIL_OK ? foil_list_run(&run, op, limit, args) : st;
}

foil_status_t foil_list_iter(foil_client_t *client, foil_op_t op, int limit,
                             const foil_list_arg_t *args, foil_iter_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_int_text_t limit_text;
    foil_request_t req;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = prepare(op, limit, args, false, &limit_text, &req)) != FOIL_OK)
        return st;
    return foil_iter_create(client, &req, out);
}

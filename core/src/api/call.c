/* foil_call / foil_call_iter / foil_prepare: every operation by its SDK name. The
 * parameters are checked against the operation table (operations.def), then handed to
 * the operation's run function the typed C API runs too (run.h), so validation and
 * behaviour are the typed API's, whether the request is sent or only prepared. */
#include "crypto/delivery_internal.h"
#include "json/json_tree.h"
#include "run.h"
#include "validate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS FOIL_OPERATION_MAX_PARAMS

/* The parsed params_json, by parameter index in the operation's table. */
typedef struct call_args {
    const foil_operation_t *op;
    const cJSON *values[MAX_PARAMS]; /* NULL: not given (null counts as not given unless
                                        the parameter is nullable) */
} call_args;

/* --- reading arguments ------------------------------------------------------- */

static const cJSON *arg(const call_args *a, const char *name) {
    for (size_t i = 0; a->op->params[i].name; i++)
        if (strcmp(a->op->params[i].name, name) == 0) return a->values[i];
    return NULL;
}

/* A string argument, NULL when not given. */
static const char *str(const call_args *a, const char *name) {
    const cJSON *v = arg(a, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* `limit`: 0 when not given (the API default). The typed functions read 0 as "not
 * given", so a given 0 (and anything outside int) is refused here, as they refuse
 * every other value outside 1..200. */
static foil_status_t limit_arg(const call_args *a, int *out) {
    *out = 0;
    const cJSON *v = arg(a, "limit");
    if (!v) return FOIL_OK;
    /* Clamped into int64_t first: casting a double outside it is undefined. */
    double d = v->valuedouble;
    int64_t limit = d != d ? 0 : d < -1e18 ? INT64_MIN : d > 1e18 ? INT64_MAX : (int64_t)d;
    foil_status_t st = foil_limit_check(limit);
    if (st == FOIL_OK) *out = (int)limit;
    return st;
}

/* Compact JSON text of an object argument (NULL when not given). */
static foil_status_t object_text(const call_args *a, const char *name, char **out) {
    *out = NULL;
    const cJSON *v = arg(a, name);
    if (!v) return FOIL_OK;
    return foil_json_print(v, out);
}

/* The body parameters given, as a JSON object's text. An update needs at least one. */
static foil_status_t body_text(const call_args *a, bool need_one, char **out) {
    *out = NULL;
    cJSON *body = cJSON_CreateObject();
    if (!body) return foil_fail_nomem();
    char names[256] = "";
    for (size_t i = 0; a->op->params[i].name; i++) {
        const foil_param_t *p = &a->op->params[i];
        if (p->in != FOIL_PARAM_BODY) continue;
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "one of ", p->name);
        if (!a->values[i]) continue;
        cJSON *copy = cJSON_Duplicate(a->values[i], true);
        if (!copy || !cJSON_AddItemToObject(body, p->name, copy)) {
            cJSON_Delete(copy);
            foil_json_wipe_delete(body);
            return foil_fail_nomem();
        }
    }
    foil_status_t st = FOIL_OK;
    if (need_one && !body->child)
        st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, "params_json",
                             "must set at least one property to change", names, NULL);
    else
        st = foil_json_print(body, out);
    foil_json_wipe_delete(body);
    return st;
}

/* --- one adapter per operation that is not a paginated list: call_<ID> ------------ */

#define ARGS const foil_run_t *run, const call_args *a
#define S(name) str(a, name)

/* Run an operation that takes a JSON body text, then wipe and free the text. */
typedef foil_status_t (*with_body_fn)(const foil_run_t *, const call_args *, const char *);
static foil_status_t with_body(ARGS, bool need_one, with_body_fn fn) {
    char *body = NULL;
    foil_status_t st = body_text(a, need_one, &body);
    if (st == FOIL_OK) st = fn(run, a, body);
    foil_wipe_free(body);
    return st;
}

static foil_status_t call_GET_SESSION(ARGS) {
    return foil_run_sessions_get(run, S("session_id"));
}
static foil_status_t call_UPDATE_SESSION(ARGS) {
    const char *user = S("client_user_id"); /* required: a string, or null to clear */
    foil_status_t st = user ? foil_check_required(user, "client_user_id") : FOIL_OK;
    return st == FOIL_OK ? foil_run_sessions_update_client_user(run, S("session_id"), user) : st;
}
static foil_status_t call_GET_FINGERPRINT(ARGS) {
    return foil_run_fingerprints_get(run, S("visitor_id"));
}
static foil_status_t call_CREATE_ORGANIZATION(ARGS) {
    return foil_run_organizations_create(run, S("name"), S("slug"));
}
static foil_status_t call_GET_ORGANIZATION(ARGS) {
    return foil_run_organizations_get(run, S("organization_id"));
}
#define BODY_ARGS const foil_run_t *run, const call_args *a, const char *body

static foil_status_t update_organization(BODY_ARGS) {
    return foil_run_organizations_update(run, S("organization_id"), body);
}
static foil_status_t call_UPDATE_ORGANIZATION(ARGS) {
    return with_body(run, a, true, update_organization);
}
static foil_status_t create_api_key(BODY_ARGS) {
    return foil_run_api_keys_create(run, S("organization_id"), body);
}
static foil_status_t call_CREATE_API_KEY(ARGS) {
    return with_body(run, a, false, create_api_key);
}
static foil_status_t call_REVOKE_API_KEY(ARGS) {
    return foil_run_api_keys_action(run, FOIL_OP_REVOKE_API_KEY, S("organization_id"), S("key_id"));
}
static foil_status_t update_api_key(BODY_ARGS) {
    return foil_run_api_keys_update(run, S("organization_id"), S("key_id"), body);
}
static foil_status_t call_UPDATE_API_KEY(ARGS) {
    return with_body(run, a, true, update_api_key);
}
static foil_status_t call_ROTATE_API_KEY(ARGS) {
    return foil_run_api_keys_action(run, FOIL_OP_ROTATE_API_KEY, S("organization_id"), S("key_id"));
}
static foil_status_t create_endpoint(BODY_ARGS) {
    return foil_run_webhooks_create_endpoint(run, S("organization_id"), body);
}
static foil_status_t call_CREATE_WEBHOOK_ENDPOINT(ARGS) {
    return with_body(run, a, false, create_endpoint);
}
static foil_status_t update_endpoint(BODY_ARGS) {
    return foil_run_webhooks_update_endpoint(run, S("organization_id"), S("endpoint_id"), body);
}
static foil_status_t call_UPDATE_WEBHOOK_ENDPOINT(ARGS) {
    return with_body(run, a, true, update_endpoint);
}
static foil_status_t endpoint_action(ARGS, foil_op_t op) {
    return foil_run_webhooks_endpoint_action(run, op, S("organization_id"), S("endpoint_id"));
}
static foil_status_t call_DISABLE_WEBHOOK_ENDPOINT(ARGS) {
    return endpoint_action(run, a, FOIL_OP_DISABLE_WEBHOOK_ENDPOINT);
}
static foil_status_t call_ROTATE_WEBHOOK_SECRET(ARGS) {
    return endpoint_action(run, a, FOIL_OP_ROTATE_WEBHOOK_SECRET);
}
static foil_status_t call_SEND_TEST_WEBHOOK(ARGS) {
    return endpoint_action(run, a, FOIL_OP_SEND_TEST_WEBHOOK);
}
static foil_status_t call_RETRIEVE_EVENT(ARGS) {
    return foil_run_webhooks_retrieve_event(run, S("organization_id"), S("event_id"));
}
static foil_status_t call_LIST_GATE_REGISTRY(ARGS) {
    (void)a;
    return foil_run_gate_registry_list(run);
}
static foil_status_t call_GET_GATE_REGISTRY_SERVICE(ARGS) {
    return foil_run_gate_registry_get(run, S("service_id"));
}
static foil_status_t call_LIST_GATE_SERVICES(ARGS) {
    (void)a;
    return foil_run_gate_services_list(run);
}
static foil_status_t create_service(BODY_ARGS) {
    (void)a;
    return foil_run_gate_services_create(run, body);
}
static foil_status_t call_CREATE_GATE_SERVICE(ARGS) {
    return with_body(run, a, false, create_service);
}
static foil_status_t call_GET_GATE_SERVICE(ARGS) {
    return foil_run_gate_services_action(run, FOIL_OP_GET_GATE_SERVICE, S("service_id"));
}
static foil_status_t update_service(BODY_ARGS) {
    return foil_run_gate_services_update(run, S("service_id"), body);
}
static foil_status_t call_UPDATE_GATE_SERVICE(ARGS) {
    return with_body(run, a, true, update_service);
}
static foil_status_t call_DISABLE_GATE_SERVICE(ARGS) {
    return foil_run_gate_services_action(run, FOIL_OP_DISABLE_GATE_SERVICE, S("service_id"));
}
static foil_status_t call_CREATE_GATE_SESSION(ARGS) {
    char *metadata = NULL, *delivery = NULL;
    foil_status_t st = object_text(a, "metadata", &metadata);
    if (st == FOIL_OK) st = object_text(a, "delivery", &delivery);
    if (st == FOIL_OK)
        st = foil_run_gate_sessions_create(run, S("service_id"), S("account_name"), metadata,
                                           delivery);
    foil_wipe_free(metadata);
    foil_wipe_free(delivery);
    return st;
}
static foil_status_t call_POLL_GATE_SESSION(ARGS) {
    return foil_run_gate_sessions_poll(run, S("gate_session_id"), S("poll_token"));
}
static foil_status_t call_ACK_GATE_SESSION(ARGS) {
    return foil_run_gate_sessions_acknowledge(run, S("gate_session_id"), S("poll_token"),
                                              S("ack_token"));
}
static foil_status_t call_CREATE_GATE_LOGIN_SESSION(ARGS) {
    return foil_run_gate_login_sessions_create(run, S("agent_token"), S("service_id"));
}
static foil_status_t call_VERIFY_GATE_AGENT_TOKEN(ARGS) {
    return foil_run_gate_agent_tokens_verify(run, S("agent_token"));
}
static foil_status_t call_REVOKE_GATE_AGENT_TOKEN(ARGS) {
    return foil_run_gate_agent_tokens_revoke(run, S("agent_token")); /* 204: no content */
}
static foil_status_t call_CONSUME_GATE_LOGIN_SESSION(ARGS) {
    return foil_run_gate_login_sessions_consume(run, S("code"));
}

/* The list's string parameters (path and query) as given, for lists.c. */
static void list_args(const call_args *a, foil_list_arg_t args[MAX_PARAMS + 1]) {
    size_t n = 0;
    for (size_t i = 0; a->op->params[i].name; i++)
        if (a->op->params[i].type == FOIL_PARAM_STRING)
            args[n++] = (foil_list_arg_t){a->op->params[i].name, str(a, a->op->params[i].name)};
    args[n] = (foil_list_arg_t){NULL, NULL};
}

/* The paginated lists have no entry: foil_list_run serves them all from the table. An
 * operation without either is an error (tests/integration/test_call.c calls each one). */
typedef foil_status_t (*call_fn)(const foil_run_t *, const call_args *);
static const call_fn calls[FOIL_OP__COUNT] = {
    [FOIL_OP_GET_SESSION] = call_GET_SESSION,
    [FOIL_OP_UPDATE_SESSION] = call_UPDATE_SESSION,
    [FOIL_OP_GET_FINGERPRINT] = call_GET_FINGERPRINT,
    [FOIL_OP_CREATE_ORGANIZATION] = call_CREATE_ORGANIZATION,
    [FOIL_OP_GET_ORGANIZATION] = call_GET_ORGANIZATION,
    [FOIL_OP_UPDATE_ORGANIZATION] = call_UPDATE_ORGANIZATION,
    [FOIL_OP_CREATE_API_KEY] = call_CREATE_API_KEY,
    [FOIL_OP_REVOKE_API_KEY] = call_REVOKE_API_KEY,
    [FOIL_OP_UPDATE_API_KEY] = call_UPDATE_API_KEY,
    [FOIL_OP_ROTATE_API_KEY] = call_ROTATE_API_KEY,
    [FOIL_OP_CREATE_WEBHOOK_ENDPOINT] = call_CREATE_WEBHOOK_ENDPOINT,
    [FOIL_OP_UPDATE_WEBHOOK_ENDPOINT] = call_UPDATE_WEBHOOK_ENDPOINT,
    [FOIL_OP_DISABLE_WEBHOOK_ENDPOINT] = call_DISABLE_WEBHOOK_ENDPOINT,
    [FOIL_OP_ROTATE_WEBHOOK_SECRET] = call_ROTATE_WEBHOOK_SECRET,
    [FOIL_OP_SEND_TEST_WEBHOOK] = call_SEND_TEST_WEBHOOK,
    [FOIL_OP_RETRIEVE_EVENT] = call_RETRIEVE_EVENT,
    [FOIL_OP_LIST_GATE_REGISTRY] = call_LIST_GATE_REGISTRY,
    [FOIL_OP_GET_GATE_REGISTRY_SERVICE] = call_GET_GATE_REGISTRY_SERVICE,
    [FOIL_OP_LIST_GATE_SERVICES] = call_LIST_GATE_SERVICES,
    [FOIL_OP_CREATE_GATE_SERVICE] = call_CREATE_GATE_SERVICE,
    [FOIL_OP_GET_GATE_SERVICE] = call_GET_GATE_SERVICE,
    [FOIL_OP_UPDATE_GATE_SERVICE] = call_UPDATE_GATE_SERVICE,
    [FOIL_OP_DISABLE_GATE_SERVICE] = call_DISABLE_GATE_SERVICE,
    [FOIL_OP_CREATE_GATE_SESSION] = call_CREATE_GATE_SESSION,
    [FOIL_OP_POLL_GATE_SESSION] = call_POLL_GATE_SESSION,
    [FOIL_OP_ACK_GATE_SESSION] = call_ACK_GATE_SESSION,
    [FOIL_OP_CREATE_GATE_LOGIN_SESSION] = call_CREATE_GATE_LOGIN_SESSION,
    [FOIL_OP_VERIFY_GATE_AGENT_TOKEN] = call_VERIFY_GATE_AGENT_TOKEN,
    [FOIL_OP_REVOKE_GATE_AGENT_TOKEN] = call_REVOKE_GATE_AGENT_TOKEN,
    [FOIL_OP_CONSUME_GATE_LOGIN_SESSION] = call_CONSUME_GATE_LOGIN_SESSION,
};

static foil_status_t dispatch(const foil_run_t *run, foil_op_t op, const call_args *a) {
    if (foil_operation_paginated(op)) {
        int limit = 0;
        foil_list_arg_t args[MAX_PARAMS + 1];
        list_args(a, args);
        foil_status_t st = limit_arg(a, &limit);
        return st == FOIL_OK ? foil_list_run(run, op, limit, args) : st;
    }
    if (!calls[op]) /* a new operation in the table without its adapter here */
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "operation", "has no adapter in call.c",
                               NULL, foil_operation_get(op)->sdk_name);
    return calls[op](run, a);
}

/* --- checking params_json against the table ------------------------------------ */

static const char *type_text(foil_param_type_t t) {
    switch (t) {
    case FOIL_PARAM_STRING:
        return "a string";
    case FOIL_PARAM_INTEGER:
        return "an integer";
    case FOIL_PARAM_BOOLEAN:
        return "true or false";
    case FOIL_PARAM_OBJECT:
        return "a JSON object";
    case FOIL_PARAM_ARRAY:
        break;
    }
    return "a JSON array";
}

static bool has_type(const cJSON *v, foil_param_type_t t) {
    switch (t) {
    case FOIL_PARAM_STRING:
        return cJSON_IsString(v);
    case FOIL_PARAM_INTEGER:
        /* Integral and exact in a double. */
        return cJSON_IsNumber(v) && isfinite(v->valuedouble) &&
               floor(v->valuedouble) == v->valuedouble &&
               fabs(v->valuedouble) <= 9007199254740992.0;
    case FOIL_PARAM_BOOLEAN:
        return cJSON_IsBool(v);
    case FOIL_PARAM_OBJECT:
        return cJSON_IsObject(v);
    case FOIL_PARAM_ARRAY:
        break;
    }
    return cJSON_IsArray(v);
}

static foil_status_t unknown_param(const foil_operation_t *op, const char *name) {
    char expected[512] = "";
    for (size_t i = 0; op->params[i].name; i++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", i ? ", " : "one of ",
                 op->params[i].name);
    }
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, name, "is not a parameter of this operation",
                           expected[0] ? expected : "no parameters", NULL);
}

/* An escaped NUL ("\u0000") in the text: the parser would end the string (or key)
 * there, silently cutting "sid_1\u0000/x" to "sid_1", so it is refused. */
static bool has_escaped_nul(const char *text) {
    for (const char *p = text; *p; p++) {
        if (*p != '\\') continue;
        if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0) return true;
        if (p[1]) p++; /* skip the escaped character: "\\u0000" is text */
    }
    return false;
}

/* Parse params_json (NULL: {}) into *root and fill `a`. On failure *root may still
 * need freeing. */
static foil_status_t parse_params(const foil_operation_t *op, const char *params_json, cJSON **root,
                                  call_args *a) {
    *a = (call_args){.op = op};
    *root = NULL;
    if (!params_json) return FOIL_OK;
    if (has_escaped_nul(params_json))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "params_json",
                               "must not contain NUL characters (\\u0000)",
                               "strings without NUL characters", NULL);
    /* Exact (big integers keep their digits); text that parser refuses is read as cJSON reads
     * it, so that the checks below name the parameter ("is given twice"). */
    foil_status_t st = foil_json_tree_parse(params_json, strlen(params_json), root);
    if (st == FOIL_E_NOMEM) return st;
    if (st != FOIL_OK) *root = cJSON_ParseWithOpts(params_json, NULL, true);
    if (!cJSON_IsObject(*root))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "params_json", "must be a JSON object",
                               "a JSON object", NULL);
    bool seen[MAX_PARAMS] = {false};
    for (const cJSON *m = (*root)->child; m; m = m->next) {
        size_t i = 0;
        while (op->params[i].name && strcmp(op->params[i].name, m->string) != 0)
            i++;
        const foil_param_t *p = &op->params[i];
        if (!p->name) return unknown_param(op, m->string);
        if (seen[i])
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, p->name, "is given twice",
                                   "each parameter once", NULL);
        seen[i] = true;
        if (cJSON_IsNull(m)) {
            if (p->flags & FOIL_PARAM_NULLABLE) a->values[i] = m;
            continue; /* null: not given */
        }
        if (!has_type(m, p->type))
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, p->name, "has the wrong JSON type",
                                   type_text(p->type), NULL);
        a->values[i] = m;
    }
    return FOIL_OK;
}

static foil_status_t check_required(const call_args *a) {
    for (size_t i = 0; a->op->params[i].name; i++) {
        const foil_param_t *p = &a->op->params[i];
        if ((p->flags & FOIL_PARAM_REQUIRED) && !a->values[i])
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, p->name, "is required",
                                   type_text(p->type), NULL);
    }
    return FOIL_OK;
}

/* The operation named `operation`, or a typed error. */
static foil_status_t find_operation(const char *operation, foil_op_t *out) {
    *out = FOIL_OP__COUNT;
    if (!operation)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "operation", "is required",
                               "an operation name such as \"sessions.list\"", NULL);
    foil_op_t op = foil_operation_find(operation);
    if (op == FOIL_OP__COUNT)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "operation", "is not a known operation",
                               "an SDK operation name such as \"sessions.list\"", operation);
    *out = op;
    return FOIL_OK;
}

/* foil_call_iter on an operation that is not a paginated list: the error names them all
 * (from the table). */
static foil_status_t paginated_only(const char *operation) {
    char expected[256] = "";
    size_t count = foil_operation_count(), listed = 0, total = 0;
    for (size_t i = 0; i < count; i++)
        total += (size_t)foil_operation_paginated(i);
    for (size_t i = 0; i < count; i++) {
        if (!foil_operation_paginated(i)) continue;
        size_t used = strlen(expected);
        listed++;
        snprintf(expected + used, sizeof expected - used, "%s%s",
                 listed == 1       ? ""
                 : listed == total ? " or "
                                   : ", ",
                 foil_operation_sdk_name(i));
    }
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "operation", "is not a paginated list",
                           expected, operation);
}

/* foil_call and foil_prepare: the operation found, params_json checked against the table,
 * then the operation run as `run` says. */
static foil_status_t run_call(const foil_run_t *run, const char *operation,
                              const char *params_json) {
    foil_op_t op = FOIL_OP__COUNT;
    cJSON *root = NULL;
    call_args a;
    foil_status_t st;
    if ((st = find_operation(operation, &op)) == FOIL_OK &&
        (st = parse_params(foil_operation_get(op), params_json, &root, &a)) == FOIL_OK &&
        (st = check_required(&a)) == FOIL_OK)
        st = dispatch(run, op, &a);
    foil_json_wipe_delete(root); /* it may hold tokens */
    return st;
}

foil_status_t foil_call(foil_client_t *client, const char *operation, const char *params_json,
                        foil_result_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    if (st == FOIL_OK) st = run_call(&run, operation, params_json);
    if (st != FOIL_OK && out) {
        foil_result_free(*out);
        *out = NULL;
    }
    return foil_error_out(st, error_out);
}

foil_status_t foil_prepare(foil_client_t *client, const char *operation, const char *params_json,
                           foil_http_request_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_run_t run;
    foil_status_t st = foil_run_start_prepare(&run, client, out);
    if (st == FOIL_OK) st = run_call(&run, operation, params_json);
    if (st != FOIL_OK && out) {
        foil_http_request_free(*out);
        *out = NULL;
    }
    return foil_error_out(st, error_out);
}

foil_status_t foil_call_iter(foil_client_t *client, const char *operation, const char *params_json,
                             foil_iter_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return foil_error_out(st, error_out);
    *out = NULL;
    foil_op_t op = FOIL_OP__COUNT;
    cJSON *root = NULL;
    call_args a;
    int limit = 0;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = find_operation(operation, &op)) != FOIL_OK)
        return foil_error_out(st, error_out);
    if (!foil_operation_paginated(op))
        st = paginated_only(operation);
    else if ((st = parse_params(foil_operation_get(op), params_json, &root, &a)) == FOIL_OK &&
             (st = check_required(&a)) == FOIL_OK) {
        if (arg(&a, "cursor"))
            st =
                foil_fail_field(FOIL_E_INVALID_ARGUMENT, "cursor", "is not taken by foil_call_iter",
                                "no cursor: iterators start at "
                                "the first page",
                                NULL);
        else if ((st = limit_arg(&a, &limit)) == FOIL_OK) {
            foil_list_arg_t args[MAX_PARAMS + 1];
            list_args(&a, args);
            st = foil_list_iter(client, op, limit, args, out);
        }
    }
    foil_json_wipe_delete(root);
    return foil_error_out(st, error_out);
}

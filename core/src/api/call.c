/* foil_call / foil_call_iter: every operation by its SDK name. The parameters are
 * checked against the operation table (operations.def), then handed to the same typed
 * function the C API offers, so validation and behaviour are the typed API's. */
#include "crypto/delivery_internal.h"
#include "http/request.h"
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
    double d = v->valuedouble;
    if (d >= 1 && d <= 200) {
        *out = (int)d;
        return FOIL_OK;
    }
    char received[32];
    snprintf(received, sizeof received, fabs(d) < 1e15 ? "%.0f" : "%g", d);
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "limit", "must be between 1 and 200", "1..200",
                           received);
}

/* Compact JSON text of an object argument (NULL when not given). */
static foil_status_t object_text(const call_args *a, const char *name, char **out) {
    *out = NULL;
    const cJSON *v = arg(a, name);
    if (!v) return FOIL_OK;
    return (*out = cJSON_PrintUnformatted(v)) ? FOIL_OK : foil_fail_nomem();
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
    else if (!(*out = cJSON_PrintUnformatted(body)))
        st = foil_fail_nomem();
    foil_json_wipe_delete(body);
    return st;
}

/* --- one adapter per operation: call_<ID> (a missing one does not compile) ------- */

#define ARGS foil_client_t *c, const call_args *a, foil_result_t **out
#define S(name) str(a, name)

/* A typed list's page as a result (the whole body). */
static foil_status_t page_result(foil_status_t st, foil_page_t *page, foil_result_t **out) {
    return st == FOIL_OK ? foil_result_from_page(page, out) : st;
}

/* Run a typed function that takes a JSON body text, then wipe and free the text. */
typedef foil_status_t (*with_body_fn)(foil_client_t *, const call_args *, const char *,
                                      foil_result_t **);
static foil_status_t with_body(ARGS, bool need_one, with_body_fn fn) {
    char *body = NULL;
    foil_status_t st = body_text(a, need_one, &body);
    if (st == FOIL_OK) st = fn(c, a, body, out);
    foil_wipe_free(body);
    return st;
}

static foil_status_t call_LIST_SESSIONS(ARGS) {
    int limit = 0;
    foil_page_t *page = NULL;
    foil_status_t st = limit_arg(a, &limit);
    if (st == FOIL_OK)
        st = foil_sessions_list(c, limit, S("cursor"), S("verdict"), S("search"), &page);
    return page_result(st, page, out);
}
static foil_status_t call_GET_SESSION(ARGS) {
    return foil_sessions_get(c, S("session_id"), out);
}
static foil_status_t call_UPDATE_SESSION(ARGS) {
    const char *user = S("client_user_id"); /* required: a string, or null to clear */
    return user ? foil_sessions_attach_client_user(c, S("session_id"), user, out)
                : foil_sessions_clear_client_user(c, S("session_id"), out);
}
static foil_status_t call_LIST_FINGERPRINTS(ARGS) {
    int limit = 0;
    foil_page_t *page = NULL;
    foil_status_t st = limit_arg(a, &limit);
    if (st == FOIL_OK)
        st = foil_fingerprints_list(c, limit, S("cursor"), S("search"), S("sort"), &page);
    return page_result(st, page, out);
}
static foil_status_t call_GET_FINGERPRINT(ARGS) {
    return foil_fingerprints_get(c, S("visitor_id"), out);
}
static foil_status_t call_CREATE_ORGANIZATION(ARGS) {
    return foil_organizations_create(c, S("name"), S("slug"), out);
}
static foil_status_t call_GET_ORGANIZATION(ARGS) {
    return foil_organizations_get(c, S("organization_id"), out);
}
#define BODY_ARGS foil_client_t *c, const call_args *a, const char *body, foil_result_t **out

static foil_status_t update_organization(BODY_ARGS) {
    return foil_organizations_update(c, S("organization_id"), body, out);
}
static foil_status_t call_UPDATE_ORGANIZATION(ARGS) {
    return with_body(c, a, out, true, update_organization);
}
static foil_status_t call_LIST_API_KEYS(ARGS) {
    int limit = 0;
    foil_page_t *page = NULL;
    foil_status_t st = limit_arg(a, &limit);
    if (st == FOIL_OK) st = foil_api_keys_list(c, S("organization_id"), limit, S("cursor"), &page);
    return page_result(st, page, out);
}
static foil_status_t create_api_key(BODY_ARGS) {
    return foil_api_keys_create(c, S("organization_id"), body, out);
}
static foil_status_t call_CREATE_API_KEY(ARGS) {
    return with_body(c, a, out, false, create_api_key);
}
static foil_status_t call_REVOKE_API_KEY(ARGS) {
    return foil_api_keys_revoke(c, S("organization_id"), S("key_id"), out);
}
static foil_status_t update_api_key(BODY_ARGS) {
    return foil_api_keys_update(c, S("organization_id"), S("key_id"), body, out);
}
static foil_status_t call_UPDATE_API_KEY(ARGS) {
    return with_body(c, a, out, true, update_api_key);
}
static foil_status_t call_ROTATE_API_KEY(ARGS) {
    return foil_api_keys_rotate(c, S("organization_id"), S("key_id"), out);
}
static foil_status_t call_LIST_WEBHOOK_ENDPOINTS(ARGS) {
    int limit = 0;
    foil_page_t *page = NULL;
    foil_status_t st = limit_arg(a, &limit);
    if (st == FOIL_OK)
        st = foil_webhooks_list_endpoints(c, S("organization_id"), limit, S("cursor"), &page);
    return page_result(st, page, out);
}
static foil_status_t create_endpoint(BODY_ARGS) {
    return foil_webhooks_create_endpoint(c, S("organization_id"), body, out);
}
static foil_status_t call_CREATE_WEBHOOK_ENDPOINT(ARGS) {
    return with_body(c, a, out, false, create_endpoint);
}
static foil_status_t update_endpoint(BODY_ARGS) {
    return foil_webhooks_update_endpoint(c, S("organization_id"), S("endpoint_id"), body, out);
}
static foil_status_t call_UPDATE_WEBHOOK_ENDPOINT(ARGS) {
    return with_body(c, a, out, true, update_endpoint);
}
static foil_status_t call_DISABLE_WEBHOOK_ENDPOINT(ARGS) {
    return foil_webhooks_disable_endpoint(c, S("organization_id"), S("endpoint_id"), out);
}
static foil_status_t call_ROTATE_WEBHOOK_SECRET(ARGS) {
    return foil_webhooks_rotate_secret(c, S("organization_id"), S("endpoint_id"), out);
}
static foil_status_t call_SEND_TEST_WEBHOOK(ARGS) {
    return foil_webhooks_send_test(c, S("organization_id"), S("endpoint_id"), out);
}
static foil_status_t call_LIST_EVENTS(ARGS) {
    int limit = 0;
    foil_page_t *page = NULL;
    foil_status_t st = limit_arg(a, &limit);
    if (st == FOIL_OK)
        st = foil_webhooks_list_events(c, S("organization_id"), limit, S("cursor"),
                                       S("endpoint_id"), S("type"), &page);
    return page_result(st, page, out);
}
static foil_status_t call_RETRIEVE_EVENT(ARGS) {
    return foil_webhooks_retrieve_event(c, S("organization_id"), S("event_id"), out);
}
static foil_status_t call_LIST_GATE_REGISTRY(ARGS) {
    (void)a;
    return foil_gate_registry_list(c, out);
}
static foil_status_t call_GET_GATE_REGISTRY_SERVICE(ARGS) {
    return foil_gate_registry_get(c, S("service_id"), out);
}
static foil_status_t call_LIST_GATE_SERVICES(ARGS) {
    (void)a;
    return foil_gate_services_list(c, out);
}
static foil_status_t create_service(BODY_ARGS) {
    (void)a;
    return foil_gate_services_create(c, body, out);
}
static foil_status_t call_CREATE_GATE_SERVICE(ARGS) {
    return with_body(c, a, out, false, create_service);
}
static foil_status_t call_GET_GATE_SERVICE(ARGS) {
    return foil_gate_services_get(c, S("service_id"), out);
}
static foil_status_t update_service(BODY_ARGS) {
    return foil_gate_services_update(c, S("service_id"), body, out);
}
static foil_status_t call_UPDATE_GATE_SERVICE(ARGS) {
    return with_body(c, a, out, true, update_service);
}
static foil_status_t call_DISABLE_GATE_SERVICE(ARGS) {
    return foil_gate_services_disable(c, S("service_id"), out);
}
static foil_status_t call_CREATE_GATE_SESSION(ARGS) {
    char *metadata = NULL, *delivery = NULL;
    foil_status_t st = object_text(a, "metadata", &metadata);
    if (st == FOIL_OK) st = object_text(a, "delivery", &delivery);
    if (st == FOIL_OK)
        st = foil_gate_sessions_create(c, S("service_id"), S("account_name"), metadata, delivery,
                                       out);
    foil_wipe_free(metadata);
    foil_wipe_free(delivery);
    return st;
}
static foil_status_t call_POLL_GATE_SESSION(ARGS) {
    return foil_gate_sessions_poll(c, S("gate_session_id"), S("poll_token"), out);
}
static foil_status_t call_ACK_GATE_SESSION(ARGS) {
    return foil_gate_sessions_acknowledge(c, S("gate_session_id"), S("poll_token"), S("ack_token"),
                                          out);
}
static foil_status_t call_CREATE_GATE_LOGIN_SESSION(ARGS) {
    return foil_gate_login_sessions_create(c, S("agent_token"), S("service_id"), out);
}
static foil_status_t call_VERIFY_GATE_AGENT_TOKEN(ARGS) {
    return foil_gate_agent_tokens_verify(c, S("agent_token"), out);
}
static foil_status_t call_REVOKE_GATE_AGENT_TOKEN(ARGS) {
    *out = NULL; /* 204: no content */
    return foil_gate_agent_tokens_revoke(c, S("agent_token"));
}
static foil_status_t call_CONSUME_GATE_LOGIN_SESSION(ARGS) {
    return foil_gate_login_sessions_consume(c, S("code"), out);
}

typedef foil_status_t (*call_fn)(foil_client_t *, const call_args *, foil_result_t **);
static const call_fn calls[FOIL_OP__COUNT] = {
#define FOIL_OPERATION(id, method, path, auth, name, sdk_name, model, params)                      \
    [FOIL_OP_##id] = call_##id,
#include "operations.def"
#undef FOIL_OPERATION
};

/* --- iterators over the paginated lists ----------------------------------------- */

#define ITER_ARGS foil_client_t *c, const call_args *a, int limit, foil_iter_t **out

static foil_status_t iter_sessions(ITER_ARGS) {
    return foil_sessions_iter(c, limit, S("verdict"), S("search"), out);
}
static foil_status_t iter_fingerprints(ITER_ARGS) {
    return foil_fingerprints_iter(c, limit, S("search"), S("sort"), out);
}
static foil_status_t iter_api_keys(ITER_ARGS) {
    return foil_api_keys_iter(c, S("organization_id"), limit, out);
}
static foil_status_t iter_endpoints(ITER_ARGS) {
    return foil_webhooks_iter_endpoints(c, S("organization_id"), limit, out);
}
static foil_status_t iter_events(ITER_ARGS) {
    return foil_webhooks_iter_events(c, S("organization_id"), limit, S("endpoint_id"), S("type"),
                                     out);
}

typedef foil_status_t (*iter_fn)(foil_client_t *, const call_args *, int, foil_iter_t **);
static const iter_fn iters[FOIL_OP__COUNT] = {
    [FOIL_OP_LIST_SESSIONS] = iter_sessions, [FOIL_OP_LIST_FINGERPRINTS] = iter_fingerprints,
    [FOIL_OP_LIST_API_KEYS] = iter_api_keys, [FOIL_OP_LIST_WEBHOOK_ENDPOINTS] = iter_endpoints,
    [FOIL_OP_LIST_EVENTS] = iter_events,
};

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
    *root = cJSON_ParseWithOpts(params_json, NULL, true);
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

/* On failure, hand the caller a copy of the calling thread's error record. */
static foil_status_t finish(foil_status_t st, foil_error_t **error_out) {
    if (st != FOIL_OK && error_out) foil_error_copy(foil_last_error(), error_out);
    return st;
}

foil_status_t foil_call(foil_client_t *client, const char *operation, const char *params_json,
                        foil_result_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return finish(st, error_out);
    *out = NULL;
    foil_op_t op = FOIL_OP__COUNT;
    cJSON *root = NULL;
    call_args a;
    if ((st = foil_check_client(client)) == FOIL_OK &&
        (st = find_operation(operation, &op)) == FOIL_OK &&
        (st = parse_params(foil_operation_get(op), params_json, &root, &a)) == FOIL_OK &&
        (st = check_required(&a)) == FOIL_OK)
        st = calls[op](client, &a, out);
    foil_json_wipe_delete(root); /* it may hold tokens */
    if (st != FOIL_OK) {
        foil_result_free(*out);
        *out = NULL;
    }
    return finish(st, error_out);
}

foil_status_t foil_call_iter(foil_client_t *client, const char *operation, const char *params_json,
                             foil_iter_t **out, foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return finish(st, error_out);
    *out = NULL;
    foil_op_t op = FOIL_OP__COUNT;
    cJSON *root = NULL;
    call_args a;
    int limit = 0;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = find_operation(operation, &op)) != FOIL_OK)
        return finish(st, error_out);
    iter_fn iter = iters[op];
    if (!iter)
        st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, "operation", "is not a paginated list",
                             "sessions.list, fingerprints.list, organizations.api_keys.list, "
                             "webhooks.list_endpoints or webhooks.list_events",
                             operation);
    else if ((st = parse_params(foil_operation_get(op), params_json, &root, &a)) == FOIL_OK &&
             (st = check_required(&a)) == FOIL_OK) {
        if (arg(&a, "cursor"))
            st =
                foil_fail_field(FOIL_E_INVALID_ARGUMENT, "cursor", "is not taken by foil_call_iter",
                                "no cursor: iterators start at "
                                "the first page",
                                NULL);
        else if ((st = limit_arg(&a, &limit)) == FOIL_OK)
            st = iter(client, &a, limit, out);
    }
    foil_json_wipe_delete(root);
    return finish(st, error_out);
}

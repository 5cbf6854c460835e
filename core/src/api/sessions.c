/* Sessions endpoints: list, iterate, get, attach / clear the client user. */
#include "iterator.h"
#include "contract/values.h"
#include "validate.h"

static foil_status_t list_request(int limit, const char *verdict, const char *search,
                                  foil_int_text_t *limit_text, foil_request_t *req) {
    const char *limit_value = NULL;
    foil_status_t st = foil_check_limit(limit, limit_text, &limit_value);
    if (st == FOIL_OK) st = foil_check_enum(verdict, "verdict", foil_values_session_verdicts);
    if (st != FOIL_OK) return st;
    *req = (foil_request_t){.op = FOIL_OP_LIST_SESSIONS};
    foil_request_query(req, "limit", limit_value);
    foil_request_query(req, "verdict", verdict);
    foil_request_query(req, "search", search);
    return FOIL_OK;
}

foil_status_t foil_sessions_list(foil_client_t *client, int limit, const char *cursor,
                                 const char *verdict, const char *search, foil_page_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_int_text_t limit_text;
    foil_request_t req;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = list_request(limit, verdict, search, &limit_text, &req)) != FOIL_OK)
        return st;
    foil_request_query(&req, "cursor", cursor);
    return foil_request_page(client, &req, out);
}

foil_status_t foil_sessions_iter(foil_client_t *client, int limit, const char *verdict,
                                 const char *search, foil_iter_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    foil_int_text_t limit_text;
    foil_request_t req;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = list_request(limit, verdict, search, &limit_text, &req)) != FOIL_OK)
        return st;
    return foil_iter_create(client, &req, out);
}

foil_status_t foil_sessions_get(foil_client_t *client, const char *session_id,
                                foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_required(session_id, "session_id")) != FOIL_OK)
        return st;
    foil_request_t req = {.op = FOIL_OP_GET_SESSION, .path_args = {session_id}};
    return foil_request_result(client, &req, out);
}

static foil_status_t update_client_user(foil_client_t *client, const char *session_id,
                                        const char *client_user_id, foil_result_t **out) {
    foil_status_t st = foil_check_out(out);
    if (st != FOIL_OK) return st;
    *out = NULL;
    if ((st = foil_check_client(client)) != FOIL_OK ||
        (st = foil_check_required(session_id, "session_id")) != FOIL_OK ||
        (st = foil_check_max_len(client_user_id, "client_user_id", 256)) != FOIL_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    if (!body || !(client_user_id ? cJSON_AddStringToObject(body, "client_user_id", client_user_id)
                                  : cJSON_AddNullToObject(body, "client_user_id"))) {
        cJSON_Delete(body);
        return foil_fail_nomem();
    }
    foil_request_t req = {.op = FOIL_OP_UPDATE_SESSION, .path_args = {session_id}, .body = body};
    st = foil_request_result(client, &req, out);
    cJSON_Delete(body);
    return st;
}

foil_status_t foil_sessions_attach_client_user(foil_client_t *client, const char *session_id,
                                               const char *client_user_id, foil_result_t **out) {
    foil_status_t st = foil_check_required(client_user_id, "client_user_id");
    if (st != FOIL_OK) {
        if (out) *out = NULL;
        return st;
    }
    return update_client_user(client, session_id, client_user_id, out);
}

foil_status_t foil_sessions_clear_client_user(foil_client_t *client, const char *session_id,
                                              foil_result_t **out) {
    return update_client_user(client, session_id, NULL, out);
}

/* Sessions endpoints: list, iterate, get, attach / clear the client user. */
#include "run.h"
#include "validate.h"

foil_status_t foil_sessions_list(foil_client_t *client, int limit, const char *cursor,
                                 const char *verdict, const char *search, foil_page_t **out) {
    const foil_list_arg_t args[] = {
        {"cursor", cursor}, {"verdict", verdict}, {"search", search}, {NULL, NULL}};
    return foil_list_page(client, FOIL_OP_LIST_SESSIONS, limit, args, out);
}

foil_status_t foil_sessions_iter(foil_client_t *client, int limit, const char *verdict,
                                 const char *search, foil_iter_t **out) {
    const foil_list_arg_t args[] = {{"verdict", verdict}, {"search", search}, {NULL, NULL}};
    return foil_list_iter(client, FOIL_OP_LIST_SESSIONS, limit, args, out);
}

foil_status_t foil_run_sessions_get(const foil_run_t *run, const char *session_id) {
    foil_status_t st = foil_check_required(session_id, "session_id");
    if (st != FOIL_OK) return st;
    foil_request_t req = {.op = FOIL_OP_GET_SESSION, .path_args = {session_id}};
    return foil_run_request(run, &req);
}

foil_status_t foil_sessions_get(foil_client_t *client, const char *session_id,
                                foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_sessions_get(&run, session_id) : st;
}

foil_status_t foil_run_sessions_update_client_user(const foil_run_t *run, const char *session_id,
                                                   const char *client_user_id) {
    foil_status_t st;
    if ((st = foil_check_required(session_id, "session_id")) != FOIL_OK ||
        (st = foil_check_max_len(client_user_id, "client_user_id", 256)) != FOIL_OK)
        return st;
    cJSON *body = cJSON_CreateObject();
    if (!body || !(client_user_id ? cJSON_AddStringToObject(body, "client_user_id", client_user_id)
                                  : cJSON_AddNullToObject(body, "client_user_id"))) {
        cJSON_Delete(body);
        return foil_fail_nomem();
    }
    foil_request_t req = {.op = FOIL_OP_UPDATE_SESSION, .path_args = {session_id}, .body = body};
    st = foil_run_request(run, &req);
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
    foil_run_t run;
    if ((st = foil_run_start_result(&run, client, out)) != FOIL_OK) return st;
    return foil_run_sessions_update_client_user(&run, session_id, client_user_id);
}

foil_status_t foil_sessions_clear_client_user(foil_client_t *client, const char *session_id,
                                              foil_result_t **out) {
    foil_run_t run;
    foil_status_t st = foil_run_start_result(&run, client, out);
    return st == FOIL_OK ? foil_run_sessions_update_client_user(&run, session_id, NULL) : st;
}

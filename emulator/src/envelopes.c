/* Response envelopes: {"data", "meta"}, paginated lists and the error envelope (FOIL-API §6). */
#include "emu.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"

static const char *DOCS_URL = "https://usefoil.com/docs/api-reference/introduction";

void emu_response_header(emu_response_t *resp, const char *name, const char *value) {
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (strcmp(resp->headers[i].name, name) == 0) {
            snprintf(resp->headers[i].value, sizeof(resp->headers[i].value), "%s", value);
            return;
        }
    }
    if (resp->nheaders == EMU_MAX_HEADERS) return;
    resp->headers[resp->nheaders].name = name;
    snprintf(resp->headers[resp->nheaders].value, sizeof(resp->headers[0].value), "%s", value);
    resp->nheaders++;
}

void emu_respond_raw(emu_response_t *resp, unsigned status, const char *content_type, char *body,
                     size_t len) {
    free(resp->body);
    resp->status = status;
    resp->content_type = content_type;
    resp->body = body;
    resp->body_len = len;
}

static void respond_out_of_memory(emu_response_t *resp) {
    static const char oom[] = "{\"error\":{\"code\":\"internal.out_of_memory\"}}";
    emu_respond_raw(resp, 500, "application/json", emu_strdup(oom), sizeof(oom) - 1);
}

static void respond_json(emu_response_t *resp, unsigned status, cJSON *root) {
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text) {
        respond_out_of_memory(resp);
        return;
    }
    emu_respond_raw(resp, status, "application/json", text, strlen(text));
}

static cJSON *meta(const emu_request_t *req) {
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "request_id", req->request_id);
    return m;
}

void emu_respond_data(emu_request_t *req, emu_response_t *resp, unsigned status, cJSON *data) {
    if (!data) {
        emu_respond_error(req, resp, 500, "internal.out_of_memory", "Out of memory.", NULL);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "data", data);
    cJSON_AddItemToObject(root, "meta", meta(req));
    respond_json(resp, status, root);
}

void emu_page_begin(emu_buf_t *page, size_t capacity) {
    emu_buf_init(page, capacity);
    EMU_BUF_LIT(page, "{\"data\":[");
}

void emu_page_next_item(emu_buf_t *page) {
    if (page->len && !page->failed && page->data[page->len - 1] != '[') EMU_BUF_LIT(page, ",");
}

void emu_respond_page_end(emu_request_t *req, emu_response_t *resp, emu_buf_t *page, int limit,
                          int has_more, const char *next_cursor) {
    EMU_BUF_LIT(page, "],\"pagination\":{\"limit\":");
    emu_buf_int(page, limit);
    EMU_BUF_LIT(page, ",\"has_more\":");
    emu_buf_bool(page, has_more);
    if (has_more && next_cursor) {
        EMU_BUF_LIT(page, ",\"next_cursor\":");
        emu_buf_string(page, next_cursor);
    }
    EMU_BUF_LIT(page, "},\"meta\":{\"request_id\":");
    emu_buf_string(page, req->request_id);
    EMU_BUF_LIT(page, "}}");
    size_t len;
    char *text = emu_buf_take(page, &len);
    if (text)
        emu_respond_raw(resp, 200, "application/json", text, len);
    else
        respond_out_of_memory(resp);
}

void emu_respond_page(emu_request_t *req, emu_response_t *resp, cJSON *items, int limit,
                      int has_more, const char *next_cursor) {
    emu_buf_t page;
    emu_page_begin(&page, 4096);
    const cJSON *item;
    cJSON_ArrayForEach(item, items) {
        char *text = cJSON_PrintUnformatted(item);
        if (!text) {
            page.failed = 1;
            break;
        }
        emu_page_next_item(&page);
        emu_buf_raw(&page, text, strlen(text));
        free(text);
    }
    cJSON_Delete(items);
    emu_respond_page_end(req, resp, &page, limit, has_more, next_cursor);
}

void emu_respond_empty(emu_response_t *resp, unsigned status) {
    emu_respond_raw(resp, status, NULL, NULL, 0);
}

void emu_respond_error(emu_request_t *req, emu_response_t *resp, unsigned status, const char *code,
                       const char *message, cJSON *details) {
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddNumberToObject(e, "status", status);
    cJSON_AddBoolToObject(e, "retryable", status == 429 || status >= 500);
    cJSON_AddStringToObject(e, "request_id", req->request_id);
    cJSON_AddStringToObject(e, "docs_url", DOCS_URL);
    if (details) cJSON_AddItemToObject(e, "details", details);
    respond_json(resp, status, root);
}

void emu_respond_not_found(emu_request_t *req, emu_response_t *resp, const char *what,
                           const char *id) {
    char msg[256];
    snprintf(msg, sizeof(msg), "No %s with id '%.100s' exists or it is not visible to this key.",
             what, id ? id : "");
    emu_respond_error(req, resp, 404, "request.not_found", msg, NULL);
}

const char *emu_query(const emu_request_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *emu_header(const emu_request_t *req, const char *name) {
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

cJSON *emu_body_object(emu_request_t *req, emu_response_t *resp) {
    if (!req->body || req->body_len == 0) {
        emu_respond_error(req, resp, 400, "request.invalid_json",
                          "The request body must be a JSON object.", NULL);
        return NULL;
    }
    /* The core's parser first: cJSON would read text that is not UTF-8, cut a string at
     * \u0000 and keep the first of two members with one name (JSON.parse keeps the last), so
     * the emulator would store something else than was sent. Refused with the reason. */
    foil_document_t *doc = NULL;
    if (foil_document_parse(req->body, req->body_len, &doc) != FOIL_OK) {
        char msg[200];
        snprintf(msg, sizeof(msg), "The request body is %s.",
                 foil_error_message(foil_last_error()));
        foil_error_clear(); /* this server thread outlives the request */
        emu_respond_error(req, resp, 400, "request.invalid_json", msg, NULL);
        return NULL;
    }
    foil_document_free(doc);
    cJSON *root = cJSON_ParseWithLength(req->body, req->body_len);
    if (!root) {
        emu_respond_error(req, resp, 400, "request.invalid_json",
                          "The request body is not valid JSON.", NULL);
        return NULL;
    }
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        emu_respond_error(req, resp, 400, "request.invalid_json",
                          "The request body must be a JSON object.", NULL);
        return NULL;
    }
    return root;
}

/* The consent page a person (or a headless browser) opens from consent_url: plain HTML with
 * Approve and Deny buttons that POST a form back to /gate/decision. */
#include "emu.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct page {
    char *buf;
    size_t len, cap;
} page_t;

static void put(page_t *p, const char *s) {
    size_t n = strlen(s);
    if (p->len + n + 1 > p->cap) {
        size_t cap = (p->len + n + 1) * 2;
        char *b = realloc(p->buf, cap);
        if (!b) return;
        p->buf = b;
        p->cap = cap;
    }
    memcpy(p->buf + p->len, s, n + 1);
    p->len += n;
}

static void put_escaped(page_t *p, const char *s) {
    char one[2] = {0, 0};
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            put(p, "&lt;");
            break;
        case '>':
            put(p, "&gt;");
            break;
        case '&':
            put(p, "&amp;");
            break;
        case '"':
            put(p, "&quot;");
            break;
        case '\'':
            put(p, "&#39;");
            break;
        default:
            one[0] = *s;
            put(p, one);
        }
    }
}

static void head(page_t *p, const char *title) {
    put(p, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    put_escaped(p, title);
    put(p, "</title><style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem "
           "auto;padding:0 1rem;color:#111827}button{font-size:1rem;padding:.6rem 1.4rem;"
           "margin-right:.6rem;border-radius:.4rem;border:1px solid #117BE7;cursor:pointer}"
           "#approve{background:#117BE7;color:#fff}#deny{background:#fff;color:#117BE7}"
           ".status{padding:.8rem;border-radius:.4rem;background:#f3f4f6}</style></head><body>");
}

static void finish(emu_response_t *resp, page_t *p, unsigned status) {
    put(p, "<p><small>Foil Gate &middot; local emulator</small></p></body></html>\n");
    emu_respond_raw(resp, status, "text/html; charset=utf-8", p->buf, p->buf ? p->len : 0);
}

static void decision_form(page_t *p, const char *id, const char *token, const char *question) {
    put(p, "<p>");
    put_escaped(p, question);
    put(p, "</p><form id=\"consent\" method=\"post\" action=\"/gate/decision\">"
           "<input type=\"hidden\" name=\"session\" value=\"");
    put_escaped(p, id);
    put(p, "\"><input type=\"hidden\" name=\"token\" value=\"");
    put_escaped(p, token);
    put(p, "\"><button id=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">"
           "Approve</button><button id=\"deny\" type=\"submit\" name=\"decision\" "
           "value=\"deny\">Deny</button></form>");
}

static void status_line(page_t *p, const char *id, const char *status, const char *text) {
    put(p, "<p class=\"status\" id=\"status\" data-status=\"");
    put(p, status);
    put(p, "\" data-session=\"");
    put_escaped(p, id);
    put(p, "\">");
    put_escaped(p, text);
    put(p, "</p>");
}

static char *joined(const char *a, const char *b) {
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (!s) return NULL;
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

/* The service's display name (emu->lock taken here). */
static char *service_name(foil_emulator_t *emu, const char *service_id) {
    pthread_mutex_lock(&emu->lock);
    emu_service_t *s = emu_service_find(emu, service_id);
    const cJSON *n = s ? cJSON_GetObjectItemCaseSensitive(s->entry, "name") : NULL;
    char *name = emu_strdup(cJSON_IsString(n) ? n->valuestring : service_id);
    pthread_mutex_unlock(&emu->lock);
    return name;
}

static int render_signup(emu_request_t *req, page_t *p, const char *id) {
    foil_emulator_t *emu = req->emu;
    char token[EMU_ID_MAX], service[40], error[200] = "";
    char *account = NULL;
    const char *status;
    pthread_mutex_lock(&emu->gate_lock);
    emu_gate_session_t *s = emu_map_get(&emu->gate_sessions, id);
    if (!s) {
        pthread_mutex_unlock(&emu->gate_lock);
        return 0;
    }
    int64_t now = emu_now_ms();
    switch (s->state) {
    case EMU_GATE_APPROVED:
    case EMU_GATE_CONSUMED:
        status = "approved";
        break;
    case EMU_GATE_REJECTED:
        status = "rejected";
        break;
    case EMU_GATE_APPROVING:
        status = "approving";
        break;
    default:
        status = now > s->expires_ms ? "expired" : "pending";
    }
    snprintf(token, sizeof(token), "%s", s->approval_token);
    snprintf(service, sizeof(service), "%s", s->service_id);
    if (s->error) snprintf(error, sizeof(error), "%s", s->error);
    account = emu_strdup(s->account_name);
    pthread_mutex_unlock(&emu->gate_lock);

    char *name = service_name(emu, service);
    /* Whole: a fixed buffer would cut a long name inside a UTF-8 character. */
    char *title = joined("Sign up to ", name ? name : service);
    head(p, title ? title : "Foil Gate");
    put(p, "<h1>");
    put_escaped(p, title ? title : "Foil Gate");
    free(title);
    put(p, "</h1><p>A command-line tool asks to create the account <strong id=\"account\">");
    put_escaped(p, account);
    put(p, "</strong> and receive its credentials, encrypted to a key only it holds.</p>");
    if (error[0]) {
        put(p, "<p class=\"status\" id=\"error\">");
        put_escaped(p, error);
        put(p, "</p>");
    }
    if (strcmp(status, "pending") == 0)
        decision_form(p, id, token, "Do you approve this signup?");
    else if (strcmp(status, "approved") == 0)
        status_line(p, id, status, "Approved. You can return to your terminal.");
    else if (strcmp(status, "rejected") == 0)
        status_line(p, id, status, "Denied. No account was created.");
    else
        status_line(p, id, status, "This signup request has expired.");
    free(name);
    free(account);
    return 1;
}

static int render_login(emu_request_t *req, page_t *p, const char *id) {
    foil_emulator_t *emu = req->emu;
    pthread_mutex_lock(&emu->lock);
    emu_login_session_t *s = emu_map_get(&emu->login_sessions, id);
    if (!s) {
        pthread_mutex_unlock(&emu->lock);
        return 0;
    }
    char token[EMU_ID_MAX], service[40], code[16];
    snprintf(token, sizeof(token), "%s", s->approval_token);
    snprintf(service, sizeof(service), "%s", s->service_id);
    snprintf(code, sizeof(code), "%s", s->code);
    char *account = emu_strdup(s->account_name);
    int approved = s->approved, expired = !approved && emu_now_ms() > s->expires_ms;
    emu_service_t *svc = emu_service_find(emu, service);
    const cJSON *url =
        svc ? cJSON_GetObjectItemCaseSensitive(svc->entry, "dashboard_login_url") : NULL;
    char *dashboard = emu_strdup(cJSON_IsString(url) ? url->valuestring : NULL);
    pthread_mutex_unlock(&emu->lock);

    char *name = service_name(emu, service);
    /* Whole: a fixed buffer would cut a long name inside a UTF-8 character. */
    char *title = joined("Log in to ", name ? name : service);
    head(p, title ? title : "Foil Gate");
    put(p, "<h1>");
    put_escaped(p, title ? title : "Foil Gate");
    free(title);
    put(p, "</h1><p>An agent asks to open the dashboard of <strong id=\"account\">");
    put_escaped(p, account);
    put(p, "</strong>.</p>");
    if (approved) {
        status_line(p, id, "approved", "Approved. Your one-time login code (valid 5 minutes):");
        put(p, "<p><code id=\"code\">");
        put(p, code);
        put(p, "</code></p>");
        if (dashboard) {
            put(p, "<p><a id=\"dashboard\" href=\"");
            put_escaped(p, dashboard);
            put(p, strchr(dashboard, '?') ? "&amp;code=" : "?code=");
            put(p, code);
            put(p, "\">Open the dashboard</a></p>");
        }
    } else if (expired) {
        status_line(p, id, "expired", "This login request has expired or was denied.");
    } else {
        decision_form(p, id, token, "Do you approve this login?");
    }
    free(name);
    free(account);
    free(dashboard);
    return 1;
}

void emu_consent_page(emu_request_t *req, emu_response_t *resp) {
    const char *id = emu_query(req, "session");
    page_t p = {NULL, 0, 0};
    if (id && (render_signup(req, &p, id) || render_login(req, &p, id))) {
        emu_response_header(resp, "Cache-Control", "no-store");
        finish(resp, &p, 200);
        return;
    }
    free(p.buf);
    p = (page_t){NULL, 0, 0};
    head(&p, "Not found");
    put(&p, "<h1>Unknown session</h1><p>This consent link is not valid.</p>");
    finish(resp, &p, 404);
}

/* Decodes one application/x-www-form-urlencoded value in place. */
static void form_decode(char *s) {
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '+') {
            *w++ = ' ';
        } else if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
            char hex[3] = {r[1], r[2], 0};
            *w++ = (char)strtol(hex, NULL, 16);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

static void form_field(const char *body, size_t len, const char *name, char *out, size_t outsz) {
    out[0] = '\0';
    size_t n = strlen(name);
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        if ((size_t)(stop - p) > n && strncmp(p, name, n) == 0 && p[n] == '=') {
            size_t vlen = (size_t)(stop - p - (ptrdiff_t)n - 1);
            if (vlen >= outsz) vlen = outsz - 1;
            memcpy(out, p + n + 1, vlen);
            out[vlen] = '\0';
            form_decode(out);
            return;
        }
        p = stop + 1;
    }
}

static int approval_token_ok(foil_emulator_t *emu, const char *id, const char *token, int *login) {
    char expected[EMU_ID_MAX] = "";
    pthread_mutex_lock(&emu->gate_lock);
    emu_gate_session_t *g = emu_map_get(&emu->gate_sessions, id);
    if (g) snprintf(expected, sizeof(expected), "%s", g->approval_token);
    pthread_mutex_unlock(&emu->gate_lock);
    *login = 0;
    if (!g) {
        pthread_mutex_lock(&emu->lock);
        emu_login_session_t *l = emu_map_get(&emu->login_sessions, id);
        if (l) snprintf(expected, sizeof(expected), "%s", l->approval_token);
        pthread_mutex_unlock(&emu->lock);
        *login = l != NULL;
    }
    size_t n = strlen(expected);
    return n && strlen(token) == n && sodium_memcmp(token, expected, n) == 0;
}

void emu_consent_decision(emu_request_t *req, emu_response_t *resp) {
    char id[EMU_ID_MAX], token[EMU_ID_MAX], decision[16];
    const char *body = req->body ? req->body : "";
    form_field(body, req->body_len, "session", id, sizeof(id));
    form_field(body, req->body_len, "token", token, sizeof(token));
    form_field(body, req->body_len, "decision", decision, sizeof(decision));
    page_t p = {NULL, 0, 0};
    int login = 0;
    int approve = strcmp(decision, "approve") == 0;
    if (!approve && strcmp(decision, "deny") != 0) {
        head(&p, "Bad request");
        put(&p, "<h1>Bad request</h1><p>Choose Approve or Deny.</p>");
        finish(resp, &p, 400);
        return;
    }
    if (!approval_token_ok(req->emu, id, token, &login)) {
        head(&p, "Forbidden");
        put(&p, "<h1>Forbidden</h1><p>This consent form is not valid for the session.</p>");
        finish(resp, &p, 403);
        return;
    }
    char *err = NULL, *code = NULL;
    if (login) {
        if (approve)
            emu_login_approve(req->emu, id, &code, NULL);
        else
            emu_login_deny(req->emu, id);
    } else if (approve) {
        emu_gate_approve(req->emu, id, &err); /* failures are shown on the page */
    } else {
        emu_gate_deny(req->emu, id);
    }
    free(err);
    free(code);
    /* Post/redirect/get: the consent page shows the outcome. */
    char location[128];
    snprintf(location, sizeof(location), "/gate?session=%s", id);
    emu_response_header(resp, "Location", location);
    head(&p, "Redirecting");
    put(&p, "<p><a href=\"");
    put_escaped(&p, location);
    put(&p, "\">Continue</a></p>");
    finish(resp, &p, 303);
}

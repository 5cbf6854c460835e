/* foil_client_configure: every client option from one JSON object, with the failure
 * handed back as an owned error copy (error_out) for FFI callers that cannot read the
 * thread-local foil_last_error() in a second call (Go moves goroutines between OS threads;
 * koffi's async calls run on worker threads). */
#include "crypto/delivery_internal.h"
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* "\u0000" in JSON text would end a C string early: refuse it, as foil_call does. */
static bool has_escaped_nul(const char *text) {
    for (const char *p = text; *p; p++) {
        if (*p != '\\') continue;
        if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0) return true;
        if (p[1]) p++;
    }
    return false;
}

static foil_status_t parse_object(const char *text, const char *field, cJSON **root) {
    *root = NULL;
    if (has_escaped_nul(text))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field,
                               "must not contain NUL characters (\\u0000)",
                               "strings without NUL characters", NULL);
    *root = cJSON_ParseWithOpts(text, NULL, true);
    if (!cJSON_IsObject(*root))
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, field, "must be a JSON object",
                               "a JSON object", NULL);
    return FOIL_OK;
}

typedef enum { OPT_STRING, OPT_NULLABLE_STRING, OPT_LONG, OPT_INT, OPT_BOOL } opt_type;

typedef struct client_option {
    const char *name;
    opt_type type;
    foil_status_t (*set_string)(foil_client_t *, const char *);
    foil_status_t (*set_long)(foil_client_t *, long);
    foil_status_t (*set_int)(foil_client_t *, int);
} client_option;

static const client_option OPTIONS[] = {
    {"base_url", OPT_STRING, foil_client_set_base_url, NULL, NULL},
    {"secret_key", OPT_NULLABLE_STRING, foil_client_set_secret_key, NULL, NULL},
    {"timeout_ms", OPT_LONG, NULL, foil_client_set_timeout_ms, NULL},
    {"connect_timeout_ms", OPT_LONG, NULL, foil_client_set_connect_timeout_ms, NULL},
    {"ca_bundle", OPT_NULLABLE_STRING, foil_client_set_ca_bundle, NULL, NULL},
    {"proxy", OPT_NULLABLE_STRING, foil_client_set_proxy, NULL, NULL},
    {"user_agent", OPT_NULLABLE_STRING, foil_client_set_user_agent, NULL, NULL},
    {"client_suffix", OPT_NULLABLE_STRING, foil_client_set_client_suffix, NULL, NULL},
    {"max_retries", OPT_INT, NULL, NULL, foil_client_set_max_retries},
    {"max_response_bytes", OPT_LONG, NULL, foil_client_set_max_response_bytes, NULL},
    {"prefetch", OPT_BOOL, NULL, NULL, foil_client_set_prefetch},
};
#define OPTION_COUNT (sizeof OPTIONS / sizeof OPTIONS[0])
#define OPTION_NAMES                                                                               \
    "base_url, secret_key, timeout_ms, connect_timeout_ms, ca_bundle, proxy, user_agent, "         \
    "client_suffix, max_retries, max_response_bytes, prefetch"

static foil_status_t apply_option(foil_client_t *c, const client_option *o, const cJSON *v) {
    switch (o->type) {
    case OPT_STRING:
    case OPT_NULLABLE_STRING:
        if (cJSON_IsString(v)) return o->set_string(c, v->valuestring);
        if (cJSON_IsNull(v) && o->type == OPT_NULLABLE_STRING) return o->set_string(c, NULL);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, o->name, "has the wrong JSON type",
                               o->type == OPT_STRING ? "a string" : "a string or null", NULL);
    case OPT_LONG:
    case OPT_INT: {
        /* (double)LONG_MAX rounds up to 2^63, which is out of range: hence the < bound. */
        double below = o->type == OPT_INT ? (double)INT_MAX + 1.0 : (double)LONG_MAX;
        double min = o->type == OPT_INT ? (double)INT_MIN : (double)LONG_MIN;
        if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < min ||
            v->valuedouble >= below)
            return foil_fail_field(FOIL_E_INVALID_ARGUMENT, o->name, "must be an integer",
                                   "an integer", NULL);
        return o->type == OPT_INT ? o->set_int(c, (int)v->valuedouble)
                                  : o->set_long(c, (long)v->valuedouble);
    }
    case OPT_BOOL:
        if (cJSON_IsBool(v)) return o->set_int(c, cJSON_IsTrue(v));
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, o->name, "must be true or false",
                               "a boolean", NULL);
    }
    return foil_fail_field(FOIL_E_INVALID_ARGUMENT, o->name, "unknown option type", NULL, NULL);
}

foil_status_t foil_client_configure(foil_client_t *client, const char *options_json,
                                    foil_error_t **error_out) {
    if (error_out) *error_out = NULL;
    if (!client)
        return foil_error_out(
            foil_fail_field(FOIL_E_INVALID_ARGUMENT, "client", "must not be NULL", NULL, NULL),
            error_out);
    if (!options_json) return FOIL_OK;
    cJSON *root = NULL;
    foil_status_t st = parse_object(options_json, "options_json", &root);
    bool seen[OPTION_COUNT] = {false};
    for (const cJSON *m = st == FOIL_OK ? root->child : NULL; m && st == FOIL_OK; m = m->next) {
        size_t i = 0;
        while (i < OPTION_COUNT && strcmp(OPTIONS[i].name, m->string) != 0)
            i++;
        if (i == OPTION_COUNT)
            st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, m->string, "is not a client option",
                                 OPTION_NAMES, NULL);
        else if (seen[i])
            st = foil_fail_field(FOIL_E_INVALID_ARGUMENT, m->string, "is given twice",
                                 "each option once", NULL);
        else {
            seen[i] = true;
            st = apply_option(client, &OPTIONS[i], m);
        }
    }
    foil_json_wipe_delete(root); /* it may hold the secret key */
    return foil_error_out(st, error_out);
}

/* The Gate env-var policy (FOIL-API.md §5): which delivered keys may reach a .env file. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define AGENT_TOKEN_SUFFIX "_GATE_AGENT_TOKEN"
#define LEGACY_AGENT_TOKEN_KEY "FOIL_AGENT_TOKEN"

/* Keys that change how shells, loaders, interpreters or git behave. */
static const char *const blocked_keys[] = {"BASH_ENV",
                                           "BROWSER",
                                           "CDPATH",
                                           "DYLD_INSERT_LIBRARIES",
                                           "DYLD_LIBRARY_PATH",
                                           "EDITOR",
                                           "ENV",
                                           "GIT_ASKPASS",
                                           "GIT_SSH_COMMAND",
                                           "HOME",
                                           "LD_LIBRARY_PATH",
                                           "LD_PRELOAD",
                                           "NODE_OPTIONS",
                                           "NODE_PATH",
                                           "PATH",
                                           "PERL5OPT",
                                           "PERLLIB",
                                           "PROMPT_COMMAND",
                                           "PYTHONHOME",
                                           "PYTHONPATH",
                                           "PYTHONSTARTUP",
                                           "RUBYLIB",
                                           "RUBYOPT",
                                           "SHELLOPTS",
                                           "SSH_ASKPASS",
                                           "VISUAL",
                                           "XDG_CONFIG_HOME"};
static const char *const blocked_prefixes[] = {"NPM_CONFIG_", "BUN_CONFIG_", "GIT_CONFIG_"};

/* ASCII-only classification: locale-independent, like the official regexes. */
static bool is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static bool is_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
static char to_upper(unsigned char c) {
    return (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/* Trimmed, uppercased copy of key; NULL when out of memory. */
static char *normalize_key(const char *key) {
    const char *start = key, *end = key + strlen(key);
    while (start < end && is_space((unsigned char)*start))
        start++;
    while (end > start && is_space((unsigned char)end[-1]))
        end--;
    char *norm = malloc((size_t)(end - start) + 1);
    if (!norm) return NULL;
    size_t n = 0;
    for (const char *p = start; p < end; p++)
        norm[n++] = to_upper((unsigned char)*p);
    norm[n] = '\0';
    return norm;
}

foil_status_t foil_gate_agent_token_env_key(const char *service_id, char **out) {
    if (!out)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "out", "must not be NULL", NULL, NULL);
    *out = NULL;
    if (!service_id)
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "service_id", "must not be NULL", NULL,
                               NULL);
    size_t len = strlen(service_id);
    char *key = malloc(len + sizeof AGENT_TOKEN_SUFFIX);
    if (!key) return foil_fail_nomem();
    /* Runs of non-alphanumerics become one '_', and none is kept at either end
     * (which also covers the trim). */
    size_t n = 0;
    bool pending_separator = false;
    for (const unsigned char *p = (const unsigned char *)service_id; *p; p++) {
        if (!is_alnum(*p)) {
            pending_separator = n > 0;
            continue;
        }
        if (pending_separator) key[n++] = '_';
        pending_separator = false;
        key[n++] = to_upper(*p);
    }
    if (n == 0) {
        free(key);
        return foil_fail_field(FOIL_E_INVALID_ARGUMENT, "service_id",
                               "has no letters or digits to derive an env key from",
                               "a service id such as \"acme-prod\"", NULL);
    }
    memcpy(key + n, AGENT_TOKEN_SUFFIX, sizeof AGENT_TOKEN_SUFFIX);
    *out = key;
    return FOIL_OK;
}

int foil_env_key_is_blocked(const char *key) {
    if (!key) return 0;
    char *norm = normalize_key(key);
    /* Out of memory: refuse rather than let a dangerous key through. */
    if (!norm) return 1;
    int blocked = 0;
    for (size_t i = 0; !blocked && i < sizeof blocked_keys / sizeof *blocked_keys; i++)
        blocked = strcmp(norm, blocked_keys[i]) == 0;
    for (size_t i = 0; !blocked && i < sizeof blocked_prefixes / sizeof *blocked_prefixes; i++)
        blocked = strncmp(norm, blocked_prefixes[i], strlen(blocked_prefixes[i])) == 0;
    free(norm);
    return blocked;
}

/* Compared after trim + uppercase too (the official helper compares exactly): a key
 * that merely differs in case or spacing from a Gate-managed one is still refused
 * when it comes from the integrator. */
int foil_env_key_is_gate_managed(const char *key) {
    if (!key) return 0;
    char *norm = normalize_key(key);
    if (!norm) return 1;
    size_t len = strlen(norm), suffix = strlen(AGENT_TOKEN_SUFFIX);
    int managed = strcmp(norm, LEGACY_AGENT_TOKEN_KEY) == 0 ||
                  (len >= suffix && strcmp(norm + len - suffix, AGENT_TOKEN_SUFFIX) == 0);
    free(norm);
    return managed;
}

int foil_env_key_is_valid_name(const char *key) {
    if (!key || !(*key == '_' || (is_alnum((unsigned char)*key) && !(*key >= '0' && *key <= '9'))))
        return 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (!(*p == '_' || is_alnum(*p))) return 0;
    return 1;
}

const char *foil_env_key_refusal(const char *key, int from_gate) {
    if (!foil_env_key_is_valid_name(key)) return "invalid_name";
    if (foil_env_key_is_blocked(key)) return "blocked";
    if (!from_gate && foil_env_key_is_gate_managed(key)) return "gate_managed_from_integrator";
    return NULL;
}

/* foil_emulator: a local, stateful Foil API server (internal to the libfoil project).
 *
 * Used in-process by the C tests, the `foil` CLI (`foil emulator`, `foil demo`) and the
 * language bindings' test helpers, and standalone as `foil-emulator`. It serves every path
 * of the official openapi.json on loopback with real Gate delivery crypto.
 *
 * Conventions: fallible calls return foil_status_t (FOIL_OK == 0); strings returned through
 * `char **out` are freed with foil_emulator_string_free(); `const char *` results are borrowed
 * from the emulator and stay valid until foil_emulator_stop(). Every call is thread-safe.
 */
#ifndef FOIL_EMULATOR_H
#define FOIL_EMULATOR_H

#include <stddef.h>
#include <stdint.h>

#include "foil/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct foil_emulator foil_emulator_t;

typedef struct foil_emulator_config {
    const char *host;             /* bind address, default "127.0.0.1"; loopback only
                                   * (127.0.0.0/8, ::1, "localhost"): anything else is
                                   * FOIL_E_INVALID_ARGUMENT, as /_emulator has no auth */
    unsigned port;                /* 0 picks a free port */
    uint64_t seed;                /* seeds the generated sessions and fingerprints */
    size_t session_count;         /* seeded sessions (default 250; 1,000,000 works) */
    size_t fingerprint_count;     /* seeded visitor fingerprints (default 120) */
    unsigned gate_ttl_seconds;    /* signup and login session lifetime (default 900) */
    unsigned auto_approve_ms;     /* approve Gate sessions this long after creation; 0 = off */
    int rate_limit;               /* 1 enables the per-key-type rate limits */
    unsigned rate_limit_secret;   /* secret-key bucket size per window (default 600) */
    unsigned rate_limit_gate;     /* gtpoll_/agt_ bucket per token per window (default 120) */
    unsigned rate_limit_public;   /* unauthenticated bucket per client address (default 300) */
    unsigned rate_limit_window_s; /* window length in seconds (default 60) */
    unsigned threads;             /* HTTP worker threads (default 4) */
    int log_requests;             /* 1 logs one line per request to stderr */
} foil_emulator_config_t;

/* Defaults as documented above. */
FOIL_API void foil_emulator_config_init(foil_emulator_config_t *cfg);

/* Start serving. Returns once the socket is listening. */
FOIL_API foil_status_t foil_emulator_start(const foil_emulator_config_t *cfg,
                                           foil_emulator_t **out);
/* Stop serving, join every thread and free everything. NULL-safe. */
FOIL_API void foil_emulator_stop(foil_emulator_t *emu);

/* "http://127.0.0.1:<port>" (no trailing slash). */
FOIL_API const char *foil_emulator_base_url(const foil_emulator_t *emu);
FOIL_API unsigned foil_emulator_port(const foil_emulator_t *emu);
/* The demo organization's secret key (scope "*"). */
FOIL_API const char *foil_emulator_secret_key(const foil_emulator_t *emu);
FOIL_API const char *foil_emulator_organization_id(const foil_emulator_t *emu);

/* A new secret key in the demo organization. `scopes` is a comma-separated list of scope
 * names ("sessions:list,sessions:read"); "*" grants everything. */
FOIL_API foil_status_t foil_emulator_add_secret_key(foil_emulator_t *emu, const char *scopes,
                                                    char **key_out);

/* An extra Gate service in the registry. Exactly one of outputs_json (a JSON object of
 * string values, encrypted into the integrator envelope on approval) or webhook_url (called
 * with a signed gate.session.approved event; its encrypted_delivery is used) is set. */
typedef struct foil_emulator_service {
    const char *id;                  /* GateServiceId, e.g. "acme" */
    const char *name;                /* display name; defaults to id */
    const char *outputs_json;        /* {"ACME_API_KEY":"..."} */
    const char *webhook_url;         /* integrator webhook */
    const char *webhook_secret;      /* signing secret for webhook_url (default "whsec_emulator") */
    const char *dashboard_login_url; /* when set, the gate envelope carries <ID>_GATE_AGENT_TOKEN */
    int hidden;                      /* 1 keeps it out of the registry listing */
} foil_emulator_service_t;
FOIL_API foil_status_t foil_emulator_add_service(foil_emulator_t *emu,
                                                 const foil_emulator_service_t *service);

/* Approve (build and encrypt both envelopes) or deny a pending Gate signup session.
 * Unknown id: FOIL_E_NOT_FOUND; not pending: FOIL_E_STATE; webhook failure: FOIL_E_API. */
FOIL_API foil_status_t foil_emulator_approve(foil_emulator_t *emu, const char *gate_session_id);
FOIL_API foil_status_t foil_emulator_deny(foil_emulator_t *emu, const char *gate_session_id);
/* Approve a pending dashboard login session; *code_out is its one-time code. */
FOIL_API foil_status_t foil_emulator_approve_login(foil_emulator_t *emu,
                                                   const char *login_session_id, char **code_out);

typedef enum foil_emulator_fault_kind {
    FOIL_EMULATOR_FAULT_STATUS = 1,   /* answer `status` with a proper error envelope */
    FOIL_EMULATOR_FAULT_DELAY,        /* wait delay_ms, then answer normally */
    FOIL_EMULATOR_FAULT_RESET,        /* status line + headers, then a TCP RST, no body */
    FOIL_EMULATOR_FAULT_TRUNCATE,     /* announce the full length, send half, close */
    FOIL_EMULATOR_FAULT_CORRUPT,      /* a body that is not JSON, as application/json */
    FOIL_EMULATOR_FAULT_CONTENT_TYPE, /* an HTML body as text/html */
    FOIL_EMULATOR_FAULT_OVERSIZED     /* a valid but 64 MiB JSON body */
} foil_emulator_fault_kind_t;

/* For the next `count` requests whose method matches (NULL or "*" = any) and whose path
 * starts with path_prefix (NULL = any), apply the fault. `status` is used by STATUS (and
 * is the status of the other kinds' responses when non-zero); delay_ms by DELAY (and
 * delays the others too when non-zero). */
FOIL_API foil_status_t foil_emulator_inject_fault(foil_emulator_t *emu, const char *method,
                                                  const char *path_prefix, unsigned count,
                                                  foil_emulator_fault_kind_t kind, unsigned status,
                                                  unsigned delay_ms);
FOIL_API void foil_emulator_clear_faults(foil_emulator_t *emu);
/* "status", "delay", "reset", "truncate", "corrupt", "content_type", "oversized" -> kind;
 * 0 when unknown. */
FOIL_API foil_emulator_fault_kind_t foil_emulator_fault_kind_from_name(const char *name);

/* A sealed token (base64) for seeded session `session_id`, version 1 or 2, sealed with the
 * demo secret key (version 2 adds a second recipient, the key "sk_test_emulator_secondary"). */
FOIL_API foil_status_t foil_emulator_mint_sealed_token(foil_emulator_t *emu, const char *session_id,
                                                       int version, char **out);

/* Id of the seeded session at `index` (0 = newest). */
FOIL_API foil_status_t foil_emulator_session_id(foil_emulator_t *emu, size_t index, char **out);

typedef struct foil_emulator_stats {
    uint64_t requests;    /* HTTP requests answered (or reset by a fault) */
    uint64_t connections; /* TCP connections accepted */
} foil_emulator_stats_t;
FOIL_API void foil_emulator_stats(const foil_emulator_t *emu, foil_emulator_stats_t *out);

/* Wipes and frees a string returned by this API. NULL-safe. */
FOIL_API void foil_emulator_string_free(char *s);

/* The foil-emulator command: foil-emulator [--host H] [--port P] [--auto-approve MS]
 * [--seed-sessions N] [--json] ... Returns the process exit code. */
FOIL_API int foil_emulator_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif

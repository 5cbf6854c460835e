/* Lifecycle and the small public C API (foil_emulator.h). */
#include "emu.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foil/foil.h"

/* 2026-04-01T12:00:00.000Z: the newest seeded session, fixed so seeded data is reproducible. */
#define SEED_EPOCH_MS 1775044800000LL

void foil_emulator_config_init(foil_emulator_config_t *cfg) {
    if (!cfg) return;
    memset(cfg, 0, sizeof(*cfg));
    cfg->host = "127.0.0.1";
    cfg->seed = 1;
    cfg->session_count = 250;
    cfg->fingerprint_count = 120;
    cfg->gate_ttl_seconds = 900;
    cfg->rate_limit_secret = 600;
    cfg->rate_limit_gate = 120;
    cfg->rate_limit_public = 300;
    cfg->rate_limit_window_s = 60;
    cfg->threads = 4;
}

static void free_all(foil_emulator_t *emu) {
    emu_vec_clear(&emu->orgs, emu_org_free);
    emu_vec_clear(&emu->api_keys, emu_api_key_free);
    emu_vec_clear(&emu->services, emu_service_free);
    emu_vec_clear(&emu->endpoints, emu_endpoint_free);
    emu_vec_clear(&emu->events, emu_event_free);
    emu_map_clear(&emu->login_sessions, emu_login_session_free);
    emu_map_clear(&emu->agent_tokens, emu_agent_token_free);
    emu_map_clear(&emu->session_users, free);
    emu_map_clear(&emu->gate_sessions, emu_gate_session_free);
    emu_map_clear(&emu->buckets, emu_bucket_free);
    emu_vec_clear(&emu->faults, emu_fault_free);
    emu_fingerprints_free(emu);
    pthread_mutex_destroy(&emu->lock);
    pthread_rwlock_destroy(&emu->session_users_lock);
    pthread_mutex_destroy(&emu->gate_lock);
    pthread_mutex_destroy(&emu->fault_lock);
    pthread_mutex_destroy(&emu->bucket_lock);
    sodium_memzero(emu->secret_key, sizeof(emu->secret_key));
    free(emu);
}

foil_status_t foil_emulator_start(const foil_emulator_config_t *cfg, foil_emulator_t **out) {
    if (!out) return FOIL_E_INVALID_ARGUMENT;
    *out = NULL;
    if (!cfg) return FOIL_E_INVALID_ARGUMENT;
    const char *host = cfg->host ? cfg->host : "127.0.0.1";
    if (strlen(host) >= 64 || !emu_host_is_loopback(host) || cfg->port > 65535 ||
        cfg->session_count > UINT32_MAX || cfg->fingerprint_count > UINT32_MAX ||
        cfg->gate_ttl_seconds == 0)
        return FOIL_E_INVALID_ARGUMENT;
    foil_status_t st = foil_global_init();
    if (st != FOIL_OK) return st;
    foil_emulator_t *emu = calloc(1, sizeof(*emu));
    if (!emu) return FOIL_E_NOMEM;
    emu->cfg = *cfg;
    snprintf(emu->host, sizeof(emu->host), "%s", host);
    emu->cfg.host = emu->host;
    emu->seed = cfg->seed;
    emu->seed_epoch_ms = SEED_EPOCH_MS;
    pthread_mutex_init(&emu->lock, NULL);
    pthread_rwlock_init(&emu->session_users_lock, NULL);
    pthread_mutex_init(&emu->gate_lock, NULL);
    pthread_mutex_init(&emu->fault_lock, NULL);
    pthread_mutex_init(&emu->bucket_lock, NULL);
    atomic_init(&emu->fault_count, 0);
    atomic_init(&emu->stat_requests, 0);
    atomic_init(&emu->stat_connections, 0);
    st = emu_org_create_demo(emu);
    if (st == FOIL_OK) st = emu_registry_init(emu);
    if (st == FOIL_OK) st = emu_server_start(emu);
    if (st != FOIL_OK) {
        free_all(emu);
        return st;
    }
    *out = emu;
    return FOIL_OK;
}

void foil_emulator_stop(foil_emulator_t *emu) {
    if (!emu) return;
    emu_server_stop(emu);
    free_all(emu);
}

const char *foil_emulator_base_url(const foil_emulator_t *emu) {
    return emu ? emu->base_url : NULL;
}

unsigned foil_emulator_port(const foil_emulator_t *emu) {
    return emu ? emu->port : 0;
}

const char *foil_emulator_secret_key(const foil_emulator_t *emu) {
    return emu ? emu->secret_key : NULL;
}

const char *foil_emulator_organization_id(const foil_emulator_t *emu) {
    return emu ? emu->org_id : NULL;
}

void foil_emulator_stats(const foil_emulator_t *emu, foil_emulator_stats_t *out) {
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!emu) return;
    out->requests = atomic_load(&((foil_emulator_t *)emu)->stat_requests);
    out->connections = atomic_load(&((foil_emulator_t *)emu)->stat_connections);
}

/* Fault injection: for the next N requests matching a method and path prefix, misbehave. */
#include "emu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    foil_emulator_fault_kind_t kind;
} KINDS[] = {
    {"status", FOIL_EMULATOR_FAULT_STATUS},      {"delay", FOIL_EMULATOR_FAULT_DELAY},
    {"reset", FOIL_EMULATOR_FAULT_RESET},        {"truncate", FOIL_EMULATOR_FAULT_TRUNCATE},
    {"corrupt", FOIL_EMULATOR_FAULT_CORRUPT},    {"content_type", FOIL_EMULATOR_FAULT_CONTENT_TYPE},
    {"oversized", FOIL_EMULATOR_FAULT_OVERSIZED}};

foil_emulator_fault_kind_t foil_emulator_fault_kind_from_name(const char *name) {
    for (size_t i = 0; name && i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
        if (strcmp(KINDS[i].name, name) == 0) return KINDS[i].kind;
    return (foil_emulator_fault_kind_t)0;
}

void emu_fault_free(void *p) {
    emu_fault_t *f = p;
    if (!f) return;
    free(f->path_prefix);
    free(f);
}

foil_status_t foil_emulator_inject_fault(foil_emulator_t *emu, const char *method,
                                         const char *path_prefix, unsigned count,
                                         foil_emulator_fault_kind_t kind, unsigned status,
                                         unsigned delay_ms) {
    if (!emu || count == 0 || kind < FOIL_EMULATOR_FAULT_STATUS ||
        kind > FOIL_EMULATOR_FAULT_OVERSIZED || (method && strlen(method) >= 16) ||
        (status && (status < 100 || status > 599)) ||
        (kind == FOIL_EMULATOR_FAULT_STATUS && status < 400) || delay_ms > 600000)
        return FOIL_E_INVALID_ARGUMENT;
    emu_fault_t *f = calloc(1, sizeof(*f));
    if (!f) return FOIL_E_NOMEM;
    snprintf(f->method, sizeof(f->method), "%s", method && *method ? method : "*");
    f->path_prefix = emu_strdup(path_prefix ? path_prefix : "");
    f->remaining = count;
    f->kind = kind;
    f->status = status;
    f->delay_ms = delay_ms;
    pthread_mutex_lock(&emu->fault_lock);
    int rc = f->path_prefix ? emu_vec_push(&emu->faults, f) : -1;
    if (rc == 0) atomic_fetch_add(&emu->fault_count, 1);
    pthread_mutex_unlock(&emu->fault_lock);
    if (rc != 0) {
        emu_fault_free(f);
        return FOIL_E_NOMEM;
    }
    return FOIL_OK;
}

void foil_emulator_clear_faults(foil_emulator_t *emu) {
    if (!emu) return;
    pthread_mutex_lock(&emu->fault_lock);
    emu_vec_clear(&emu->faults, emu_fault_free);
    atomic_store(&emu->fault_count, 0);
    pthread_mutex_unlock(&emu->fault_lock);
}

int emu_fault_take(foil_emulator_t *emu, const char *method, const char *path, emu_fault_t *out) {
    if (atomic_load(&emu->fault_count) == 0) return 0; /* the common, lock-free case */
    int found = 0;
    pthread_mutex_lock(&emu->fault_lock);
    for (size_t i = 0; i < emu->faults.len && !found; i++) {
        emu_fault_t *f = emu->faults.items[i];
        if ((strcmp(f->method, "*") != 0 && strcmp(f->method, method) != 0) ||
            strncmp(path, f->path_prefix, strlen(f->path_prefix)) != 0)
            continue;
        *out = *f;
        out->path_prefix = NULL;
        found = 1;
        if (--f->remaining == 0) {
            emu_fault_free(f);
            memmove(&emu->faults.items[i], &emu->faults.items[i + 1],
                    (emu->faults.len - i - 1) * sizeof(void *));
            emu->faults.len--;
            atomic_fetch_sub(&emu->fault_count, 1);
        }
    }
    pthread_mutex_unlock(&emu->fault_lock);
    return found;
}

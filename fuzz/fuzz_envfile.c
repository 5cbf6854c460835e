/* libFuzzer harness: the CLI's dotenv parser and merger (cli/envfile.c) on any file text.
 *
 * Invariants checked for every input:
 *  - parsing never crashes (names follow python-dotenv's grammar, so may be non-portable);
 *  - merging a pair (key and value taken from the input's tail) then reading the key
 *    back gives exactly that value (dotenv round trip);
 *  - merging again with the same pair reports "unchanged" and leaves the bytes alone;
 *  - every binding of other keys keeps its value after the merge. */
#define _POSIX_C_SOURCE 200809L
#include "envfile.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct binding_list {
    char **keys;
    char **values;
    size_t n, cap;
} binding_list;

static int collect(void *user_data, const char *key, const char *value) {
    binding_list *b = user_data;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 8;
        char **k = realloc(b->keys, cap * sizeof *k);
        if (!k) return 1;
        b->keys = k;
        char **v = realloc(b->values, cap * sizeof *v);
        if (!v) return 1;
        b->values = v;
        b->cap = cap;
    }
    b->keys[b->n] = strdup(key);
    b->values[b->n] = value ? strdup(value) : NULL;
    b->n++;
    return 0;
}

static void free_bindings(binding_list *b) {
    for (size_t i = 0; i < b->n; i++) {
        free(b->keys[i]);
        free(b->values[i]);
    }
    free(b->keys);
    free(b->values);
}

/* The last binding of key in b, as cli_env_lookup() must read it. */
static const char *last_value(const binding_list *b, const char *key, int *found) {
    *found = 0;
    const char *v = NULL;
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->keys[i], key) == 0) {
            *found = 1;
            v = b->values[i];
        }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* Layout: file text, then a 0xFF separator, then the value to merge (NULs cut it). */
    size_t text_len = size;
    const uint8_t *sep = memchr(data, 0xFF, size);
    if (sep) text_len = (size_t)(sep - data);
    char *value = NULL;
    if (sep) {
        size_t vlen = size - text_len - 1;
        value = malloc(vlen + 1);
        if (!value) return 0;
        memcpy(value, sep + 1, vlen);
        value[vlen] = '\0';
    } else {
        value = strdup("fuzz-value");
        if (!value) return 0;
    }

    binding_list before = {0};
    cli_env_parse((const char *)data, text_len, collect, &before);

    /* Merge into the first portable binding's key when there is one (an in-place update), else a
     * fixed new key (an append). */
    const char *key = "FOIL_FUZZ_KEY";
    for (size_t i = 0; i < before.n; i++)
        if (cli_env_key_is_valid(before.keys[i])) {
            key = before.keys[i];
            break;
        }
    cli_env_pair_t pair = {key, value};
    char *merged = NULL;
    size_t merged_len = 0;
    cli_env_change_t change = 0;
    if (cli_env_merge((const char *)data, text_len, &pair, 1, &merged, &merged_len, &change) == 0) {
        char *back = cli_env_lookup(merged, merged_len, key);
        if (!back || strcmp(back, value) != 0) abort();
        free(back);

        binding_list after = {0};
        cli_env_parse(merged, merged_len, collect, &after);
        for (size_t i = 0; i < before.n; i++) {
            if (strcmp(before.keys[i], key) == 0) continue;
            int found_before = 0, found_after = 0;
            const char *vb = last_value(&before, before.keys[i], &found_before);
            const char *va = last_value(&after, before.keys[i], &found_after);
            if (!found_after) abort();
            if ((vb == NULL) != (va == NULL) || (vb && strcmp(vb, va) != 0)) abort();
        }
        free_bindings(&after);

        char *again = NULL;
        size_t again_len = 0;
        cli_env_change_t change2 = 0;
        if (cli_env_merge(merged, merged_len, &pair, 1, &again, &again_len, &change2) == 0) {
            if (change2 != CLI_ENV_UNCHANGED || again_len != merged_len ||
                memcmp(again, merged, merged_len) != 0)
                abort();
            free(again);
        }
        free(merged);
    }
    char *quoted = cli_env_quote(value);
    free(quoted);
    free_bindings(&before);
    free(value);
    return 0;
}

/* foil CLI: tables, masking, JSON output (see output.h). */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "term.h"
#include "utf8.h"

void cli_mask(const char *value, char *buf, size_t n) {
    const char *ellipsis = cli_sym("…", "...");
    size_t len = value ? strlen(value) : 0, shown = 0;
    if (len >= 12)
        while (shown < 4 && (unsigned char)value[shown] >= 0x20 &&
               (unsigned char)value[shown] < 0x7f)
            shown++;
    snprintf(buf, n, "%.*s%s", (int)shown, shown ? value : "", ellipsis);
}

struct cli_table {
    size_t columns, rows, cap;
    char **cells; /* rows * columns, row 0 = headers */
};

enum { MAX_CELL_WIDTH = 48 };

cli_table_t *cli_table_new(size_t columns, const char *const *headers) {
    cli_table_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->columns = columns;
    if (cli_table_add(t, headers) != 0) {
        cli_table_free(t);
        return NULL;
    }
    return t;
}

int cli_table_add(cli_table_t *t, const char *const *cells) {
    if (t->rows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **grown = realloc(t->cells, cap * t->columns * sizeof *grown);
        if (!grown) return -1;
        t->cells = grown;
        t->cap = cap;
    }
    char **row = t->cells + t->rows * t->columns;
    for (size_t c = 0; c < t->columns; c++) {
        /* Cells hold text from the server: escaped, so no control character reaches
         * the terminal (and tabs or newlines cannot break the columns). */
        row[c] = cli_escape_dup(cells[c] ? cells[c] : "-", 0);
        if (!row[c]) {
            while (c--)
                free(row[c]);
            return -1;
        }
    }
    t->rows++;
    return 0;
}

/* Display width of UTF-8 text: one column per code point. */
static size_t text_width(const char *s) {
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

/* Byte length of the first `cols` code points of s. */
static size_t prefix_bytes(const char *s, size_t cols) {
    size_t i = 0, w = 0;
    while (s[i] && (w < cols || ((unsigned char)s[i] & 0xc0) == 0x80)) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) w++;
        i++;
    }
    return i;
}

void cli_table_print(const cli_table_t *t, FILE *f, int indent) {
    size_t widths[16] = {0};
    size_t columns = t->columns < 16 ? t->columns : 16;
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < columns; c++) {
            size_t w = text_width(t->cells[r * t->columns + c]);
            if (w > MAX_CELL_WIDTH) w = MAX_CELL_WIDTH;
            if (w > widths[c]) widths[c] = w;
        }
    for (size_t r = 0; r < t->rows; r++) {
        fprintf(f, "%*s", indent, "");
        if (r == 0) fputs(cli_style(f, CLI_DIM), f);
        for (size_t c = 0; c < columns; c++) {
            const char *cell = t->cells[r * t->columns + c];
            size_t w = text_width(cell);
            if (w > MAX_CELL_WIDTH) {
                fprintf(f, "%.*s%s", (int)prefix_bytes(cell, MAX_CELL_WIDTH - 1), cell,
                        cli_sym("…", "~"));
                w = MAX_CELL_WIDTH;
            } else {
                fputs(cell, f);
            }
            if (c + 1 < columns) fprintf(f, "%*s", (int)(widths[c] - w + 2), "");
        }
        if (r == 0) fputs(cli_style(f, CLI_RESET), f);
        fputc('\n', f);
    }
}

void cli_table_free(cli_table_t *t) {
    if (!t) return;
    for (size_t i = 0; i < t->rows * t->columns; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

/* A number as the core writes it (foil_json_serialize): an integer's digits at any size,
 * any other value in the fewest digits that read back the same, "2.0" kept; cJSON's doubles
 * would round 2^53 + 1. NULL when out of memory; free with foil_string_free. */
static char *number_text(const foil_json_t *v) {
    char *text = NULL;
    return foil_json_serialize(v, &text) == FOIL_OK ? text : NULL;
}

cJSON *cli_json_from_view(const foil_json_t *v) {
    int b = 0;
    cJSON *out = NULL;
    switch (foil_json_type(v)) {
    case FOIL_JSON_BOOL:
        foil_json_bool(v, &b);
        return cJSON_CreateBool(b);
    case FOIL_JSON_NUMBER: {
        char *text = number_text(v);
        out = text ? cJSON_CreateRaw(text) : NULL; /* printed as given: exact */
        foil_string_free(text);
        return out;
    }
    case FOIL_JSON_STRING:
        return cJSON_CreateString(foil_json_string(v));
    case FOIL_JSON_ARRAY:
    case FOIL_JSON_OBJECT: {
        int object = foil_json_type(v) == FOIL_JSON_OBJECT;
        out = object ? cJSON_CreateObject() : cJSON_CreateArray();
        for (const foil_json_t *e = foil_json_at(v, 0); out && e; e = foil_json_next(e)) {
            cJSON *item = cli_json_from_view(e);
            int added = item && (object ? cJSON_AddItemToObject(out, foil_json_key(e), item)
                                        : cJSON_AddItemToArray(out, item));
            if (!added) {
                cJSON_Delete(item);
                cJSON_Delete(out);
                out = NULL;
            }
        }
        return out;
    }
    default:
        return cJSON_CreateNull();
    }
}

/* JSON text is UTF-8 (RFC 8259), but a path or an argument echoed back need not be: its
 * stray bytes become U+FFFD, in member names and string values alike. -1 when out of
 * memory. */
static int repair_utf8(cJSON *node) {
    for (; node; node = node->next) {
        int failed;
        char *fixed = cli_utf8_repair_dup(node->string ? node->string : "", &failed);
        if (fixed && !(node->type & cJSON_StringIsConst)) {
            cJSON_free(node->string);
            node->string = fixed;
            fixed = NULL;
        }
        free(fixed);
        if (failed) return -1;
        if (cJSON_IsString(node) && node->valuestring) {
            fixed = cli_utf8_repair_dup(node->valuestring, &failed);
            if (fixed && !cJSON_SetValuestring(node, fixed)) failed = 1;
            free(fixed);
            if (failed) return -1;
        }
        if (repair_utf8(node->child) != 0) return -1;
    }
    return 0;
}

int cli_json_print(cJSON *doc) {
    if (!doc) return -1;
    if (repair_utf8(doc) != 0) {
        cJSON_Delete(doc);
        return -1;
    }
    char *text = cli_term_is_tty(stdout) ? cJSON_Print(doc) : cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    if (!text) return -1;
    puts(text);
    fflush(stdout);
    free(text);
    return 0;
}

void cli_view_text(const foil_json_t *v, const char *dotted_path, char *buf, size_t n) {
    const foil_json_t *x = foil_json_path(v, dotted_path);
    int b;
    switch (foil_json_type(x)) {
    case FOIL_JSON_STRING:
        snprintf(buf, n, "%s", foil_json_string(x));
        break;
    case FOIL_JSON_NUMBER: {
        char *text = number_text(x);
        snprintf(buf, n, "%s", text ? text : "-");
        foil_string_free(text);
        break;
    }
    case FOIL_JSON_BOOL:
        foil_json_bool(x, &b);
        snprintf(buf, n, "%s", b ? "yes" : "no");
        break;
    default:
        snprintf(buf, n, "-");
    }
}

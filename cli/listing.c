/* foil CLI: list and object printing (see listing.h). */
#define _POSIX_C_SOURCE 200809L
#include "listing.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "term.h"

static int add_row(cli_table_t *t, const cli_column_t *columns, size_t count,
                   const foil_json_t *item) {
    char cells[16][256];
    const char *row[16];
    for (size_t c = 0; c < count && c < 16; c++) {
        cli_view_text(item, columns[c].path, cells[c], sizeof cells[c]);
        row[c] = cells[c];
    }
    return cli_table_add(t, row);
}

int cli_list_print(int json, const cli_column_t *columns, size_t count, foil_result_t *page,
                   foil_iter_t *it) {
    const char *headers[16];
    for (size_t c = 0; c < count && c < 16; c++)
        headers[c] = columns[c].header;
    cli_table_t *table = json ? NULL : cli_table_new(count, headers);
    cJSON *items = json ? cJSON_CreateArray() : NULL;
    if (json ? !items : !table) return cli_fail(json, "out_of_memory", "out of memory");
    size_t shown = 0;
    int rc = CLI_EXIT_OK;
    for (;;) {
        const foil_json_t *item = NULL;
        if (it) {
            foil_status_t st = foil_iter_next(it, &item);
            if (st != FOIL_OK) {
                rc = cli_fail_foil(json, st, "fetching the next page");
                break;
            }
        } else if (shown < foil_result_count(page)) {
            item = foil_result_item(page, shown);
        }
        if (!item) break;
        int failed = json ? !cJSON_AddItemToArray(items, cli_json_from_view(item))
                          : add_row(table, columns, count, item) != 0;
        if (failed) {
            rc = cli_fail(json, "out_of_memory", "out of memory");
            break;
        }
        shown++;
    }
    const char *cursor = it ? NULL : foil_result_next_cursor(page);
    if (rc == CLI_EXIT_OK && json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddItemToObject(doc, "data", items);
        items = NULL;
        cJSON_AddBoolToObject(doc, "has_more", !it && foil_result_has_more(page));
        if (cursor)
            cJSON_AddStringToObject(doc, "next_cursor", cursor);
        else
            cJSON_AddNullToObject(doc, "next_cursor");
        rc = cli_json_print(doc) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    } else if (rc == CLI_EXIT_OK) {
        cli_table_print(table, stdout, 0);
        printf("%s%zu shown", cli_style(stdout, CLI_DIM), shown);
        if (it) printf(" (%zu pages)", foil_iter_pages(it));
        if (!it && foil_result_has_more(page) && cursor)
            printf("; next page: --cursor %s (or --all)", cli_safe(cursor));
        printf("%s\n", cli_style(stdout, CLI_RESET));
    }
    cJSON_Delete(items);
    cli_table_free(table);
    return rc;
}

int cli_object_print(int json, const cli_column_t *fields, size_t count, const foil_json_t *obj) {
    if (json) return cli_json_print(cli_json_from_view(obj)) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
    size_t width = 0;
    for (size_t i = 0; i < count; i++)
        if (strlen(fields[i].header) > width) width = strlen(fields[i].header);
    for (size_t i = 0; i < count; i++) {
        char value[512];
        cli_view_text(obj, fields[i].path, value, sizeof value);
        printf("%s%-*s%s  %s\n", cli_style(stdout, CLI_DIM), (int)width, fields[i].header,
               cli_style(stdout, CLI_RESET), cli_safe(value));
    }
    return CLI_EXIT_OK;
}

/* List the five most recent sessions with their verdicts.
 * Build: cc quickstart.c $(pkg-config --cflags --libs foil) -o quickstart
 * Run:   FOIL_SECRET_KEY=sk_... ./quickstart   (FOIL_BASE_URL=http://127.0.0.1:PORT for the
 * emulator) */
#include <foil/foil.h>
#include <stdio.h>

int main(void) {
    foil_client_t *client = NULL;
    foil_page_t *page = NULL;
    if (foil_client_new(&client) != FOIL_OK ||
        foil_sessions_list(client, 5, NULL, NULL, NULL, &page) != FOIL_OK) {
        const foil_error_t *e = foil_last_error();
        fprintf(stderr, "error: %s (%s, request %s)\n", foil_error_message(e), foil_error_code(e),
                foil_error_request_id(e) ? foil_error_request_id(e) : "-");
        foil_client_free(client);
        return 1;
    }
    for (size_t i = 0; i < foil_page_count(page); i++) {
        const foil_json_t *s = foil_page_item(page, i);
        int64_t risk = 0;
        const foil_json_t *d = foil_session_latest_decision(s);
        foil_decision_risk_score(d, &risk);
        printf("%s  %-12s risk %3lld\n", foil_session_id(s), foil_decision_verdict(d),
               (long long)risk);
    }
    foil_page_free(page);
    foil_client_free(client);
    return 0;
}

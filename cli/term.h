/* foil CLI: terminal detection, colours (never with NO_COLOR or off a terminal), symbols,
 * and the live progress line. */
#ifndef FOIL_CLI_TERM_H
#define FOIL_CLI_TERM_H

#include <stdio.h>

typedef enum cli_style {
    CLI_RESET,
    CLI_BOLD,
    CLI_DIM,
    CLI_RED,
    CLI_GREEN,
    CLI_YELLOW,
    CLI_BLUE,
    CLI_MAGENTA,
    CLI_CYAN
} cli_style_t;

/* 1 when f is a terminal that understands escape sequences (TERM is not "dumb"). */
int cli_term_is_tty(FILE *f);
/* 1 when colours may be written to f: a terminal, and NO_COLOR unset or empty. */
int cli_term_color(FILE *f);
/* The escape sequence for s on f, or "" when colours are off. */
const char *cli_style(FILE *f, cli_style_t s);
/* 1 when the locale (or its absence on a terminal) lets us print UTF-8 symbols. */
int cli_term_utf8(void);
/* A symbol with an ASCII fallback: cli_sym("✔", "ok"). */
const char *cli_sym(const char *utf8, const char *ascii);
/* Terminal width of f (80 when unknown). */
int cli_term_width(FILE *f);

/* Text from elsewhere (the server, a file, an argument) made safe to print for a person:
 * control characters (C0 including ESC, CR, LF and TAB; DEL; C1, raw or UTF-8 encoded),
 * Unicode direction overrides and bytes that are not UTF-8 are shown as escapes
 * (\e, \r, \n, \t, \xNN, \uNNNN), so that nothing it holds can move the cursor,
 * recolour the terminal, forge a line or set the window title. Every other character
 * (backslash included) prints as is. With CLI_ESC_KEEP_LAYOUT, LF and TAB are kept
 * (multi-line text such as ASCII art or indented JSON). NULL stays NULL.
 *
 * cli_safe returns s itself when nothing needs escaping, else an escaped copy that stays
 * valid until 16 more calls of cli_safe in the same thread: use it for arguments of one
 * printf. Never use it for --json output (JSON has its own escapes). */
enum { CLI_ESC_KEEP_LAYOUT = 1 };
const char *cli_safe(const char *s);
const char *cli_safe_flags(const char *s, int flags);
/* The escaped text, malloc'd (NULL when out of memory or s is NULL). */
char *cli_escape_dup(const char *s, int flags);
/* Writes the escaped text of s to f. */
void cli_put_safe(FILE *f, const char *s, int flags);

/* "14:59", "1:02:03" or "0:00" for a number of seconds. */
void cli_format_duration(double seconds, char *buf, size_t n);

/* A progress display for a wait: a spinner line redrawn in place on a terminal, plain
 * lines (on status changes and every 30 s) elsewhere. */
typedef struct cli_progress {
    FILE *f;
    int live;
    unsigned frame;
    char label[96];
    char last_status[32];
    double last_line_at;
    int drawn;
} cli_progress_t;

void cli_progress_init(cli_progress_t *p, FILE *f, const char *label);
void cli_progress_update(cli_progress_t *p, const char *status, double seconds_left);
/* Erase the live line (so the next output starts on a clean line). */
void cli_progress_clear(cli_progress_t *p);

#endif

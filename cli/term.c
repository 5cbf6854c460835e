/* foil CLI: terminal handling (see term.h). */
#define _POSIX_C_SOURCE 200809L
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "utf8.h"

int cli_term_is_tty(FILE *f) {
    const char *term = getenv("TERM");
    return isatty(fileno(f)) && !(term && strcmp(term, "dumb") == 0);
}

int cli_term_color(FILE *f) {
    const char *no_color = getenv("NO_COLOR");
    return cli_term_is_tty(f) && !(no_color && *no_color);
}

const char *cli_style(FILE *f, cli_style_t s) {
    static const char *const codes[] = {"\033[0m",  "\033[1m",  "\033[2m",  "\033[31m", "\033[32m",
                                        "\033[33m", "\033[34m", "\033[35m", "\033[36m"};
    return cli_term_color(f) ? codes[s] : "";
}

int cli_term_utf8(void) {
    const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") ||
                   strstr(v, "utf-8");
    }
    return cli_term_is_tty(stdout) || cli_term_is_tty(stderr);
}

const char *cli_sym(const char *utf8, const char *ascii) {
    return cli_term_utf8() ? utf8 : ascii;
}

int cli_term_width(FILE *f) {
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
    return 80;
}

void cli_format_duration(double seconds, char *buf, size_t n) {
    long s = seconds > 0 ? (long)(seconds + 0.5) : 0;
    if (s >= 3600)
        snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

/* 1 for code points that a terminal treats as controls or that reorder text. */
static int unsafe_code_point(unsigned long cp) {
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Escapes s into out (when not NULL); returns the length of the escaped text. */
static size_t escape(const char *s, int flags, char *out) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        unsigned long cp;
        size_t len = cli_utf8_decode(p, &cp);
        char esc[16];
        size_t elen;
        if (len == 0) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
            len = 1;
        } else if (!unsafe_code_point(cp) ||
                   ((cp == '\n' || cp == '\t') && (flags & CLI_ESC_KEEP_LAYOUT))) {
            if (out) memcpy(out + n, p, len);
            n += len;
            p += len;
            continue;
        } else if (cp == 0x1b) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\e");
        } else if (cp == '\n' || cp == '\r' || cp == '\t') {
            elen = (size_t)snprintf(esc, sizeof esc, "\\%c",
                                    cp == '\n'   ? 'n'
                                    : cp == '\r' ? 'r'
                                                 : 't');
        } else if (cp < 0x80) {
            elen = (size_t)snprintf(esc, sizeof esc, "\\x%02lx", cp);
        } else {
            elen = (size_t)snprintf(esc, sizeof esc, "\\u%04lx", cp);
        }
        if (out) memcpy(out + n, esc, elen);
        n += elen;
        p += len;
    }
    if (out) out[n] = '\0';
    return n;
}

char *cli_escape_dup(const char *s, int flags) {
    if (!s) return NULL;
    char *out = malloc(escape(s, flags, NULL) + 1);
    if (out) escape(s, flags, out);
    return out;
}

void cli_put_safe(FILE *f, const char *s, int flags) {
    char *e = cli_escape_dup(s, flags);
    fputs(e ? e : "?", f);
    free(e);
}

const char *cli_safe_flags(const char *s, int flags) {
    static _Thread_local char *ring[16];
    static _Thread_local unsigned next;
    if (!s || escape(s, flags, NULL) == strlen(s)) return s;
    char *e = cli_escape_dup(s, flags);
    if (!e) return "?";
    free(ring[next % 16]);
    ring[next++ % 16] = e;
    return e;
}

const char *cli_safe(const char *s) {
    return cli_safe_flags(s, 0);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cli_progress_init(cli_progress_t *p, FILE *f, const char *label) {
    memset(p, 0, sizeof *p);
    p->f = f;
    p->live = cli_term_is_tty(f);
    snprintf(p->label, sizeof p->label, "%s", label);
}

void cli_progress_update(cli_progress_t *p, const char *status, double seconds_left) {
    char left[32];
    cli_format_duration(seconds_left, left, sizeof left);
    if (p->live) {
        static const char *const braille[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
        static const char *const ascii[] = {"|", "/", "-", "\\"};
        const char *frame = cli_term_utf8() ? braille[p->frame % 10] : ascii[p->frame % 4];
        p->frame++;
        fprintf(p->f, "\r\033[2K%s%s%s %s %s%s %s %s left%s", cli_style(p->f, CLI_CYAN), frame,
                cli_style(p->f, CLI_RESET), p->label, cli_style(p->f, CLI_DIM), cli_sym("·", "-"),
                cli_safe(status), left, cli_style(p->f, CLI_RESET));
        fflush(p->f);
        p->drawn = 1;
        return;
    }
    double now = now_seconds();
    if (strcmp(status, p->last_status) != 0 || now - p->last_line_at >= 30) {
        fprintf(p->f, "%s: %s, %s left\n", p->label, cli_safe(status), left);
        fflush(p->f);
        snprintf(p->last_status, sizeof p->last_status, "%s", status);
        p->last_line_at = now;
    }
}

void cli_progress_clear(cli_progress_t *p) {
    if (p->live && p->drawn) {
        fputs("\r\033[2K", p->f);
        fflush(p->f);
    }
    p->drawn = 0;
}

/* foil CLI: opening a URL in the person's browser. */
#ifndef FOIL_CLI_BROWSER_H
#define FOIL_CLI_BROWSER_H

/* Starts `open` (macOS) or `xdg-open` (elsewhere, only with a graphical session:
 * DISPLAY or WAYLAND_DISPLAY set) on url, detached, without waiting for it.
 * Returns 0 when the opener was started, -1 otherwise (the caller prints the URL). */
int cli_open_url(const char *url);

#endif

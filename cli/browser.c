/* foil CLI: opening a URL in the browser (see browser.h). */
#define _POSIX_C_SOURCE 200809L
#include "browser.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int cli_open_url(const char *url) {
#ifdef __APPLE__
    const char *opener = "open";
#else
    const char *opener = "xdg-open";
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY")) return -1;
#endif
    int ready[2];
    if (pipe(ready) != 0) return -1;
    pid_t child = fork();
    if (child < 0) {
        close(ready[0]);
        close(ready[1]);
        return -1;
    }
    if (child == 0) {
        /* Detach twice so the opener is never our zombie, and report exec failures
         * through the close-on-exec pipe. */
        close(ready[0]);
        setsid();
        pid_t grandchild = fork();
        if (grandchild != 0) _exit(grandchild < 0);
        fcntl(ready[1], F_SETFD, FD_CLOEXEC);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execlp(opener, opener, url, (char *)NULL);
        char failed = 1;
        if (write(ready[1], &failed, 1) < 0) _exit(127);
        _exit(127);
    }
    close(ready[1]);
    int status = 0;
    waitpid(child, &status, 0);
    char failed = 0;
    ssize_t n = read(ready[0], &failed, 1);
    close(ready[0]);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && n <= 0 ? 0 : -1;
}

/* libcurl's CURLMOPT_SOCKETFUNCTION and CURLMOPT_TIMERFUNCTION, recorded instead of acted
 * on: the host asks for the changes after each call into the loop (no callbacks into it). */
#include "interest.h"

#include "foil/loop.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

long long foil_loop_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void foil_loop_interest_init(foil_loop_interest_t *in) {
    memset(in, 0, sizeof *in);
    in->timer_due_ms = -1;
}

void foil_loop_interest_clear(foil_loop_interest_t *in) {
    free(in->slots);
    free(in->changed);
    foil_loop_interest_init(in);
}

static interest_slot *slot_for(foil_loop_interest_t *in, int fd) {
    if (fd < 0) return NULL;
    if ((size_t)fd >= in->slot_count) {
        size_t count = in->slot_count ? in->slot_count : 64;
        while (count <= (size_t)fd)
            count *= 2;
        interest_slot *grown = realloc(in->slots, count * sizeof *grown);
        if (!grown) return NULL;
        memset(grown + in->slot_count, 0, (count - in->slot_count) * sizeof *grown);
        in->slots = grown;
        in->slot_count = count;
    }
    return &in->slots[fd];
}

static bool queue(foil_loop_interest_t *in, int fd, interest_slot *s) {
    if (s->queued) return true;
    if (in->changed_next > 0 && in->changed_next == in->changed_count)
        in->changed_next = in->changed_count = 0; /* all read: start over */
    if (in->changed_count == in->changed_cap) {
        size_t cap = in->changed_cap ? in->changed_cap * 2 : 64;
        int *grown = realloc(in->changed, cap * sizeof *grown);
        if (!grown) return false;
        in->changed = grown;
        in->changed_cap = cap;
    }
    in->changed[in->changed_count++] = fd;
    s->queued = true;
    return true;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
    (void)easy, (void)socketp;
    foil_loop_interest_t *in = userp;
    interest_slot *s = slot_for(in, (int)fd);
    if (!s) {
        in->failed = true;
        return 0;
    }
    unsigned char wanted = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) wanted |= FOIL_LOOP_READ;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) wanted |= FOIL_LOOP_WRITE;
    if (what == CURL_POLL_REMOVE && s->reported) s->closed = true;
    s->wanted = wanted;
    if ((s->wanted != s->reported || s->closed) && !queue(in, (int)fd, s)) in->failed = true;
    return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    foil_loop_interest_t *in = userp;
    in->timer_due_ms = timeout_ms < 0 ? -1 : foil_loop_now_ms() + timeout_ms;
    return 0;
}

void foil_loop_interest_attach(foil_loop_interest_t *in, CURLM *multi) {
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, in);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, in);
}

void foil_loop_interest_forget_all(foil_loop_interest_t *in) {
    for (size_t fd = 0; fd < in->slot_count; fd++) {
        interest_slot *s = &in->slots[fd];
        s->wanted = 0;
        if (s->reported && !queue(in, (int)fd, s)) in->failed = true;
    }
    in->timer_due_ms = -1;
}

int foil_loop_interest_next(foil_loop_interest_t *in, int *fd, int *events) {
    while (in->changed_next < in->changed_count) {
        int f = in->changed[in->changed_next++];
        interest_slot *s = &in->slots[f];
        s->queued = false;
        if (s->closed && s->reported) {
            /* The host drops its watch on the old socket before any on a new one. */
            s->closed = false;
            s->reported = 0;
            if (s->wanted) queue(in, f, s);
            *fd = f;
            *events = 0;
            return 1;
        }
        s->closed = false;
        if (s->wanted == s->reported) continue;
        s->reported = s->wanted;
        *fd = f;
        *events = s->wanted;
        return 1;
    }
    in->changed_next = in->changed_count = 0;
    return 0;
}

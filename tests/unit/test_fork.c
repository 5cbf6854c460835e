/* fork() with a client in use: the parent and the child keep using one client, and each
 * gets its own answers. The canned server echoes what each request asked for (the id in
 * its path), and every request asks for an id of its own (process, round, number). A
 * child sending on a connection it inherited shares one TCP stream with its parent: the
 * two processes' requests go down it and each reads whichever answer comes first. That
 * shows here as an answer naming another request's id (crossed), an answer cut short or
 * already taken by the other process (an error: a protocol error or the 5 s timeout), or
 * a lock held at the fork by a thread the child does not have (a hang: the child's alarm
 * ends it and it counts as failed). */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "foil_test.h"

#include "canned_server.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <execinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 10
#define REQUESTS 200
#define BUSY_THREADS 4
/* Generous for valgrind (the C suites run under it too): a hang still fails, it does not
 * stall the run. */
#define CHILD_ALARM_S 100
#define CHILD_WAIT_S 150

typedef canned_env_t env;

typedef struct tally {
    int asked, crossed, errors;
    int last_error; /* the foil_status_t of the last failed request */
} tally;

static int setup(void **state) {
    if (canned_env_setup(state) != 0) return -1;
    env *e = *state;
    canned_server_echo(e->server, 6);
    /* A client whose stolen answer shows as a timeout soon, not after 30 s. */
    foil_client_free(e->client);
    e->client = canned_env_client(e);
    if (!e->client || foil_client_set_timeout_ms(e->client, 5000) != FOIL_OK) return -1;
    return 0;
}

static int teardown(void **state) {
    return canned_env_teardown(state);
}

static void ask(foil_client_t *c, const char *id, tally *t) {
    foil_result_t *r = NULL;
    t->asked++;
    foil_status_t st = foil_sessions_get(c, id, &r);
    if (st != FOIL_OK) {
        t->errors++;
        t->last_error = (int)st;
        return;
    }
    const char *got = foil_json_get_string(foil_result_data(r), "id");
    if (!got || strcmp(got, id) != 0) t->crossed++;
    foil_result_free(r);
}

/* Counted into `t` as it goes, so a child's progress is known even if it never ends. */
static void ask_many_into(foil_client_t *c, const char *who, int round, volatile tally *t) {
    char id[64];
    for (int i = 0; i < REQUESTS; i++) {
        snprintf(id, sizeof id, "%s_%d_%d", who, round, i);
        tally one = *t;
        ask(c, id, &one);
        *t = one;
    }
}

static tally ask_many(foil_client_t *c, const char *who, int round) {
    tally t = {0};
    ask_many_into(c, who, round, &t);
    return t;
}

/* Parent threads asking all the time, so some are mid-request (holding the pool's lock,
 * a connection, libcurl's locks) when the fork comes. */
typedef struct busy {
    foil_client_t *client;
    atomic_int *stop;
    atomic_int started;
    int index, round;
    tally t;
    pthread_t thread;
} busy;

static void *keep_asking(void *arg) {
    busy *b = arg;
    char id[64];
    for (int n = 0; !atomic_load(b->stop); n++) {
        snprintf(id, sizeof id, "busy%d_%d_%d", b->index, b->round, n);
        ask(b->client, id, &b->t);
        atomic_store(&b->started, 1);
    }
    return NULL;
}

/* The child's exit status; -1 when it had to be killed (a hang). */
static int wait_child(pid_t pid) {
    struct timespec tick = {0, 10 * 1000000L};
    for (int i = 0; i < CHILD_WAIT_S * 100; i++) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        nanosleep(&tick, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* A child that does not end in time says where it is before its alarm ends it. */
static void on_child_alarm(int sig) {
    static const char head[] = "child still running at its alarm; its stack:\n";
    void *frames[64];
    (void)!write(2, head, sizeof head - 1);
    backtrace_symbols_fd(frames, backtrace(frames, 64), 2);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void arm_child_alarm(void) {
    void *frame[1];
    backtrace(frame, 1); /* loads the unwinder now, not in the signal handler */
    signal(SIGALRM, on_child_alarm);
    alarm(CHILD_ALARM_S);
}

/* In the child: its requests, the tally written to `out`, then the client freed (what it
 * inherited must be left without a word on the parent's connections). No cmocka here.
 * With parent threads mid-request at the fork, what those threads had allocated is
 * unreachable in the child (the threads are not there), and a leak checker at the child's
 * exit (valgrind follows forks) would report it though the child leaked nothing: that child
 * ends by exec'ing true(1) instead. The child of the quiet rounds is leak-checked. */
static void child_run(foil_client_t *c, int round, int out, bool leak_checked,
                      volatile tally *progress) {
    arm_child_alarm();
    ask_many_into(c, "child", round, progress);
    tally t = *progress;
    ssize_t n = write(out, &t, sizeof t);
    foil_client_free(c);
    if (n == (ssize_t)sizeof t && !leak_checked) {
        execl("/bin/true", "true", (char *)NULL);
        execl("/usr/bin/true", "true", (char *)NULL);
    }
    _exit(n == (ssize_t)sizeof t ? 0 : 3);
}

/* AddressSanitizer's allocator (GCC 12's libasan) takes no lock around fork(): a child made
 * while another thread is inside malloc waits forever on that thread's allocator lock, at
 * its first malloc (seen here: FutexWait under SizeClassAllocator64::GetFromAllocator). That
 * is the sanitizer's, not libfoil's; the Release and valgrind runs of this test cover it. */
#if defined(__SANITIZE_ADDRESS__)
#define ASAN_FORK_UNSAFE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_FORK_UNSAFE 1
#endif
#endif

static void fork_rounds(env *e, int busy_threads) {
    foil_client_t *c = e->client;
    tally parent = {0}, child = {0}, others = {0};
    int failed_children = 0, hangs = 0;
    volatile tally *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(progress != MAP_FAILED);
    for (int round = 0; round < ROUNDS; round++) {
        tally warm = ask_many(c, "warm", round); /* pooled connections to inherit */
        parent.crossed += warm.crossed, parent.errors += warm.errors;
        atomic_int stop = 0;
        busy b[BUSY_THREADS];
        for (int i = 0; i < busy_threads; i++) {
            b[i] = (busy){.client = c, .stop = &stop, .index = i, .round = round};
            atomic_init(&b[i].started, 0);
            assert_int_equal(pthread_create(&b[i].thread, NULL, keep_asking, &b[i]), 0);
        }
        for (int i = 0; i < busy_threads; i++)
            while (!atomic_load(&b[i].started))
                sched_yield();
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        *progress = (tally){0};
#ifdef ASAN_FORK_UNSAFE
        /* Even in a quiet round the canned server's thread may still be freeing the last
         * answer: let it get back to its poll before the fork (see ASAN_FORK_UNSAFE). */
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
#endif
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_run(c, round, fds[1], busy_threads == 0, progress);
        }
        close(fds[1]);
        tally p = ask_many(c, "parent", round);
        int status = wait_child(pid);
        tally ct = {0};
        if (status != 0 || read(fds[0], &ct, sizeof ct) != (ssize_t)sizeof ct) {
            tally seen = *progress;
            print_message("round %d: child ended with %d after %d requests (%d errors, the "
                          "last %d)\n",
                          round, status, seen.asked, seen.errors, seen.last_error);
            failed_children++;
            hangs += status == -1 || status == 128 + SIGALRM;
        }
        close(fds[0]);
        atomic_store(&stop, 1);
        for (int i = 0; i < busy_threads; i++) {
            pthread_join(b[i].thread, NULL);
            others.asked += b[i].t.asked;
            others.crossed += b[i].t.crossed;
            others.errors += b[i].t.errors;
        }
        parent.asked += p.asked, parent.crossed += p.crossed, parent.errors += p.errors;
        child.asked += ct.asked, child.crossed += ct.crossed, child.errors += ct.errors;
    }
    print_message("%d rounds, %d busy threads: child %d asked, %d crossed, %d errors; parent "
                  "%d asked, %d crossed, %d errors; busy threads %d asked, %d crossed, %d "
                  "errors; %d children failed (%d hung)\n",
                  ROUNDS, busy_threads, child.asked, child.crossed, child.errors, parent.asked,
                  parent.crossed, parent.errors, others.asked, others.crossed, others.errors,
                  failed_children, hangs);
    munmap((void *)progress, sizeof *progress);
    assert_int_equal(failed_children, 0);
    assert_int_equal(child.asked, ROUNDS * REQUESTS);
    assert_int_equal(child.crossed + child.errors, 0);
    assert_int_equal(parent.crossed + parent.errors, 0);
    assert_int_equal(others.crossed + others.errors, 0);
}

static void parent_and_child_share_a_client(void **state) {
    fork_rounds(*state, 0);
}

static void fork_while_parent_threads_are_mid_request(void **state) {
#ifdef ASAN_FORK_UNSAFE
    (void)state;
    print_message("skipped under AddressSanitizer: its allocator is not fork-safe with other "
                  "threads mid-malloc (a child can hang on their lock)\n");
    skip();
#else
    fork_rounds(*state, BUSY_THREADS);
#endif
}

/* The walk in the child: items item_<from>.. in order, 0 on success. */
static int walk_rest(foil_iter_t *it, int from) {
    const foil_json_t *item = NULL;
    char want[32];
    for (int i = from; i < 6; i++) {
        if (foil_iter_next(it, &item) != FOIL_OK || !item) return 1;
        snprintf(want, sizeof want, "item_%d", i);
        const char *id = foil_json_get_string(item, "id");
        if (!id || strcmp(id, want) != 0) return 2;
    }
    if (foil_iter_next(it, &item) != FOIL_OK || item) return 4;
    return 0;
}

/* A walk whose next page was requested ahead before the fork: the child asks for that
 * page itself (the answer on the parent's connection is the parent's), the parent reads
 * its own. The server counts requests: the child's walk adds all five of its pages. */
static void walk_requested_ahead_before_fork(void **state) {
    env *e = *state;
    foil_iter_t *it = NULL;
    const foil_json_t *item = NULL;
    FOIL_ASSERT_OK(foil_sessions_iter(e->client, 1, NULL, NULL, &it));
    FOIL_ASSERT_OK(foil_iter_next(it, &item)); /* page 0; page 1 is requested ahead */
    assert_string_equal(foil_json_get_string(item, "id"), "item_0");
    canned_server_delay(e->server, 20);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        arm_child_alarm();
        int rc = walk_rest(it, 1);
        foil_iter_free(it);
        _exit(rc);
    }
    assert_int_equal(wait_child(pid), 0);
    /* page 0, the parent's page 1 asked ahead, the child's pages 1 to 5 */
    assert_int_equal(canned_server_last(e->server).count, 7);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(walk_rest(it, 1), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* The parent's page 1 was its own answer, still waiting for it: not asked again. */
    assert_int_equal(canned_server_last(e->server).count, 11);
    assert_true(t1.tv_sec - t0.tv_sec < 4); /* no wait for a stolen answer (5 s timeout) */
    foil_iter_free(it);
    canned_server_delay(e->server, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(parent_and_child_share_a_client, setup, teardown),
        cmocka_unit_test_setup_teardown(fork_while_parent_threads_are_mid_request, setup, teardown),
        cmocka_unit_test_setup_teardown(walk_requested_ahead_before_fork, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

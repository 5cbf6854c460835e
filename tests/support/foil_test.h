/* Shared helpers for the C test suites: cmocka, the official spec location, files. */
#ifndef FOIL_TEST_H
#define FOIL_TEST_H

#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "foil/foil.h"

/* RUNNING_ON_VALGRIND: non-zero under valgrind, where a test's time bounds get its slowdown
 * (valgrind's header when installed; 0 otherwise). */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* The foil-spec directory: $FOIL_SPEC_DIR, else the build's default
 * (../shared/foil-spec beside the repository). NULL when it does not exist. */
const char *foil_test_spec_dir(void);
/* Whole file as a NUL-terminated string (length in *len when non-NULL); NULL when absent. */
char *foil_test_read_file(const char *path, size_t *len);
/* A fixture under <spec>/fixtures/<rel>, parsed; NULL when absent. */
cJSON *foil_test_fixture(const char *rel);
/* For main(): print a clear skip message and return 77 (ctest's skip code)
 * when the spec is absent. */
int foil_test_require_spec(const char *suite);

/* Assert a call returned FOIL_OK, printing the last error otherwise. */
#define FOIL_ASSERT_OK(call)                                                                       \
    do {                                                                                           \
        foil_status_t st__ = (call);                                                               \
        if (st__ != FOIL_OK)                                                                       \
            print_message("%s -> %s: %s (%s)\n", #call, foil_status_kind(st__),                    \
                          foil_error_message(foil_last_error()),                                   \
                          foil_error_code(foil_last_error()));                                     \
        assert_int_equal(st__, FOIL_OK);                                                           \
    } while (0)

#endif

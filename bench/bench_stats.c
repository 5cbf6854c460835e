/* Timing and summary statistics shared by the C benchmarks. */
#define _POSIX_C_SOURCE 200809L
#include "bench_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_median(const double *values, size_t n) {
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted) bench_die("median", "out of memory");
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    double m = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    free(sorted);
    return m;
}

void bench_die(const char *what, const char *detail) {
    fprintf(stderr, "benchmark failed: %s: %s\n", what, detail ? detail : "(no detail)");
    exit(1);
}

/* Timing and summary statistics shared by the C benchmarks. */
#ifndef FOIL_BENCH_STATS_H
#define FOIL_BENCH_STATS_H

#include <stddef.h>

/* Monotonic clock in seconds. */
double bench_now(void);
/* Median of n values (n > 0); the input is left untouched. */
double bench_median(const double *values, size_t n);
/* Abort the benchmark with a message on stderr (exit code 1): a benchmark that cannot run
 * must fail loudly, never print a number. */
_Noreturn void bench_die(const char *what, const char *detail);

#endif

/* libfoil: the argument rules every binding shares, so each is written once.
 *
 * A binding hands the caller's value to the core and raises what the core says: the
 * range, the error and its text are the same in every language.
 *   foil_seconds_to_ms   a timeout or interval in seconds (a native number) as the
 *                        milliseconds the setters and waits take
 *   foil_limit_check     a page size (`limit`) before it is passed on
 */
#ifndef FOIL_ARGUMENTS_H
#define FOIL_ARGUMENTS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest timeout or interval in seconds: its milliseconds fit a 32-bit signed int
 * (2^31 - 1 ms, about 24.8 days) on every platform. */
#define FOIL_SECONDS_MAX 2147483

/* The page sizes the API accepts. */
#define FOIL_LIMIT_MIN 1
#define FOIL_LIMIT_MAX 200

/* seconds as whole milliseconds (truncated, at least 1) in *ms_out. seconds must be finite
 * and in (0, FOIL_SECONDS_MAX]; otherwise FOIL_E_INVALID_ARGUMENT with one field error
 * naming `name` (NULL: "seconds"), message "<name>: must be a number of seconds in
 * (0, 2147483]", and *ms_out is 0. A binding maps "not given" (None, nil) to its default
 * itself, before calling this. FOIL_E_INVALID_ARGUMENT when ms_out is NULL. */
FOIL_API foil_status_t foil_seconds_to_ms(const char *name, double seconds, long *ms_out);

/* FOIL_OK when limit is a page size the API accepts (FOIL_LIMIT_MIN..FOIL_LIMIT_MAX);
 * otherwise FOIL_E_INVALID_ARGUMENT, message "limit: must be between 1 and 200", with one
 * field error (name "limit", expected "1..200", received the value). The list functions
 * and foil_call apply the same check; a binding that reads "not given" as 0 calls this
 * first for a value it was given. */
FOIL_API foil_status_t foil_limit_check(int64_t limit);

#ifdef __cplusplus
}
#endif
#endif

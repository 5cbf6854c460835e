/* ISO-8601 UTC timestamps ("2026-04-04T20:15:00.000Z") and a monotonic clock. */
#ifndef FOIL_TIMESTAMP_H
#define FOIL_TIMESTAMP_H

#include "internal.h"

/* Seconds since the epoch; false when not of the form YYYY-MM-DDTHH:MM:SS[.fff](Z|+00:00). */
bool foil_parse_timestamp(const char *text, double *epoch_seconds);
double foil_now_wall(void);
double foil_now_monotonic(void);
void foil_sleep_seconds(double seconds);

#endif

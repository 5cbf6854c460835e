/* A per-thread zlib inflate stream, reused across calls: setting up a stream (allocating
 * and initialising zlib's state) costs more than inflating a small token payload. */
#ifndef FOIL_INFLATER_H
#define FOIL_INFLATER_H

#include <zlib.h>

/* This thread's stream, reset and ready for a new zlib stream; NULL when out of memory.
 * Hand it back with foil_inflater_release before the next acquire on this thread. */
z_stream *foil_inflater_acquire(void);

/* Wipes what the stream buffered (its window holds decompressed plaintext) and resets it. */
void foil_inflater_release(z_stream *zs);

#endif

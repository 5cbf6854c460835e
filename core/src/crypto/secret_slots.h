/* 32-byte slots of locked, guarded memory for X25519 secret scalars. */
#ifndef FOIL_SECRET_SLOTS_H
#define FOIL_SECRET_SLOTS_H

#define FOIL_SECRET_SLOT_BYTES 32

/* A free slot (contents unspecified), or NULL when out of memory. libsodium must be
 * initialised. Safe from any thread. */
unsigned char *foil_secret_slot_take(void);

/* Wipe the slot and hand it back. NULL is ignored. */
void foil_secret_slot_give(unsigned char *slot);

#endif

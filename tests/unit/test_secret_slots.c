/* Secret slots (crypto/secret_slots.c): the locked memory X25519 secret scalars live in. */
#include "foil_test.h"

#include "crypto/secret_slots.h"

#include <foil/foil.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* More than the slabs hold (64 slabs of 64 slots), so the last ones are sodium_malloc'd. */
#define MANY 4200

static int setup(void **state) {
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

static void fill(unsigned char *slot, unsigned seed) {
    for (size_t i = 0; i < FOIL_SECRET_SLOT_BYTES; i++)
        slot[i] = (unsigned char)(seed * 31u + i);
}

static int holds(const unsigned char *slot, unsigned seed) {
    for (size_t i = 0; i < FOIL_SECRET_SLOT_BYTES; i++)
        if (slot[i] != (unsigned char)(seed * 31u + i)) return 0;
    return 1;
}

static void live_slots_never_overlap(void **state) {
    (void)state;
    unsigned char **slots = calloc(MANY, sizeof *slots);
    assert_non_null(slots);
    for (unsigned i = 0; i < MANY; i++) {
        slots[i] = foil_secret_slot_take();
        assert_non_null(slots[i]);
        fill(slots[i], i);
    }
    for (unsigned i = 0; i < MANY; i++)
        assert_true(holds(slots[i], i)); /* no slot was handed out twice */
    for (unsigned i = 0; i < MANY; i++)
        foil_secret_slot_give(slots[i]);
    free(slots);
}

static void a_slot_given_back_is_wiped_and_reused(void **state) {
    (void)state;
    unsigned char *slot = foil_secret_slot_take();
    assert_non_null(slot);
    fill(slot, 7);
    foil_secret_slot_give(slot);
    /* The first slab is never freed: the slot's memory is still mapped, and zero. */
    static const unsigned char zero[FOIL_SECRET_SLOT_BYTES];
    assert_memory_equal(slot, zero, sizeof zero);
    unsigned char *again = foil_secret_slot_take();
    assert_ptr_equal(again, slot); /* the lowest free slot of the first slab */
    foil_secret_slot_give(again);
    foil_secret_slot_give(NULL);
}

static void *churn(void *arg) {
    unsigned seed = (unsigned)(uintptr_t)arg;
    unsigned char *held[40];
    for (int round = 0; round < 200; round++) {
        for (unsigned i = 0; i < 40; i++) {
            held[i] = foil_secret_slot_take();
            if (!held[i]) return (void *)1;
            fill(held[i], seed * 1000 + i);
        }
        for (unsigned i = 0; i < 40; i++) {
            if (!holds(held[i], seed * 1000 + i)) return (void *)1;
            foil_secret_slot_give(held[i]);
        }
    }
    return NULL;
}

static void threads_share_the_slabs(void **state) {
    (void)state;
    pthread_t threads[6];
    for (uintptr_t t = 0; t < 6; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, churn, (void *)(t + 1)), 0);
    for (int t = 0; t < 6; t++) {
        void *failed = NULL;
        assert_int_equal(pthread_join(threads[t], &failed), 0);
        assert_null(failed);
    }
}

static void key_pairs_keep_their_secret(void **state) {
    (void)state;
    /* Key pairs made and freed in an interleaved order keep their own scalar: each exports
     * what it was imported from. */
    foil_delivery_key_pair_t *pairs[100] = {0};
    char *exported[100] = {0};
    for (int i = 0; i < 100; i++) {
        assert_int_equal(foil_delivery_key_pair_new(&pairs[i]), FOIL_OK);
        assert_int_equal(foil_delivery_key_pair_export_pkcs8(pairs[i], &exported[i]), FOIL_OK);
        if (i % 3 == 2) {
            foil_delivery_key_pair_free(pairs[i - 1]);
            pairs[i - 1] = NULL;
        }
    }
    for (int i = 0; i < 100; i++) {
        foil_delivery_key_pair_t *again = NULL;
        assert_int_equal(foil_delivery_key_pair_import_pkcs8(exported[i], &again), FOIL_OK);
        if (pairs[i]) {
            char *now = NULL;
            assert_int_equal(foil_delivery_key_pair_export_pkcs8(pairs[i], &now), FOIL_OK);
            assert_string_equal(now, exported[i]);
            assert_string_equal(foil_delivery_key_pair_public_key(again),
                                foil_delivery_key_pair_public_key(pairs[i]));
            foil_string_free(now);
        }
        foil_delivery_key_pair_free(again);
        foil_delivery_key_pair_free(pairs[i]);
        foil_string_free(exported[i]);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(live_slots_never_overlap),
        cmocka_unit_test(a_slot_given_back_is_wiped_and_reused),
        cmocka_unit_test(threads_share_the_slabs),
        cmocka_unit_test(key_pairs_keep_their_secret),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}

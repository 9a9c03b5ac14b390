/* The open-addressing structures against GLib's hash table, under random churn. */
#include <glib.h>

#include "fot_distinct.h"
#include "fot_index.h"

static uint32_t keys[1024];

static bool
match(const void *ctx, uint32_t item, const void *key)
{
    (void)ctx;
    return keys[item - 1] == *(const uint32_t *)key;
}

static void
test_index_churn(void)
{
    fot_index ix;
    fot_index_init(&ix);
    GHashTable *ref = g_hash_table_new(g_direct_hash, g_direct_equal);
    GRand *rnd = g_rand_new_with_seed(7);
    for (int step = 0; step < 200000; step++) {
        uint32_t item = (uint32_t)g_rand_int_range(rnd, 1, G_N_ELEMENTS(keys));
        /* Few hash bits: long probe runs, so removal's backward shift is exercised. */
        uint32_t key = item * 2654435761u, hash = key & 0x3f;
        bool present = g_hash_table_contains(ref, GUINT_TO_POINTER(item));
        g_assert_cmpuint(fot_index_find(&ix, hash, match, NULL, &key), ==, present ? item : 0);
        if (present) {
            fot_index_remove(&ix, hash, item);
            g_hash_table_remove(ref, GUINT_TO_POINTER(item));
        } else {
            keys[item - 1] = key;
            fot_index_insert(&ix, hash, item);
            g_hash_table_add(ref, GUINT_TO_POINTER(item));
        }
        g_assert_cmpuint(ix.count, ==, g_hash_table_size(ref));
    }
    g_rand_free(rnd);
    g_hash_table_destroy(ref);
    fot_index_destroy(&ix);
}

/* Distinct values counted in one pass, as fot_active_counts does. */
static void
test_count_map_distinct(void)
{
    fot_count_map m;
    fot_count_map_init(&m);
    GHashTable *ref = g_hash_table_new(g_int64_hash, g_int64_equal);
    gint64 *ks = g_new(gint64, 4096);
    for (int i = 0; i < 4096; i++)
        ks[i] = (gint64)i << 40 | (gint64)i;
    GRand *rnd = g_rand_new_with_seed(11);
    for (int step = 0; step < 20000; step++) {
        int i = g_rand_int_range(rnd, 0, 4096);
        g_assert_cmpint(fot_count_map_add(&m, (uint64_t)ks[i]), ==, !g_hash_table_contains(ref, &ks[i]));
        g_hash_table_add(ref, &ks[i]);
        g_assert_cmpuint(m.distinct, ==, g_hash_table_size(ref));
    }
    g_rand_free(rnd);
    g_free(ks);
    g_hash_table_destroy(ref);
    fot_count_map_destroy(&m);
}

/* Uses of 48-bit keys coming and going, against a count per key: the map
 * grows, and removal's backward shift keeps every key findable. */
static void
test_key48_churn(void)
{
    fot_key48_map m;
    fot_key48_map_init(&m);
    GHashTable *ref = g_hash_table_new(g_int64_hash, g_int64_equal);
    gint64 *ks = g_new(gint64, 512);
    guint *uses = g_new0(guint, 512);
    for (int i = 0; i < 512; i++)
        ks[i] = (gint64)i << 32 | (gint64)i;
    GRand *rnd = g_rand_new_with_seed(11);
    for (int step = 0; step < 200000; step++) {
        int i = g_rand_int_range(rnd, 0, 512);
        if (uses[i] == 0 || g_rand_boolean(rnd)) {
            g_assert_cmpint(fot_key48_map_add(&m, (uint64_t)ks[i]), ==, uses[i] == 0);
            uses[i]++;
            g_hash_table_add(ref, &ks[i]);
        } else {
            uses[i]--;
            g_assert_cmpint(fot_key48_map_remove(&m, (uint64_t)ks[i]), ==, uses[i] == 0);
            if (uses[i] == 0)
                g_hash_table_remove(ref, &ks[i]);
        }
        g_assert_cmpuint(m.distinct, ==, g_hash_table_size(ref));
    }
    g_rand_free(rnd);
    g_free(ks);
    g_free(uses);
    g_hash_table_destroy(ref);
    fot_key48_map_destroy(&m);
}

/* Past 65535 uses of one key the count spills over and still comes back to 0. */
static void
test_key48_spill(void)
{
    fot_key48_map m;
    fot_key48_map_init(&m);
    uint64_t key = (UINT64_C(1) << 47) | 12345;
    g_assert_true(fot_key48_map_add(&m, key));
    for (int i = 1; i < 70000; i++)
        g_assert_false(fot_key48_map_add(&m, key));
    g_assert_true(fot_key48_map_add(&m, 7));
    g_assert_cmpuint(m.distinct, ==, 2);
    for (int i = 1; i < 70000; i++)
        g_assert_false(fot_key48_map_remove(&m, key));
    g_assert_true(fot_key48_map_remove(&m, key));
    g_assert_cmpuint(m.distinct, ==, 1);
    g_assert_false(fot_key48_map_remove(&m, key));
    g_assert_true(fot_key48_map_remove(&m, 7));
    fot_key48_map_destroy(&m);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/index/churn", test_index_churn);
    g_test_add_func("/index/count-map-distinct", test_count_map_distinct);
    g_test_add_func("/index/key48-churn", test_key48_churn);
    g_test_add_func("/index/key48-spill", test_key48_spill);
    return g_test_run();
}

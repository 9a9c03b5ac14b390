/* Capture time: clamping of far timestamps, floors of negative times, text forms. */
#include <glib.h>
#include <stdlib.h>

#include "fot_time.h"

static void
test_time_make_clamps(void)
{
    g_assert_cmpint(fot_time_make(1, 5), ==, FOT_NS_PER_SEC + 5);
    g_assert_cmpint(fot_time_make(-1, 5), ==, -FOT_NS_PER_SEC + 5);
    /* 2^62 ns is 4611686018.43 s: that second and later ones clamp. */
    g_assert_cmpint(fot_time_make(4611686017, 999999999), ==, INT64_C(4611686017999999999));
    g_assert_cmpint(fot_time_make(4611686018, 0), ==, FOT_TIME_MAX);
    g_assert_cmpint(fot_time_make(INT64_MAX, 999999999), ==, FOT_TIME_MAX);
    g_assert_cmpint(fot_time_make(INT64_MIN, 0), ==, FOT_TIME_MIN);
    g_assert_cmpint(fot_time_make(-2305843010, 0), ==, FOT_TIME_MIN);
    /* A week of timeout on the largest time still fits. */
    g_assert_cmpint(FOT_TIME_MAX, <, INT64_MAX - INT64_C(604800) * FOT_NS_PER_SEC);
}

static void
test_time_floor_negative(void)
{
    g_assert_cmpint(fot_time_floor(-1, 10), ==, -10);
    g_assert_cmpint(fot_time_floor(-10, 10), ==, -10);
    g_assert_cmpint(fot_time_floor(19, 10), ==, 10);
}

static void
test_time_text(void)
{
    char buf[64];
    fot_time_rfc3339(buf, sizeof buf, fot_time_make(1546300800, 500000000), 3);
    g_assert_cmpstr(buf, ==, "2019-01-01T00:00:00.500Z");
    fot_time_rfc3339(buf, sizeof buf, FOT_TIME_MAX, 0);
    g_assert_cmpstr(buf, ==, "2116-02-20T23:53:38Z");
    fot_time_rfc3339(buf, sizeof buf, fot_time_make(1546300800, 7), 9);
    g_assert_cmpstr(buf, ==, "2019-01-01T00:00:00.000000007Z");
    fot_time_rfc3339(buf, sizeof buf, fot_time_make(1546300800, 123456789), 6);
    g_assert_cmpstr(buf, ==, "2019-01-01T00:00:00.123456Z");
    fot_time_rfc3339(buf, sizeof buf, -1, 3); /* floors: the second before the epoch */
    g_assert_cmpstr(buf, ==, "1969-12-31T23:59:59.999Z");
    g_assert_cmpuint(fot_time_rfc3339(buf, 8, fot_time_make(1546300800, 0), 0), ==, 20);
    g_assert_cmpstr(buf, ==, "2019-01");
    fot_time_clock(buf, sizeof buf, fot_time_make(1546300800, 0));
    g_assert_cmpstr(buf, ==, "2019/01/01 00:00:00");
    g_assert_cmpint(fot_time_digits_for_step(FOT_NS_PER_SEC), ==, 0);
    g_assert_cmpint(fot_time_digits_for_step(FOT_NS_PER_SEC / 2), ==, 3);
}

int
main(int argc, char **argv)
{
    setenv("TZ", "UTC", 1);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/time/make-clamps", test_time_make_clamps);
    g_test_add_func("/time/floor-negative", test_time_floor_negative);
    g_test_add_func("/time/text", test_time_text);
    return g_test_run();
}

/* Capture time: nanoseconds since the Unix epoch, and its text forms. */
#ifndef FOT_TIME_H
#define FOT_TIME_H

#include <stddef.h>
#include <stdint.h>

#define FOT_NS_PER_SEC INT64_C(1000000000)

/* Capture times are kept within these bounds (about 1897 to 2116), so that adding an
 * interval or a timeout (at most a week) never overflows. */
#define FOT_TIME_MIN (-(INT64_C(1) << 61))
#define FOT_TIME_MAX (INT64_C(1) << 62)

/* secs.nsecs since the epoch as a capture time, clamped to FOT_TIME_MIN..FOT_TIME_MAX:
 * a pcapng timestamp can say any 64-bit second. */
int64_t fot_time_make(int64_t secs, int64_t nsecs);

/* Largest multiple of step that is <= t (step > 0), also for negative t. */
int64_t fot_time_floor(int64_t t, int64_t step);

/* RFC 3339 in the local zone, as Go's time.RFC3339 prints it ("Z" for a zero
 * offset), with frac_digits (0..9) digits after the seconds. */
size_t fot_time_rfc3339(char *buf, size_t size, int64_t t, int frac_digits);

/* "2019/01/01 00:00:00" in the local zone, as the original tool's sum header. */
size_t fot_time_clock(char *buf, size_t size, int64_t t);

/* How many fraction digits show a multiple of step exactly (0, 3, 6 or 9). */
int fot_time_digits_for_step(int64_t step);

#endif

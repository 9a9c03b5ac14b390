/* Capture time formatting; localtime_r honours TZ, which the tests set. */
#include "fot_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int64_t
fot_time_make(int64_t secs, int64_t nsecs)
{
    if (secs >= FOT_TIME_MAX / FOT_NS_PER_SEC)
        return FOT_TIME_MAX;
    if (secs <= FOT_TIME_MIN / FOT_NS_PER_SEC)
        return FOT_TIME_MIN;
    return secs * FOT_NS_PER_SEC + nsecs;
}

int64_t
fot_time_floor(int64_t t, int64_t step)
{
    int64_t q = t / step;
    if (t % step != 0 && t < 0)
        q--;
    return q * step;
}

static void
split(int64_t t, time_t *secs, long *nsecs)
{
    int64_t s = fot_time_floor(t, FOT_NS_PER_SEC);
    *secs = (time_t)(s / FOT_NS_PER_SEC);
    *nsecs = (long)(t - s);
}

size_t
fot_time_rfc3339(char *buf, size_t size, int64_t t, int frac_digits)
{
    time_t secs;
    long nsecs;
    struct tm tm;
    split(t, &secs, &nsecs);
    if (localtime_r(&secs, &tm) == NULL)
        return (size_t)snprintf(buf, size, "invalid-time");

    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (frac_digits > 0 && n < size) {
        long frac = nsecs;
        for (int i = frac_digits; i < 9; i++)
            frac /= 10;
        n += (size_t)snprintf(buf + n, size - n, ".%0*ld", frac_digits, frac);
    }
    if (n >= size)
        return n;
    long off = tm.tm_gmtoff;
    if (off == 0)
        return n + (size_t)snprintf(buf + n, size - n, "Z");
    char sign = off < 0 ? '-' : '+';
    off = labs(off);
    return n + (size_t)snprintf(buf + n, size - n, "%c%02ld:%02ld", sign, off / 3600, off / 60 % 60);
}

size_t
fot_time_clock(char *buf, size_t size, int64_t t)
{
    time_t secs;
    long nsecs;
    struct tm tm;
    split(t, &secs, &nsecs);
    if (localtime_r(&secs, &tm) == NULL)
        return (size_t)snprintf(buf, size, "invalid-time");
    return strftime(buf, size, "%Y/%m/%d %H:%M:%S", &tm);
}

int
fot_time_digits_for_step(int64_t step)
{
    if (step % FOT_NS_PER_SEC == 0)
        return 0;
    if (step % 1000000 == 0)
        return 3;
    if (step % 1000 == 0)
        return 6;
    return 9;
}

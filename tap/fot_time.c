/* \summary: capture time: making it, rounding it, writing it (RFC 3339, the original's clock) */
/* localtime_r honours TZ, which the tests set. */
#include "fot_time.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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

/* "YYYY-MM-DDTHH:MM:SS" and the zone ("Z", "+09:00") of the second last asked
 * for: log rows come many per second, and localtime_r/strftime cost more than
 * the rest of a row. */
static struct {
    time_t secs;
    bool valid;
    char date[32], zone[40];
} last_second;

static bool
format_second(time_t secs)
{
    if (last_second.valid && last_second.secs == secs)
        return true;
    struct tm tm;
    if (localtime_r(&secs, &tm) == NULL || strftime(last_second.date, sizeof last_second.date,
                                                    "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        return false;
    long off = tm.tm_gmtoff;
    if (off == 0)
        strcpy(last_second.zone, "Z");
    else
        snprintf(last_second.zone, sizeof last_second.zone, "%c%02ld:%02ld", off < 0 ? '-' : '+',
                 labs(off) / 3600, labs(off) / 60 % 60);
    last_second.secs = secs;
    last_second.valid = true;
    return true;
}

size_t
fot_time_rfc3339(char *buf, size_t size, int64_t t, int frac_digits)
{
    time_t secs;
    long nsecs;
    split(t, &secs, &nsecs);
    if (!format_second(secs))
        return (size_t)snprintf(buf, size, "invalid-time");
    char frac[11] = "";
    if (frac_digits > 0) {
        frac[0] = '.';
        for (int i = 9; i >= 1; i--, nsecs /= 10)
            if (i <= frac_digits)
                frac[i] = (char)('0' + nsecs % 10);
        frac[frac_digits + 1] = '\0';
    }
    size_t n = 0;
    const char *parts[3] = { last_second.date, frac, last_second.zone };
    for (unsigned i = 0; i < 3; i++) {
        size_t len = strlen(parts[i]);
        if (n < size) /* as snprintf: what fits, and the full length returned */
            memcpy(buf + n, parts[i], n + len < size ? len : size - n);
        n += len;
    }
    if (size)
        buf[n < size ? n : size - 1] = '\0';
    return n;
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

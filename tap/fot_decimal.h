/* The one reader of whole numbers in options, rules and tables: decimal
 * digits only (no sign, space or base prefix; leading zeros are harmless
 * here), within [min, max]. */
#ifndef FOT_DECIMAL_H
#define FOT_DECIMAL_H

#include <stdbool.h>
#include <stdint.h>

static inline bool
fot_decimal_parse(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (*text == '\0')
        return false;
    for (; *text; text++) {
        if (*text < '0' || *text > '9')
            return false;
        v = v * 10 + (uint64_t)(*text - '0');
        if (v > max)
            return false;
    }
    if (v < min)
        return false;
    *out = (uint32_t)v;
    return true;
}

#endif

#include "fot_bigmem.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

void *
fot_bigmem_alloc(size_t bytes, size_t align)
{
    return g_aligned_alloc(1, bytes, align);
}

void
fot_bigmem_huge(void *p, size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t start = ((uintptr_t)p + FOT_HUGE_PAGE - 1) & ~(uintptr_t)(FOT_HUGE_PAGE - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(uintptr_t)(FOT_HUGE_PAGE - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p, (void)bytes;
#endif
}

void *
fot_bigmem_table0(size_t n, size_t size)
{
    size_t bytes = n * size;
    /* Smaller tables keep a cache line's alignment: a huge page would waste
     * more than their TLB misses cost. */
    void *p = fot_bigmem_alloc(bytes, bytes >= FOT_HUGE_PAGE ? FOT_HUGE_PAGE : 64);
    if (bytes >= FOT_HUGE_PAGE)
        fot_bigmem_huge(p, bytes); /* before zeroing, so the first touch takes huge pages */
    return memset(p, 0, bytes);
}

void
fot_bigmem_free(void *p)
{
    g_aligned_free(p);
}

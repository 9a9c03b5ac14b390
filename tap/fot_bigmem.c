/* \summary: aligned memory for the big tables, in huge pages where the system allows */
#include "fot_bigmem.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

#ifdef __linux__
/* Aligned allocations larger than a page are mapped here and trimmed to
 * their alignment: posix_memalign keeps the slack mapped, over twice the
 * address space of a 4 MiB-aligned session chunk. Their lengths, for munmap. */
static GMutex mapped_lock;
static GHashTable *mapped; /* start -> length; NULL when none (Wireshark unloads plugins at exit) */

static void *
map_aligned(size_t bytes, size_t align)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = (bytes + page - 1) / page * page;
    char *raw = mmap(NULL, len + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        g_error("4o6top: out of memory (%zu bytes)", bytes);
    char *start = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
    if (start > raw)
        munmap(raw, (size_t)(start - raw));
    munmap(start + len, (size_t)(raw + align - start)); /* start < raw + align: a tail is always left */
    g_mutex_lock(&mapped_lock);
    if (!mapped)
        mapped = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(mapped, start, GSIZE_TO_POINTER(len));
    g_mutex_unlock(&mapped_lock);
    return start;
}

/* TRUE when p was mapped here (and is now unmapped). */
static gboolean
unmap(void *p)
{
    g_mutex_lock(&mapped_lock);
    gpointer len = mapped ? g_hash_table_lookup(mapped, p) : NULL;
    if (len)
        g_hash_table_remove(mapped, p);
    if (mapped && g_hash_table_size(mapped) == 0) /* nothing left once the engines are freed */
        g_clear_pointer(&mapped, g_hash_table_destroy);
    g_mutex_unlock(&mapped_lock);
    if (len)
        munmap(p, GPOINTER_TO_SIZE(len));
    return len != NULL;
}
#endif

void *
fot_bigmem_alloc(size_t bytes, size_t align)
{
#ifdef __linux__
    if (align > (size_t)sysconf(_SC_PAGESIZE))
        return map_aligned(bytes, align);
#endif
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
    if (!p)
        return;
#ifdef __linux__
    if (unmap(p))
        return;
#endif
    g_aligned_free(p);
}

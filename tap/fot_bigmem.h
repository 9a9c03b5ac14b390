/* Memory for the engine's big tables, read at random (session records, hash
 * indexes): aligned and, on Linux, advised into transparent huge pages. With
 * 200 000 live sessions those tables span thousands of 4 KiB pages, more than
 * the TLB holds, so nearly every lookup also walked the page tables (two
 * dimensions of them in a virtual machine); in 2 MiB pages they span a few. */
#ifndef FOT_BIGMEM_H
#define FOT_BIGMEM_H

#include <stddef.h>

#define FOT_HUGE_PAGE ((size_t)2 << 20)

/* bytes at an address aligned to align (a power of two), like g_malloc:
 * aborts when out of memory; no more address space than that (on Linux,
 * alignments past a page are mapped and trimmed). Free with fot_bigmem_free. */
void *fot_bigmem_alloc(size_t bytes, size_t align);
/* Ask for huge pages under the whole huge pages of [p, p + bytes). Advice
 * only: with transparent huge pages off, plain pages as before. */
void fot_bigmem_huge(void *p, size_t bytes);
/* n zeroed elements of size, in huge pages once they fill one. */
void *fot_bigmem_table0(size_t n, size_t size);
void fot_bigmem_free(void *p);

#endif

/* An idle list threaded through an array's elements: those nothing refers
 * to, oldest first, so that a full table reuses the one idle the longest
 * (address nodes, tunnels). Element numbers + 1 in the links; 0: none. */
#ifndef FOT_IDLE_H
#define FOT_IDLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fot_idle_links {
    uint32_t prev, next;
} fot_idle_links;

typedef struct fot_idle_list {
    uint32_t head, tail;
} fot_idle_list;

/* Element n's links: `links` is element 0's, `stride` the element size. */
static inline fot_idle_links *
fot_idle_at(void *links, size_t stride, uint32_t n)
{
    return (fot_idle_links *)((char *)links + (size_t)n * stride);
}

static inline void
fot_idle_unlink(fot_idle_list *l, void *links, size_t stride, uint32_t n)
{
    fot_idle_links *x = fot_idle_at(links, stride, n);
    if (x->prev)
        fot_idle_at(links, stride, x->prev - 1)->next = x->next;
    else
        l->head = x->next;
    if (x->next)
        fot_idle_at(links, stride, x->next - 1)->prev = x->prev;
    else
        l->tail = x->prev;
    x->prev = x->next = 0;
}

static inline void
fot_idle_append(fot_idle_list *l, void *links, size_t stride, uint32_t n)
{
    fot_idle_links *x = fot_idle_at(links, stride, n);
    x->prev = l->tail;
    x->next = 0;
    if (l->tail)
        fot_idle_at(links, stride, l->tail - 1)->next = n + 1;
    else
        l->head = n + 1;
    l->tail = n + 1;
}

#endif

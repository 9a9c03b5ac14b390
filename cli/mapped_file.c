/* \summary: a capture file read through a mapping, pages let go behind, a shrinking file survived */
#include "mapped_file.h"

#include <glib.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Pages behind the read position are let go in steps of this many bytes. */
#define LET_GO_STEP ((size_t)1 << 20)

struct fot_mapped_file {
    int fd;
    const unsigned char *base;
    size_t len;       /* bytes mapped that may still be read */
    size_t mapped;    /* bytes mapped, for munmap */
    size_t pos;
    size_t let_go;    /* bytes from base whose pages were let go */
};

/* A page of the mapping past the file's end (the file was cut while it was
 * read) raises SIGBUS: the copy that touched it is undone by a jump back. */
static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;
static const unsigned char *volatile bus_lo, *volatile bus_hi;

static void
on_bus(int sig, siginfo_t *si, void *context)
{
    (void)context;
    const unsigned char *at = si->si_addr;
    if (bus_armed && at >= bus_lo && at < bus_hi)
        siglongjmp(bus_jump, 1);
    signal(sig, SIG_DFL); /* not a page of ours: the fault comes again and ends the process */
}

fot_mapped_file *
fot_mapped_file_open(int fd, uint64_t size, uint64_t start)
{
    if (size <= start || size > SIZE_MAX)
        return NULL;
    void *base = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED)
        return NULL;
    madvise(base, (size_t)size, MADV_SEQUENTIAL);
    static bool handler_set;
    if (!handler_set) {
        struct sigaction sa = { .sa_sigaction = on_bus, .sa_flags = SA_SIGINFO | SA_NODEFER };
        sigemptyset(&sa.sa_mask);
        sigaction(SIGBUS, &sa, NULL);
        handler_set = true;
    }
    fot_mapped_file *m = g_new0(fot_mapped_file, 1);
    m->fd = fd;
    m->base = base;
    m->len = m->mapped = (size_t)size;
    m->pos = (size_t)start;
    return m;
}

/* The page table entries of what was read go; the page cache keeps the pages. */
static void
let_go_behind(fot_mapped_file *m)
{
    size_t upto = m->pos & ~(LET_GO_STEP - 1);
    if (upto <= m->let_go)
        return;
    madvise((void *)(m->base + m->let_go), upto - m->let_go, MADV_DONTNEED);
    m->let_go = upto;
}

size_t
fot_mapped_file_read(fot_mapped_file *m, void *buf, size_t size)
{
    size_t n = MIN(size, m->len - m->pos);
    if (n == 0)
        return 0;
    bus_lo = m->base;
    bus_hi = m->base + m->mapped;
    if (sigsetjmp(bus_jump, 0)) { /* SA_NODEFER: no mask to restore */
        bus_armed = 0;
        m->len = m->pos; /* cut short under us: read(2) tells where it now ends */
        return 0;
    }
    bus_armed = 1;
    memcpy(buf, m->base + m->pos, n);
    bus_armed = 0;
    /* A cut that leaves part of a page reads as zeros there, not SIGBUS:
     * only bytes still inside the file after the copy are the file's. */
    struct stat st;
    if (fstat(m->fd, &st) == 0 && (uint64_t)st.st_size < m->pos + n) {
        m->len = m->pos;
        return 0;
    }
    m->pos += n;
    let_go_behind(m);
    return n;
}

uint64_t
fot_mapped_file_offset(const fot_mapped_file *m)
{
    return m->pos;
}

void
fot_mapped_file_close(fot_mapped_file *m)
{
    if (!m)
        return;
    munmap((void *)m->base, m->mapped);
    g_free(m);
}

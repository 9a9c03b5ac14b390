/* A regular capture file read through a mapping of it. read() copies each
 * byte from the page cache into the reader's buffer; a mapping lets the one
 * copy that libpcap's stdio needs anyway come straight from the page cache,
 * so the kernel's copy goes (a tenth of the command's CPU time on a 1.25 GB
 * file, tests/bench/README.md). The pages read are let go behind the reader, so
 * the file does not count in the command's resident memory. A file that
 * shrinks while it is read ends the mapping where the pages end; the caller
 * reads on with read(2), which sees the file as it now is. */
#ifndef FOT_CLI_MAPPED_FILE_H
#define FOT_CLI_MAPPED_FILE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fot_mapped_file fot_mapped_file;

/* Maps fd's first size bytes, to be read from offset start; NULL when it
 * cannot be mapped (read it with read(2)). */
fot_mapped_file *fot_mapped_file_open(int fd, uint64_t size, uint64_t start);

/* Copies up to size bytes from the read position into buf: how many; 0 at
 * the end of the mapping or of the file, whichever comes first. */
size_t fot_mapped_file_read(fot_mapped_file *m, void *buf, size_t size);

/* The offset in the file of the next byte fot_mapped_file_read copies. */
uint64_t fot_mapped_file_offset(const fot_mapped_file *m);

void fot_mapped_file_close(fot_mapped_file *m);

#endif

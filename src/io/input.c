/* input: open without blocking, check what it is, then read as usual. */
#include "vizgen/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

FILE *input_open(const char *path, const char *what, struct stat *st, struct diag *d)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        diag_in(d, VZ_EINPUT, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        if (S_ISDIR(st->st_mode))
            diag_in(d, VZ_EINPUT, path, "is a directory, expected %s", what);
        else
            diag_in(d, VZ_EINPUT, path, "not a regular file (a pipe or a device), expected %s",
                    what);
        close(fd);
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        diag_oom(d);
    }
    return f;
}

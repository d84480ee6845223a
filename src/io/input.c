/* input: open without blocking, check what it is, then read as usual. */
#include "vizgen/input.h"
#include "vizgen/pages.h"

#include <errno.h>
#include <stdlib.h>
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

int input_read(const char *path, const char *what, const char *noun, size_t limit, char **out,
               size_t *out_len, struct diag *d)
{
    *out = NULL;
    *out_len = 0;
    struct stat st;
    FILE *f = input_open(path, what, &st, d);
    if (!f)
        return d->status;
    if ((unsigned long long)st.st_size > limit) {
        fclose(f);
        return diag_in(d, VZ_EINPUT, path, "%s is %lld bytes, the limit is %zu", noun,
                       (long long)st.st_size, limit);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return diag_oom(d);
    }
    pages_prefault(buf, cap);
    /* Read to EOF rather than trusting st_size: the file may grow while it is read (a log is
     * often still being written). */
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > limit) {
                free(buf);
                fclose(f);
                return diag_in(d, VZ_EINPUT, path, "%s exceeds %zu bytes", noun, limit);
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return diag_oom(d);
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - 1 - len, f);
        len += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return diag_in(d, VZ_EINPUT, path, "read failed");
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return VZ_OK;
}

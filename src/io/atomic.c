/* atomic: temporary file + fsync + rename(2), which POSIX makes atomic within one directory. */
#include "vizgen/atomic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_parents(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

int atomic_open(struct atomic_file *af, const char *path, struct diag *d)
{
    memset(af, 0, sizeof *af);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return diag_in(d, VZ_EIO, path, "is a directory");
    if (make_parents(path) != 0)
        return diag_in(d, VZ_EIO, path, "cannot create directory: %s", strerror(errno));
    size_t n = strlen(path);
    af->path = strdup(path);
    af->tmp = malloc(n + 16);
    if (!af->path || !af->tmp) {
        atomic_abort(af);
        return diag_oom(d);
    }
    memcpy(af->tmp, path, n);
    memcpy(af->tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL;
        atomic_abort(af);
        return diag_in(d, VZ_EIO, path, "cannot write: %s", strerror(e));
    }
    /* mkstemp makes 0600; figures are meant to be shared, so make them world-readable. */
    if (fchmod(fd, 0644) != 0) {
        close(fd);
        atomic_abort(af);
        return diag_in(d, VZ_EIO, path, "cannot write: %s", strerror(errno));
    }
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        close(fd);
        atomic_abort(af);
        return diag_in(d, VZ_EIO, path, "cannot write: %s", strerror(errno));
    }
    return VZ_OK;
}

int atomic_commit(struct atomic_file *af, struct diag *d)
{
    int bad = fflush(af->f) != 0 || ferror(af->f) || fsync(fileno(af->f)) != 0;
    int e = errno;
    if (fclose(af->f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->f = NULL;
    if (!bad && rename(af->tmp, af->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        diag_in(d, VZ_EIO, af->path, "write failed: %s", strerror(e));
        atomic_abort(af);
        return VZ_EIO;
    }
    free(af->tmp);
    free(af->path);
    af->tmp = af->path = NULL;
    return VZ_OK;
}

void atomic_abort(struct atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    if (af->tmp)
        unlink(af->tmp);
    free(af->tmp);
    free(af->path);
    memset(af, 0, sizeof *af);
}

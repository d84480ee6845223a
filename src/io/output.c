/* output: temporaries beside their targets, renamed (atomically, within one folder) only when
 * all of a run's outputs are complete; streams written in place. */
#define _DEFAULT_SOURCE /* realpath, fchown */
#include "vizgen/output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void temp_registry_init(struct temp_registry *r)
{
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->lock, NULL);
}

void temp_registry_lock(struct temp_registry *r)
{
    pthread_mutex_lock(&r->lock);
}

void temp_registry_remove_all(struct temp_registry *r)
{
    for (int i = 0; i < TEMP_REGISTRY_SIZE; i++)
        if (r->paths[i]) {
            unlink(r->paths[i]);
            free(r->paths[i]);
            r->paths[i] = NULL;
        }
}

static void registry_add(struct temp_registry *r, const char *path)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < TEMP_REGISTRY_SIZE; i++)
        if (!r->paths[i]) {
            r->paths[i] = strdup(path); /* out of memory: not removable on a signal, no worse */
            break;
        }
    pthread_mutex_unlock(&r->lock);
}

/* Unlisted with the lock held by the caller. */
static void registry_drop_locked(struct temp_registry *r, const char *path)
{
    for (int i = 0; r && i < TEMP_REGISTRY_SIZE; i++)
        if (r->paths[i] && strcmp(r->paths[i], path) == 0) {
            free(r->paths[i]);
            r->paths[i] = NULL;
            return;
        }
}

static void registry_drop(struct temp_registry *r, const char *path)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    registry_drop_locked(r, path);
    pthread_mutex_unlock(&r->lock);
}

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

/* The process's umask, read without changing it (umask(2) would, for every thread). */
static mode_t current_umask(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    unsigned mask = 022;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &mask) == 1)
            break;
    if (f)
        fclose(f);
    return (mode_t)mask;
}

/* Removes PATH.tmp.PID.* left by processes that no longer exist (a kill -9, a power cut).
 * Another vizgen still writing the same output keeps its temporary. */
static void remove_stale_temps(const char *target)
{
    char *dcopy = strdup(target), *bcopy = strdup(target);
    if (!dcopy || !bcopy) {
        free(dcopy);
        free(bcopy);
        return;
    }
    const char *dir = dirname(dcopy), *base = basename(bcopy);
    char prefix[NAME_MAX + 8];
    snprintf(prefix, sizeof prefix, "%s.tmp.", base);
    size_t pl = strlen(prefix);
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (strncmp(e->d_name, prefix, pl) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + pl, &end, 10);
        if (end == e->d_name + pl || *end != '.' || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == -1 && errno == ESRCH) {
            struct stat st;
            if (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                unlinkat(dirfd(dh), e->d_name, 0);
        }
    }
    if (dh)
        closedir(dh);
    free(dcopy);
    free(bcopy);
}

static void release(struct output *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

/* Opens a device or pipe for writing where it is. O_NONBLOCK so that a pipe with no reader
 * fails at once (ENXIO) instead of waiting forever; writes then block as usual. */
static int open_in_place(struct output *o, struct diag *d)
{
    int fd = open(o->target, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return e == ENXIO ? diag_in(d, VZ_EIO, o->path, "is a pipe that no process is reading")
                          : diag_in(d, VZ_EIO, o->path, "cannot write: %s", strerror(e));
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    if (!(o->f = fdopen(fd, "wb"))) {
        close(fd);
        return diag_oom(d);
    }
    o->in_place = true;
    return VZ_OK;
}

int output_open(struct output *o, const char *path, struct temp_registry *reg, struct diag *d)
{
    memset(o, 0, sizeof *o);
    o->reg = reg;
    if (!(o->path = strdup(path)))
        return diag_oom(d);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->in_place = true;
        return VZ_OK;
    }
    struct stat st;
    /* A device or pipe, reached through links or not (/dev/stdout names a pipe through /proc,
     * which realpath cannot follow), is written in place. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        if (!(o->target = strdup(path))) {
            release(o);
            return diag_oom(d);
        }
        int rc = open_in_place(o, d);
        if (rc)
            release(o);
        return rc;
    }
    bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    o->target = link ? realpath(path, NULL) : strdup(path);
    if (!o->target) {
        release(o);
        return link ? diag_in(d, VZ_EIO, path, "is a symlink to a missing file") : diag_oom(d);
    }
    bool exists = stat(o->target, &st) == 0;
    int rc = VZ_OK;
    if (exists && S_ISDIR(st.st_mode)) {
        rc = diag_in(d, VZ_EIO, path, "is a directory");
        release(o);
        return rc;
    }
    mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~current_umask();
    if (make_parents(o->target) != 0) {
        rc = diag_in(d, VZ_EIO, path, "cannot create its folder: %s", strerror(errno));
        release(o);
        return rc;
    }
    remove_stale_temps(o->target);
    size_t n = strlen(o->target);
    if (!(o->tmp = malloc(n + 40))) {
        release(o);
        return diag_oom(d);
    }
    snprintf(o->tmp, n + 40, "%s.tmp.%ld.XXXXXX", o->target, (long)getpid());
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        rc = diag_in(d, VZ_EIO, path, "cannot write: %s", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        release(o);
        return rc;
    }
    registry_add(reg, o->tmp);
    /* mkstemp makes 0600: the figure gets the mode it had, or the umask's, and its owner. */
    if (fchmod(fd, mode) != 0 || (exists && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid)))
        (void)0; /* a mode or owner we cannot set is not worth losing the figure for */
    if (!(o->f = fdopen(fd, "wb"))) {
        close(fd);
        output_abort(o);
        return diag_oom(d);
    }
    return VZ_OK;
}

void output_abort(struct output *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    if (o->tmp) {
        unlink(o->tmp);
        registry_drop(o->reg, o->tmp);
    }
    release(o);
}

/* Flushes, syncs and closes one output; 0 or the errno of the failure. */
static int finish(struct output *o)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (!e && !o->in_place && fsync(fileno(o->f)) != 0)
        e = errno;
    if (o->f != stdout && fclose(o->f) != 0 && !e)
        e = errno;
    o->f = NULL;
    return e;
}

int output_commit_all(struct output *outs, size_t n, struct diag *d)
{
    int rc = VZ_OK;
    for (size_t i = 0; i < n; i++) {
        errno = 0;
        int e = finish(&outs[i]);
        if (e && rc == VZ_OK)
            rc = diag_in(d, VZ_EIO, outs[i].path, "write failed: %s", strerror(e));
    }
    if (rc) {
        for (size_t i = 0; i < n; i++)
            output_abort(&outs[i]);
        return rc;
    }
    /* All complete: rename them in one go, with the registry held, so that a signal arriving
     * now waits and then finds every temporary either renamed or still listed. */
    struct temp_registry *reg = n ? outs[0].reg : NULL;
    if (reg)
        pthread_mutex_lock(&reg->lock);
    for (size_t i = 0; i < n; i++) {
        struct output *o = &outs[i];
        if (o->tmp && rc == VZ_OK && rename(o->tmp, o->target) != 0)
            rc = diag_in(d, VZ_EIO, o->path, "cannot replace it: %s", strerror(errno));
        if (o->tmp) {
            if (rc)
                unlink(o->tmp);
            registry_drop_locked(o->reg, o->tmp);
        }
    }
    if (reg)
        pthread_mutex_unlock(&reg->lock);
    for (size_t i = 0; i < n; i++)
        release(&outs[i]);
    return rc;
}

bool output_is_stream(const char *path)
{
    struct stat st;
    return strcmp(path, "-") == 0 ||
           (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
}

/* path with its folder resolved (the file itself need not exist), or a copy of path. */
static char *canonical(const char *path)
{
    char *full = realpath(path, NULL);
    if (full)
        return full;
    char *dcopy = strdup(path), *bcopy = strdup(path);
    char *dir = dcopy ? realpath(dirname(dcopy), NULL) : NULL;
    char *out = NULL;
    if (dir && bcopy) {
        size_t n = strlen(dir) + strlen(bcopy) + 2;
        if ((out = malloc(n)))
            snprintf(out, n, "%s/%s", dir, basename(bcopy));
    }
    free(dir);
    free(dcopy);
    free(bcopy);
    return out ? out : strdup(path);
}

bool output_same_file(const char *a, const char *b)
{
    if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
        return strcmp(a, b) == 0;
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char *ca = canonical(a), *cb = canonical(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

/* diag: filling and formatting notes; the only place a location and a message become a line. */
#include "vizgen/diag.h"

#include <stdarg.h>
#include <string.h>

void diag_init(struct diag *d)
{
    memset(d, 0, sizeof *d);
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int note(struct diag *d, enum vz_status st, const char *file, long line, long col,
                const char *path, const char *fmt, va_list ap)
{
    struct diag_note *n = &d->err;
    copy(n->file, sizeof n->file, file);
    n->line = line;
    n->col = col;
    copy(n->path, sizeof n->path, path);
    vsnprintf(n->msg, sizeof n->msg, fmt, ap);
    d->status = st;
    return st;
}

int diag_set(struct diag *d, enum vz_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = note(d, st, NULL, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int diag_at(struct diag *d, enum vz_status st, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* An empty path is the document itself. */
    int rc = note(d, st, NULL, 0, 0, path && path[0] ? path : "(top level)", fmt, ap);
    va_end(ap);
    return rc;
}

int diag_in(struct diag *d, enum vz_status st, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = note(d, st, file, 0, 0, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int diag_pos(struct diag *d, enum vz_status st, const char *file, long line, long col,
             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = note(d, st, file, line, col, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int diag_oom(struct diag *d)
{
    return diag_set(d, VZ_EIO, "out of memory");
}

/* Adds a warning, or counts it when the list is full. */
static void warning(struct diag *d, const char *file, const char *path, const char *fmt, va_list ap)
{
    if (d->n_warn == DIAG_MAX_WARN) {
        d->warn_dropped++;
        return;
    }
    struct diag_note *n = &d->warn[d->n_warn++];
    memset(n, 0, sizeof *n);
    copy(n->file, sizeof n->file, file);
    copy(n->path, sizeof n->path, path);
    vsnprintf(n->msg, sizeof n->msg, fmt, ap);
}

void diag_warn(struct diag *d, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    warning(d, NULL, path, fmt, ap);
    va_end(ap);
}

void diag_warn_in(struct diag *d, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    warning(d, file, NULL, fmt, ap);
    va_end(ap);
}

void diag_nest(struct diag *d, const char *prefix)
{
    char nested[sizeof d->err.path];
    int n = snprintf(nested, sizeof nested, "%s.%s", prefix, d->err.path);
    if (n > 0 && (size_t)n < sizeof nested) /* a path too long to nest stays as it was */
        memcpy(d->err.path, nested, (size_t)n + 1);
}

void diag_locate(struct diag *d, const char *file)
{
    if (d->status != VZ_OK && !d->err.file[0])
        copy(d->err.file, sizeof d->err.file, file);
    for (int i = 0; i < d->n_warn; i++)
        if (!d->warn[i].file[0])
            copy(d->warn[i].file, sizeof d->warn[i].file, file);
}

int diag_format(const struct diag_note *n, const char *severity, char *buf, size_t size)
{
    char where[320] = "";
    if (n->file[0] && n->line > 0 && n->col > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", n->file, n->line, n->col);
    else if (n->file[0] && n->line > 0) /* a line-oriented log knows the line only */
        snprintf(where, sizeof where, "%s:%ld: ", n->file, n->line);
    else if (n->file[0])
        snprintf(where, sizeof where, "%s: ", n->file);
    return snprintf(buf, size, "%s%s: %s%s%s", where, severity, n->path, n->path[0] ? ": " : "",
                    n->msg);
}

void diag_print(const struct diag *d, FILE *f)
{
    char line[1200];
    for (int i = 0; i < d->n_warn; i++) {
        diag_format(&d->warn[i], "warning", line, sizeof line);
        fprintf(f, "vizgen: %s\n", line);
    }
    if (d->warn_dropped)
        fprintf(f, "vizgen: warning: %d more warnings not shown\n", d->warn_dropped);
    if (d->status != VZ_OK) {
        diag_format(&d->err, "error", line, sizeof line);
        fprintf(f, "vizgen: %s\n", line);
    }
}

/* diag: the error context every fallible vizgen function fills, and the one exit-status enum.
 * It owns message formatting only; printing to stderr and exiting happen in main. */
#ifndef VIZGEN_DIAG_H
#define VIZGEN_DIAG_H

#include <stddef.h>

/* Statuses double as process exit codes (turned into one only in main). */
enum vz_status {
    VZ_OK = 0,
    VZ_EIO = 1,    /* I/O or rendering failure */
    VZ_EINPUT = 2, /* bad usage or bad spec */
};

struct diag {
    enum vz_status status;
    char msg[1024]; /* one line, without the leading "vizgen: " */
    char warn[512]; /* a warning that did not stop the work, or "" */
};

void diag_init(struct diag *d);

/* Sets status and message; returns status so callers can `return diag_set(...)`. */
int diag_set(struct diag *d, enum vz_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a warning (the last one wins); the caller decides whether to print it. */
void diag_warn(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes the existing message with "PREFIX: " (e.g. the spec file name). */
void diag_prefix(struct diag *d, const char *prefix);

#endif

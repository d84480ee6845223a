/* diag: the error context every fallible vizgen function fills, and the one exit-status enum.
 * A note keeps where (file, line and column, JSON path) apart from what (the message), so callers
 * decide by fields, never by reading text; diag_format is the one place a note becomes a line. */
#ifndef VIZGEN_DIAG_H
#define VIZGEN_DIAG_H

#include <stddef.h>
#include <stdio.h>

/* Statuses double as process exit codes (turned into one only in main). */
enum vz_status {
    VZ_OK = 0,
    VZ_EIO = 1,    /* I/O or rendering failure */
    VZ_EINPUT = 2, /* bad usage or bad spec */
};

struct diag_note {
    char file[256]; /* the file at fault, or "" */
    long line, col; /* 1-based position in it; 0 when not known (col alone may be) */
    char path[160]; /* JSON path of the value at fault ("bars[2].value"), or "" */
    char msg[640];  /* what is wrong, without location or severity */
};

enum { DIAG_MAX_WARN = 8 };

struct diag {
    enum vz_status status;
    struct diag_note err;
    struct diag_note warn[DIAG_MAX_WARN]; /* warnings that did not stop the work */
    int n_warn;
    int warn_dropped; /* warnings past DIAG_MAX_WARN, counted rather than kept */
};

void diag_init(struct diag *d);

/* Each sets status and the error note and returns status, so callers can `return diag_*(...)`.
 * diag_set: no location; diag_at: a JSON path in the spec being read; diag_in: a file;
 * diag_pos: a position in a file (line and col 1-based). */
int diag_set(struct diag *d, enum vz_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_at(struct diag *d, enum vz_status st, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int diag_in(struct diag *d, enum vz_status st, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int diag_pos(struct diag *d, enum vz_status st, const char *file, long line, long col,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* "out of memory", status VZ_EIO. */
int diag_oom(struct diag *d);

/* Adds a warning at a JSON path (or "" for none) of the spec being read, or in a file. */
void diag_warn(struct diag *d, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn_in(struct diag *d, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Puts "prefix." before the error's path: a check that knows only a key's name, run on an
 * object whose path the caller knows. */
void diag_nest(struct diag *d, const char *prefix);
/* Gives `file` to the error and the warnings that name no file yet: field readers know the
 * JSON path, the pipeline knows which spec it was reading. */
void diag_locate(struct diag *d, const char *file);

/* One line, compiler style: "FILE:LINE:COL: SEVERITY: PATH: MESSAGE", each location part only
 * when known. Returns the length it wanted, like snprintf. */
int diag_format(const struct diag_note *n, const char *severity, char *buf, size_t size);
/* Writes each warning, then the error if status is not VZ_OK, as "vizgen: LINE\n". */
void diag_print(const struct diag *d, FILE *f);

#endif

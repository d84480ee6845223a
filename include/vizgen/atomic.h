/* atomic: write-to-temporary-then-rename, so an existing output is never half-overwritten.
 * The caller writes to af.f between atomic_open and exactly one of atomic_commit/atomic_abort. */
#ifndef VIZGEN_ATOMIC_H
#define VIZGEN_ATOMIC_H

#include "vizgen/diag.h"

#include <stdio.h>

struct atomic_file {
    FILE *f;
    char *path; /* final path */
    char *tmp;  /* temporary beside it */
};

/* Creates missing parent directories and a temporary file in the target's directory. */
int atomic_open(struct atomic_file *af, const char *path, struct diag *d);
/* Flushes, syncs, closes and renames over the target; on failure removes the temporary. */
int atomic_commit(struct atomic_file *af, struct diag *d);
/* Closes and removes the temporary; the target is untouched. */
void atomic_abort(struct atomic_file *af);

#endif

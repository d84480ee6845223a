/* output: where a run's files go, and the promise that an existing file is never lost.
 * - A regular file is written to a temporary beside it and renamed over it only when every
 *   output of the run succeeded (output_commit_all); the file keeps its mode, a new one follows
 *   the umask, and a symlink at the path is followed (the file it names is replaced, the link
 *   kept).
 * - A device, a pipe or standard output ("-") is written in place: renaming over /dev/null
 *   would replace the device.
 * - Temporaries are named PATH.tmp.PID.XXXXXX, so a later run removes those of its own outputs
 *   that a killed process left; the ones still open are listed in a temp_registry, from which
 *   a signal handler removes them before the process exits.
 * Ownership: output_open fills an output that exactly one of output_commit_all or output_abort
 * releases. */
#ifndef VIZGEN_OUTPUT_H
#define VIZGEN_OUTPUT_H

#include "vizgen/diag.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

enum { TEMP_REGISTRY_SIZE = 256 };

/* The temporaries a process has open, shared with the thread that handles signals. */
struct temp_registry {
    pthread_mutex_t lock;
    char *paths[TEMP_REGISTRY_SIZE]; /* owned copies; NULL slots are free */
};

void temp_registry_init(struct temp_registry *r);
/* Removes every temporary still listed and frees the list; called with the lock held by
 * temp_registry_lock, from the signal thread, just before the process exits. */
void temp_registry_remove_all(struct temp_registry *r);
void temp_registry_lock(struct temp_registry *r);

struct output {
    char *path;   /* as given; "-" is standard output */
    char *target; /* the file the temporary replaces: path with symlinks followed */
    char *tmp;    /* the temporary, or NULL when written in place */
    FILE *f;      /* where to write, between output_open and the commit */
    bool in_place;
    struct temp_registry *reg; /* may be NULL */
};

/* Opens path for writing: a temporary beside a regular (or new) file, or the device, pipe or
 * standard output itself. Creates missing parent folders. Fails on a folder, and on a pipe no
 * one reads. */
int output_open(struct output *o, const char *path, struct temp_registry *reg, struct diag *d);
/* Finishes every output (flush, sync, close) and, only if all succeeded, renames each
 * temporary over its target; otherwise removes every temporary and leaves the targets as they
 * were. Releases all n outputs either way. */
int output_commit_all(struct output *outs, size_t n, struct diag *d);
/* Closes and removes the temporary; the target is untouched. Releases o. */
void output_abort(struct output *o);

/* Whether a and b name the same file: the same device and inode when both exist, else the
 * same path once their folders are resolved. */
bool output_same_file(const char *a, const char *b);
/* Whether path is standard output or names something other than a regular file (a device, a
 * pipe, a socket), which is written in place. */
bool output_is_stream(const char *path);

#endif

/* batch: `vizgen all` — render every spec in a directory that names a figure kind, on every core,
 * skipping figures that are up to date. */
#ifndef VIZGEN_BATCH_H
#define VIZGEN_BATCH_H

#include <stdbool.h>
#include <stdio.h>

struct interrupt;
struct temp_registry;

struct batch_opts {
    bool force;                  /* render even when the output is up to date */
    int workers;                 /* threads; 0 means one per online core */
    bool progress;               /* a live "[done/total]" line on err when there are many specs */
    struct interrupt *interrupt; /* says what finished if a signal stops the batch; may be NULL */
    struct temp_registry *temps; /* where the renders list their temporaries; may be NULL */
};

/* Renders each DIR/\*.json with a "figure" key; prints one line per spec to `out` (in name order)
 * and each failure's error line to `err`. Returns 0 if all succeeded, else the worst status.
 * Specs whose outputs collide (with each other, a spec or an input) fail before any render. */
int batch_render_dir(const char *dir, const struct batch_opts *opts, FILE *out, FILE *err);

/* The *.json files of dir in name order (malloc'd; release with batch_free_list); the count, or
 * -1 if dir cannot be read. */
long batch_list_specs(const char *dir, char ***out);
void batch_free_list(char **paths, long n);

/* False for JSON without a "figure" key (token lists, say), which batch and watch leave alone;
 * true when the file cannot be parsed, so that rendering reports the problem. */
bool batch_names_a_figure(const char *path);

#endif

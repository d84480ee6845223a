/* watch: `vizgen watch` — re-render specs in a directory as soon as they (or .npy files beside
 * them) are saved, until SIGINT or SIGTERM. */
#ifndef VIZGEN_WATCH_H
#define VIZGEN_WATCH_H

#include <stdio.h>

/* Renders what is stale, then watches DIR with inotify. Returns 0 after a clean stop by signal,
 * non-zero if watching could not start. Render errors are reported and watching goes on. */
int watch_dir(const char *dir, FILE *out, FILE *err);

#endif

/* batch: `vizgen all` — render every spec in a directory that names a figure kind. */
#ifndef VIZGEN_BATCH_H
#define VIZGEN_BATCH_H

#include <stdio.h>

/* Renders each DIR/\*.json with a "figure" key, in name order, printing one line per figure to
 * `out` and each failure's error line to `err`. Returns 0 if all succeeded, else the worst status. */
int batch_render_dir(const char *dir, FILE *out, FILE *err);

#endif

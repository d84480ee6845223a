/* paths: file names as the spec gives them and as vizgen opens them. Pure string work. */
#ifndef VIZGEN_PATHS_H
#define VIZGEN_PATHS_H

#include <stdbool.h>

/* rel resolved against the folder of base_file (absolute paths are kept). Caller frees; NULL
 * when out of memory. */
char *path_resolve(const char *base_file, const char *rel);

/* Whether path ends with suffix, ignoring ASCII case (".SVG" is ".svg"). */
bool path_has_suffix(const char *path, const char *suffix);

#endif

/* paths: resolving a spec's relative file names and comparing extensions. */
#include "vizgen/paths.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *path_resolve(const char *base_file, const char *rel)
{
    const char *slash = strrchr(base_file, '/');
    if (rel[0] == '/' || !slash)
        return strdup(rel);
    size_t dir = (size_t)(slash - base_file) + 1, n = strlen(rel);
    char *p = malloc(dir + n + 1);
    if (!p)
        return NULL;
    memcpy(p, base_file, dir);
    memcpy(p + dir, rel, n + 1);
    return p;
}

bool path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcasecmp(path + n - k, suffix) == 0;
}

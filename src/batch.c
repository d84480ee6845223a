/* batch: one spec failing does not stop the others; the exit status reports the worst. */
#include "vizgen/batch.h"

#include "vizgen/figure.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Specs without a "figure" key are other JSON (say, token lists) and are left alone. */
static int names_a_figure(const char *path)
{
    struct diag d;
    struct spec *s;
    diag_init(&d);
    if (spec_load(path, &s, &d) != VZ_OK)
        return 1; /* let the render report the problem */
    int yes = spec_get(spec_root(s), "figure").json != NULL;
    spec_free(s);
    return yes;
}

int batch_render_dir(const char *dir, FILE *out, FILE *err)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        fprintf(err, "vizgen: %s: error: cannot open directory\n", dir);
        return 2;
    }
    char **paths = NULL;
    size_t n = 0, cap = 0;
    int worst = 0;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **np = realloc(paths, cap * sizeof *np);
            if (!np) {
                worst = 1;
                break;
            }
            paths = np;
        }
        size_t dl = strlen(dir);
        char *p = malloc(dl + len + 2);
        if (!p) {
            worst = 1;
            break;
        }
        memcpy(p, dir, dl);
        p[dl] = '/';
        memcpy(p + dl + 1, e->d_name, len + 1);
        paths[n++] = p;
    }
    closedir(dh);
    if (n)
        qsort(paths, n, sizeof *paths, by_name);
    for (size_t i = 0; i < n; i++) {
        if (!names_a_figure(paths[i]))
            continue;
        struct diag d;
        diag_init(&d);
        struct render_opts opts = {0};
        char *written = NULL;
        double t0 = now_ms();
        int rc = figure_render_file(paths[i], NULL, &opts, &written, &d);
        if (d.warn[0])
            fprintf(err, "vizgen: %s\n", d.warn);
        if (rc) {
            fprintf(err, "vizgen: %s\n", d.msg);
            fprintf(out, "%-32s FAILED\n", paths[i]);
            if (rc > worst)
                worst = rc;
        } else {
            fprintf(out, "%-32s -> %-36s %6.1f ms\n", paths[i], written, now_ms() - t0);
        }
        free(written);
    }
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return worst;
}

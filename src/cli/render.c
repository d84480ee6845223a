/* render: the pipeline from a spec file to an output file — load, decide whether it is stale,
 * draw, then encode by the output's extension. Figures know nothing of files or formats. */
#include "vizgen/figure.h"
#include "vizgen/png.h"
#include "vizgen/vector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Specs bigger than this are not embedded in the PNG (a 64 MB inline matrix would be). */
enum { MAX_EMBEDDED_SPEC = 1 << 20 };

static char *output_path(const struct figure_kind *kind, const struct figure_common *c,
                         const struct render_opts *opts)
{
    if (opts->output)
        return strdup(opts->output);
    if (c->output)
        return strdup(c->output);
    size_t n = strlen(kind->default_output);
    char *p = malloc(n + 5);
    if (p) {
        memcpy(p, "out/", 4);
        memcpy(p + 4, kind->default_output, n + 1);
    }
    return p;
}

static bool newer_than(const struct stat *out, const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return path == NULL;
    return out->st_mtim.tv_sec > st.st_mtim.tv_sec ||
           (out->st_mtim.tv_sec == st.st_mtim.tv_sec && out->st_mtim.tv_nsec >= st.st_mtim.tv_nsec);
}

/* Like make: up to date when the output is at least as new as the spec, every file the spec
 * reads, and the vizgen binary itself (a new build may draw differently). */
static bool up_to_date(const char *out, const char *spec, const char *input)
{
    struct stat st;
    if (stat(out, &st) != 0)
        return false;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
        exe[n] = '\0';
    return newer_than(&st, spec) && newer_than(&st, input) && (n <= 0 || newer_than(&st, exe));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int write_png(struct canvas *cv, const struct figure_common *c, const char *path,
                     struct diag *d)
{
    cairo_surface_t *img;
    int rc = canvas_rasterize(cv, &img, d);
    if (rc)
        return rc;
    struct png_text texts[2] = {{"Software", "vizgen " VIZGEN_VERSION, false}};
    int n = 1;
    if (c->spec_json && strlen(c->spec_json) <= MAX_EMBEDDED_SPEC)
        texts[n++] = (struct png_text){"vizgen-spec", c->spec_json, true};
    rc = png_write(img, path, c->dpi, texts, n, d);
    cairo_surface_destroy(img);
    return rc;
}

int figure_render_file(const char *spec_path, const struct figure_kind *want,
                       const struct render_opts *opts, char **out_path, bool *skipped,
                       struct diag *d)
{
    const struct figure_kind *kind;
    void *fig;
    struct figure_common c;
    *out_path = NULL;
    *skipped = false;
    int rc = figure_load(spec_path, want, opts->max_cells, &kind, &fig, &c, d);
    if (rc)
        return rc;
    if (opts->width > 0)
        c.width = opts->width;
    if (opts->scale > 0)
        c.scale = opts->scale;
    if (opts->theme)
        c.theme = opts->theme;
    if (opts->transparent)
        c.transparent = true;
    struct canvas cv = {0};
    char *path = output_path(kind, &c, opts);
    if (!path) {
        rc = diag_oom(d);
        goto done;
    }
    if (opts->only_stale) {
        const struct attn_source *src = kind->attention ? kind->attention(fig) : NULL;
        if (up_to_date(path, spec_path, src ? src->input_path : NULL)) {
            *skipped = true;
            goto success;
        }
    }
    bool vector = ends_with(path, ".svg") || ends_with(path, ".pdf");
    struct canvas_opts co = {c.width, c.scale, c.theme, c.transparent, vector};
    if ((rc = canvas_init(&cv, &co, d)) || (rc = kind->render(fig, &c, &cv, d)))
        goto done;
    if (vector)
        rc = vector_write(&cv, ends_with(path, ".svg") ? VECTOR_SVG : VECTOR_PDF, path, c.title, d);
    else
        rc = write_png(&cv, &c, path, d);
    if (rc || (opts->dump_layout && (rc = layout_write_json(&cv.layout, opts->dump_layout, d))))
        goto done;
success:
    *out_path = path;
    path = NULL;
done:
    canvas_free(&cv);
    free(path);
    kind->free(fig);
    figure_common_free(&c);
    return rc;
}

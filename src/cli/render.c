/* render: the pipeline from a spec file to an output file — load, decide whether it is stale,
 * draw, then encode by the output's extension. Figures know nothing of files or formats. */
#include "vizgen/render.h"

#include "vizgen/draw.h"
#include "vizgen/dump.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/paths.h"
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
    if (stat(path, &st) != 0)
        return false; /* a missing input: let the render say so */
    return out->st_mtim.tv_sec > st.st_mtim.tv_sec ||
           (out->st_mtim.tv_sec == st.st_mtim.tv_sec && out->st_mtim.tv_nsec >= st.st_mtim.tv_nsec);
}

/* Like make: up to date when the output is at least as new as the spec, every file the figure
 * reads, and the vizgen binary itself (a new build may draw differently). */
static bool up_to_date(const char *out, const char *spec, const char *const *inputs, size_t n)
{
    struct stat st;
    if (stat(out, &st) != 0 || !newer_than(&st, spec))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!newer_than(&st, inputs[i]))
            return false;
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return true;
    exe[len] = '\0';
    return newer_than(&st, exe);
}

/* The files a figure was drawn from, with their sizes, as compact JSON (caller frees), so a
 * figure says what it shows; NULL when there are none or memory ran out. */
static char *inputs_json(const char *const *inputs, size_t n)
{
    if (n == 0)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        fputs(i ? ",{\"path\":" : "{\"path\":", f);
        jsonw_string(f, inputs[i]);
        fprintf(f, ",\"bytes\":%lld}", stat(inputs[i], &st) == 0 ? (long long)st.st_size : -1LL);
    }
    fputc(']', f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int write_png(struct canvas *cv, const struct figure_common *c, const char *path,
                     const char *inputs, struct diag *d)
{
    cairo_surface_t *img;
    int rc = canvas_rasterize(cv, &img, d);
    if (rc)
        return rc;
    struct png_text texts[3] = {{"Software", "vizgen " VIZGEN_VERSION, false}};
    int n = 1;
    if (c->spec_json && strlen(c->spec_json) <= MAX_EMBEDDED_SPEC)
        texts[n++] = (struct png_text){"vizgen-spec", c->spec_json, true};
    if (inputs)
        texts[n++] = (struct png_text){"vizgen-inputs", inputs, true};
    rc = png_write(img, path, c->dpi, texts, n, d);
    cairo_surface_destroy(img);
    return rc;
}

int figure_render_file(const char *spec_path, const struct figure_kind *want,
                       const struct render_opts *opts, char **out_path, bool *skipped,
                       struct diag *d)
{
    const struct figure_kind *kind;
    void *fig = NULL;
    struct figure_common c;
    struct spec *s;
    *out_path = NULL;
    *skipped = false;
    int rc = spec_load(spec_path, &s, d);
    if (rc)
        return rc;
    if ((rc = figure_begin(s, spec_path, want, opts->max_cells, &kind, &fig, &c, d))) {
        spec_free(s);
        return rc;
    }
    if (opts->width > 0)
        c.width = opts->width;
    if (opts->scale > 0)
        c.scale = opts->scale;
    if (opts->theme)
        c.theme = opts->theme;
    if (opts->transparent)
        c.transparent = true;
    struct canvas cv = {0};
    const char *inputs[FIGURE_MAX_INPUTS];
    size_t n_inputs = figure_inputs(kind, fig, inputs, FIGURE_MAX_INPUTS);
    if (n_inputs > FIGURE_MAX_INPUTS)
        n_inputs = FIGURE_MAX_INPUTS;
    char *provenance = NULL, *path = output_path(kind, &c, opts);
    if (!path) {
        rc = diag_oom(d);
        goto done;
    }
    /* Decided from the keys alone, before the kind's parse step loads any input. */
    if (opts->only_stale && up_to_date(path, spec_path, inputs, n_inputs)) {
        *skipped = true;
        goto success;
    }
    rc = figure_complete(s, kind, &fig, &c, d); /* releases fig and c on failure */
    spec_free(s);
    s = NULL;
    if (rc)
        goto done;
    bool svg = path_has_suffix(path, ".svg"), vector = svg || path_has_suffix(path, ".pdf");
    struct canvas_opts co = {c.width, c.scale, c.theme, c.transparent, vector};
    if ((rc = canvas_init(&cv, &co, d)) || (rc = kind->render(fig, &c, &cv, d)))
        goto done;
    provenance = inputs_json(inputs, n_inputs);
    if (vector)
        rc = vector_write(&cv, svg ? VECTOR_SVG : VECTOR_PDF, path, c.title, d);
    else
        rc = write_png(&cv, &c, path, provenance, d);
    if (rc || (opts->dump_layout && (rc = dump_layout(&cv.layout, opts->dump_layout, d))))
        goto done;
success:
    *out_path = path;
    path = NULL;
done:
    spec_free(s);
    canvas_free(&cv);
    free(path);
    free(provenance);
    figure_free(kind, fig);
    figure_common_free(&c);
    return rc;
}

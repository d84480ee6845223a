/* render: the pipeline from a spec file to its output files — read the keys, check that no
 * output is an input or another output, decide whether the figure is stale, complete and draw
 * it, encode, and commit every output together. Figures know nothing of files or formats. */
#include "vizgen/render.h"
#include "vizgen/strips.h"

#include "vizgen/draw.h"
#include "vizgen/dump.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/output.h"
#include "vizgen/paths.h"
#include "vizgen/png.h"
#include "vizgen/vector.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Specs bigger than this are not embedded in the PNG (a 64 MB inline matrix would be). */
enum { MAX_EMBEDDED_SPEC = 1 << 20 };
/* The widest or tallest image Cairo draws. A PNG is drawn in strips, N_STRIPS of them (each
 * replay of the figure costs a little, and the encoder waits for the first), or more so that
 * the STRIPS_HELD strips in memory stay within STRIP_BYTES. Sixteen strips, four held, hid the
 * drawing behind the encoding best on the default figures (measured against 8 and 2, 12 and 3,
 * 16 and 3, 24 and 4: the training figure 2-3 ms faster than with 8 and 2, no figure slower).
 * The strips are drawn ahead on a thread of their own only from DRAW_AHEAD_PIXELS on: beside the
 * encoder and its deflate helper, a third thread on two cores cost every default figure (2
 * million pixels) 0.6-1.4 ms, and the training figure at --scale 2 (8 million) 1.3 ms, where at
 * --scale 3 (18 million) it saved 5 ms of 110 and at --size 40in --scale 4 0.8 s of 5.5. */
enum { MAX_PIXELS = 32767, STRIP_BYTES = 32 << 20, N_STRIPS = 16, DRAW_AHEAD_PIXELS = 12 << 20 };

const char *const render_format_names[] = {"png", "svg", "pdf", NULL};

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

/* The format of the figure: --format, else the output's extension (any case); a device or
 * standard output without one is PNG. Unknown extensions are refused, never written as PNG. */
static int decide_format(const char *path, const char *asked, enum render_format *out,
                         struct diag *d)
{
    int ext = -1;
    for (int i = 0; render_format_names[i]; i++) {
        char suffix[8];
        snprintf(suffix, sizeof suffix, ".%s", render_format_names[i]);
        if (path_has_suffix(path, suffix))
            ext = i;
    }
    int want = -1;
    for (int i = 0; asked && render_format_names[i]; i++)
        if (strcmp(asked, render_format_names[i]) == 0)
            want = i;
    if (want >= 0 && ext >= 0 && want != ext)
        return diag_in(d, VZ_EINPUT, path, "--format %s, but the name ends in .%s", asked,
                       render_format_names[ext]);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return diag_in(d, VZ_EIO, path, "is a directory");
    if (want < 0 && ext < 0 && !output_is_stream(path))
        return diag_in(d, VZ_EINPUT, path,
                       "unknown output format: the name must end in .png, .svg or .pdf (or give "
                       "--format)");
    *out = (enum render_format)(want >= 0 ? want : ext >= 0 ? ext : RENDER_PNG);
    return VZ_OK;
}

/* No output may be the spec, an input, or another output of the same run: each would be lost.
 * Two devices (both /dev/null, say) are left alone; nothing is lost there. */
static int check_outputs(const char *spec, const char *const *inputs, size_t n_inputs,
                         const char *const *outs, const char *const *names, size_t n_outs,
                         struct diag *d)
{
    for (size_t i = 0; i < n_outs; i++) {
        if (output_same_file(outs[i], spec))
            return diag_in(d, VZ_EINPUT, outs[i],
                           "%s is the spec being rendered; vizgen never overwrites an input",
                           names[i]);
        for (size_t k = 0; k < n_inputs; k++)
            if (output_same_file(outs[i], inputs[k]))
                return diag_in(d, VZ_EINPUT, outs[i],
                               "%s is %s, which the figure reads; vizgen never overwrites an input",
                               names[i], inputs[k]);
        for (size_t k = 0; k < i; k++)
            if (output_same_file(outs[i], outs[k]) &&
                !(output_is_stream(outs[i]) && strcmp(outs[i], "-") != 0))
                return diag_in(d, VZ_EINPUT, outs[i], "%s is also %s", names[i], names[k]);
    }
    return VZ_OK;
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
    if (output_is_stream(out) || stat(out, &st) != 0 || !newer_than(&st, spec))
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

/* The spec as drawn: its keys, with the kind and every command-line override written in, so
 * that `vizgen spec fig.png` regenerates exactly this figure. */
static char *effective_spec(const struct spec *s, const struct figure_kind *kind,
                            const struct figure_common *c, const struct render_opts *o)
{
    struct spec_setting set[5] = {{"figure", kind->name, 0, SPEC_STRING}};
    size_t n = 1;
    if (o->size)
        set[n++] = (struct spec_setting){"size", o->size, 0, SPEC_STRING};
    if (o->scale > 0)
        set[n++] = (struct spec_setting){"scale", NULL, c->scale, SPEC_NUMBER};
    if (o->theme)
        set[n++] = (struct spec_setting){"theme", c->theme->name, 0, SPEC_STRING};
    if (o->transparent)
        set[n++] = (struct spec_setting){"transparent", NULL, 1, SPEC_BOOL};
    return spec_compact_with(s, set, n);
}

/* The figure's rows as the encoder takes them, prepared by the thread that draws them. */
struct png_strips {
    struct strips *strips;
    int w;
    bool alpha;
    unsigned char *filters; /* each row's, set as its strip is prepared */
};

static void prepare_strip(void *ctx, unsigned char *data, size_t stride, int y0, int n,
                          const unsigned char *prev)
{
    struct png_strips *p = ctx;
    png_prepare_rows(data, stride, n, p->w, p->alpha, prev, p->filters + y0);
}

static struct png_row strip_row(void *ctx, int y)
{
    struct png_strips *p = ctx;
    const unsigned char *row = strips_row(p->strips, y);
    return (struct png_row){row, row ? p->filters[y] : 0};
}

static int write_png(struct canvas *cv, const struct figure_common *c, struct output *out,
                     const char *spec_json, const char *inputs, struct diag *d)
{
    long w, h;
    canvas_pixel_size(cv, &w, &h);
    if (h > MAX_PIXELS)
        return diag_set(d, VZ_EINPUT,
                        "the figure is %ld pixels tall at %g dpi, over the %d a PNG can be "
                        "drawn at; lower \"dpi\" or \"scale\"",
                        h, c->png_dpi, MAX_PIXELS);
    struct png_text texts[3] = {{"Software", "vizgen " VIZGEN_VERSION, false}};
    int n = 1, rc;
    if (spec_json && strlen(spec_json) <= MAX_EMBEDDED_SPEC)
        texts[n++] = (struct png_text){"vizgen-spec", spec_json, true};
    if (inputs)
        texts[n++] = (struct png_text){"vizgen-inputs", inputs, true};
    long rows = (h + N_STRIPS - 1) / N_STRIPS;
    if (rows * w * 4 > STRIP_BYTES / STRIPS_HELD)
        rows = STRIP_BYTES / STRIPS_HELD / (w * 4);
    struct png_strips p = {NULL, (int)w, c->transparent, malloc((size_t)h)};
    if (!p.filters)
        return diag_oom(d);
    struct strip_hook hook = {prepare_strip, &p};
    if ((rc = strips_start(&p.strips, cv, (int)rows, w * h >= DRAW_AHEAD_PIXELS, hook, d)) ==
        VZ_OK) {
        rc = png_encode_rows(out->f, out->path, (int)w, (int)h, c->transparent, strip_row, &p,
                             c->png_dpi, texts, n, d);
        /* A drawing error explains an encoding one ("the image could not be drawn"). */
        int drawn = strips_finish(p.strips, d);
        rc = drawn ? drawn : rc;
    }
    free(p.filters);
    return rc;
}

/* Draws the completed figure and encodes it into the open outputs: the figure, and the layout
 * and data dumps when asked for (else NULL). */
static int draw_and_encode(const struct figure_kind *kind, const void *fig,
                           const struct figure_common *c, enum render_format fmt,
                           struct output *out, struct output *layout, struct output *data,
                           const char *spec_json, const char *const *inputs, size_t n_inputs,
                           struct diag *d)
{
    struct canvas cv = {0};
    struct canvas_opts co = {c->width, c->px_per_unit, c->theme, c->transparent, fmt != RENDER_PNG};
    char *provenance = NULL;
    struct jsonw numbers;
    int rc;
    if ((rc = canvas_init(&cv, &co, d)))
        goto done;
    if (data) {
        jsonw_open(&numbers, data->f);
        jsonw_put_string(&numbers, "figure", kind->name);
        cv.data = &numbers;
    }
    if ((rc = kind->render(fig, c, &cv, d)))
        goto done;
    if (data)
        jsonw_close(&numbers);
    text_report_missing(&cv, d);
    /* A figure is never cut to a height asked for: it is drawn as tall as it needs, and says so. */
    if (c->height > 0 && cv.height > c->height + 0.5)
        diag_warn(d, c->height_pt > 0 ? "height" : "aspect",
                  "the figure needs %.3gin of height; drawn that tall rather than cut",
                  cv.height * c->unit_pt / 72);
    diag_locate(d, c->spec_path);
    provenance = inputs_json(inputs, n_inputs);
    if (fmt == RENDER_PNG)
        rc = write_png(&cv, c, out, spec_json, provenance, d);
    else
        rc = vector_write(&cv, fmt == RENDER_SVG ? VECTOR_SVG : VECTOR_PDF, out->f, out->path,
                          c->title, c->unit_pt, d);
    if (!rc && layout) {
        cv.layout.unit_pt = c->unit_pt;
        dump_layout(&cv.layout, layout->f);
    }
done:
    free(provenance);
    canvas_free(&cv);
    return rc;
}

void render_plan_free(struct render_plan *p)
{
    for (size_t i = 0; i < p->n_inputs; i++)
        free(p->inputs[i]);
    free(p->inputs);
    free(p->output);
    memset(p, 0, sizeof *p);
}

static void apply_overrides(struct figure_common *c, const struct render_opts *opts)
{
    if (opts->size_pt > 0)
        c->size_pt = opts->size_pt;
    if (opts->scale > 0)
        c->scale = opts->scale;
    if (opts->theme)
        c->theme = opts->theme;
    if (opts->transparent)
        c->transparent = true;
    figure_common_derive(c);
}

/* Loads the spec and reads its keys, with the command line's overrides: the first half of
 * every render and plan. On failure nothing is left to release. */
static int load_keys(const char *spec_path, const struct figure_kind *want,
                     const struct render_opts *opts, struct spec **s,
                     const struct figure_kind **kind, void **fig, struct figure_common *c,
                     struct diag *d)
{
    int rc = spec_load(spec_path, s, d);
    if (rc)
        return rc;
    if ((rc = figure_begin(*s, spec_path, want, opts->max_cells, kind, fig, c, d))) {
        spec_free(*s);
        *s = NULL;
        return rc;
    }
    apply_overrides(c, opts);
    return VZ_OK;
}

int render_plan(const char *spec_path, const struct render_opts *opts, struct render_plan *p,
                struct diag *d)
{
    memset(p, 0, sizeof *p);
    const struct figure_kind *kind;
    void *fig;
    struct figure_common c;
    struct spec *s;
    int rc = load_keys(spec_path, NULL, opts, &s, &kind, &fig, &c, d);
    if (rc)
        return rc;
    const char *inputs[FIGURE_MAX_INPUTS];
    size_t n = figure_inputs(kind, fig, inputs, FIGURE_MAX_INPUTS);
    n = n > FIGURE_MAX_INPUTS ? FIGURE_MAX_INPUTS : n;
    p->output = output_path(kind, &c, opts);
    p->inputs = calloc(n ? n : 1, sizeof *p->inputs);
    for (size_t i = 0; p->inputs && i < n; i++)
        if ((p->inputs[p->n_inputs] = strdup(inputs[i])))
            p->n_inputs++;
    if (!p->output || !p->inputs || p->n_inputs < n) {
        render_plan_free(p);
        rc = diag_oom(d);
    }
    figure_free(kind, fig);
    figure_common_free(&c);
    spec_free(s);
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
    struct output outs[3];
    size_t n_outs = 0;
    *out_path = NULL;
    *skipped = false;
    int rc = load_keys(spec_path, want, opts, &s, &kind, &fig, &c, d);
    if (rc)
        return rc;
    const char *inputs[FIGURE_MAX_INPUTS];
    size_t n_inputs = figure_inputs(kind, fig, inputs, FIGURE_MAX_INPUTS);
    if (n_inputs > FIGURE_MAX_INPUTS)
        n_inputs = FIGURE_MAX_INPUTS;
    char *spec_json = NULL, *path = output_path(kind, &c, opts);
    enum render_format fmt = RENDER_PNG;
    /* The figure first, then whichever dumps are asked for. */
    const char *paths[3] = {path}, *names[3] = {"the figure's output"};
    size_t n_paths = 1, layout_at = 0, data_at = 0;
    if (opts->dump_layout) {
        layout_at = n_paths;
        names[n_paths] = "the layout dump";
        paths[n_paths++] = opts->dump_layout;
    }
    if (opts->dump_data) {
        data_at = n_paths;
        names[n_paths] = "the data dump";
        paths[n_paths++] = opts->dump_data;
    }
    if (!path) {
        rc = diag_oom(d);
        goto done;
    }
    if ((rc = check_outputs(spec_path, inputs, n_inputs, paths, names, n_paths, d)) ||
        (rc = decide_format(path, opts->format, &fmt, d)))
        goto done;
    if (lround(c.width * c.px_per_unit) > MAX_PIXELS) {
        rc = diag_in(d, VZ_EINPUT, spec_path,
                     "%.3gin at %g dpi and scale %g is %ld pixels across, over the %d a PNG can "
                     "be drawn at",
                     c.size_pt / 72, c.dpi, c.scale, lround(c.width * c.px_per_unit), MAX_PIXELS);
        goto done;
    }
    /* Decided from the keys alone, before the kind's parse step loads any input. */
    if (opts->only_stale && up_to_date(path, spec_path, inputs, n_inputs)) {
        *skipped = true;
        goto success;
    }
    if ((rc = figure_complete(s, kind, &fig, &c, d))) /* releases fig and c on failure */
        goto done;
    spec_json = effective_spec(s, kind, &c, opts);
    for (; n_outs < n_paths; n_outs++)
        if ((rc = output_open(&outs[n_outs], paths[n_outs], opts->temps, d)))
            goto done;
    rc = draw_and_encode(kind, fig, &c, fmt, &outs[0], layout_at ? &outs[layout_at] : NULL,
                         data_at ? &outs[data_at] : NULL, spec_json, inputs, n_inputs, d);
    if (rc)
        goto done;
    rc = output_commit_all(outs, n_outs, d);
    n_outs = 0;
    if (rc)
        goto done;
success:
    *out_path = path;
    path = NULL;
done:
    for (size_t i = 0; i < n_outs; i++)
        output_abort(&outs[i]);
    spec_free(s);
    free(path);
    free(spec_json);
    figure_free(kind, fig);
    figure_common_free(&c);
    return rc;
}

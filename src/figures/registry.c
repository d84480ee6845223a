/* registry: the table of figure kinds, the keys they all share, and reading a spec through
 * the tables into a kind's struct. */
#include "vizgen/figure.h"

#include "vizgen/draw.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

extern const struct figure_kind fig_compression_kind;
extern const struct figure_kind fig_heatmap_kind;
extern const struct figure_kind fig_letters_kind;
extern const struct figure_kind fig_training_kind;
extern const struct figure_kind fig_params_kind;
extern const struct figure_kind fig_summary_kind;
extern const struct figure_kind fig_lines_kind;
extern const struct figure_kind fig_activations_kind;

const struct figure_kind *const figure_kinds[] = {
    &fig_compression_kind,
    &fig_heatmap_kind,
    &fig_letters_kind,
    &fig_training_kind,
    &fig_params_kind,
    &fig_summary_kind,
    &fig_lines_kind,
    &fig_activations_kind,
    NULL,
};

#define COMMON(f) offsetof(struct figure_common, f)
static const struct key common_keys[] = {
    {"$schema", KEY_STRING, 0, .flags = KEY_NOT_STORED,
     .help = "the JSON Schema this spec follows, for editors; vizgen ignores it"},
    {"figure", KEY_KIND, 0, .flags = KEY_KIND_DEFAULT,
     .help = "the figure kind; optional with 'vizgen KIND', required with 'render' and 'all'"},
    {"title", KEY_STRING, COMMON(title), .max = 300, .flags = KEY_KIND_DEFAULT,
     .help = "title above the figure"},
    {"subtitle", KEY_STRING, COMMON(subtitle), .max = 300, .flags = KEY_KIND_DEFAULT,
     .help = "line under the title"},
    {"output", KEY_STRING, COMMON(output), .min = 1, .flags = KEY_KIND_DEFAULT,
     .help = "output file; its extension picks PNG, SVG or PDF"},
    {"size", KEY_LENGTH, COMMON(size_pt), .min = 2 * 72, .max = 40 * 72, .dstr = "8in",
     .help = "width on the page, 2in to 40in: \"3.3in\" for a paper's column, \"6.5in\" for "
             "its page, \"10in\" for a slide"},
    {"height", KEY_LENGTH, COMMON(height_pt), .min = 1 * 72, .max = 40 * 72,
     .flags = KEY_NO_DEFAULT,
     .help = "height on the page, 1in to 40in (default: as tall as the content needs)"},
    {"aspect", KEY_NUMBER, COMMON(aspect), .min = 0.2, .max = 5, .flags = KEY_NO_DEFAULT,
     .help = "width divided by height, instead of a height"},
    {"font_size", KEY_NUMBER, COMMON(font_pt), .min = 7.5, .max = 24, .dnum = 8,
     .help = "body text in points; the smallest text is 0.8 of it, never under 6 pt"},
    {"dpi", KEY_NUMBER, COMMON(dpi), .min = 72, .max = 2400, .dnum = 150,
     .help = "PNG resolution, raised where needed to keep the image 1200 pixels wide"},
    {"scale", KEY_NUMBER, COMMON(scale), .min = 0.25, .max = 8, .dnum = 1,
     .help = "multiplies the PNG's pixels, 2 for HiDPI screens; the size on the page stays"},
    {"theme", KEY_CHOICE, COMMON(theme_choice), .choices = theme_names, .dstr = "light",
     .help = "light or dark page"},
    {"transparent", KEY_BOOL, COMMON(transparent),
     .help = "transparent background instead of the theme's page colour"},
};
#undef COMMON
const struct key_set figure_common_keys = {"keys every figure takes", common_keys,
                                           sizeof common_keys / sizeof common_keys[0], 0};

const struct figure_kind *figure_find(const char *name)
{
    for (const struct figure_kind *const *k = figure_kinds; *k; k++)
        if (strcmp((*k)->name, name) == 0)
            return *k;
    return NULL;
}

void figure_names(const char **names, size_t cap)
{
    size_t n = 0;
    for (const struct figure_kind *const *k = figure_kinds; *k && n + 1 < cap; k++)
        names[n++] = (*k)->name;
    names[n] = NULL;
}

void figure_common_free(struct figure_common *c)
{
    keys_free(&figure_common_keys, c);
    memset(c, 0, sizeof *c);
}

void figure_free(const struct figure_kind *kind, void *fig)
{
    if (!fig)
        return;
    if (kind->free)
        kind->free(fig);
    keys_free(kind->keys, fig);
    free(fig);
}

static int kind_from_spec(struct spec_node root, const struct figure_kind *want,
                          const struct figure_kind **kind, struct diag *d)
{
    const char *names[16];
    figure_names(names, 16);
    struct spec_node fn = spec_get(root, "figure");
    if (!fn.json) {
        if (want) {
            *kind = want;
            return VZ_OK;
        }
        char list[256] = "";
        for (size_t i = 0, used = 0; names[i] && used < sizeof list; i++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s\"%s\"", i ? ", " : "",
                                     names[i]);
        return diag_at(d, VZ_EINPUT, "figure", "missing required key (the figure kind, one of %s)",
                       list);
    }
    int idx;
    int rc = spec_choice(fn, names, &idx, d);
    if (rc)
        return rc;
    if (want && want != figure_kinds[idx])
        return diag_at(d, VZ_EINPUT, "figure", "spec is for \"%s\", not \"%s\"",
                       figure_kinds[idx]->name, want->name);
    *kind = figure_kinds[idx];
    return VZ_OK;
}

/* Title and subtitle default to the kind's own. */
static int common_defaults(const struct figure_kind *kind, struct figure_common *c, struct diag *d)
{
    c->titled = c->title != NULL;
    if (!c->title && !(c->title = strdup(kind->default_title)))
        return diag_oom(d);
    if (!c->subtitle && !(c->subtitle = strdup(kind->default_subtitle)))
        return diag_oom(d);
    c->theme = themes[c->theme_choice];
    figure_common_derive(c);
    return VZ_OK;
}

void figure_common_derive(struct figure_common *c)
{
    c->unit_pt = c->font_pt / FONT_LABEL;
    c->width = c->size_pt / c->unit_pt;
    double height_pt = c->height_pt > 0 ? c->height_pt : c->aspect > 0 ? c->size_pt / c->aspect : 0;
    c->height = height_pt / c->unit_pt;
    /* At least 1200 pixels across, the product's promise for every figure. */
    double inches = c->size_pt / 72, dots = fmax(1200, inches * c->dpi);
    double px = round(dots * c->scale);
    c->px_per_unit = px / c->width;
    c->png_dpi = px / inches;
}

int figure_load(const char *spec_path, const struct figure_kind *want, size_t max_cells,
                const struct figure_kind **kind, void **fig, struct figure_common *common,
                struct diag *d)
{
    struct spec *s = NULL;
    *fig = NULL;
    memset(common, 0, sizeof *common);
    int rc = spec_load(spec_path, &s, d);
    if (rc)
        return rc;
    rc = figure_parse(s, spec_path, want, max_cells, kind, fig, common, d);
    spec_free(s); /* nothing after this reads JSON: the figure struct owns copies */
    return rc;
}

int figure_begin(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d)
{
    *fig = NULL;
    memset(common, 0, sizeof *common);
    common->spec_path = spec_path;
    common->max_cells = max_cells ? max_cells : FIGURE_MAX_CELLS;
    struct spec_node root = spec_root(s);
    /* Every array the spec holds fits in 1 GiB of floats, or one panel when that was raised. */
    size_t max_elems = (size_t)1 << 28;
    struct key_ctx ctx = {
        spec_path,
        {max_elems > common->max_cells ? max_elems : common->max_cells, common->max_cells}};
    int rc;
    if ((rc = kind_from_spec(root, want, kind, d)) ||
        (rc = keys_check(
             root, (const struct key_set *const[]){&figure_common_keys, (*kind)->keys, NULL}, d)) ||
        (rc = keys_read(root, &figure_common_keys, &ctx, common, d)) ||
        (rc = spec_has(root, "height") && spec_has(root, "aspect")
                  ? diag_at(d, VZ_EINPUT, "aspect", "give \"height\" or \"aspect\", not both")
                  : VZ_OK) ||
        (rc = common_defaults(*kind, common, d)))
        goto fail;
    if (!(*fig = calloc(1, (*kind)->size))) {
        rc = diag_oom(d);
        goto fail;
    }
    if ((rc = keys_read(root, (*kind)->keys, &ctx, *fig, d)))
        goto fail;
    diag_locate(d, spec_path);
    return VZ_OK;
fail:
    /* Field readers know the JSON path; which spec they were reading is known here. */
    diag_locate(d, spec_path);
    if (*fig)
        figure_free(*kind, *fig);
    *fig = NULL;
    figure_common_free(common);
    return rc;
}

int figure_complete(const struct spec *s, const struct figure_kind *kind, void **fig,
                    struct figure_common *common, struct diag *d)
{
    int rc = kind->parse ? kind->parse(spec_root(s), common, *fig, d) : VZ_OK;
    diag_locate(d, common->spec_path);
    if (!rc && !common->titled && kind->title) {
        char *t = strdup(kind->title(*fig));
        if (!t) {
            rc = diag_oom(d);
        } else {
            free(common->title);
            common->title = t;
        }
    }
    if (rc) {
        figure_free(kind, *fig);
        *fig = NULL;
        figure_common_free(common);
    }
    return rc;
}

int figure_parse(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d)
{
    int rc = figure_begin(s, spec_path, want, max_cells, kind, fig, common, d);
    return rc ? rc : figure_complete(s, *kind, fig, common, d);
}

size_t figure_inputs(const struct figure_kind *kind, const void *fig, const char **paths,
                     size_t cap)
{
    size_t n = keys_paths(kind->keys, fig, paths, cap);
    if (kind->inputs)
        n += kind->inputs(fig, paths + (n < cap ? n : cap), n < cap ? cap - n : 0);
    return n;
}

static const char *kind_default(const void *kctx, const char *name, char *buf, size_t size)
{
    const struct figure_kind *k = kctx;
    if (strcmp(name, "figure") == 0)
        return k->name;
    if (strcmp(name, "title") == 0)
        return k->default_title;
    if (strcmp(name, "subtitle") == 0)
        return k->default_subtitle;
    if (strcmp(name, "output") == 0) {
        snprintf(buf, size, "out/%s", k->default_output);
        return buf;
    }
    return NULL;
}

void figure_help(const struct figure_kind *kind, FILE *f)
{
    fprintf(f,
            "vizgen %s <spec.json> [options]\n  %s\n  default output: out/%s\n"
            "  JSON Schema of its specs: vizgen schema %s\n",
            kind->name, kind->summary, kind->default_output, kind->name);
    keys_help(f, (const struct key_set *const[]){&figure_common_keys, kind->keys, NULL},
              kind_default, kind);
}

void figure_schema(const struct figure_kind *kind, FILE *f)
{
    char id[160], title[160];
    snprintf(id, sizeof id, "urn:vizgen:schema:%s", kind->name);
    snprintf(title, sizeof title, "vizgen %s spec", kind->name);
    keys_schema(f, (const struct key_set *const[]){&figure_common_keys, kind->keys, NULL},
                kind_default, kind, id, title, kind->summary);
}

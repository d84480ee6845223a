/* figure: the registry table and the pipeline shared by every kind. */
#include "vizgen/figure.h"

#include "vizgen/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct figure_kind *const figure_kinds[] = {
    &fig_compression_kind,
    &fig_heatmap_kind,
    &fig_letters_kind,
    NULL,
};

static const char *const common_keys[] = {"figure", "title", "subtitle", "output",      "width",
                                          "scale",  "dpi",   "theme",    "transparent", NULL};

enum { MAX_TITLE_CHARS = 300 };

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
    free(c->title);
    free(c->subtitle);
    free(c->output);
    free(c->spec_json);
    memset(c, 0, sizeof *c);
}

static int kind_from_spec(struct spec_node root, const struct figure_kind *want,
                          const struct figure_kind **kind, struct diag *d)
{
    struct spec_node fn = spec_get(root, "figure");
    if (!fn.json) {
        if (want) {
            *kind = want;
            return VZ_OK;
        }
        return diag_at(d, VZ_EINPUT, "figure",
                       "missing required key (the figure kind, one of \"model-compression\", "
                       "\"attention-heatmap\", \"letter-counting\")");
    }
    const char *names[16];
    figure_names(names, 16);
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

static int title_ok(const char *path, const char *s, struct diag *d)
{
    size_t n = s ? utf8_length(s) : 0;
    if (n > MAX_TITLE_CHARS)
        return diag_at(d, VZ_EINPUT, path, "expected at most %d characters, got %zu",
                       MAX_TITLE_CHARS, n);
    return VZ_OK;
}

static int parse_common(struct spec_node root, const struct figure_kind *kind,
                        const char *spec_path, size_t max_cells, struct figure_common *c,
                        struct diag *d)
{
    memset(c, 0, sizeof *c);
    c->spec_path = spec_path;
    c->max_cells = max_cells ? max_cells : FIGURE_MAX_CELLS;
    c->width = 1200;
    c->scale = 1;
    c->dpi = 144;
    c->theme = themes[0];
    c->title = strdup(kind->default_title);
    c->subtitle = strdup(kind->default_subtitle);
    if (!c->title || !c->subtitle)
        return diag_oom(d);
    int rc;
    if ((rc = spec_opt_string(root, "title", true, &c->title, d)) ||
        (rc = title_ok("title", c->title, d)) ||
        (rc = spec_opt_string(root, "subtitle", true, &c->subtitle, d)) ||
        (rc = title_ok("subtitle", c->subtitle, d)) ||
        (rc = spec_opt_string(root, "output", false, &c->output, d)) ||
        (rc = spec_opt_number(root, "width", 1200, 8000, false, &c->width, d)) ||
        (rc = spec_opt_number(root, "scale", 0.25, 8, false, &c->scale, d)) ||
        (rc = spec_opt_number(root, "dpi", 0, 2400, true, &c->dpi, d)) ||
        (rc = spec_opt_bool(root, "transparent", &c->transparent, d)))
        return rc;
    int theme = 0;
    if ((rc = spec_opt_choice(root, "theme", theme_names, &theme, d)))
        return rc;
    c->theme = themes[theme];
    return VZ_OK;
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

int figure_parse(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d)
{
    *fig = NULL;
    memset(common, 0, sizeof *common);
    struct spec_node root = spec_root(s);
    int rc;
    if ((rc = kind_from_spec(root, want, kind, d)) ||
        (rc = spec_check_keys(
             root,
             (const char *const *const[]){common_keys, (*kind)->keys, (*kind)->shared_keys, NULL},
             d)) ||
        (rc = parse_common(root, *kind, spec_path, max_cells, common, d)) ||
        (rc = (*kind)->parse(root, common, fig, d))) {
        /* Field readers know the JSON path; which spec they were reading is known here. */
        diag_locate(d, spec_path);
        figure_common_free(common);
        return rc;
    }
    common->spec_json = spec_compact(s); /* provenance; NULL (out of memory) just omits it */
    diag_locate(d, spec_path);
    return VZ_OK;
}

char *figure_resolve_path(const char *spec_path, const char *rel)
{
    const char *slash = strrchr(spec_path, '/');
    if (rel[0] == '/' || !slash)
        return strdup(rel);
    size_t dir = (size_t)(slash - spec_path) + 1, n = strlen(rel);
    char *p = malloc(dir + n + 1);
    if (!p)
        return NULL;
    memcpy(p, spec_path, dir);
    memcpy(p + dir, rel, n + 1);
    return p;
}

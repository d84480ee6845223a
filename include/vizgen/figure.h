/* figure: the registry of figure kinds and the render pipeline they plug into
 * (load spec -> check shared keys -> kind's parse -> free JSON -> kind's render -> PNG).
 * A kind owns its own spec keys and drawing; this module owns everything they share. */
#ifndef VIZGEN_FIGURE_H
#define VIZGEN_FIGURE_H

#include "vizgen/attn_source.h"
#include "vizgen/diag.h"
#include "vizgen/draw.h"
#include "vizgen/spec.h"

#include <stdbool.h>

/* Keys every spec may carry, validated once before dispatch. */
struct figure_common {
    char *title, *subtitle, *output;
    double width; /* logical pixels */
    double scale; /* pixels per logical pixel */
    double dpi;
    const struct theme *theme;
    bool transparent;
    char *spec_json; /* the spec as compact JSON, for provenance; may be NULL */
    const char *spec_path; /* where the spec was read from (borrowed), to resolve its paths */
    size_t max_cells;      /* the most cells one attention panel may have */
};

enum { FIGURE_MAX_CELLS = 16384 * 16384 };

struct figure_kind {
    const char *name;
    const char *summary;        /* one line for `vizgen list` */
    const char *default_output; /* file name under out/ */
    const char *default_title, *default_subtitle;
    const char *const *keys;    /* the kind's own top-level keys, NULL-terminated */
    const char *const *shared_keys; /* keys of a shared reader it uses (attn_source), or NULL */
    const char *help;           /* its keys and defaults, for `vizgen KIND --help` */
    /* Reads the kind's keys from root into a new figure struct (*out, freed with `free`); the
     * shared keys are already in c. */
    int (*parse)(struct spec_node root, const struct figure_common *c, void **out, struct diag *d);
    /* Draws the figure and sets cv->height. */
    int (*render)(const void *fig, const struct figure_common *c, struct canvas *cv, struct diag *d);
    void (*free)(void *fig);
    /* The attention the figure shows, for `vizgen stats`; NULL for kinds without one. */
    const struct attn_source *(*attention)(const void *fig);
};

extern const struct figure_kind fig_compression_kind;
extern const struct figure_kind fig_heatmap_kind;
extern const struct figure_kind fig_letters_kind;

/* The registry, NULL-terminated. */
extern const struct figure_kind *const figure_kinds[];

/* Fills names with the kinds' names, NULL-terminated, at most cap entries including the NULL. */
void figure_names(const char **names, size_t cap);
/* The kind called name, or NULL. */
const struct figure_kind *figure_find(const char *name);

/* Command-line overrides; zero/NULL/false fields leave the spec's value. */
struct render_opts {
    const char *output;
    const char *dump_layout;
    double width, scale;
    const struct theme *theme;
    bool transparent;
    bool only_stale; /* skip when the output is newer than the spec, its inputs and vizgen */
    size_t max_cells; /* 0: FIGURE_MAX_CELLS */
};

/* Renders the spec at spec_path to PNG, SVG or PDF by the output's extension. kind NULL means:
 * the kind named by the spec's "figure" key. On success *out_path (malloc'd, caller frees) is the
 * file written, or that would have been when *skipped says it was up to date. */
int figure_render_file(const char *spec_path, const struct figure_kind *kind,
                       const struct render_opts *opts, char **out_path, bool *skipped,
                       struct diag *d);

/* Parses and validates the spec at spec_path without rendering. want, if not NULL, is the kind
 * the caller expects; max_cells 0 means FIGURE_MAX_CELLS. On success the caller owns *fig (free
 * with (*kind)->free) and *common (free with figure_common_free). */
int figure_load(const char *spec_path, const struct figure_kind *want, size_t max_cells,
                const struct figure_kind **kind, void **fig, struct figure_common *common,
                struct diag *d);
/* The same for a spec already parsed (fuzzing, tests); spec_path only names it in messages. */
int figure_parse(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d);
void figure_common_free(struct figure_common *c);

/* A path relative to the spec file's directory (absolute paths are kept). Caller frees. */
char *figure_resolve_path(const char *spec_path, const char *rel);

#endif

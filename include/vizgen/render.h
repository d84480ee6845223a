/* render: the pipeline from a spec file to an output file — load it through the registry,
 * decide whether the output is stale, draw, then encode by the output's extension. */
#ifndef VIZGEN_RENDER_H
#define VIZGEN_RENDER_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct figure_kind;
struct theme;
struct temp_registry;

enum render_format { RENDER_PNG, RENDER_SVG, RENDER_PDF };
extern const char *const render_format_names[]; /* "png", "svg", "pdf", NULL */

/* Command-line overrides; zero/NULL/false fields leave the spec's value. */
struct render_opts {
    const char *output;      /* a path, or "-" for standard output */
    const char *dump_layout; /* a second output, committed with the figure */
    const char *dump_data;   /* the numbers drawn, as JSON: a third output, committed with it */
    const char *format;      /* one of render_format_names, or NULL: the output's extension */
    const char *size;        /* width on the page as given ("3.3in"), or NULL */
    double size_pt, scale;
    const struct theme *theme;
    bool transparent;
    bool only_stale;  /* skip when the output is newer than the spec, its inputs and vizgen */
    size_t max_cells; /* 0: FIGURE_MAX_CELLS */
    struct temp_registry *temps; /* where open temporaries are listed for a signal; may be NULL */
};

/* Renders the spec at spec_path to PNG, SVG or PDF (see output.h for how files are written).
 * kind NULL means: the kind named by the spec's "figure" key. No output may be the spec, a file
 * the figure reads, or another output. On success *out_path (malloc'd, caller frees) is the file
 * written, or that would have been when *skipped says it was up to date. */
int figure_render_file(const char *spec_path, const struct figure_kind *kind,
                       const struct render_opts *opts, char **out_path, bool *skipped,
                       struct diag *d);

/* What a spec would write and read, from its keys alone: nothing is loaded or drawn. */
struct render_plan {
    char *output;
    char **inputs;
    size_t n_inputs;
};

/* Plans the spec at spec_path as figure_render_file would render it with opts. */
int render_plan(const char *spec_path, const struct render_opts *opts, struct render_plan *p,
                struct diag *d);
void render_plan_free(struct render_plan *p);

#endif

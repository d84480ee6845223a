/* render: the pipeline from a spec file to an output file — load it through the registry,
 * decide whether the output is stale, draw, then encode by the output's extension. */
#ifndef VIZGEN_RENDER_H
#define VIZGEN_RENDER_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct figure_kind;
struct theme;

/* Command-line overrides; zero/NULL/false fields leave the spec's value. */
struct render_opts {
    const char *output;
    const char *dump_layout;
    double width, scale;
    const struct theme *theme;
    bool transparent;
    bool only_stale;  /* skip when the output is newer than the spec, its inputs and vizgen */
    size_t max_cells; /* 0: FIGURE_MAX_CELLS */
};

/* Renders the spec at spec_path to PNG, SVG or PDF by the output's extension. kind NULL means:
 * the kind named by the spec's "figure" key. On success *out_path (malloc'd, caller frees) is the
 * file written, or that would have been when *skipped says it was up to date. */
int figure_render_file(const char *spec_path, const struct figure_kind *kind,
                       const struct render_opts *opts, char **out_path, bool *skipped,
                       struct diag *d);

#endif

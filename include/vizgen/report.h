/* report: `vizgen stats` — the attention statistics of a spec — and `vizgen params` — a model's
 * parameter counts — as tables or as JSON. They format what the numeric core computes; they do
 * no drawing. */
#ifndef VIZGEN_REPORT_H
#define VIZGEN_REPORT_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stdio.h>

struct report_opts {
    bool json;
    int k;            /* top-k keys per query */
    double threshold; /* sparsity threshold */
    size_t max_cells; /* 0: the default limit */
};

/* Loads the attention the spec at spec_path describes (any figure kind that has one) and
 * writes its statistics to out. */
int report_stats(const char *spec_path, const struct report_opts *opts, FILE *out, struct diag *d);

/* `vizgen params`: the parameters of the model a config.json, a .safetensors file or a
 * model.safetensors.index.json describes (no weight is read), as a table or as JSON. */
int report_params(const char *path, bool as_json, FILE *out, struct diag *d);

#endif

/* report: `vizgen stats` — the attention statistics of a spec as a table or as JSON.
 * It formats what attention.c computes; it does no drawing. */
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

#endif

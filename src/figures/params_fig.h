/* params_fig: what fig_params.c (keys, model sources, counts) hands params_draw.c (layout and
 * drawing) for the parameter-breakdown figure. */
#ifndef VIZGEN_PARAMS_FIG_H
#define VIZGEN_PARAMS_FIG_H

#include "vizgen/figure.h"
#include "vizgen/modelsrc.h"

#include <stdbool.h>
#include <stddef.h>

struct pb_model {
    char *label, *source; /* keys; the configuration's own keys are read by modelsrc */
    /* derived by parse */
    struct model_source src;
    struct param_counts counts;
};

enum pb_bars { PB_AUTO, PB_COUNT, PB_SHARE };

struct pb_fig {
    struct pb_model *models;
    size_t n;
    long per_layer; /* the model shown layer by layer, or -1 */
    int bars;       /* enum pb_bars */
    bool memory;
    /* derived by parse */
    bool share;                 /* bars resolved: each model's shares rather than its counts */
    struct param_layers layers; /* of models[per_layer] */
};

/* Lays out and draws the figure, and writes its numbers to cv->data. */
int pb_render(const struct pb_fig *f, const struct figure_common *c, struct canvas *cv,
              struct diag *d);

#endif

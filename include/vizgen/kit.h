/* kit: the chart kit — axes, legends, colour bars, label columns, matrices and panel grids. Each
 * piece is measured first (how much room it needs, where it would go) and drawn second, so a figure
 * lays itself out by arithmetic before it draws a pixel, and no figure draws its own axis. */
#ifndef VIZGEN_KIT_H
#define VIZGEN_KIT_H

#include "vizgen/attention.h"
#include "vizgen/colormap.h"
#include "vizgen/draw.h"
#include "vizgen/raster.h"
#include "vizgen/scale.h"

#include <stdbool.h>
#include <stddef.h>

/* --- axes --- */

enum axis_side { AXIS_BOTTOM, AXIS_LEFT };

struct axis {
    enum axis_side side;
    struct scale scale; /* data -> position along the axis (x for bottom, y for left) */
    struct ticks ticks; /* ticks outside the domain are not drawn */
    enum num_style style;
    const char *title; /* NULL: none */
    bool grid;         /* gridlines across the plot at labelled ticks */
    bool line;         /* the axis line along the plot's edge */
    bool unlabelled;   /* gridlines and line only: panels above the one that carries a shared
                        * axis's labels and title */
    int label_every;   /* set by axis_measure: label every n-th labelled tick, so none touch */
};

/* An axis over the data range [lo, hi], drawn along [r0, r1] (logical pixels; for a left axis
 * r0 is the bottom). Linear axes widen the range to round ticks when `extend`; log axes need
 * 0 < lo. Ticks are about one per 90 pixels. */
void axis_init(struct axis *ax, enum axis_side side, enum scale_type type, double lo, double hi,
               double r0, double r1, bool extend);
/* Room the axis needs outside the plot (below it or left of it) for tick labels and the title;
 * also decides label_every. */
double axis_measure(struct canvas *cv, struct axis *ax);
/* Draws gridlines, the axis line, tick marks, labels and the title around plot. */
void axis_draw(struct canvas *cv, const struct axis *ax, struct box plot);

/* --- legends --- */

enum legend_mark { LEGEND_LINE, LEGEND_DASHED, LEGEND_SWATCH };

struct legend_entry {
    const char *label;
    unsigned rgb;
    enum legend_mark mark;
};

struct legend {
    const struct legend_entry *entries;
    size_t n;
    double w, h; /* set by legend_measure */
};

void legend_measure(struct canvas *cv, struct legend *lg);
/* Where the legend goes: the first corner of plot (top right, top left, bottom right, bottom
 * left) whose box covers none of the obstacles (the data's marks, in logical pixels); when every
 * corner would cover data, outside the plot on the right when `room_right` allows, else below.
 * *outside says which happened. */
struct box legend_place(const struct legend *lg, struct box plot, const struct box *obstacles,
                        size_t n_obstacles, double room_right, bool *outside);
void legend_draw(struct canvas *cv, const struct legend *lg, struct box at);
/* A legend as rows of entries side by side, above or below a plot rather than on it: the height
 * it needs within max_w, and drawing it with its top left at (x, y). */
double legend_row_measure(struct canvas *cv, const struct legend *lg, double max_w);
void legend_row_draw(struct canvas *cv, const struct legend *lg, double x, double y, double max_w);

/* --- colour bars --- */

/* The colormap from 0 to 1 as an image of one pixel per device pixel along the box, exact at
 * any scale: upwards in a box taller than wide, rightwards in a wider one. The box is snapped
 * to whole device pixels; recorded as an image mark `role`. */
void colormap_strip_draw(struct canvas *cv, enum colormap_id cmap, struct box b, const char *role);

/* Width a vertical colour bar needs right of where it starts: bar, tick labels, title. */
double colorbar_measure(struct canvas *cv, const char *title);
/* A vertical bar at (x, y), `height` tall, from 0 (bottom) to 1 (top) in cmap, with ticks and a
 * title; with `masked`, a swatch of the masked colour below it, labelled. */
void colorbar_draw(struct canvas *cv, enum colormap_id cmap, double x, double y, double height,
                   const char *title, bool masked);

/* --- label columns --- */

/* A column of categorical labels along an axis: characters, tokens, bar names. */
struct label_column {
    char *const *labels;
    size_t n;
    struct font font;
    bool indices;   /* each label's position beside it (y axis) or under it (x axis) */
    double max_len; /* the longest a label may be along its reading direction; longer ones end
                     * in an ellipsis */
    int lines;      /* y axis: lines a label may wrap onto before it is shortened (0: 1) */
    bool right;     /* y axis: the column reads rightwards from its axis, facing one on the left */
};

enum label_mode {
    LABELS_EVERY, /* every step-th label */
    LABELS_TICKS, /* round positions (0, 250, 500) in place of labels thinned past legibility */
};

/* How a label column fits slots `slot` apart: every label as it is when they fit; else every
 * step-th, or turned to read upwards (x axis, never single characters); and round positions
 * once labels would thin to every 6th. */
struct label_plan {
    enum label_mode mode;
    size_t step;
    size_t index_step; /* indices at every index_step-th slot, a multiple of step */
    bool rotated;
    double extent;      /* room the column needs across the axis, beyond the gap */
    double gap;         /* between the axis and the labels; labels_plan sets 8 */
    double label_w;     /* the widest label as drawn (0 with positions: not measured) */
    double index_w;     /* the widest index, 0 without them */
    struct ticks ticks; /* LABELS_TICKS: the positions */
};

void labels_plan(struct canvas *cv, const struct label_column *c, double slot, bool x_axis,
                 struct label_plan *p);
/* Draws the column: left of `at` (y axis; right of it when c->right), slot i centred at
 * start + (i + 0.5) * slot; or below `at` (x axis). Labels are recorded as `role`, indices and
 * positions as `index_role`. Returns the far edge of what was drawn (smallest x, largest x when
 * right, or largest y). */
double labels_draw(struct canvas *cv, const struct label_column *c, const struct label_plan *p,
                   double start, double slot, double at, bool x_axis, unsigned rgb,
                   const char *role, const char *index_role);

/* --- attention matrices --- */

struct matrix_style {
    enum colormap_id cmap;
    enum raster_pool pool; /* when cells are smaller than device pixels */
    const char *format;    /* printf format of the weights printed in cells that hold them;
                            * NULL: none */
};

enum { MATRIX_NULL_GAP = 6 }; /* between the null key's column and the cells */

/* The null key column's width for cells `cell` wide: as wide as a cell, within [10, max]. */
double matrix_null_width(double cell, double max);
/* Cells per device pixel along a side when there are more cells than pixels, else 0. */
double matrix_pooling(const struct canvas *cv, const struct attn *a, double side);
/* Draws a over the side x side square at (x, y) (snapped to device pixels): pooled by
 * st->pool where cells are smaller than pixels, hatched where masked, annotated where numbers
 * fit; and its null key, if it has one, as a column null_w wide MATRIX_NULL_GAP left of x. */
int matrix_draw(struct canvas *cv, const struct attn *a, const struct matrix_style *st, double x,
                double y, double side, double null_w, struct diag *d);

/* Any rows x cols grid of values from 0 to 1 (NaN: no value, hatched) over box b, which
 * should be snapped to device pixels: pooled by st->pool where cells are smaller than pixels,
 * parted by thin paper lines where they are large; no numbers. Recorded as an image `role`. */
int matrix_draw_grid(struct canvas *cv, const struct attn *a, const struct matrix_style *st,
                     struct box b, const char *role, struct diag *d);

/* --- panel grids --- */

/* n square panels in rows of `cols`, each under a header line, `gap` apart. */
struct panel_grid {
    size_t n, cols, rows;
    double x, y, w, h, gap, header;
    double scale; /* the canvas's, so panels start on whole device pixels */
};

/* Lays n panels out in area (its height is the most a panel may be): `cols` columns (0: as
 * square a grid as n allows), panels as large as fit, and, when a panel has at least a pixel
 * per cell, a whole multiple of `cells` wide (0: any width). Centred across area. */
void panels_layout(struct canvas *cv, struct panel_grid *g, size_t n, size_t cols, struct box area,
                   double gap, double header, size_t cells);
/* The most panels of at least min_side that a square grid fits across area_w. */
size_t panels_max(double area_w, double gap, double min_side);
/* The plot box of panel i (below its header). */
struct box panels_cell(const struct panel_grid *g, size_t i);

#endif

/* shapes: the marks that are not text — rectangles, lines, arcs with arrowheads, polylines that
 * break at missing values, and filled bands. Each is recorded when given a role. */
#ifndef VIZGEN_SHAPES_H
#define VIZGEN_SHAPES_H

#include "vizgen/canvas.h"

#include <stddef.h>

void draw_rect(struct canvas *cv, struct box b, unsigned rgb, const char *role, long index,
               double value);
/* A border drawn inside b; recorded as `role` #index with its colour unless role is NULL. */
void draw_rect_outline(struct canvas *cv, struct box b, double width, unsigned rgb,
                       const char *role, long index);
/* A box that stands for something with no value, hatched (see canvas_hatch); recorded with
 * the MASKED colour and a NaN value. */
void draw_masked(struct canvas *cv, struct box b, const char *role, long index);
void draw_line(struct canvas *cv, double x0, double y0, double x1, double y1, double width,
               unsigned rgb, bool dashed, const char *role);

/* One straight line of a bundle, with what it stands for. */
struct segment {
    double x0, y0, x1, y1;
    long index;
    double value;
};
struct stroke;
/* Lines of one colour, width and opacity, each stroked on its own (where they cross, their
 * opacities add up, as overlapping strokes do everywhere); each is recorded as a line mark
 * `role` with its index, value and opacity. One path per line: a path of many crossing lines
 * at one opacity takes a renderer seconds to fill. */
void draw_segments(struct canvas *cv, const struct segment *seg, size_t n, const struct stroke *st,
                   const char *role);

/* An arc from (x0, y) to (x1, y) bulging `height` upwards, with an arrowhead at the end(s) asked
 * for; recorded as a path mark `role` with index `from` and value `to`. */
struct arc_style {
    double width;
    unsigned rgb;
    bool head_at_start, head_at_end;
    const char *role;
};
void draw_arc(struct canvas *cv, double x0, double x1, double y, double height,
              const struct arc_style *st, long from, long to);

struct stroke {
    unsigned rgb;
    double width;
    bool dashed;
    double alpha;  /* 0 is taken as 1 */
    double marker; /* radius of a dot at each point, or 0 */
};

/* A line through the points (x[i], y[i]) in logical pixels, broken wherever a coordinate is not
 * finite, clipped to `clip`; records one path mark spanning what was drawn. */
void draw_polyline(struct canvas *cv, const double *x, const double *y, size_t n,
                   const struct stroke *s, struct box clip, const char *role, long index);
/* The area between lo[i] and hi[i] over x[i], broken where any of them is not finite. */
void draw_band(struct canvas *cv, const double *x, const double *lo, const double *hi, size_t n,
               unsigned rgb, double alpha, struct box clip, const char *role, long index);

#endif

/* canvas: where a figure draws — a recording surface in logical units that keeps a record of
 * every mark (its layout), resolves colour roles through its theme, and is replayed at the end
 * into pixels or a vector document. It never opens files or chooses the output format. */
#ifndef VIZGEN_CANVAS_H
#define VIZGEN_CANVAS_H

#include "vizgen/color.h"
#include "vizgen/diag.h"
#include "vizgen/layout.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

struct jsonw;

/* A canvas draws onto a recording surface in logical units; the figure sets the height once it
 * knows it, and canvas_rasterize_rows replays at `scale` into pixels. */
struct canvas {
    cairo_surface_t *rec;
    cairo_t *cr;
    const struct theme *theme;
    double width, height, scale;
    double rec_scale; /* the scale drawn into the recording: scale for pixels, 1 for vectors */
    struct layout layout;
    struct text_engine *text; /* text.c's fonts and layouts */
    uint32_t missing[16];     /* characters no installed font has, as text.c met them */
    size_t n_missing;
    bool transparent;       /* no paper: ARGB32 pixels, nothing behind the marks */
    bool vector;            /* replayed into SVG or PDF at scale 1, not into pixels */
    int oom;                /* set when recording a mark failed; reported by canvas_replay */
    cairo_pattern_t *hatch; /* canvas_hatch's, made when first asked for */
    /* --dump-data: where the figure writes the numbers it draws (after parsing, smoothing and
     * reduction), or NULL when nobody asked. */
    struct jsonw *data;
};

struct canvas_opts {
    double width, scale; /* logical width; device pixels per logical pixel */
    const struct theme *theme;
    bool transparent, vector;
};

int canvas_init(struct canvas *cv, const struct canvas_opts *o, struct diag *d);
void canvas_free(struct canvas *cv);
/* The 0xRRGGBB a colour or role stands for on this canvas. */
unsigned canvas_color(const struct canvas *cv, unsigned ref);
struct rgb canvas_rgb(const struct canvas *cv, unsigned ref);
/* Makes ref the colour of what is drawn next. */
void canvas_set_color(struct canvas *cv, unsigned ref);
/* The figure's size in pixels: round(width * scale) x round(height * scale). */
void canvas_pixel_size(const struct canvas *cv, long *w, long *h);
/* An image as wide as the figure in pixels and `rows` tall, in the canvas's pixel format (RGB24
 * on the theme's paper, or ARGB32 with a transparent background), for canvas_rasterize_rows;
 * NULL when out of memory. The caller destroys it. */
cairo_surface_t *canvas_strip_create(const struct canvas *cv, int rows);
/* Replays the figure's pixel rows from y0 into strip (as many as it is tall): a PNG is drawn a
 * strip at a time (see strips.h). */
int canvas_rasterize_rows(struct canvas *cv, cairo_surface_t *strip, int y0, struct diag *d);
/* Replays onto any Cairo surface: a new image, or a vector document. */
int canvas_replay(struct canvas *cv, cairo_surface_t *target, struct diag *d);
/* Rounds a logical coordinate to the device pixel grid, so raster images land on whole pixels. */
double canvas_snap(const struct canvas *cv, double v);
/* The page margin of a figure `width` units wide: 40 on a wide figure, a thirtieth of a narrow
 * one, never under 12. */
double page_margin(double width);
double canvas_margin(const struct canvas *cv); /* page_margin of the canvas's width */
/* Notes a character no installed font has (once; at most 16 are kept). */
void canvas_note_missing(struct canvas *cv, uint32_t cp);

/* Records a mark drawn by other means (paths, images). */
void canvas_record(struct canvas *cv, const struct mark *m);

/* Marks drawn between canvas_layer_begin and canvas_layer_end: when the canvas makes pixels,
 * they go into one image of the box's device pixels, which is then placed once, so thousands
 * of strokes are drawn once rather than again for every strip the figure is drawn in. Vector
 * output, and a box too big to hold as an image, get the marks drawn as they are. */
struct canvas_layer {
    cairo_t *saved; /* the canvas's own context while the layer is open; NULL: no image */
    cairo_surface_t *img;
    double x, y; /* the image's top left, on the device pixel grid */
};
void canvas_layer_begin(struct canvas *cv, struct box b, struct canvas_layer *l);
void canvas_layer_end(struct canvas *cv, struct canvas_layer *l);

/* The treatment of a cell or point that has no value: the page's colour crossed by thin
 * diagonal lines, which no colour of any colormap can be taken for, in colour or in greyscale.
 * A pattern in logical units (crisp at any scale, and a pattern in PDF and SVG), made once
 * and owned by the canvas: recordings that use it keep referring to it, not to copies. */
cairo_pattern_t *canvas_hatch(struct canvas *cv);

/* A pixel block the figure fills (0x00RRGGBB words) and then places; image_free releases it.
 * With a mask plane, pixels whose mask byte is 255 are drawn hatched (see canvas_hatch). */
struct image {
    cairo_surface_t *surface;
    uint32_t *pixels;
    int width, height, stride; /* stride in pixels */
    uint8_t *mask; /* width x height bytes, row stride mask_stride; NULL without a plane */
    int mask_stride;
    bool any_masked; /* set by the filler when a mask byte is 255 */
};
int image_init(struct image *img, int width, int height, struct diag *d);
/* The same with a mask plane, all 0. */
int image_init_masked(struct image *img, int width, int height, struct diag *d);
void image_free(struct image *img);
/* Places img stretched over the w x h box at (x, y), each image pixel a sharp-edged block (the
 * box should be snapped to whole device pixels), and records it as an image mark of rows x cols
 * cells. */
void draw_image(struct canvas *cv, struct image *img, double x, double y, double w, double h,
                const char *role, long rows, long cols);

#endif

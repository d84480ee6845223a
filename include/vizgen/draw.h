/* draw: the drawing kit every figure shares — a canvas in logical units that records each mark into
 * a layout, text measurement and placement, the title block, axes, colours. It owns Cairo state;
 * it never opens files or chooses the output format (see png). */
#ifndef VIZGEN_DRAW_H
#define VIZGEN_DRAW_H

#include "vizgen/diag.h"
#include "vizgen/layout.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>

struct rgb {
    double r, g, b;
};
struct rgb rgb_hex(unsigned hex);
unsigned rgb_to_hex(struct rgb c);
struct rgb rgb_mix(struct rgb a, struct rgb b, double t); /* t=0 -> a, t=1 -> b */
double rgb_luminance(struct rgb c);                       /* WCAG relative luminance */
struct rgb rgb_text_on(struct rgb bg); /* black or white, whichever contrasts more (>= 4.5:1) */

/* Colours are passed as 0xRRGGBB, or as one of these roles, which the canvas's theme resolves,
 * so one figure draws correctly on a light page and on a dark one. */
enum color_role {
    INK = 0x1000000, /* titles, labels */
    MUTED,           /* subtitles, tick labels, annotations */
    FAINT,           /* axis lines, dimmed marks */
    GRIDLINE,
    PAPER, /* the background */
};

struct theme {
    const char *name;
    unsigned ink, muted, faint, gridline, paper;
    bool dark;
};
extern const struct theme *const themes[]; /* light first (the default), NULL-terminated */
extern const char *const theme_names[];    /* the same order */

struct font {
    double size;
    bool bold;
};

struct text_metrics {
    double width, ascent, descent; /* ascent/descent are the font's, so lines align */
};

enum halign { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };
enum valign { ALIGN_TOP, ALIGN_MIDDLE, ALIGN_BASELINE, ALIGN_BOTTOM };

/* A canvas draws onto a recording surface in logical units; the figure sets the height once it
 * knows it, and canvas_rasterize replays at `scale` into pixels. */
struct canvas {
    cairo_surface_t *rec;
    cairo_t *cr;
    const struct theme *theme;
    double width, height, scale;
    struct layout layout;
    cairo_font_face_t *faces[2]; /* regular, bold; NULL means "find by family name" */
    bool transparent;            /* no paper: ARGB32 pixels, nothing behind the marks */
    bool vector;                 /* replayed into SVG or PDF at scale 1, not into pixels */
    int oom; /* set when recording a mark failed; reported by canvas_rasterize */
};

struct canvas_opts {
    double width, scale; /* logical width; device pixels per logical pixel */
    const struct theme *theme;
    bool transparent, vector;
};

int canvas_init(struct canvas *cv, const struct canvas_opts *o, struct diag *d);
/* The 0xRRGGBB a colour or role stands for on this canvas. */
unsigned canvas_color(const struct canvas *cv, unsigned ref);
struct rgb canvas_rgb(const struct canvas *cv, unsigned ref);
void canvas_free(struct canvas *cv);
/* Replays into a new image of round(width*scale) x round(height*scale) pixels: RGB24 on the
 * theme's paper, or ARGB32 with a transparent background. The caller destroys *out. */
int canvas_rasterize(struct canvas *cv, cairo_surface_t **out, struct diag *d);
/* Replays onto any Cairo surface: a new image, or a vector document. */
int canvas_replay(struct canvas *cv, cairo_surface_t *target, struct diag *d);
/* Rounds a logical coordinate to the device pixel grid, so raster images land on whole pixels. */
double canvas_snap(const struct canvas *cv, double v);

void draw_measure(struct canvas *cv, const char *text, struct font f, struct text_metrics *m);
/* Draws text anchored at (x, y) and records its box; the vertical form reads bottom to top,
 * centred on (x, y). */
struct box draw_text(struct canvas *cv, const char *text, double x, double y, struct font f,
                     enum halign ha, enum valign va, unsigned rgb, const char *role, long index);
struct box draw_text_vertical(struct canvas *cv, const char *text, double x, double y,
                              struct font f, unsigned rgb, const char *role, long index);
/* A copy of text shortened with "…" to fit max_width (malloc'd; caller frees; NULL on OOM). */
char *draw_ellipsize(struct canvas *cv, const char *text, struct font f, double max_width);

void draw_rect(struct canvas *cv, struct box b, unsigned rgb, const char *role, long index,
               double value);
void draw_rect_outline(struct canvas *cv, struct box b, double width, unsigned rgb);
void draw_line(struct canvas *cv, double x0, double y0, double x1, double y1, double width,
               unsigned rgb, bool dashed, const char *role);

/* A pixel block the figure fills (0x00RRGGBB words) and then places; image_free releases it. */
struct image {
    cairo_surface_t *surface;
    uint32_t *pixels;
    int width, height, stride; /* stride in pixels */
};
int image_init(struct image *img, int width, int height, struct diag *d);
void image_free(struct image *img);
/* Places img stretched over the w x h box at (x, y), each image pixel a sharp-edged block (the
 * box should be snapped to whole device pixels), and records it as an image mark of rows x cols
 * cells. */
void draw_image(struct canvas *cv, struct image *img, double x, double y, double w, double h,
                const char *role, long rows, long cols);

/* Title (bold) and optional subtitle, left-aligned at the margin; returns the y below them. */
double draw_title_block(struct canvas *cv, const char *title, const char *subtitle, double margin);

/* Records a mark drawn by other means (paths, images). */
void canvas_record(struct canvas *cv, const struct mark *m);

/* An arc from (x0, y) to (x1, y) bulging `height` upwards, with an arrowhead at the end(s) asked
 * for; recorded as a path mark with index `from` and value `to`. */
void draw_arc(struct canvas *cv, double x0, double x1, double y, double height, double width,
              unsigned rgb, bool head_at_start, bool head_at_end, long from, long to);

enum { FONT_TITLE = 24, FONT_SUBTITLE = 16, FONT_LABEL = 15, FONT_TICK = 13, FONT_SMALL = 12 };
extern const char DRAW_FONT_FAMILY[];

#endif

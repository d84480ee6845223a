/* canvas: the recording surface, its replay into pixels or a vector document, and images.
 * Units are logical pixels at scale 1; every mark is recorded with its box so tests and
 * --dump-layout see exactly what was drawn. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_POPULATE */
#include "vizgen/canvas.h"

#include "vizgen/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

unsigned canvas_color(const struct canvas *cv, unsigned ref)
{
    return theme_color(cv->theme, ref);
}

struct rgb canvas_rgb(const struct canvas *cv, unsigned ref)
{
    return rgb_hex(canvas_color(cv, ref));
}

void canvas_set_color(struct canvas *cv, unsigned ref)
{
    struct rgb c = canvas_rgb(cv, ref);
    cairo_set_source_rgb(cv->cr, c.r, c.g, c.b);
}

void canvas_record(struct canvas *cv, const struct mark *m)
{
    if (layout_add(&cv->layout, m) != VZ_OK)
        cv->oom = 1;
}

int canvas_init(struct canvas *cv, const struct canvas_opts *o, struct diag *d)
{
    memset(cv, 0, sizeof *cv);
    cv->theme = o->theme;
    cv->transparent = o->transparent;
    cv->vector = o->vector;
    layout_init(&cv->layout);
    cv->width = o->width;
    cv->scale = o->scale;
    /* Bounded, though the height is not known yet: Cairo 1.16's vector backends read an
     * uninitialised field of unbounded recording surfaces (valgrind shows it). No figure comes
     * near a million logical pixels tall. */
    /* Pixels are recorded in pixels: Cairo 1.16 replays a recording through a fractional
     * scale with edges up to 1.5 px off (a 794 px image at 1.11 px per unit came out 792.5
     * tall), so the scale is applied while drawing and a raster replay is 1:1. Vector output
     * records units and is scaled at replay, which its backends do exactly. */
    cv->rec_scale = cv->vector ? 1 : cv->scale;
    cairo_rectangle_t extents = {0, 0, ceil(cv->width * cv->rec_scale), 1 << 20};
    cv->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
    cv->cr = cairo_create(cv->rec);
    if (cairo_status(cv->cr) != CAIRO_STATUS_SUCCESS) {
        diag_set(d, VZ_EIO, "cannot create drawing surface: %s",
                 cairo_status_to_string(cairo_status(cv->cr)));
        canvas_free(cv);
        return VZ_EIO;
    }
    cairo_scale(cv->cr, cv->rec_scale, cv->rec_scale);
    /* Unhinted, as text.c lays text out, so glyphs land where they were measured. */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cv->cr, fo);
    cairo_font_options_destroy(fo);
    if (!cv->transparent) {
        /* The paper is the first recorded operation, not painted at replay: see canvas_replay. */
        canvas_set_color(cv, PAPER);
        cairo_paint(cv->cr);
    }
    int rc = text_open(cv, d);
    if (rc)
        canvas_free(cv);
    return rc;
}

void canvas_free(struct canvas *cv)
{
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->rec)
        cairo_surface_destroy(cv->rec);
    if (cv->hatch)
        cairo_pattern_destroy(cv->hatch);
    text_close(cv);
    layout_free(&cv->layout);
    memset(cv, 0, sizeof *cv);
}

void canvas_note_missing(struct canvas *cv, uint32_t cp)
{
    for (size_t i = 0; i < cv->n_missing; i++)
        if (cv->missing[i] == cp)
            return;
    if (cv->n_missing < sizeof cv->missing / sizeof cv->missing[0])
        cv->missing[cv->n_missing++] = cp;
}

double canvas_snap(const struct canvas *cv, double v)
{
    return round(v * cv->scale) / cv->scale;
}

double page_margin(double width)
{
    return fmax(12, fmin(40, width * 0.033));
}

double canvas_margin(const struct canvas *cv)
{
    return page_margin(cv->width);
}

/* Replays the figure into target with its pixel row y0 at the target's top. */
static int replay_from(struct canvas *cv, cairo_surface_t *target, int y0, struct diag *d)
{
    if (cv->oom)
        return diag_set(d, VZ_EIO, "out of memory while drawing");
    if (cairo_status(cv->cr) != CAIRO_STATUS_SUCCESS)
        return diag_set(d, VZ_EIO, "drawing failed: %s",
                        cairo_status_to_string(cairo_status(cv->cr)));
    cv->layout.width = cv->width;
    cv->layout.height = cv->height;
    cv->layout.scale = cv->scale;
    cairo_t *cr = cairo_create(target);
    /* Painted with SOURCE onto a new image, Cairo replays the recording straight into the
     * target; with OVER it first replays into an intermediate image the size of the figure and
     * composites that, which cost a third of a small render in page faults alone. Vector
     * backends keep OVER, which they translate natively. */
    if (cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE)
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_translate(cr, 0, -y0);
    cairo_scale(cr, cv->scale / cv->rec_scale, cv->scale / cv->rec_scale);
    cairo_set_source_surface(cr, cv->rec, 0, 0);
    cairo_paint(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS) {
        cairo_surface_flush(target);
        st = cairo_surface_status(target);
    }
    if (st != CAIRO_STATUS_SUCCESS)
        return diag_set(d, VZ_EIO, "rendering failed: %s", cairo_status_to_string(st));
    return VZ_OK;
}

struct pixels {
    void *mem;
    size_t size;
};

static const cairo_user_data_key_t PIXELS_KEY;

static void pixels_release(void *p)
{
    struct pixels *px = p;
    munmap(px->mem, px->size);
    free(px);
}

/* A w x h image whose pixels are a mapping of our own, populated in one call: faulting in a
 * default figure's four megabytes page by page cost a thousand faults and a tenth of a render.
 * (Huge pages would save more on average, but the kernel may stall to compact memory for them.)
 * Falls back to Cairo's own allocation when that fails. */
static cairo_surface_t *image_create(cairo_format_t fmt, int w, int h)
{
    int stride = cairo_format_stride_for_width(fmt, w);
    struct pixels *px = malloc(sizeof *px);
    if (px && stride > 0 && h > 0) {
        px->size = (size_t)stride * (size_t)h;
        px->mem = mmap(NULL, px->size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (px->mem != MAP_FAILED) {
            cairo_surface_t *s = cairo_image_surface_create_for_data(px->mem, fmt, w, h, stride);
            if (cairo_surface_set_user_data(s, &PIXELS_KEY, px, pixels_release) ==
                CAIRO_STATUS_SUCCESS)
                return s;
            cairo_surface_destroy(s);
            munmap(px->mem, px->size);
        }
    }
    free(px);
    return cairo_image_surface_create(fmt, w, h);
}

int canvas_replay(struct canvas *cv, cairo_surface_t *target, struct diag *d)
{
    return replay_from(cv, target, 0, d);
}

void canvas_pixel_size(const struct canvas *cv, long *w, long *h)
{
    *w = lround(cv->width * cv->scale);
    *h = lround(cv->height * cv->scale);
}

cairo_surface_t *canvas_strip_create(const struct canvas *cv, int rows)
{
    long w, h;
    canvas_pixel_size(cv, &w, &h);
    cairo_surface_t *s =
        image_create(cv->transparent ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, (int)w, rows);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

int canvas_rasterize_rows(struct canvas *cv, cairo_surface_t *strip, int y0, struct diag *d)
{
    /* Cairo replays only the recorded operations that reach the strip, so drawing a figure in
     * strips costs about what drawing it whole does, in a strip's memory. */
    return replay_from(cv, strip, y0, d);
}

int image_init(struct image *img, int width, int height, struct diag *d)
{
    memset(img, 0, sizeof *img);
    img->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    if (cairo_surface_status(img->surface) != CAIRO_STATUS_SUCCESS) {
        image_free(img);
        return diag_set(d, VZ_EIO, "cannot allocate a %dx%d image", width, height);
    }
    img->pixels = (uint32_t *)cairo_image_surface_get_data(img->surface);
    img->width = width;
    img->height = height;
    img->stride = cairo_image_surface_get_stride(img->surface) / 4;
    return VZ_OK;
}

int image_init_masked(struct image *img, int width, int height, struct diag *d)
{
    int rc = image_init(img, width, height, d);
    if (rc)
        return rc;
    if (!(img->mask = calloc((size_t)width * (size_t)height, 1))) {
        image_free(img);
        return diag_oom(d);
    }
    img->mask_stride = width;
    return VZ_OK;
}

void image_free(struct image *img)
{
    if (img->surface)
        cairo_surface_destroy(img->surface);
    free(img->mask);
    memset(img, 0, sizeof *img);
}

cairo_pattern_t *canvas_hatch(struct canvas *cv)
{
    enum { TILE = 5 }; /* logical pixels between lines, along each axis */
    if (cv->hatch)
        return cv->hatch;
    /* Vector output gets the lines themselves; pixels, a tile of them at the canvas's scale,
     * which Cairo repeats several times faster than it replays a recorded one. */
    /* Rounded down: a line every 5 device pixels or closer keeps a fifth of the pixels inked,
     * which no flat colour is mistaken for (tests/probe.c's probe_hatched). */
    double px = cv->vector ? TILE : fmax(2, floor(TILE * cv->scale));
    cairo_surface_t *tile;
    if (cv->vector) {
        cairo_rectangle_t extents = {0, 0, TILE, TILE};
        tile = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
    } else {
        tile = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)px, (int)px);
    }
    cairo_t *cr = cairo_create(tile);
    /* Between the muted and faint greys: AA in a viewer's raster of an SVG or PDF still
     * leaves the lines 40 grey levels from viridis' yellow, which the faint grey alone is not. */
    struct rgb paper = canvas_rgb(cv, PAPER),
               line = rgb_mix(canvas_rgb(cv, MUTED), canvas_rgb(cv, FAINT), 0.5);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE); /* every byte of the tile written */
    cairo_set_source_rgb(cr, paper.r, paper.g, paper.b);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_set_source_rgb(cr, line.r, line.g, line.b);
    /* Drawn in the tile's own pixels, whole pixels wide: the lines x + y = k * px run through
     * pixel centres, so they stay crisp at any scale instead of greying into their paper. */
    cairo_set_line_width(cr, cv->vector ? 1.25 : fmax(1, round(cv->scale)));
    /* The diagonal and its neighbours' ends, so that the lines run on across tiles. */
    for (int k = -1; k <= 1; k++) {
        cairo_move_to(cr, k * px - 1, px + 1);
        cairo_line_to(cr, k * px + px + 1, -1);
    }
    cairo_stroke(cr);
    cairo_destroy(cr);
    cv->hatch = cairo_pattern_create_for_surface(tile);
    cairo_surface_destroy(tile);
    cairo_matrix_t m;
    /* One tile pixel per device pixel (a tile of TILE units for vectors). */
    cairo_matrix_init_scale(&m, cv->vector ? 1 : cv->scale, cv->vector ? 1 : cv->scale);
    cairo_pattern_set_matrix(cv->hatch, &m);
    cairo_pattern_set_extend(cv->hatch, CAIRO_EXTEND_REPEAT);
    cairo_pattern_set_filter(cv->hatch, CAIRO_FILTER_NEAREST);
    return cv->hatch;
}

/* img resampled to w x h by the nearest pixel, the rule Cairo's NEAREST filter follows; NULL
 * when out of memory. */
static cairo_surface_t *enlarge(const struct image *img, int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return NULL;
    }
    uint32_t *px = (uint32_t *)cairo_image_surface_get_data(s);
    size_t stride = (size_t)cairo_image_surface_get_stride(s) / 4;
    for (int y = 0; y < h; y++) {
        const uint32_t *row =
            img->pixels + (size_t)((y + 0.5) * img->height / h) * (size_t)img->stride;
        for (int x = 0; x < w; x++)
            px[(size_t)y * stride + (size_t)x] = row[(size_t)((x + 0.5) * img->width / w)];
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* The first of n device pixels whose centre falls in image pixel i of n_img (the NEAREST rule),
 * in logical units from the image's edge. */
static double image_edge(const struct canvas *cv, int i, int n_img, int n)
{
    return ceil((double)i * n / n_img - 0.5) / cv->scale;
}

/* img's masked pixels as one path of boxes, a run of masked pixels in a row each, on the device
 * pixels the image's own pixels land on; filled with the hatch. */
static void hatch_masked(struct canvas *cv, const struct image *img, double x, double y, int pw,
                         int ph)
{
    cairo_save(cv->cr);
    cairo_new_path(cv->cr);
    for (int r = 0; r < img->height; r++) {
        const uint8_t *row = img->mask + (size_t)r * (size_t)img->mask_stride;
        double y0 = y + image_edge(cv, r, img->height, ph);
        double y1 = y + image_edge(cv, r + 1, img->height, ph);
        for (int c = 0; c < img->width;) {
            if (!row[c]) {
                c++;
                continue;
            }
            int end = c;
            while (end < img->width && row[end])
                end++;
            double x0 = x + image_edge(cv, c, img->width, pw);
            cairo_rectangle(cv->cr, x0, y0, x + image_edge(cv, end, img->width, pw) - x0, y1 - y0);
            c = end;
        }
    }
    cairo_set_source(cv->cr, canvas_hatch(cv));
    cairo_fill(cv->cr);
    cairo_restore(cv->cr);
}

void draw_image(struct canvas *cv, struct image *img, double x, double y, double w, double h,
                const char *role, long rows, long cols)
{
    cairo_surface_mark_dirty(img->surface);
    cairo_surface_t *src = cairo_surface_reference(img->surface);
    int iw = img->width, ih = img->height;
    int pw = (int)lround(w * cv->scale), ph = (int)lround(h * cv->scale);
    if (cv->vector && (iw != pw || ih != ph)) {
        /* Viewers smooth an enlarged image whatever the document asks (PDF's /Interpolate and
         * SVG's image-rendering are hints that librsvg, for one, ignores), so vector output
         * gets the blocks spelled out, one pixel per device pixel at the canvas's scale. */
        cairo_surface_destroy(src);
        if (!(src = enlarge(img, pw, ph))) {
            cv->oom = 1;
            return;
        }
        iw = pw;
        ih = ph;
    }
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_scale(cv->cr, w / iw, h / ih);
    cairo_set_source_surface(cv->cr, src, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cv->cr), CAIRO_FILTER_NEAREST);
    cairo_rectangle(cv->cr, 0, 0, iw, ih);
    cairo_fill(cv->cr);
    cairo_restore(cv->cr);
    cairo_surface_destroy(src);
    if (img->any_masked)
        hatch_masked(cv, img, x, y, pw, ph);
    struct box b = {x, y, w, h};
    struct mark mk = {MARK_IMAGE, b, role, -1, NAN, rows, cols, 0, NULL, 0, 0};
    canvas_record(cv, &mk);
}

/* The largest layer image: beyond it, the marks are drawn as they are. */
enum { MAX_LAYER_BYTES = 256 << 20 };

void canvas_layer_begin(struct canvas *cv, struct box b, struct canvas_layer *l)
{
    *l = (struct canvas_layer){NULL, NULL, 0, 0};
    if (cv->vector)
        return;
    double x0 = floor(b.x * cv->scale), y0 = floor(b.y * cv->scale);
    double pw = ceil((b.x + b.w) * cv->scale) - x0, ph = ceil((b.y + b.h) * cv->scale) - y0;
    if (pw < 1 || ph < 1 || pw * ph * 4 > MAX_LAYER_BYTES)
        return;
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)pw, (int)ph);
    cairo_t *cr = cairo_create(img);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(img);
        return;
    }
    cairo_translate(cr, -x0, -y0);
    cairo_scale(cr, cv->scale, cv->scale);
    *l = (struct canvas_layer){cv->cr, img, x0 / cv->scale, y0 / cv->scale};
    cv->cr = cr;
}

void canvas_layer_end(struct canvas *cv, struct canvas_layer *l)
{
    if (!l->saved)
        return;
    cairo_destroy(cv->cr);
    cv->cr = l->saved;
    cairo_save(cv->cr);
    cairo_translate(cv->cr, l->x, l->y);
    cairo_scale(cv->cr, 1 / cv->scale, 1 / cv->scale);
    cairo_set_source_surface(cv->cr, l->img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cv->cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cv->cr);
    cairo_restore(cv->cr);
    cairo_surface_destroy(l->img);
    *l = (struct canvas_layer){NULL, NULL, 0, 0};
}

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
    cairo_rectangle_t extents = {0, 0, cv->width, 1 << 20};
    cv->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
    cv->cr = cairo_create(cv->rec);
    if (cairo_status(cv->cr) != CAIRO_STATUS_SUCCESS) {
        diag_set(d, VZ_EIO, "cannot create drawing surface: %s",
                 cairo_status_to_string(cairo_status(cv->cr)));
        canvas_free(cv);
        return VZ_EIO;
    }
    /* Unhinted metrics make text widths scale linearly, so --scale 2 is the same figure. */
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
    text_load(cv);
    return VZ_OK;
}

void canvas_free(struct canvas *cv)
{
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->rec)
        cairo_surface_destroy(cv->rec);
    text_unload(cv);
    layout_free(&cv->layout);
    memset(cv, 0, sizeof *cv);
}

double canvas_snap(const struct canvas *cv, double v)
{
    return round(v * cv->scale) / cv->scale;
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
    cairo_scale(cr, cv->scale, cv->scale);
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

cairo_surface_t *canvas_strip_create(const struct canvas *cv, int rows)
{
    int w = (int)lround(cv->width * cv->scale);
    cairo_surface_t *s =
        image_create(cv->transparent ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, rows);
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

int canvas_rasterize(struct canvas *cv, cairo_surface_t **out, struct diag *d)
{
    int w = (int)lround(cv->width * cv->scale), h = (int)lround(cv->height * cv->scale);
    cairo_surface_t *img =
        image_create(cv->transparent ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, w, h);
    int rc = canvas_replay(cv, img, d);
    if (rc) {
        cairo_surface_destroy(img);
        return rc;
    }
    *out = img;
    return VZ_OK;
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

void image_free(struct image *img)
{
    if (img->surface)
        cairo_surface_destroy(img->surface);
    memset(img, 0, sizeof *img);
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
    struct box b = {x, y, w, h};
    struct mark mk = {MARK_IMAGE, b, role, -1, NAN, rows, cols, 0, NULL};
    canvas_record(cv, &mk);
}

/* draw: Cairo calls behind a small kit of marks. Units are logical pixels at scale 1; every mark
 * is recorded with its box so tests and --dump-layout see exactly what was drawn. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_POPULATE */
#include "vizgen/draw.h"

#include "vizgen/utf8.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

const char DRAW_FONT_FAMILY[] = "DejaVu Sans";

static const struct theme light = {"light",  0x1f2933, 0x52606d, 0x9aa5b1,
                                   0xe4e7eb, 0xffffff, false};
/* GitHub's dark page colour, so README figures sit on it without a visible box. */
static const struct theme dark = {"dark", 0xe6edf3, 0xa8b3bf, 0x6e7681, 0x30363d, 0x0d1117, true};
const struct theme *const themes[] = {&light, &dark, NULL};
const char *const theme_names[] = {"light", "dark", NULL};

/* DejaVu Sans is loaded from its files when they are there, so every machine measures text alike
 * and start-up skips fontconfig's configuration parsing (a fifth of a small render); fontconfig
 * matching by family name is the fallback. */
static const char *const FONT_FILES[2] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
};

/* Each face owns its own FreeType library: Cairo may keep a face cached after the canvas is gone,
 * and this way whatever frees it last frees everything, with no process-wide state. */
struct ft_owner {
    FT_Library lib;
    FT_Face face;
};

static const cairo_user_data_key_t FT_OWNER_KEY;

static void ft_release(void *p)
{
    struct ft_owner *o = p;
    FT_Done_Face(o->face);
    FT_Done_FreeType(o->lib);
    free(o);
}

static cairo_font_face_t *load_face(const char *file)
{
    struct ft_owner *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    if (FT_Init_FreeType(&o->lib) != 0) {
        free(o);
        return NULL;
    }
    if (FT_New_Face(o->lib, file, 0, &o->face) != 0) {
        FT_Done_FreeType(o->lib);
        free(o);
        return NULL;
    }
    cairo_font_face_t *ff = cairo_ft_font_face_create_for_ft_face(o->face, 0);
    if (cairo_font_face_status(ff) != CAIRO_STATUS_SUCCESS ||
        cairo_font_face_set_user_data(ff, &FT_OWNER_KEY, o, ft_release) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(ff);
        ft_release(o);
        return NULL;
    }
    return ff;
}

struct rgb rgb_hex(unsigned hex)
{
    struct rgb c = {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                    (hex & 0xff) / 255.0};
    return c;
}

static unsigned channel(double v)
{
    return (unsigned)lround(fmin(fmax(v, 0), 1) * 255);
}

unsigned rgb_to_hex(struct rgb c)
{
    return channel(c.r) << 16 | channel(c.g) << 8 | channel(c.b);
}

struct rgb rgb_mix(struct rgb a, struct rgb b, double t)
{
    struct rgb c = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
    return c;
}

static double linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double rgb_luminance(struct rgb c)
{
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

struct rgb rgb_text_on(struct rgb bg)
{
    /* Pure black, not the theme's ink: between them black and white reach WCAG's 4.5:1 against
     * every colour, where a softer near-black leaves mid-tones that neither reads well on. */
    double l = rgb_luminance(bg);
    double with_white = 1.05 / (l + 0.05), with_black = (l + 0.05) / 0.05;
    return rgb_hex(with_white > with_black ? 0xffffff : 0x000000);
}

unsigned canvas_color(const struct canvas *cv, unsigned ref)
{
    switch (ref) {
    case INK:
        return cv->theme->ink;
    case MUTED:
        return cv->theme->muted;
    case FAINT:
        return cv->theme->faint;
    case GRIDLINE:
        return cv->theme->gridline;
    case PAPER:
        return cv->theme->paper;
    default:
        return ref & 0xffffff;
    }
}

struct rgb canvas_rgb(const struct canvas *cv, unsigned ref)
{
    return rgb_hex(canvas_color(cv, ref));
}

static void set_rgb(struct canvas *cv, unsigned ref)
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
        set_rgb(cv, PAPER);
        cairo_paint(cv->cr);
    }
    for (int i = 0; i < 2; i++)
        cv->faces[i] = load_face(FONT_FILES[i]);
    return VZ_OK;
}

void canvas_free(struct canvas *cv)
{
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->rec)
        cairo_surface_destroy(cv->rec);
    for (int i = 0; i < 2; i++)
        if (cv->faces[i])
            cairo_font_face_destroy(cv->faces[i]);
    layout_free(&cv->layout);
    memset(cv, 0, sizeof *cv);
}

double canvas_snap(const struct canvas *cv, double v)
{
    return round(v * cv->scale) / cv->scale;
}

int canvas_replay(struct canvas *cv, cairo_surface_t *target, struct diag *d)
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

static void use_font(struct canvas *cv, struct font f)
{
    if (cv->faces[f.bold])
        cairo_set_font_face(cv->cr, cv->faces[f.bold]);
    else
        cairo_select_font_face(cv->cr, DRAW_FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                               f.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cv->cr, f.size);
}

void draw_measure(struct canvas *cv, const char *text, struct font f, struct text_metrics *m)
{
    use_font(cv, f);
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cv->cr, text, &te);
    cairo_font_extents(cv->cr, &fe);
    m->width = te.x_advance;
    m->ascent = fe.ascent;
    m->descent = fe.descent;
}

struct box draw_text(struct canvas *cv, const char *text, double x, double y, struct font f,
                     enum halign ha, enum valign va, unsigned rgb, const char *role, long index)
{
    struct text_metrics m;
    draw_measure(cv, text, f, &m);
    double left = ha == ALIGN_LEFT ? x : ha == ALIGN_CENTER ? x - m.width / 2 : x - m.width;
    double base = va == ALIGN_BASELINE ? y
                  : va == ALIGN_TOP    ? y + m.ascent
                  : va == ALIGN_BOTTOM ? y - m.descent
                                       : y + (m.ascent - m.descent) / 2;
    set_rgb(cv, rgb);
    cairo_move_to(cv->cr, left, base);
    cairo_show_text(cv->cr, text);
    struct box b = {left, base - m.ascent, m.width, m.ascent + m.descent};
    struct mark mk = {MARK_TEXT, b, role, index, NAN, 0, 0, canvas_color(cv, rgb), (char *)text};
    canvas_record(cv, &mk);
    return b;
}

struct box draw_text_vertical(struct canvas *cv, const char *text, double x, double y,
                              struct font f, unsigned rgb, const char *role, long index)
{
    struct text_metrics m;
    draw_measure(cv, text, f, &m);
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_rotate(cv->cr, -1.57079632679489661923); /* a quarter turn anticlockwise */
    set_rgb(cv, rgb);
    cairo_move_to(cv->cr, -m.width / 2, (m.ascent - m.descent) / 2);
    cairo_show_text(cv->cr, text);
    cairo_restore(cv->cr);
    double h = m.ascent + m.descent;
    struct box b = {x - h / 2, y - m.width / 2, h, m.width};
    struct mark mk = {MARK_TEXT, b, role, index, NAN, 0, 0, canvas_color(cv, rgb), (char *)text};
    canvas_record(cv, &mk);
    return b;
}

char *draw_ellipsize(struct canvas *cv, const char *text, struct font f, double max_width)
{
    struct text_metrics m;
    draw_measure(cv, text, f, &m);
    if (m.width <= max_width)
        return strdup(text);
    size_t len = strlen(text);
    char *buf = malloc(len + 4);
    if (!buf)
        return NULL;
    /* Binary search on code points: the longest prefix that fits with the ellipsis. */
    size_t lo = 0, hi = utf8_length(text);
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        size_t bytes = utf8_prefix_bytes(text, mid);
        memcpy(buf, text, bytes);
        memcpy(buf + bytes, "\xE2\x80\xA6", 4);
        draw_measure(cv, buf, f, &m);
        if (m.width <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t bytes = utf8_prefix_bytes(text, lo);
    memcpy(buf, text, bytes);
    memcpy(buf + bytes, "\xE2\x80\xA6", 4);
    return buf;
}

void draw_rect(struct canvas *cv, struct box b, unsigned rgb, const char *role, long index,
               double value)
{
    set_rgb(cv, rgb);
    cairo_rectangle(cv->cr, b.x, b.y, b.w, b.h);
    cairo_fill(cv->cr);
    if (role) {
        struct mark mk = {MARK_RECT, b, role, index, value, 0, 0, canvas_color(cv, rgb), NULL};
        canvas_record(cv, &mk);
    }
}

void draw_rect_outline(struct canvas *cv, struct box b, double width, unsigned rgb)
{
    set_rgb(cv, rgb);
    cairo_set_line_width(cv->cr, width);
    cairo_rectangle(cv->cr, b.x + width / 2, b.y + width / 2, b.w - width, b.h - width);
    cairo_stroke(cv->cr);
}

void draw_line(struct canvas *cv, double x0, double y0, double x1, double y1, double width,
               unsigned rgb, bool dashed, const char *role)
{
    cairo_save(cv->cr);
    set_rgb(cv, rgb);
    cairo_set_line_width(cv->cr, width);
    if (dashed) {
        const double dash[] = {6, 4};
        cairo_set_dash(cv->cr, dash, 2, 0);
    }
    cairo_move_to(cv->cr, x0, y0);
    cairo_line_to(cv->cr, x1, y1);
    cairo_stroke(cv->cr);
    cairo_restore(cv->cr);
    if (role) {
        struct box b = {fmin(x0, x1) - width / 2, fmin(y0, y1) - width / 2, fabs(x1 - x0) + width,
                        fabs(y1 - y0) + width};
        struct mark mk = {MARK_LINE, b, role, -1, NAN, 0, 0, canvas_color(cv, rgb), NULL};
        canvas_record(cv, &mk);
    }
}

double draw_title_block(struct canvas *cv, const char *title, const char *subtitle, double margin)
{
    double y = margin * 0.75;
    double avail = cv->width - 2 * margin;
    struct font tf = {FONT_TITLE, true}, sf = {FONT_SUBTITLE, false};
    char *t = draw_ellipsize(cv, title, tf, avail);
    if (!t) {
        cv->oom = 1;
        return y;
    }
    struct box b = draw_text(cv, t, margin, y, tf, ALIGN_LEFT, ALIGN_TOP, INK, "title", -1);
    free(t);
    y = b.y + b.h;
    if (subtitle && subtitle[0]) {
        char *s = draw_ellipsize(cv, subtitle, sf, avail);
        if (!s) {
            cv->oom = 1;
            return y;
        }
        b = draw_text(cv, s, margin, y + 6, sf, ALIGN_LEFT, ALIGN_TOP, MUTED, "subtitle", -1);
        free(s);
        y = b.y + b.h;
    }
    return y;
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

static void arrowhead(cairo_t *cr, double tx, double ty, double fx, double fy, double size)
{
    /* A filled triangle at (tx, ty) pointing away from (fx, fy). */
    double dx = tx - fx, dy = ty - fy, len = sqrt(dx * dx + dy * dy);
    if (len == 0)
        return;
    dx /= len;
    dy /= len;
    cairo_move_to(cr, tx, ty);
    cairo_line_to(cr, tx - size * dx + size * 0.5 * dy, ty - size * dy - size * 0.5 * dx);
    cairo_line_to(cr, tx - size * dx - size * 0.5 * dy, ty - size * dy + size * 0.5 * dx);
    cairo_close_path(cr);
    cairo_fill(cr);
}

void draw_arc(struct canvas *cv, double x0, double x1, double y, double height, double width,
              unsigned rgb, bool head_at_start, bool head_at_end, long from, long to)
{
    /* A cubic whose control points sit 4/3 of the height up peaks at exactly `height`. */
    double cy = y - height * 4 / 3;
    double head = 4 + 2 * width;
    cairo_save(cv->cr);
    set_rgb(cv, rgb);
    cairo_set_line_width(cv->cr, width);
    cairo_move_to(cv->cr, x0, y);
    cairo_curve_to(cv->cr, x0, cy, x1, cy, x1, y);
    cairo_stroke(cv->cr);
    if (head_at_end)
        arrowhead(cv->cr, x1, y, x1, cy, head);
    if (head_at_start)
        arrowhead(cv->cr, x0, y, x0, cy, head);
    cairo_restore(cv->cr);
    struct box b = {fmin(x0, x1) - head / 2, y - height - width / 2, fabs(x1 - x0) + head,
                    height + width / 2};
    struct mark mk = {MARK_PATH, b, "arc", from, (double)to, 0, 0, canvas_color(cv, rgb), NULL};
    canvas_record(cv, &mk);
}

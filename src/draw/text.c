/* text: fonts, measuring and placing text through Cairo's text API. DejaVu Sans is loaded from
 * its files when they are there, so every machine measures text alike and start-up skips
 * fontconfig's configuration parsing (a fifth of a small render); fontconfig matching by family
 * name is the fallback. */
#include "vizgen/text.h"

#include "vizgen/utf8.h"

#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char DRAW_FONT_FAMILY[] = "DejaVu Sans";

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

void text_load(struct canvas *cv)
{
    for (int i = 0; i < 2; i++)
        cv->faces[i] = load_face(FONT_FILES[i]);
}

void text_unload(struct canvas *cv)
{
    for (int i = 0; i < 2; i++)
        if (cv->faces[i])
            cairo_font_face_destroy(cv->faces[i]);
    cv->faces[0] = cv->faces[1] = NULL;
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
    canvas_set_color(cv, rgb);
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
    canvas_set_color(cv, rgb);
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

double draw_paragraph(struct canvas *cv, const char *text, double x, double y, double max_width,
                      struct font f, unsigned rgb, const char *role)
{
    size_t len = strlen(text);
    char *line = malloc(len + 1);
    if (!line) {
        cv->oom = 1;
        return y;
    }
    double gap = f.size * 0.35, bottom = y;
    long n = 0;
    const char *p = text;
    while (*p) {
        /* The most words that fit; a word longer than the line goes alone, shortened. */
        size_t take = 0, fits = 0;
        struct text_metrics m;
        for (;;) {
            const char *end = strchr(p + take + (p[take] == ' '), ' ');
            size_t next = end ? (size_t)(end - p) : strlen(p);
            memcpy(line, p, next);
            line[next] = 0;
            draw_measure(cv, line, f, &m);
            if (m.width > max_width && fits)
                break;
            fits = next;
            if (!end || m.width > max_width)
                break;
            take = next;
        }
        memcpy(line, p, fits);
        line[fits] = 0;
        char *shown = draw_ellipsize(cv, line, f, max_width);
        if (!shown) {
            cv->oom = 1;
            break;
        }
        struct box b =
            draw_text(cv, shown, x, bottom + (n ? gap : 0), f, ALIGN_LEFT, ALIGN_TOP, rgb, role, n);
        n++;
        free(shown);
        bottom = b.y + b.h;
        for (p += fits; *p == ' '; p++)
            ;
    }
    free(line);
    return bottom;
}

double text_line_height(struct canvas *cv, struct font f)
{
    struct text_metrics m;
    draw_measure(cv, "Ag", f, &m);
    return m.ascent + m.descent;
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

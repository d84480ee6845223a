/* text: Pango lays out and shapes every string; vizgen places the result and records it.
 *
 * Fonts. A canvas's first font maps (one per weight) see only the pinned DejaVu Sans (regular
 * and bold, from its files), so every machine measures alike. That configuration is also made
 * fontconfig's current one: Pango initialises fontconfig on a thread of its own when a font map is
 * made, and with a current configuration that is free, where loading the system's takes 3 ms of a
 * 10 ms render. Only a string with a character DejaVu lacks is laid out again with the system's
 * fonts, loaded then; characters that no installed font has are collected for the caller to report.
 */
#include "vizgen/text.h"

#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char DRAW_FONT_FAMILY[] = "DejaVu Sans";

#define FONT_DIR "/usr/share/fonts/truetype/dejavu"

/* Every string is laid out at this size and drawn scaled to its own: Pango matches fonts for
 * each size it meets on a thread of its own (20 threads and 2 ms for a small figure when each
 * size was its own), and with unhinted metrics a layout scales exactly. */
static const double REF_SIZE = 64;

/* A length in Pango units of a layout at REF_SIZE, in logical units at f's size. */
static double to_units(struct font f, int pango_units)
{
    return pango_units / (double)PANGO_SCALE * f.size / REF_SIZE;
}

/* One font map's worth of Pango state. */
struct shaper {
    PangoFontMap *map;
    PangoContext *ctx;
};

/* A string laid out, kept for when it comes again: measuring a string and then drawing it, or
 * the same number in a hundred cells, shapes it once. */
struct cached {
    char *text; /* NULL: an empty slot */
    bool bold;
    int width, lines; /* Pango's width (-1: one line) and the most lines (0: any) */
    PangoLayout *layout;
    unsigned long used;
};

enum { CACHE_SLOTS = 48 };

struct text_engine {
    /* The pinned fonts, one font map per weight: the regular one is made and its font loaded on
     * a thread of its own while this one loads the bold (the title's); each took about 1 ms of a
     * 14 ms render. Separate font maps may be used on separate threads, as `vizgen all` does
     * with one per figure. */
    struct shaper pinned[2];
    pthread_t warming; /* making pinned[0], until `warm` */
    bool warm, warm_ok;
    struct shaper system; /* system.map is NULL until a string needs it */
    bool system_failed;
    PangoFontDescription *fonts[2]; /* regular, bold, at REF_SIZE */
    struct cached cache[CACHE_SLOTS];
    unsigned long clock;
};

/* Unhinted metrics make text widths scale linearly, so --scale 2 is the same figure. */
static void set_font_options(PangoContext *ctx)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, fo);
    cairo_font_options_destroy(fo);
}

static bool shaper_open(struct shaper *s, FcConfig *config)
{
    s->map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    if (!s->map)
        return false;
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(s->map), config);
    s->ctx = pango_font_map_create_context(s->map);
    set_font_options(s->ctx);
    return s->ctx != NULL;
}

static void shaper_close(struct shaper *s)
{
    if (s->ctx)
        g_object_unref(s->ctx);
    if (s->map)
        g_object_unref(s->map);
    memset(s, 0, sizeof *s);
}

/* DejaVu Sans and its siblings alone, from fontconfig's system cache of their folder (0.1 ms,
 * where scanning the two files takes 0.4 ms and the system's whole configuration 3 ms); NULL
 * when DejaVu is not where Debian puts it. */
static FcConfig *pinned_config(void)
{
    static const char xml[] = "<?xml version=\"1.0\"?><fontconfig>"
                              "<dir>" FONT_DIR "</dir>"
                              "<cachedir>/var/cache/fontconfig</cachedir>"
                              "</fontconfig>";
    FcConfig *c = FcConfigCreate();
    if (c && FcConfigParseAndLoadFromMemory(c, (const FcChar8 *)xml, FcFalse) &&
        FcConfigBuildFonts(c)) {
        FcFontSet *fonts = FcConfigGetFonts(c, FcSetSystem);
        if (fonts && fonts->nfont > 0)
            return c;
    }
    if (c)
        FcConfigDestroy(c);
    return NULL;
}

/* Made once per process and never changed after: fontconfig's current configuration belongs to
 * the process whatever vizgen does, so it is set once, before any canvas makes a font map. */
static pthread_once_t pinned_once = PTHREAD_ONCE_INIT;

static void pin_fonts(void)
{
    FcConfig *config = pinned_config();
    if (config) {
        FcConfigSetCurrent(config); /* see the top of this file */
        FcConfigDestroy(config);    /* fontconfig holds its own reference */
    }
}

/* A new layout of text in ctx with the cache key's settings, or NULL when out of memory. Lines
 * break between words, and within a word too long for a line; only a block limited to a number
 * of lines ends in an ellipsis. */
static PangoLayout *new_layout(PangoContext *ctx, const PangoFontDescription *fd,
                               const struct cached *key)
{
    PangoLayout *l = pango_layout_new(ctx);
    if (!l)
        return NULL;
    pango_layout_set_font_description(l, fd);
    pango_layout_set_width(l, key->width);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    bool limit = key->width > 0 && key->lines > 0;
    pango_layout_set_height(l, limit ? -key->lines : -1);
    pango_layout_set_ellipsize(l, limit ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_text(l, key->text, -1);
    return l;
}

/* Makes the regular weight's font map and loads its font by laying out a letter. */
static void *warm_regular(void *arg)
{
    struct text_engine *t = arg;
    t->warm_ok = shaper_open(&t->pinned[0], FcConfigGetCurrent());
    PangoLayout *l = t->warm_ok ? new_layout(t->pinned[0].ctx, t->fonts[0],
                                             &(struct cached){.text = "x", .width = -1})
                                : NULL;
    if (l) {
        pango_layout_get_extents(l, NULL, NULL);
        g_object_unref(l);
    }
    return NULL;
}

/* The shaper of a weight; NULL when the regular one could not be made. */
static struct shaper *pinned_shaper(struct text_engine *t, bool bold)
{
    if (!bold && !t->warm) {
        pthread_join(t->warming, NULL);
        t->warm = true;
    }
    return bold ? &t->pinned[1] : t->warm_ok ? &t->pinned[0] : NULL;
}

int text_open(struct canvas *cv, struct diag *d)
{
    struct text_engine *t = calloc(1, sizeof *t);
    if (!t)
        return diag_oom(d);
    cv->text = t;
    /* Without DejaVu's files where Debian puts them, the current configuration is the
     * system's, and DejaVu Sans is matched by family. */
    pthread_once(&pinned_once, pin_fonts);
    for (int bold = 0; bold < 2; bold++) {
        PangoFontDescription *fd = t->fonts[bold] = pango_font_description_new();
        pango_font_description_set_family_static(fd, DRAW_FONT_FAMILY);
        pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_absolute_size(fd, REF_SIZE * PANGO_SCALE);
    }
    t->warm = true; /* no thread to wait for yet */
    if (!shaper_open(&t->pinned[1], FcConfigGetCurrent())) {
        text_close(cv);
        return diag_set(d, VZ_EIO, "cannot set up text layout (Pango)");
    }
    if (pthread_create(&t->warming, NULL, warm_regular, t) == 0)
        t->warm = false;
    else
        t->warm_ok = shaper_open(&t->pinned[0], FcConfigGetCurrent());
    return VZ_OK;
}

void text_close(struct canvas *cv)
{
    struct text_engine *t = cv->text;
    if (!t)
        return;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(t->cache[i].text);
        if (t->cache[i].layout)
            g_object_unref(t->cache[i].layout);
    }
    pinned_shaper(t, false); /* the thread is joined before what it uses is freed */
    for (int bold = 0; bold < 2; bold++)
        if (t->fonts[bold])
            pango_font_description_free(t->fonts[bold]);
    shaper_close(&t->pinned[0]);
    shaper_close(&t->pinned[1]);
    shaper_close(&t->system);
    free(t);
    cv->text = NULL;
}

/* The system's fonts, for a string DejaVu lacks characters of; NULL when they cannot be had. */
static struct shaper *system_shaper(struct text_engine *t)
{
    if (!t->system.map && !t->system_failed) {
        FcConfig *c = FcInitLoadConfigAndFonts();
        t->system_failed = !c || !shaper_open(&t->system, c);
        if (c)
            FcConfigDestroy(c);
        if (t->system_failed)
            shaper_close(&t->system);
    }
    return t->system.map ? &t->system : NULL;
}

/* Notes the characters no font had, once each. Pango marks such a glyph with
 * PANGO_GLYPH_UNKNOWN_FLAG and the character's code point. */
static void collect_missing(struct canvas *cv, PangoLayout *layout)
{
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        for (int g = 0; g < run->glyphs->num_glyphs; g++) {
            PangoGlyph glyph = run->glyphs->glyphs[g].glyph;
            if (glyph & PANGO_GLYPH_UNKNOWN_FLAG)
                canvas_note_missing(cv, glyph & ~PANGO_GLYPH_UNKNOWN_FLAG);
        }
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
}

/* The layout of text in f at REF_SIZE, wrapped to max_width (<= 0: one line) in at most
 * max_lines (0: any): in the pinned font, or in the system's when that has characters it
 * lacks. NULL when out of memory. */
static PangoLayout *lay_out(struct canvas *cv, const char *text, struct font f, double max_width,
                            int max_lines)
{
    struct text_engine *t = cv->text;
    int width = max_width > 0 ? (int)(max_width * REF_SIZE / f.size * PANGO_SCALE) : -1;
    struct cached *slot = NULL; /* an empty slot, else the least recently used */
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct cached *c = &t->cache[i];
        if (c->text && c->bold == f.bold && c->width == width && c->lines == max_lines &&
            strcmp(c->text, text) == 0) {
            c->used = ++t->clock;
            return c->layout;
        }
        if (!slot || (slot->text && (!c->text || c->used < slot->used)))
            slot = c;
    }
    free(slot->text);
    if (slot->layout)
        g_object_unref(slot->layout);
    *slot = (struct cached){strdup(text), f.bold, width, max_lines, NULL, ++t->clock};
    if (!slot->text)
        return NULL;
    const PangoFontDescription *fd = t->fonts[f.bold];
    struct shaper *pinned = pinned_shaper(t, f.bold);
    slot->layout = pinned ? new_layout(pinned->ctx, fd, slot) : NULL;
    if (slot->layout && pango_layout_get_unknown_glyphs_count(slot->layout) > 0) {
        struct shaper *sys = system_shaper(t);
        PangoLayout *l = sys ? new_layout(sys->ctx, fd, slot) : NULL;
        if (l) {
            g_object_unref(slot->layout);
            slot->layout = l;
        }
        if (pango_layout_get_unknown_glyphs_count(slot->layout) > 0)
            collect_missing(cv, slot->layout);
    }
    if (!slot->layout) {
        free(slot->text);
        slot->text = NULL;
    }
    return slot->layout;
}

/* The pinned font's ascent and descent at f, which every line uses so that lines align
 * whatever characters (or fallback fonts) they hold. A letter, not an empty line: for that
 * Pango would shape a sample sentence to measure the font. */
static void font_extents(struct canvas *cv, struct font f, double *ascent, double *descent)
{
    PangoLayout *l = lay_out(cv, "x", f, 0, 0);
    if (!l) {
        cv->oom = 1;
        *ascent = *descent = 0;
        return;
    }
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    *ascent = to_units(f, pango_layout_get_baseline(l));
    *descent = to_units(f, logical.height) - *ascent;
}

void draw_measure(struct canvas *cv, const char *text, struct font f, struct text_metrics *m)
{
    font_extents(cv, f, &m->ascent, &m->descent);
    PangoLayout *l = lay_out(cv, text, f, 0, 0);
    PangoRectangle logical = {0, 0, 0, 0};
    if (l)
        pango_layout_get_extents(l, NULL, &logical);
    else
        cv->oom = 1;
    m->width = to_units(f, logical.width);
}

double text_line_height(struct canvas *cv, struct font f)
{
    double a, d;
    font_extents(cv, f, &a, &d);
    return a + d;
}

/* Draws l (laid out at REF_SIZE) with its top left at (x, y), at f's size. */
static void show(struct canvas *cv, PangoLayout *l, struct font f, double x, double y)
{
    if (!l) {
        cv->oom = 1;
        return;
    }
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_scale(cv->cr, f.size / REF_SIZE, f.size / REF_SIZE);
    cairo_move_to(cv->cr, 0, 0);
    pango_cairo_show_layout(cv->cr, l);
    cairo_restore(cv->cr);
}

static void record(struct canvas *cv, struct box b, const char *text, struct font f, unsigned rgb,
                   const char *role, long index)
{
    struct mark mk = {MARK_TEXT,    b,      role, index, NAN, 0, 0, canvas_color(cv, rgb),
                      (char *)text, f.size, 0};
    canvas_record(cv, &mk);
}

/* The top of a box h tall whose anchor (top, middle, first baseline, bottom) is at y. */
static double block_top(enum valign va, double y, double h, double first_ascent)
{
    return va == ALIGN_TOP        ? y
           : va == ALIGN_BASELINE ? y - first_ascent
           : va == ALIGN_BOTTOM   ? y - h
                                  : y - h / 2;
}

static double aligned_left(enum halign ha, double x, double w)
{
    return ha == ALIGN_LEFT ? x : ha == ALIGN_CENTER ? x - w / 2 : x - w;
}

struct box draw_text(struct canvas *cv, const char *text, double x, double y, struct font f,
                     enum halign ha, enum valign va, unsigned rgb, const char *role, long index)
{
    struct text_metrics m;
    draw_measure(cv, text, f, &m);
    double h = m.ascent + m.descent;
    /* The middle is the middle of ascent and descent, as before Pango: labels keep their
     * place against ticks and cells. */
    double top = va == ALIGN_MIDDLE ? y - (m.ascent - m.descent) / 2 - m.descent
                                    : block_top(va, y, h, m.ascent);
    double left = aligned_left(ha, x, m.width);
    PangoLayout *l = lay_out(cv, text, f, 0, 0);
    canvas_set_color(cv, rgb);
    show(cv, l, f, left, top);
    struct box b = {left, top, m.width, h};
    record(cv, b, text, f, rgb, role, index);
    return b;
}

struct box draw_text_vertical(struct canvas *cv, const char *text, double x, double y,
                              struct font f, unsigned rgb, const char *role, long index)
{
    return draw_block_vertical(cv, text, x, y, f, 0, 1, rgb, role, index);
}

struct box draw_block_vertical(struct canvas *cv, const char *text, double x, double y,
                               struct font f, double max_length, int max_lines, unsigned rgb,
                               const char *role, long index)
{
    PangoLayout *l = lay_out(cv, text, f, max_length, max_lines);
    if (!l) {
        cv->oom = 1;
        return (struct box){x, y, 0, 0};
    }
    pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    double len = to_units(f, logical.width), thick = to_units(f, logical.height);
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_rotate(cv->cr, -1.57079632679489661923); /* a quarter turn anticlockwise */
    canvas_set_color(cv, rgb);
    show(cv, l, f, -len / 2 - to_units(f, logical.x), -thick / 2);
    cairo_restore(cv->cr);
    pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
    struct box b = {x - thick / 2, y - len / 2, thick, len};
    record(cv, b, text, f, rgb, role, index);
    return b;
}

char *draw_ellipsize(struct canvas *cv, const char *text, struct font f, double max_width)
{
    struct text_metrics m;
    draw_measure(cv, text, f, &m);
    if (m.width <= max_width)
        return strdup(text);
    /* Cut only where a reader's character ends: Pango's cursor positions. */
    PangoLayout *l = lay_out(cv, text, f, 0, 0);
    if (!l)
        return NULL;
    int n_attrs;
    const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly(l, &n_attrs);
    size_t len = strlen(text);
    size_t *cuts = malloc(((size_t)n_attrs + 1) * sizeof *cuts);
    char *buf = malloc(len + 4);
    if (!cuts || !buf) {
        free(cuts);
        free(buf);
        return NULL;
    }
    size_t n_cuts = 0, at = 0;
    for (int i = 0; i < n_attrs && at <= len; i++) {
        if (attrs[i].is_cursor_position)
            cuts[n_cuts++] = at;
        at = (size_t)(g_utf8_next_char(text + at) - text);
    }
    /* Binary search over the cuts: the longest prefix that fits with the ellipsis. */
    size_t lo = 0, hi = n_cuts ? n_cuts - 1 : 0;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        memcpy(buf, text, cuts[mid]);
        memcpy(buf + cuts[mid], "\xE2\x80\xA6", 4);
        draw_measure(cv, buf, f, &m);
        if (m.width <= max_width)
            lo = mid;
        else
            hi = mid - 1;
    }
    size_t bytes = n_cuts ? cuts[lo] : 0;
    memcpy(buf, text, bytes);
    memcpy(buf + bytes, "\xE2\x80\xA6", 4);
    free(cuts);
    return buf;
}

void measure_block(struct canvas *cv, const char *text, struct font f, double max_width,
                   int max_lines, struct text_block *b)
{
    PangoLayout *l = lay_out(cv, text, f, max_width, max_lines);
    if (!l) {
        cv->oom = 1;
        *b = (struct text_block){0, 0, 0, false};
        return;
    }
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    b->width = to_units(f, logical.width);
    b->height = to_units(f, logical.height);
    b->lines = pango_layout_get_line_count(l);
    b->shortened = pango_layout_is_ellipsized(l);
}

/* The text a line shows: its part of text, or, when Pango shortened it, its runs in logical
 * order with "…" for the run that stands for what was left out. malloc'd; NULL on OOM. */
static char *line_text(PangoLayoutLine *line, const char *text)
{
    size_t n = (size_t)line->length;
    char *shown = malloc(n + 4);
    if (!shown)
        return NULL;
    memcpy(shown, text + line->start_index, n);
    shown[n] = 0;
    bool ellipsized = false;
    for (GSList *r = line->runs; r; r = r->next)
        ellipsized |= (((PangoGlyphItem *)r->data)->item->analysis.flags &
                       PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) != 0;
    if (!ellipsized)
        return shown;
    /* The runs cover the line's text in pieces; the ellipsis run covers what it hides. */
    size_t at = 0, from = (size_t)line->start_index;
    while (at < n) {
        const PangoItem *next = NULL;
        for (GSList *r = line->runs; r; r = r->next) {
            const PangoItem *it = ((PangoGlyphItem *)r->data)->item;
            if ((size_t)it->offset == from)
                next = it;
        }
        if (!next)
            break;
        size_t len = (size_t)next->length;
        if (next->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) {
            memcpy(shown + at, "\xE2\x80\xA6", 3);
            at += 3;
        } else {
            memmove(shown + at, text + from, len);
            at += len;
        }
        from += len;
    }
    shown[at] = 0;
    return shown;
}

struct box draw_block(struct canvas *cv, const char *text, double x, double y, struct font f,
                      enum halign ha, enum valign va, double max_width, int max_lines, unsigned rgb,
                      const char *role, long index)
{
    PangoLayout *l = lay_out(cv, text, f, max_width, max_lines);
    if (!l) {
        cv->oom = 1;
        return (struct box){x, y, 0, 0};
    }
    pango_layout_set_alignment(l, ha == ALIGN_LEFT     ? PANGO_ALIGN_LEFT
                                  : ha == ALIGN_CENTER ? PANGO_ALIGN_CENTER
                                                       : PANGO_ALIGN_RIGHT);
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    double w = to_units(f, logical.width), h = to_units(f, logical.height);
    double top = block_top(va, y, h, to_units(f, pango_layout_get_baseline(l)));
    /* Pango aligns lines within the layout's width; the block is placed by its ink of lines. */
    double origin = aligned_left(ha, x, w) - to_units(f, logical.x);
    canvas_set_color(cv, rgb);
    show(cv, l, f, origin, top);
    /* Each line recorded with the text it shows. */
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle lr;
        pango_layout_iter_get_line_extents(it, NULL, &lr);
        struct box b = {origin + to_units(f, lr.x), top + to_units(f, lr.y), to_units(f, lr.width),
                        to_units(f, lr.height)};
        char *shown = line_text(line, text);
        if (!shown) {
            cv->oom = 1;
            break;
        }
        record(cv, b, shown, f, rgb, role, index);
        free(shown);
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    pango_layout_set_alignment(l, PANGO_ALIGN_LEFT);
    return (struct box){aligned_left(ha, x, w), top, w, h};
}

double draw_paragraph(struct canvas *cv, const char *text, double x, double y, double max_width,
                      struct font f, unsigned rgb, const char *role)
{
    struct box b =
        draw_block(cv, text, x, y, f, ALIGN_LEFT, ALIGN_TOP, max_width, 0, rgb, role, -1);
    return b.y + b.h;
}

double draw_title_block(struct canvas *cv, const char *title, const char *subtitle, double margin)
{
    double avail = cv->width - 2 * margin;
    struct font tf = {FONT_TITLE, true}, sf = {FONT_SUBTITLE, false};
    double y = draw_paragraph(cv, title, margin, margin * 0.75, avail, tf, INK, "title");
    if (subtitle && subtitle[0])
        y = draw_paragraph(cv, subtitle, margin, y + 6, avail, sf, MUTED, "subtitle");
    return ceil(y); /* what comes below starts on a whole unit, so its edges stay sharp */
}

/* The Debian package that gives a character a font, by its block; NULL for private use. */
static const char *font_package(uint32_t cp)
{
    static const struct {
        uint32_t lo, hi;
        const char *package;
    } blocks[] = {
        {0x1100, 0x11FF, "fonts-noto-cjk"},           /* Hangul Jamo */
        {0x2E80, 0x9FFF, "fonts-noto-cjk"},           /* CJK radicals ... unified ideographs */
        {0xAC00, 0xD7AF, "fonts-noto-cjk"},           /* Hangul syllables */
        {0xF900, 0xFAFF, "fonts-noto-cjk"},           /* CJK compatibility ideographs */
        {0xFF00, 0xFFEF, "fonts-noto-cjk"},           /* halfwidth and fullwidth forms */
        {0x20000, 0x3FFFF, "fonts-noto-cjk-extra"},   /* CJK extensions */
        {0x2600, 0x27BF, "fonts-noto-color-emoji"},   /* symbols and dingbats */
        {0x1F000, 0x1FAFF, "fonts-noto-color-emoji"}, /* emoji */
        {0xE000, 0xF8FF, NULL},                       /* private use */
        {0xF0000, 0x10FFFF, NULL},
    };
    for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
        if (cp >= blocks[i].lo && cp <= blocks[i].hi)
            return blocks[i].package;
    return "fonts-noto-core or fonts-noto-extra"; /* living scripts, then historic ones */
}

void text_report_missing(const struct canvas *cv, struct diag *d)
{
    /* One warning per package to install, naming its characters. */
    bool done[sizeof cv->missing / sizeof cv->missing[0]] = {false};
    for (size_t i = 0; i < cv->n_missing; i++) {
        if (done[i])
            continue;
        const char *package = font_package(cv->missing[i]);
        char list[256] = "";
        size_t len = 0;
        for (size_t j = i; j < cv->n_missing; j++) {
            const char *pj = font_package(cv->missing[j]);
            if (done[j] || (pj != package && (!pj || !package || strcmp(pj, package) != 0)))
                continue;
            done[j] = true;
            char shown[8] = ""; /* the character itself, unless it is private use */
            if (package) {
                shown[0] = ' ';
                shown[1 + g_unichar_to_utf8(cv->missing[j], shown + 1)] = 0;
            }
            int n = snprintf(list + len, sizeof list - len, "%sU+%04X%s", len ? ", " : "",
                             (unsigned)cv->missing[j], shown);
            len = n > 0 && (size_t)n < sizeof list - len ? len + (size_t)n : len;
        }
        if (package)
            diag_warn(d, "", "no installed font has %s; drawn as boxes (Debian's %s has them)",
                      list, package);
        else
            diag_warn(d, "",
                      "no font has %s, private-use characters no font package defines; "
                      "drawn as boxes",
                      list);
    }
}

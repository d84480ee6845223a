/* Unit tests of the drawing kit on a canvas in memory: shortened text fits, label columns thin
 * or turn only when they must, legends avoid data, axes keep labels apart, lines break at
 * missing values, panels tile without overlap. */
#include "check.h"
#include "probe.h"

#include "vizgen/kit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct canvas cv;

static void fresh_canvas_at(double height, double scale)
{
    struct diag d;
    diag_init(&d);
    struct canvas_opts o = {1200, scale, themes[0], false, false};
    canvas_free(&cv);
    CHECK(canvas_init(&cv, &o, &d) == VZ_OK);
    cv.height = height;
}

static void fresh_canvas(double height)
{
    fresh_canvas_at(height, 1);
}

static bool disjoint(struct box a, struct box b)
{
    return a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
}

/* Every pair of text marks recorded so far is disjoint. */
static bool texts_disjoint(void)
{
    for (size_t i = 0; i < cv.layout.n; i++)
        for (size_t j = i + 1; j < cv.layout.n; j++)
            if (cv.layout.marks[i].kind == MARK_TEXT && cv.layout.marks[j].kind == MARK_TEXT &&
                !disjoint(cv.layout.marks[i].box, cv.layout.marks[j].box)) {
                fprintf(stderr, "    \"%s\" meets \"%s\"\n", cv.layout.marks[i].text,
                        cv.layout.marks[j].text);
                return false;
            }
    return true;
}

static void ellipsized_text_fits_and_keeps_its_start(void)
{
    fresh_canvas(100);
    struct font f = {FONT_LABEL, false};
    struct text_metrics m;
    const char *text = "Half Precision (float16) with a very long explanation";
    struct text_metrics whole;
    draw_measure(&cv, text, f, &whole);
    for (double max = 20; max <= whole.width + 40; max += 37) {
        char *s = draw_ellipsize(&cv, text, f, max);
        draw_measure(&cv, s, f, &m);
        CHECK(m.width <= max || strcmp(s, "\xe2\x80\xa6") == 0);
        size_t len = strlen(s);
        if (whole.width <= max) {
            CHECK(strcmp(s, text) == 0); /* shortened only when it does not fit */
        } else {
            CHECK(len >= 3 && strcmp(s + len - 3, "\xe2\x80\xa6") == 0);
            CHECK(strncmp(s, text, len - 3) == 0);
        }
        free(s);
    }
    char *same = draw_ellipsize(&cv, "short", f, 400);
    CHECK(strcmp(same, "short") == 0);
    free(same);
    /* Multi-byte characters are never cut in half. */
    char *u =
        draw_ellipsize(&cv, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", f, 30);
    CHECK(strncmp(u, "\xc3\xa9", 2) == 0 && strlen(u) % 2 == 1);
    free(u);
}

/* Whether v is a multiple of 1, 2 or 5 times a power of ten: the steps a ruler uses. */
static bool round_step(double v)
{
    if (v <= 0)
        return false;
    double p = pow(10, floor(log10(v) + 1e-9)), m = v / p;
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
}

static void label_columns_change_only_when_labels_do_not_fit(void)
{
    fresh_canvas(100);
    struct font f = {FONT_TICK, false}, bold = {FONT_LABEL, true};
    char *one[200], *words[200];
    for (int i = 0; i < 200; i++) {
        one[i] = i % 2 ? "m" : "u";
        words[i] = "token";
    }
    struct label_plan p;
    struct label_column chars = {one, 20, bold, true, 100, 1, false};
    labels_plan(&cv, &chars, 30, true, &p);
    CHECK(p.mode == LABELS_EVERY && p.step == 1 && p.index_step == 1 && !p.rotated);
    /* Characters at 18 px (40 in a 720 px heatmap) all stay, upright; indices thin to a
     * round step rather than overlap. */
    labels_plan(&cv, &chars, 18, true, &p);
    CHECK(p.mode == LABELS_EVERY && p.step == 1 && !p.rotated);
    CHECK(p.index_step % p.step == 0 && round_step((double)p.index_step));
    CHECK((double)p.index_step * 18 >= p.index_w);
    /* Never turned, however tight: thinned, and past every 6th, round positions instead. */
    chars.n = 200;
    labels_plan(&cv, &chars, 3, true, &p);
    CHECK(!p.rotated && p.mode == LABELS_TICKS && p.ticks.n >= 2);
    for (int i = 0; i < p.ticks.n; i++)
        CHECK(p.ticks.t[i].v >= 0 && p.ticks.t[i].v <= 199 &&
              fmod(p.ticks.t[i].v, p.ticks.step) == 0);
    CHECK(round_step(p.ticks.step));
    struct label_column toks = {words, 200, f, false, 100, 1, false};
    labels_plan(&cv, &toks, 5, true, &p);
    double line = text_line_height(&cv, f);
    CHECK(p.mode == LABELS_EVERY && p.rotated && p.step * 5 >= line);
    CHECK(p.step * 5 < line + 5); /* thinned no more than needed */
    labels_plan(&cv, &toks, 40, false, &p);
    CHECK(p.step == 1 && !p.rotated);
    labels_plan(&cv, &toks, 2.5, false, &p);
    CHECK(p.mode == LABELS_TICKS && round_step(p.ticks.step));
    char *longest[] = {"an extremely long token that needs shortening", "b"};
    struct label_column lc = {longest, 2, f, false, 80, 1, false};
    labels_plan(&cv, &lc, 40, false, &p);
    CHECK(p.extent <= 80 && p.extent > 40);
    /* Drawn, the column's labels and indices never meet, rotated or not. */
    toks.indices = true;
    labels_plan(&cv, &toks, 5, true, &p);
    labels_draw(&cv, &toks, &p, 100, 5, 500, true, INK, "x-label", "x-index");
    labels_plan(&cv, &toks, 3.5, false, &p);
    labels_draw(&cv, &toks, &p, 0, 3.5, 90, false, INK, "y-label", "y-index");
    CHECK(texts_disjoint());
    fresh_canvas(100);
    chars.n = 40;
    labels_plan(&cv, &chars, 18, true, &p);
    labels_draw(&cv, &chars, &p, 100, 18, 800, true, INK, "x-label", "x-index");
    labels_plan(&cv, &chars, 18, false, &p);
    labels_draw(&cv, &chars, &p, 0, 18, 90, false, INK, "y-label", "y-index");
    CHECK(texts_disjoint());
}

static void legends_go_where_there_is_no_data(void)
{
    fresh_canvas(600);
    struct legend_entry e[] = {{"train", 0x0072B2, LEGEND_LINE},
                               {"validation", 0xD55E00, LEGEND_DASHED}};
    struct legend lg = {e, 2, 0, 0};
    legend_measure(&cv, &lg);
    CHECK(lg.w > 40 && lg.h > 20);
    struct box plot = {100, 100, 800, 400};
    bool outside;
    /* Data in the top right: the legend takes the top left. */
    struct box data[] = {{700, 100, 200, 150}};
    struct box at = legend_place(&lg, plot, data, 1, 200, &outside);
    CHECK(!outside && at.x < 500 && at.y < 300 && disjoint(at, data[0]));
    /* Data in every corner: outside, on the right when there is room, else below. */
    struct box everywhere[] = {{100, 100, 800, 400}};
    at = legend_place(&lg, plot, everywhere, 1, 200, &outside);
    CHECK(outside && at.x >= plot.x + plot.w);
    at = legend_place(&lg, plot, everywhere, 1, 10, &outside);
    CHECK(outside && at.y >= plot.y + plot.h);
    legend_draw(&cv, &lg, at);
    CHECK(texts_disjoint());
}

static void axis_labels_are_thinned_until_they_stand_apart(void)
{
    fresh_canvas(400);
    struct axis ax;
    /* 0 to 1.2 million over 300 pixels, grouped digits: wide labels close together. */
    axis_init(&ax, AXIS_BOTTOM, SCALE_LINEAR, 0, 1234567, 100, 400, true);
    ax.style = NUM_GROUPED;
    ax.title = "Step";
    double room = axis_measure(&cv, &ax);
    axis_draw(&cv, &ax, (struct box){100, 50, 300, 200});
    CHECK(texts_disjoint());
    int labelled = 0;
    for (size_t i = 0; i < cv.layout.n; i++)
        labelled += strcmp(cv.layout.marks[i].role, "tick-label") == 0;
    CHECK(labelled >= 2);
    CHECK(ax.scale.d1 >= 1234567); /* extended to a round tick */
    /* The room measured holds what was drawn. */
    for (size_t i = 0; i < cv.layout.n; i++)
        if (cv.layout.marks[i].kind == MARK_TEXT)
            CHECK(cv.layout.marks[i].box.y + cv.layout.marks[i].box.h <= 250 + room + 0.5);
    /* A log axis over six decades on the left: labels at decades, apart. */
    fresh_canvas(400);
    axis_init(&ax, AXIS_LEFT, SCALE_LOG, 1e-3, 1e3, 350, 50, false);
    axis_measure(&cv, &ax);
    axis_draw(&cv, &ax, (struct box){100, 50, 300, 300});
    CHECK(texts_disjoint());
}

/* The colour of the pixel at (x, y) of a rasterized canvas. */
static uint32_t pixel(cairo_surface_t *img, int x, int y)
{
    const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(img);
    return px[(size_t)y * (size_t)(cairo_image_surface_get_stride(img) / 4) + (size_t)x] & 0xffffff;
}

static void lines_break_at_missing_values_and_never_join_across(void)
{
    fresh_canvas(200);
    double x[] = {100, 200, 300, 400, 500, 600, 700};
    double y[] = {100, 100, 100, NAN, 100, 100, 100};
    struct stroke s = {0x000000, 3, false, 1, 0};
    draw_polyline(&cv, x, y, 7, &s, (struct box){0, 0, 1200, 200}, "series", 0);
    /* A lone point between two gaps is still drawn. */
    double lx[] = {800, 900, 1000}, ly[] = {NAN, 150, NAN};
    draw_polyline(&cv, lx, ly, 3, &s, (struct box){0, 0, 1200, 200}, "series", 1);
    cairo_surface_t *img;
    struct diag d;
    diag_init(&d);
    if (!CHECK(probe_rasterize(&cv, &img, &d) == VZ_OK))
        return;
    CHECK(pixel(img, 250, 100) == 0x000000);
    CHECK(pixel(img, 550, 100) == 0x000000);
    CHECK(pixel(img, 400, 100) == 0xffffff); /* the gap: 300 to 500 is not drawn */
    CHECK(pixel(img, 350, 100) == 0xffffff && pixel(img, 450, 100) == 0xffffff);
    CHECK(pixel(img, 900, 150) != 0xffffff);
    cairo_surface_destroy(img);
    const struct mark *m = &cv.layout.marks[0];
    CHECK(m->kind == MARK_PATH && m->box.x == 100 && m->box.w == 600);
}

static void bands_fill_between_their_bounds(void)
{
    fresh_canvas(200);
    double x[] = {100, 300, 500}, lo[] = {150, 150, 150}, hi[] = {50, 50, 50};
    draw_band(&cv, x, lo, hi, 3, 0x0000ff, 1, (struct box){0, 0, 1200, 200}, "band", 0);
    cairo_surface_t *img;
    struct diag d;
    diag_init(&d);
    if (!CHECK(probe_rasterize(&cv, &img, &d) == VZ_OK))
        return;
    CHECK(pixel(img, 300, 100) == 0x0000ff);
    CHECK(pixel(img, 300, 170) == 0xffffff && pixel(img, 600, 100) == 0xffffff);
    cairo_surface_destroy(img);
}

/* Drawn in strips of 7 rows (as large figures are), the pixels are those drawn whole: text,
 * arcs, lines and images crossing strip edges included. */
static void strips_draw_the_same_pixels_as_the_whole(void)
{
    fresh_canvas_at(300, 1.5);
    struct font f = {FONT_TITLE, true};
    draw_text(&cv, "Strips \xc3\xa9\xe2\x90\xa3 of a figure", 40, 20, f, ALIGN_LEFT, ALIGN_TOP, INK,
              "title", -1);
    for (int i = 0; i < 12; i++)
        draw_arc(&cv, 100 + i * 30, 600 - i * 20, 250, 30 + 15 * i,
                 &(struct arc_style){2, palette_color((size_t)i), true, true, "arc"}, i, 0);
    draw_line(&cv, 10, 10, 1190, 290, 1.5, MUTED, true, "axis");
    struct image img;
    struct diag d;
    diag_init(&d);
    image_init(&img, 3, 3, &d);
    for (int i = 0; i < 9; i++)
        img.pixels[(i / 3) * img.stride + i % 3] = palette_color((size_t)i);
    /* On whole device pixels, as draw_image asks and figures do. */
    draw_image(&cv, &img, canvas_snap(&cv, 700), canvas_snap(&cv, 33), 90, 90, "heatmap", 3, 3);
    image_free(&img);
    cairo_surface_t *whole, *strip = canvas_strip_create(&cv, 7);
    if (!CHECK(probe_rasterize(&cv, &whole, &d) == VZ_OK && strip))
        return;
    int w = cairo_image_surface_get_width(whole), h = cairo_image_surface_get_height(whole);
    int differ = 0;
    for (int y0 = 0; y0 < h; y0 += 7) {
        CHECK(canvas_rasterize_rows(&cv, strip, y0, &d) == VZ_OK);
        for (int y = y0; y < y0 + 7 && y < h; y++)
            for (int x = 0; x < w; x++)
                if (pixel(whole, x, y) != pixel(strip, x, y - y0) && differ++ < 3)
                    fprintf(stderr, "    (%d, %d): %06x whole, %06x strip\n", x, y,
                            pixel(whole, x, y), pixel(strip, x, y - y0));
    }
    if (!CHECK(differ == 0))
        fprintf(stderr, "    %d pixels differ\n", differ);
    cairo_surface_destroy(whole);
    cairo_surface_destroy(strip);
}

static void panels_tile_the_area_without_overlap(void)
{
    fresh_canvas(800);
    struct panel_grid g;
    panels_layout(&cv, &g, 12, 0, (struct box){40, 100, 1000, 360}, 28, 20, 16);
    CHECK(g.cols == 4 && g.rows == 3);
    CHECK(fmod(g.w, 16) == 0 && g.w == g.h); /* whole pixels per cell */
    for (size_t i = 0; i < 12; i++) {
        struct box a = panels_cell(&g, i);
        CHECK(a.x >= 40 && a.x + a.w <= 1040);
        for (size_t j = i + 1; j < 12; j++)
            CHECK(disjoint(a, panels_cell(&g, j)));
    }
}

int main(void)
{
    RUN(ellipsized_text_fits_and_keeps_its_start);
    RUN(label_columns_change_only_when_labels_do_not_fit);
    RUN(legends_go_where_there_is_no_data);
    RUN(axis_labels_are_thinned_until_they_stand_apart);
    RUN(lines_break_at_missing_values_and_never_join_across);
    RUN(bands_fill_between_their_bounds);
    RUN(strips_draw_the_same_pixels_as_the_whole);
    RUN(panels_tile_the_area_without_overlap);
    canvas_free(&cv);
    return check_summary();
}

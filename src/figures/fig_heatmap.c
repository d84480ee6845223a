/* fig_heatmap: the attention heatmap — one matrix with labelled axes, or every head as small
 * multiples — with a shared colorbar, optional value annotations and an entropy column. */
#include "vizgen/attn_source.h"
#include "vizgen/colormap.h"
#include "vizgen/figure.h"
#include "vizgen/kit.h"
#include "vizgen/raster.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: logical pixels. */
enum {
    MARGIN = 40,
    MAX_SIDE = 720, /* a single heatmap's side */
    MAX_LABEL_W = 110,
    GAP = 8,
    STATS_W = 96,
    PANEL_GAP = 28,
    MIN_PANEL = 16,      /* the smallest side a panel of a grid may have */
    GRID_BAR_ROOM = 110, /* right of a grid: gap and colour bar (measured: about 103) */
};
static const char *const layout_names[] = {"single", "grid", NULL};

struct heatmap {
    /* keys */
    struct attn_keys attn;
    int cmap, layout;
    bool annotate, stats;
    char *format, *x_label, *y_label, *bar_label;
    /* derived by heatmap_parse */
    struct attn_source src;
};

#define KEY(f) offsetof(struct heatmap, f)
static const struct key keys[] = {
    {"colormap", KEY_CHOICE, KEY(cmap), .choices = colormap_names, .dstr = "viridis",
     .help = "perceptually uniform colormap of the weights"},
    {"layout", KEY_CHOICE, KEY(layout), .choices = layout_names, .dstr = "single",
     .help = "one matrix, or every head as small multiples"},
    {"annotate", KEY_BOOL, KEY(annotate), .help = "print each weight in its cell where it fits"},
    {"format", KEY_STRING, KEY(format), .min = 1, .max = 32, .dstr = "%.2f",
     .help = "printf format of the annotations: one conversion such as %.2f"},
    {"stats", KEY_BOOL, KEY(stats), .help = "an entropy column beside the heatmap (single layout)"},
    {"x_label", KEY_STRING, KEY(x_label), .dstr = "Key position", .help = "x-axis title"},
    {"y_label", KEY_STRING, KEY(y_label), .dstr = "Query position", .help = "y-axis title"},
    {"colorbar_label", KEY_STRING, KEY(bar_label), .dstr = "Attention weight",
     .help = "title of the colour bar"},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_source_keys},
};
#undef KEY
static const struct key_set key_set = {"attention-heatmap", keys, sizeof keys / sizeof keys[0], 0};

static void heatmap_free(void *p)
{
    attn_source_free(&((struct heatmap *)p)->src);
}

/* A user format must be exactly one floating conversion ("%.2f", "%5.1e"), so printf is safe. */
static bool format_ok(const char *f)
{
    int conversions = 0;
    for (const char *p = f; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        p++;
        while (*p && strchr("-+ 0#", *p))
            p++;
        for (int i = 0; i < 2 && *p >= '0' && *p <= '9'; i++)
            p++;
        if (*p == '.') {
            p++;
            for (int i = 0; i < 2 && *p >= '0' && *p <= '9'; i++)
                p++;
        }
        if (!*p || !strchr("fgeFGE", *p))
            return false;
        conversions++;
    }
    return conversions == 1;
}

static int heatmap_parse(struct spec_node root, const struct figure_common *common, void *p,
                         struct diag *d)
{
    struct heatmap *h = p;
    if (!format_ok(h->format))
        return diag_at(d, VZ_EINPUT, "format",
                       "expected one printf conversion for a number such as \"%%.2f\", got \"%s\"",
                       h->format);
    if (h->stats && h->layout == 1)
        return diag_at(d, VZ_EINPUT, "stats", "the entropy column needs \"layout\": \"single\"");
    /* How many panels fit is known from the width alone: refused now, not drawn as garbage. */
    size_t max_panels =
        panels_max(common->width - 2 * MARGIN - GRID_BAR_ROOM, PANEL_GAP, MIN_PANEL);
    struct attn_request req = {h->layout == 1, common->max_cells, h->layout == 1 ? max_panels : 0};
    return attn_source_build(root, &h->attn, &req, &h->src, d);
}

/* Places the cells of one matrix as a pixel block at (x, y), side logical pixels square. */
static int draw_cells(struct canvas *cv, const struct heatmap *h, const struct attn *a, double x,
                      double y, double side, struct diag *d)
{
    struct image img;
    int px = (int)lround(side * cv->scale);
    /* Cells at least a pixel wide are one image pixel each, enlarged by nearest sampling at
     * replay: the same pixels as filling the block here, without a megabyte of them to copy. */
    bool small = a->rows <= (size_t)px && a->cols <= (size_t)px;
    int iw = small ? (int)a->cols : px, ih = small ? (int)a->rows : px;
    int rc = image_init(&img, iw, ih, d);
    if (rc)
        return rc;
    if (raster_heatmap(a, (enum colormap_id)h->cmap, canvas_color(cv, MASKED), iw, ih, img.pixels,
                       img.stride)) {
        image_free(&img);
        return diag_oom(d);
    }
    draw_image(cv, &img, x, y, px / cv->scale, px / cv->scale, "heatmap", (long)a->rows,
               (long)a->cols);
    image_free(&img);
    /* Grid lines only where cells are big enough for them to separate rather than cover. */
    double cell = side / (double)a->rows;
    if (cell * cv->scale >= 6) {
        for (size_t i = 1; i < a->rows; i++) {
            double t = (double)i * cell;
            draw_line(cv, x + t, y, x + t, y + side, 1, PAPER, false, NULL);
            draw_line(cv, x, y + t, x + side, y + t, 1, PAPER, false, NULL);
        }
    }
    return VZ_OK;
}

static void draw_annotations(struct canvas *cv, const struct heatmap *h, const struct attn *a,
                             double x, double y, double side)
{
    double cell = side / (double)a->rows;
    struct font f = {FONT_SMALL, false};
    struct text_metrics m;
    char buf[64];
    snprintf(buf, sizeof buf, h->format, 0.88);
    draw_measure(cv, buf, f, &m);
    if (m.width + 6 > cell || m.ascent + m.descent + 4 > cell)
        return; /* cells too small for readable numbers: leave the colours to speak */
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            float v = a->w[i * a->cols + j];
            if (attn_masked(v))
                continue;
            snprintf(buf, sizeof buf, h->format, v);
            struct rgb bg = rgb_hex(colormap_color((enum colormap_id)h->cmap, v));
            draw_text(cv, buf, x + ((double)j + 0.5) * cell, y + ((double)i + 0.5) * cell, f,
                      ALIGN_CENTER, ALIGN_MIDDLE, rgb_to_hex(rgb_text_on(bg)), "annotation",
                      (long)(i * a->cols + j));
        }
}

static bool has_masked(const struct attn *a)
{
    for (size_t i = 0; i < a->rows * a->cols; i++)
        if (attn_masked(a->w[i]))
            return true;
    return false;
}

static void draw_entropy_column(struct canvas *cv, const struct attn *a, double x, double y,
                                double side)
{
    struct font f = {FONT_SMALL, false};
    double cell = side / (double)a->rows, hmax = log((double)a->cols);
    draw_text(cv, "Entropy (nats)", x, y - 6, f, ALIGN_LEFT, ALIGN_BOTTOM, MUTED, "stats-title",
              -1);
    draw_line(cv, x, y, x, y + side, 1, FAINT, false, NULL);
    for (size_t i = 0; i < a->rows; i++) {
        double e = attn_entropy(a, i, false);
        if (isnan(e) || hmax <= 0)
            continue;
        double bh = fmax(cell * 0.6, fmin(cell, 1));
        struct box b = {x, y + ((double)i + 0.5) * cell - bh / 2, (STATS_W - 8) * e / hmax, bh};
        draw_rect(cv, b, 0x7b8794, "entropy-bar", (long)i, e);
    }
    char buf[48];
    snprintf(buf, sizeof buf, "max ln %zu = %.2f", a->cols, hmax);
    draw_text(cv, buf, x, y + side + GAP, f, ALIGN_LEFT, ALIGN_TOP, MUTED, "stats-scale", -1);
}

static int render_single(const struct heatmap *h, const struct figure_common *fc, struct canvas *cv,
                         struct diag *d)
{
    const struct attn *a = &h->src.panels[0].a;
    const struct attn_source *src = &h->src;
    struct font lf = {FONT_LABEL, false}, tf = {FONT_TICK, false};
    double top = draw_title_block(cv, fc->title, fc->subtitle, MARGIN) + 32;
    /* Horizontal budget: axis title, y labels, plot, [entropy], colorbar. The label column is
     * planned at its widest first; the slot it gets is known once the plot's side is. */
    struct label_plan yp, xp;
    labels_plan(cv, src->labels, src->n_labels, 1e9, MAX_LABEL_W, false, tf, &yp);
    double axis_title_w = text_line_height(cv, lf);
    double left = axis_title_w + 2 * GAP + yp.extent + GAP;
    double right = (h->stats ? STATS_W + 2 * GAP : 0) + 28 + colorbar_measure(cv, h->bar_label);
    double avail = cv->width - 2 * MARGIN;
    double side = fmin(avail - left - right, MAX_SIDE);
    size_t n = a->rows;
    if ((double)n <= side)
        side = (double)n * floor(side / (double)n); /* equal whole-pixel cells */
    double x0 = canvas_snap(cv, MARGIN + (avail - (left + side + right)) / 2 + left);
    double y0 = canvas_snap(cv, top);
    double cell = side / (double)n;
    int rc = draw_cells(cv, h, a, x0, y0, side, d);
    if (rc)
        return rc;
    if (h->annotate)
        draw_annotations(cv, h, a, x0, y0, side);
    labels_plan(cv, src->labels, n, cell, yp.extent, false, tf, &yp);
    labels_plan(cv, src->labels, n, cell, yp.extent, true, tf, &xp);
    labels_draw(cv, src->labels, n, &yp, y0, cell, x0, false, tf, INK, "y-label");
    double below =
        labels_draw(cv, src->labels, n, &xp, x0, cell, y0 + side, true, tf, INK, "x-label");
    draw_text_vertical(cv, h->y_label, x0 - GAP - yp.extent - GAP - axis_title_w / 2, y0 + side / 2,
                       lf, INK, "axis-title", -1);
    struct box xt = draw_text(cv, h->x_label, x0 + side / 2, below + GAP, lf, ALIGN_CENTER,
                              ALIGN_TOP, INK, "axis-title", -1);
    double bx = x0 + side + 28;
    if (h->stats) {
        draw_entropy_column(cv, a, x0 + side + 2 * GAP, y0, side);
        bx += STATS_W + 2 * GAP;
    }
    colorbar_draw(cv, (enum colormap_id)h->cmap, bx, y0, side, h->bar_label, has_masked(a));
    cv->height = ceil(fmax(xt.y + xt.h, y0 + side + 40) + MARGIN * 0.75);
    return VZ_OK;
}

static int render_grid(const struct heatmap *h, const struct figure_common *fc, struct canvas *cv,
                       struct diag *d)
{
    const struct attn_source *src = &h->src;
    size_t np = src->n_panels, heads = 1;
    while (heads < np && src->panels[heads].layer == src->panels[0].layer)
        heads++;
    struct font hf = {FONT_TICK, true}, lf = {FONT_LABEL, false};
    double header_h = text_line_height(cv, hf) + 6;
    double top = draw_title_block(cv, fc->title, fc->subtitle, MARGIN) + 28;
    double bar_w = 28 + colorbar_measure(cv, h->bar_label);
    struct panel_grid g;
    /* A row per layer when heads fit across, else as square a grid as the panels make. */
    panels_layout(cv, &g, np, heads <= 8 && np > heads ? heads : 0,
                  (struct box){MARGIN, top, cv->width - 2 * MARGIN - bar_w, 360}, PANEL_GAP,
                  header_h, src->panels[0].a.rows);
    double y = top;
    for (size_t p = 0; p < np; p++) {
        const struct attn_panel *pn = &src->panels[p];
        struct box c = panels_cell(&g, p);
        char head[48] = "";
        if (pn->layer >= 0)
            snprintf(head, sizeof head, "L%ld H%ld", pn->layer, pn->head);
        else if (pn->head >= 0)
            snprintf(head, sizeof head, "H%ld", pn->head);
        draw_text(cv, head, c.x, c.y - 6, hf, ALIGN_LEFT, ALIGN_BOTTOM, INK, "panel-header",
                  (long)p);
        int rc = draw_cells(cv, h, &pn->a, c.x, c.y, c.w, d);
        if (rc)
            return rc;
        if (h->annotate)
            draw_annotations(cv, h, &pn->a, c.x, c.y, c.w);
        y = fmax(y, c.y + c.h);
    }
    double grid_w = (double)g.cols * (g.w + g.gap) - g.gap;
    struct box xt = draw_text(cv, h->x_label, g.x + grid_w / 2, y + 14, lf, ALIGN_CENTER, ALIGN_TOP,
                              INK, "axis-title", -1);
    draw_text_vertical(cv, h->y_label, g.x - 20, top + (y - top) / 2, lf, INK, "axis-title", -1);
    bool masked = false;
    for (size_t p = 0; p < np && !masked; p++)
        masked = has_masked(&src->panels[p].a);
    double bar_h = fmin(y - top - header_h, 360);
    colorbar_draw(cv, (enum colormap_id)h->cmap, g.x + grid_w + 28, top + header_h, bar_h,
                  h->bar_label, masked);
    cv->height = ceil(fmax(xt.y + xt.h, top + header_h + bar_h + 40) + MARGIN * 0.75);
    return VZ_OK;
}

static int heatmap_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                          struct diag *d)
{
    const struct heatmap *h = p;
    return h->layout == 1 ? render_grid(h, fc, cv, d) : render_single(h, fc, cv, d);
}

static const struct attn_source *heatmap_attention(const void *p)
{
    return &((const struct heatmap *)p)->src;
}

const struct figure_kind fig_heatmap_kind = {
    .name = "attention-heatmap",
    .summary = "attention weights as a heatmap: synthetic letter counting or real model weights",
    .default_output = "attention-heatmap.png",
    .default_title = "Self-Attention Weights for Letter Counting",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct heatmap),
    .parse = heatmap_parse,
    .render = heatmap_render,
    .free = heatmap_free,
    .attention = heatmap_attention,
};

/* fig_heatmap: the attention heatmap — one matrix with labelled axes, or every head (or layer)
 * as small multiples — with a shared colour bar, annotations where they fit, an optional
 * entropy column, and notes that say what the figure cannot show by itself: that synthetic
 * weights are synthetic, and what a pixel stands for when cells are pooled. */
#include "vizgen/attn_source.h"
#include "vizgen/colormap.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/kit.h"
#include "vizgen/raster.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: logical pixels. */
enum {
    MAX_SIDE = 720, /* a single heatmap's side */
    MAX_LABEL_W = 110,
    MAX_NULL_W = 48, /* the null key's column, single layout */
    GAP = 8,
    STATS_W = 96,
    BAR_GAP = 28, /* between the cells (or the entropy column) and the colour bar */
    PANEL_GAP = 28,
    MIN_PANEL = 16,      /* the smallest side a panel of a grid may have */
    GRID_BAR_ROOM = 110, /* right of a grid: gap and colour bar (measured: about 103) */
    GRID_LEFT_ROOM = 80, /* left of a grid: axis title and positions up to 16383 */
    NOTE_GAP = 18,
};
static const char *const layout_names[] = {"single", "grid", NULL};
static const char SYNTHETIC_TITLE[] = "Self-Attention Weights for Letter Counting";

struct heatmap {
    /* keys */
    struct attn_keys attn;
    int cmap, layout, pool;
    bool annotate, stats;
    char *format, *x_label, *y_label, *bar_label;
    /* derived by heatmap_parse */
    struct attn_source src;
    char title[96];
};

#define KEY(f) offsetof(struct heatmap, f)
static const struct key keys[] = {
    {"colormap", KEY_CHOICE, KEY(cmap), .choices = colormap_names, .dstr = "viridis",
     .help = "perceptually uniform colormap of the weights"},
    {"layout", KEY_CHOICE, KEY(layout), .choices = layout_names, .dstr = "single",
     .help = "one matrix, or every head (or layer) as small multiples"},
    {"annotate", KEY_BOOL, KEY(annotate), .dnum = 1,
     .help = "print each weight in its cell, where cells are big enough to hold it"},
    {"format", KEY_STRING, KEY(format), .min = 1, .max = 32, .dstr = "%.2f",
     .help = "printf format of the annotations: one conversion such as %.2f"},
    {"downsample", KEY_CHOICE, KEY(pool), .choices = raster_pool_names, .dstr = "max",
     .help = "how cells smaller than a pixel are pooled: the largest weight (peaks survive) or "
             "the mean"},
    {"stats", KEY_BOOL, KEY(stats), .help = "an entropy column beside the heatmap (single layout)"},
    {"x_label", KEY_STRING, KEY(x_label), .flags = KEY_NO_DEFAULT,
     .help = "x-axis title; default \"Key position\", with \"(attended-to character)\" or "
             "\"(attended-to token)\" when there are labels"},
    {"y_label", KEY_STRING, KEY(y_label), .flags = KEY_NO_DEFAULT,
     .help = "y-axis title; default \"Query position\", with \"(attending character)\" or "
             "\"(attending token)\" when there are labels"},
    {"colorbar_label", KEY_STRING, KEY(bar_label), .dstr = "Attention weight",
     .help = "title of the colour bar"},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_source_keys},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_combine_keys},
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
        panels_max(common->width - 2 * page_margin(common->width) - GRID_BAR_ROOM - GRID_LEFT_ROOM,
                   PANEL_GAP, MIN_PANEL);
    struct attn_request req = {.all_heads = h->layout == 1,
                               .max_cells = common->max_cells,
                               .max_panels = h->layout == 1 ? max_panels : 0};
    int rc = attn_source_build(root, &h->attn, &req, &h->src, d);
    if (rc)
        return rc;
    /* Real weights are not letter counting: their default title says what they are. */
    char which[48];
    attn_panel_name(&h->src, &h->src.panels[0], which, sizeof which);
    if (h->src.rollout)
        snprintf(h->title, sizeof h->title, "Attention Rollout through Layers 0\xE2\x80\x93%ld",
                 h->src.panels[0].layer);
    else if (h->src.n_panels == 1 && which[0])
        snprintf(h->title, sizeof h->title, "Attention Weights, %s", which);
    else
        snprintf(h->title, sizeof h->title, "Attention Weights");
    return VZ_OK;
}

static const char *heatmap_title(const void *p)
{
    const struct heatmap *h = p;
    return h->src.synthetic ? SYNTHETIC_TITLE : h->title;
}

/* Characters are the figure's subject: bold at body size, each with its position, since they
 * repeat. Tokens get their positions too; labels that are positions need none. */
static struct label_column label_column(const struct heatmap *h)
{
    const struct attn_source *s = &h->src;
    struct font f =
        s->chars.ids ? (struct font){FONT_LABEL, true} : (struct font){FONT_TICK, false};
    return (struct label_column){s->labels,   s->n_labels, f,    s->chars.ids || h->attn.n_tokens,
                                 MAX_LABEL_W, 1,           false};
}

/* An axis title that says which side attends to which, unless the spec gives one. */
static const char *axis_title(const struct heatmap *h, bool x)
{
    static const char *const titles[2][3] = {
        {"Query position (attending character)", "Query position (attending token)",
         "Query position"},
        {"Key position (attended-to character)", "Key position (attended-to token)",
         "Key position"},
    };
    const char *given = x ? h->x_label : h->y_label;
    return given ? given : titles[x][h->src.chars.ids ? 0 : h->attn.n_tokens ? 1 : 2];
}

static bool has_masked(const struct attn_source *s)
{
    for (size_t p = 0; p < s->n_panels; p++) {
        const struct attn *a = &s->panels[p].a;
        for (size_t i = 0; i < a->rows * a->cols; i++)
            if (attn_masked(a->w[i]))
                return true;
    }
    return false;
}

/* What the figure cannot show by itself, under it: how synthetic weights were made, and what
 * a pixel stands for when cells are pooled. Returns the y below. */
static double draw_notes(struct canvas *cv, const struct heatmap *h, double side, double y)
{
    const struct attn_keys *k = &h->attn;
    const struct attn *a = &h->src.panels[0].a;
    struct font f = {FONT_SMALL, false};
    char buf[512], s[32], half[32], noise[64] = "";
    if (h->src.synthetic) {
        format_trimmed(k->sharpness, 2, NUM_PLAIN, s, sizeof s);
        format_trimmed(attn_null_score(k->sharpness), 2, NUM_PLAIN, half, sizeof half);
        if (k->noise > 0) {
            char amp[32];
            format_trimmed(k->noise, 2, NUM_PLAIN, amp, sizeof amp);
            snprintf(noise, sizeof noise, " plus noise up to \xC2\xB1%s,", amp);
        }
        snprintf(buf, sizeof buf,
                 "Synthetic weights, not a trained model: each character scores %s for an earlier "
                 "copy of itself, 0 for other characters%s%s%s,%s then a softmax over each row.",
                 s, a->sink ? " and " : "", a->sink ? half : "",
                 a->sink ? " for the null key \xE2\x88\x85 (attention with nowhere to go)" : "",
                 noise);
        y = draw_paragraph(cv, buf, canvas_margin(cv), y, cv->width - 2 * canvas_margin(cv), f,
                           MUTED, "note") +
            4;
    }
    if (h->src.rollout) {
        y = draw_paragraph(cv, attn_rollout_note, canvas_margin(cv), y,
                           cv->width - 2 * canvas_margin(cv), f, MUTED, "note") +
            4;
    }
    double pool = matrix_pooling(cv, a, side);
    if (pool > 0) {
        format_trimmed(pool, 1, NUM_PLAIN, s, sizeof s);
        snprintf(buf, sizeof buf, "Downsampled: 1 px = %s\xC3\x97%s cells, %s of each block.", s, s,
                 raster_pool_names[h->pool]);
        y = draw_paragraph(cv, buf, canvas_margin(cv), y, cv->width - 2 * canvas_margin(cv), f,
                           MUTED, "pool-note") +
            4;
    }
    return y;
}

static void draw_entropy_column(struct canvas *cv, const struct attn *a, double x, double y,
                                double side)
{
    struct font f = {FONT_SMALL, false};
    size_t n_keys = a->cols + (a->sink != NULL);
    double cell = side / (double)a->rows, hmax = log((double)n_keys);
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
    snprintf(buf, sizeof buf, "max ln %zu = %.2f", n_keys, hmax);
    draw_text(cv, buf, x, y + side + GAP, f, ALIGN_LEFT, ALIGN_TOP, MUTED, "stats-scale", -1);
}

/* The null key's label under its column, in the labels' font. Returns the y below it. */
static double draw_null_label(struct canvas *cv, const struct label_column *col,
                              const struct label_plan *xp, double x, double y)
{
    struct box b = draw_text(cv, "\xE2\x88\x85", x, y + xp->gap, col->font, ALIGN_CENTER, ALIGN_TOP,
                             INK, "null-label", -1);
    return b.y + b.h;
}

static int render_single(const struct heatmap *h, const struct figure_common *fc, struct canvas *cv,
                         struct diag *d)
{
    const struct attn *a = &h->src.panels[0].a;
    size_t n = a->rows;
    struct label_column col = label_column(h);
    struct font lf = {FONT_LABEL, false};
    const char *x_title = axis_title(h, true), *y_title = axis_title(h, false);
    double top = draw_title_block(cv, fc->title, fc->subtitle, canvas_margin(cv)) + 32;
    /* Horizontal budget: axis title, y labels, null key, cells, [entropy], colour bar. The
     * label column is planned first for the largest cells it could have (at its widest, or as
     * positions when even those are too small for every label); its slot is known once the
     * side is. */
    struct label_plan yp, xp;
    double avail = cv->width - 2 * canvas_margin(cv);
    labels_plan(cv, &col, fmin(avail, MAX_SIDE) / (double)n, false, &yp);
    double title_w = text_line_height(cv, lf);
    double null_room = a->sink ? MAX_NULL_W + MATRIX_NULL_GAP : 0;
    double right =
        (h->stats ? STATS_W + 2 * GAP : 0) + BAR_GAP + colorbar_measure(cv, h->bar_label);
    double side = fmin(avail - (title_w + GAP + yp.gap + yp.extent + null_room) - right, MAX_SIDE);
    /* A y title longer than the plot is tall wraps onto a second line, paid for in width. */
    struct text_block yb;
    measure_block(cv, y_title, lf, side, 2, &yb);
    if (yb.height > title_w) {
        side -= yb.height - title_w;
        title_w = yb.height;
    }
    if ((double)n <= side)
        side = (double)n * floor(side / (double)n); /* equal whole-pixel cells */
    double cell = side / (double)n;
    double null_w = a->sink ? matrix_null_width(cell, MAX_NULL_W) : 0;
    null_room = a->sink ? null_w + MATRIX_NULL_GAP : 0;
    labels_plan(cv, &col, cell, false, &yp);
    labels_plan(cv, &col, cell, true, &xp);
    double left = title_w + GAP + yp.gap + yp.extent + null_room;
    double x0 = canvas_snap(cv, canvas_margin(cv) + (avail - (left + side + right)) / 2 + left);
    double y0 = canvas_snap(cv, top);

    struct matrix_style st = {(enum colormap_id)h->cmap, (enum raster_pool)h->pool,
                              h->annotate ? h->format : NULL};
    int rc = matrix_draw(cv, a, &st, x0, y0, side, null_w, d);
    if (rc)
        return rc;
    double label_x = x0 - null_room;
    labels_draw(cv, &col, &yp, y0, cell, label_x, false, INK, "y-label", "y-index");
    double below = labels_draw(cv, &col, &xp, x0, cell, y0 + side, true, INK, "x-label", "x-index");
    if (a->sink)
        below = fmax(below, draw_null_label(cv, &col, &xp, label_x + null_w / 2, y0 + side));
    struct box xt = draw_text(cv, x_title, x0 + side / 2, below + GAP, lf, ALIGN_CENTER, ALIGN_TOP,
                              INK, "axis-title", 0);
    draw_block_vertical(cv, y_title, label_x - yp.gap - yp.extent - GAP - title_w / 2,
                        y0 + side / 2, lf, side, 2, INK, "axis-title", 1);
    double bx = x0 + side + BAR_GAP;
    if (h->stats) {
        draw_entropy_column(cv, a, x0 + side + 2 * GAP, y0, side);
        bx += STATS_W + 2 * GAP;
    }
    colorbar_draw(cv, (enum colormap_id)h->cmap, bx, y0, side, h->bar_label, has_masked(&h->src));
    double y = draw_notes(cv, h, side, fmax(xt.y + xt.h, y0 + side + 40) + NOTE_GAP);
    cv->height = ceil(fmax(y + canvas_margin(cv) * 0.75, fc->height));
    return VZ_OK;
}

/* A row per layer when the panels are heads of several layers and a layer's heads fit across,
 * else as square a grid as the panels make; left of the grid, room for the y labels (`left`). */
static void grid_layout(struct canvas *cv, const struct attn_source *src, double top, double left,
                        double bar_w, double header_h, struct panel_grid *g)
{
    size_t np = src->n_panels, per_layer = 1;
    bool heads_of_layers = src->panels[0].layer >= 0 && src->panels[0].head >= 0;
    while (per_layer < np && src->panels[per_layer].layer == src->panels[0].layer)
        per_layer++;
    size_t cols = heads_of_layers && per_layer <= 8 && np > per_layer ? per_layer : 0;
    struct box area = {canvas_margin(cv) + left, top,
                       cv->width - 2 * canvas_margin(cv) - bar_w - left, 360};
    panels_layout(cv, g, np, cols, area, PANEL_GAP, header_h, src->panels[0].a.rows);
}

static int render_grid(const struct heatmap *h, const struct figure_common *fc, struct canvas *cv,
                       struct diag *d)
{
    const struct attn_source *src = &h->src;
    size_t np = src->n_panels, n = src->panels[0].a.rows;
    struct font hf = {FONT_TICK, true}, lf = {FONT_LABEL, false};
    struct label_column col = label_column(h);
    const char *x_title = axis_title(h, true), *y_title = axis_title(h, false);
    double header_h = text_line_height(cv, hf) + 6, title_w = text_line_height(cv, lf);
    double top = draw_title_block(cv, fc->title, fc->subtitle, canvas_margin(cv)) + 28;
    double bar_w = BAR_GAP + colorbar_measure(cv, h->bar_label);
    bool sink = src->panels[0].a.sink != NULL;
    double null_max = PANEL_GAP - MATRIX_NULL_GAP - GAP; /* the null key fits in a panel gap */
    /* Labels planned for the largest cells they could have (a panel as wide as the page), then
     * for the slot that leaves; the second layout's slot is at least the first's, so that plan
     * still fits. */
    struct label_plan yp, xp;
    labels_plan(cv, &col, (cv->width - 2 * canvas_margin(cv)) / (double)n, false, &yp);
    double null_room = sink ? null_max + MATRIX_NULL_GAP : 0;
    struct panel_grid g;
    grid_layout(cv, src, top, title_w + GAP + yp.gap + yp.extent + null_room, bar_w, header_h, &g);
    double cell = g.w / (double)n;
    labels_plan(cv, &col, cell, false, &yp);
    labels_plan(cv, &col, cell, true, &xp);
    grid_layout(cv, src, top, title_w + GAP + yp.gap + yp.extent + null_room, bar_w, header_h, &g);
    cell = g.w / (double)n;
    double null_w = sink ? matrix_null_width(cell, null_max) : 0;
    null_room = sink ? null_w + MATRIX_NULL_GAP : 0;

    struct matrix_style st = {(enum colormap_id)h->cmap, (enum raster_pool)h->pool,
                              h->annotate ? h->format : NULL};
    double bottom = top, below = top, label_left = g.x;
    for (size_t p = 0; p < np; p++) {
        const struct attn_panel *pn = &src->panels[p];
        struct box c = panels_cell(&g, p);
        char head[48];
        attn_panel_name(src, pn, head, sizeof head);
        draw_text(cv, head, c.x - null_room, c.y - 6, hf, ALIGN_LEFT, ALIGN_BOTTOM, INK,
                  "panel-header", (long)p);
        int rc = matrix_draw(cv, &pn->a, &st, c.x, c.y, c.w, null_w, d);
        if (rc)
            return rc;
        /* Labels on the grid's outer edges: left column and the lowest panel of each column. */
        if (p % g.cols == 0)
            label_left = fmin(label_left, labels_draw(cv, &col, &yp, c.y, cell, c.x - null_room,
                                                      false, INK, "y-label", "y-index"));
        if (p + g.cols >= np) {
            below = fmax(below, labels_draw(cv, &col, &xp, c.x, cell, c.y + c.h, true, INK,
                                            "x-label", "x-index"));
            if (sink)
                below = fmax(
                    below, draw_null_label(cv, &col, &xp, c.x - null_room + null_w / 2, c.y + c.h));
        }
        bottom = fmax(bottom, c.y + c.h);
    }
    double grid_w = (double)g.cols * (g.w + g.gap) - g.gap;
    struct box xt = draw_text(cv, x_title, g.x + grid_w / 2, fmax(below, bottom) + GAP, lf,
                              ALIGN_CENTER, ALIGN_TOP, INK, "axis-title", 0);
    draw_text_vertical(cv, y_title, label_left - GAP - title_w / 2,
                       top + header_h + (bottom - top - header_h) / 2, lf, INK, "axis-title", 1);
    double bar_h = fmin(bottom - top - header_h, 360);
    colorbar_draw(cv, (enum colormap_id)h->cmap, g.x + grid_w + BAR_GAP, top + header_h, bar_h,
                  h->bar_label, has_masked(src));
    double y = draw_notes(cv, h, g.w, fmax(xt.y + xt.h, top + header_h + bar_h + 40) + NOTE_GAP);
    cv->height = ceil(fmax(y + canvas_margin(cv) * 0.75, fc->height));
    return VZ_OK;
}

static int heatmap_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                          struct diag *d)
{
    const struct heatmap *h = p;
    if (cv->data) /* matrix_draw adds each matrix it draws */
        jsonw_begin_array(cv->data, "matrices");
    int rc = h->layout == 1 ? render_grid(h, fc, cv, d) : render_single(h, fc, cv, d);
    if (cv->data)
        jsonw_end_array(cv->data);
    return rc;
}

static const struct attn_source *heatmap_attention(const void *p)
{
    return &((const struct heatmap *)p)->src;
}

const struct figure_kind fig_heatmap_kind = {
    .name = "attention-heatmap",
    .summary = "attention weights as a heatmap: synthetic letter counting or real model weights",
    .default_output = "attention-heatmap.png",
    .default_title = SYNTHETIC_TITLE,
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct heatmap),
    .parse = heatmap_parse,
    .render = heatmap_render,
    .title = heatmap_title,
    .free = heatmap_free,
    .attention = heatmap_attention,
};

/* fig_summary: the attention-summary figure — a layers x heads grid per statistic, each cell a
 * head's statistic over its queries (attn_heads.h), so previous-token, first-token and diffuse
 * heads are found at a glance across a whole model. */
#include "vizgen/attn_heads.h"
#include "vizgen/attn_source.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/kit.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum {
    MIN_CELL = 22,
    MAX_CELL = 56,
    GRID_GAP = 36,
    ROW_GAP = 30,
    LABEL_GAP = 6,
    SCALE_H = 8,
    MAX_STATS = HEAD_STATS,
};
static const struct font head_f = {FONT_LABEL, true}, small_f = {FONT_SMALL, false},
                         tick_f = {FONT_TICK, false};

/* What each grid is called, and how its values are written. */
static const char *const stat_titles[HEAD_STATS] = {
    "Entropy (bits)",      "On the first token",        "On the previous token",
    "On its own position", "Mean distance (positions)", "On earlier same characters"};
static const int stat_decimals[HEAD_STATS] = {2, 2, 2, 2, 1, 2};

struct summary {
    /* keys */
    struct attn_keys attn;
    char **stat_keys;
    size_t n_stat_keys;
    int cmap;
    bool annotate;
    /* derived by summary_parse */
    struct attn_source src;
    size_t layers, heads;
    int stats[MAX_STATS]; /* enum head_stat, in the order shown */
    size_t n_stats;
    double (*values)[HEAD_STATS]; /* per panel, [layer * heads + head] */
};

#define KEY(f) offsetof(struct summary, f)
static const struct key keys[] = {
    {"statistics", KEY_STRINGS, KEY(stat_keys), .min = 1, .max = MAX_STATS, .flags = KEY_NO_DEFAULT,
     .count_offset = KEY(n_stat_keys),
     .help = "a grid each, of entropy, first-token, previous-token, diagonal, distance, "
             "same-char (default: all; same-char when the labels come from \"text\")"},
    {"colormap", KEY_CHOICE, KEY(cmap), .choices = colormap_names, .dstr = "viridis",
     .help = "perceptually uniform colormap, from 0 to each statistic's largest possible value"},
    {"annotate", KEY_BOOL, KEY(annotate), .dnum = 1,
     .help = "each head's value written in its cell, where cells are big enough"},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_source_keys},
};
#undef KEY
static const struct key_set key_set = {"attention-summary", keys, sizeof keys / sizeof keys[0], 0};

static int pick_stats(struct spec_node root, struct summary *s, struct diag *d)
{
    bool chars = s->src.chars.ids != NULL;
    if (!s->n_stat_keys) {
        for (int k = 0; k < HEAD_STATS; k++)
            if (k != HEAD_SAME_CHAR || chars)
                s->stats[s->n_stats++] = k;
        return VZ_OK;
    }
    struct spec_node list = spec_get(root, "statistics");
    int rc = spec_choices(list, s->n_stat_keys, head_stat_names, s->stats, d);
    if (rc)
        return rc;
    s->n_stats = s->n_stat_keys;
    for (size_t i = 0; i < s->n_stats; i++)
        if (s->stats[i] == HEAD_SAME_CHAR && !chars)
            return diag_at(d, VZ_EINPUT, spec_at(list, i).path,
                           "same-char needs the positions' characters: give \"text\"");
    return VZ_OK;
}

static int summary_parse(struct spec_node root, const struct figure_common *common, void *p,
                         struct diag *d)
{
    struct summary *s = p;
    struct attn_request req = {.all_heads = true, .max_cells = common->max_cells};
    int rc = attn_source_build(root, &s->attn, &req, &s->src, d);
    if (rc || (rc = pick_stats(root, s, d)))
        return rc;
    attn_source_grid(&s->src, &s->layers, &s->heads);
    if (!(s->values = calloc(s->src.n_panels, sizeof *s->values)))
        return diag_oom(d);
    for (size_t i = 0; i < s->src.n_panels; i++)
        attn_head_stats(&s->src.panels[i].a, s->src.chars.ids, s->values[i]);
    return VZ_OK;
}

static void summary_free(void *p)
{
    struct summary *s = p;
    attn_source_free(&s->src);
    free(s->values);
}

static const struct attn_source *summary_attention(const void *p)
{
    return &((const struct summary *)p)->src;
}

/* --- layout --- */

struct grid_plan {
    size_t cols;    /* grids side by side */
    double cell;    /* a cell's side */
    double left;    /* room for the layer labels */
    double grid_w;  /* labels and cells */
    bool annotate;  /* values fit their cells */
    double title_h; /* a grid's title and its head labels */
    double below;   /* under the cells: the scale and its labels */
};

static void plan_grids(struct canvas *cv, const struct summary *s, double avail,
                       struct grid_plan *g)
{
    struct text_metrics m;
    char buf[32];
    snprintf(buf, sizeof buf, "L%zu", s->layers - 1);
    draw_measure(cv, buf, tick_f, &m);
    g->left = m.width + LABEL_GAP;
    /* Cells big enough for their values when annotating, else as small as MIN_CELL; as few
     * grids side by side as that needs, then cells as big as the row allows. */
    draw_measure(cv, "0.00", small_f, &m);
    double text_cell = fmax(m.width + 6, text_line_height(cv, small_f) + 4);
    double want = s->annotate ? fmax(MIN_CELL, text_cell) : MIN_CELL;
    double min_w = g->left + (double)s->heads * want;
    g->cols = (size_t)fmax(1, floor((avail + GRID_GAP) / (min_w + GRID_GAP)));
    if (g->cols > s->n_stats)
        g->cols = s->n_stats;
    /* Rows of grids as even as the count allows: 6 as 3 + 3, not 4 + 2. */
    size_t rows = (s->n_stats + g->cols - 1) / g->cols;
    g->cols = (s->n_stats + rows - 1) / rows;
    double each = (avail - (double)(g->cols - 1) * GRID_GAP) / (double)g->cols;
    g->cell = fmin(MAX_CELL, (each - g->left) / (double)s->heads);
    g->cell = floor(g->cell * cv->layout.scale) / cv->layout.scale; /* whole device pixels */
    g->grid_w = g->left + (double)s->heads * g->cell;
    g->annotate = s->annotate && text_cell <= g->cell;
    g->title_h =
        2 * text_line_height(cv, head_f) + LABEL_GAP + text_line_height(cv, tick_f) + LABEL_GAP;
    g->below = LABEL_GAP + SCALE_H + 2 + text_line_height(cv, tick_f);
}

static void value_text(int stat, double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", stat_decimals[stat], v);
}

/* One statistic's grid with its top-left corner at (x, y). */
static void draw_grid(struct canvas *cv, const struct summary *s, const struct grid_plan *g,
                      size_t which, double x, double y)
{
    int stat = s->stats[which];
    const struct attn *a0 = &s->src.panels[0].a;
    double top = head_stat_max(stat, a0->rows, a0->cols, a0->sink != NULL);
    draw_block(cv, stat_titles[stat], x, y, head_f, ALIGN_LEFT, ALIGN_TOP, g->grid_w, 2, INK,
               "grid-title", (long)which);
    double cx = x + g->left, cy = y + g->title_h;
    struct text_metrics m;
    char buf[32];
    /* Head numbers across the top, every k-th where they would touch. */
    snprintf(buf, sizeof buf, "%zu", s->heads - 1);
    draw_measure(cv, buf, tick_f, &m);
    size_t every = (size_t)ceil((m.width + 4) / g->cell);
    for (size_t h = 0; h < s->heads; h += every) {
        snprintf(buf, sizeof buf, "%zu", h);
        draw_text(cv, buf, cx + ((double)h + 0.5) * g->cell, cy - LABEL_GAP, tick_f, ALIGN_CENTER,
                  ALIGN_BOTTOM, MUTED, "head-label", (long)h);
    }
    size_t layer_every = (size_t)ceil((text_line_height(cv, tick_f) + 2) / g->cell);
    for (size_t l = 0; l < s->layers; l += layer_every) {
        if (s->src.panels[l * s->heads].layer < 0)
            break; /* the array had no layer axis */
        snprintf(buf, sizeof buf, "L%ld", s->src.panels[l * s->heads].layer);
        draw_text(cv, buf, cx - LABEL_GAP, cy + ((double)l + 0.5) * g->cell, tick_f, ALIGN_RIGHT,
                  ALIGN_MIDDLE, MUTED, "layer-label", (long)l);
    }
    for (size_t i = 0; i < s->src.n_panels; i++) {
        size_t l = i / s->heads, h = i % s->heads;
        double v = s->values[i][stat];
        struct box b = {cx + (double)h * g->cell, cy + (double)l * g->cell, g->cell, g->cell};
        long idx = (long)(which * s->src.n_panels + i);
        if (isnan(v)) {
            draw_masked(cv, b, "cell", idx);
            continue;
        }
        unsigned fill = colormap_color(s->cmap, top > 0 ? v / top : 0);
        draw_rect(cv, b, fill, "cell", idx, v);
        if (g->annotate) {
            value_text(stat, v, buf, sizeof buf);
            unsigned ink = rgb_to_hex(rgb_text_on(rgb_hex(fill)));
            draw_text(cv, buf, b.x + b.w / 2, b.y + b.h / 2, small_f, ALIGN_CENTER, ALIGN_MIDDLE,
                      ink, "cell-value", idx);
        }
    }
    /* The scale: the colormap from 0 to the statistic's largest possible value. */
    double sy = cy + (double)s->layers * g->cell + LABEL_GAP, sw = (double)s->heads * g->cell;
    colormap_strip_draw(cv, s->cmap, (struct box){cx, sy, sw, SCALE_H}, "scale");
    draw_text(cv, "0", cx, sy + SCALE_H + 2, tick_f, ALIGN_LEFT, ALIGN_TOP, MUTED, "scale-label",
              (long)which);
    format_trimmed(top, 2, NUM_PLAIN, buf, sizeof buf);
    draw_text(cv, buf, cx + sw, sy + SCALE_H + 2, tick_f, ALIGN_RIGHT, ALIGN_TOP, MUTED,
              "scale-label", (long)which);
}

static void dump(struct jsonw *w, const struct summary *s)
{
    jsonw_put_number(w, "layers", (double)s->layers);
    jsonw_put_number(w, "heads", (double)s->heads);
    jsonw_begin_array(w, "cells");
    for (size_t i = 0; i < s->src.n_panels; i++) {
        jsonw_begin_object(w, NULL);
        jsonw_put_number(w, "layer", (double)s->src.panels[i].layer);
        jsonw_put_number(w, "head", (double)s->src.panels[i].head);
        for (size_t k = 0; k < s->n_stats; k++)
            jsonw_put_number(w, head_stat_names[s->stats[k]], s->values[i][s->stats[k]]);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static int summary_render(const void *p, const struct figure_common *c, struct canvas *cv,
                          struct diag *d)
{
    (void)d; /* nothing here can fail: every allocation happened in parse */
    const struct summary *s = p;
    if (cv->data)
        dump(cv->data, s);
    double margin = canvas_margin(cv), y = draw_title_block(cv, c->title, c->subtitle, margin) + 24;
    struct grid_plan g;
    plan_grids(cv, s, cv->width - 2 * margin, &g);
    double row_h = g.title_h + (double)s->layers * g.cell + g.below;
    for (size_t k = 0; k < s->n_stats; k++) {
        size_t col = k % g.cols, row = k / g.cols;
        draw_grid(cv, s, &g, k, margin + (double)col * (g.grid_w + GRID_GAP),
                  y + (double)row * (row_h + ROW_GAP));
    }
    size_t rows = (s->n_stats + g.cols - 1) / g.cols;
    y += (double)rows * row_h + (double)(rows - 1) * ROW_GAP + 18;
    const struct attn *a0 = &s->src.panels[0].a;
    char note[600];
    snprintf(
        note, sizeof note,
        "%sEach cell is one head's statistic, averaged over its %zu queries (those that "
        "attend to nothing left out); rows are layers, columns heads. The mass statistics "
        "run from 0 to 1; distance is the weight-averaged |query \xe2\x88\x92 key| in "
        "positions; entropy is in bits, at most %.2f for %zu keys.%s",
        s->src.synthetic ? "Synthetic letter-counting attention, computed from the text. " : "",
        a0->rows, head_stat_max(HEAD_ENTROPY, a0->rows, a0->cols, a0->sink != NULL),
        a0->cols + (a0->sink ? 1 : 0),
        g.annotate || !s->annotate ? "" : " Cells too small for their values: see --dump-data.");
    y = draw_paragraph(cv, note, margin, y, cv->width - 2 * margin, small_f, MUTED, "note");
    cv->height = ceil(fmax(y + margin * 0.75, c->height));
    return VZ_OK;
}

const struct figure_kind fig_summary_kind = {
    .name = "attention-summary",
    .summary = "one cell per head and a grid per statistic (entropy, first-token, "
               "previous-token, diagonal, distance, same-character), layers by heads",
    .default_output = "attention-summary.png",
    .default_title = "What Each Attention Head Does",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct summary),
    .parse = summary_parse,
    .render = summary_render,
    .free = summary_free,
    .attention = summary_attention,
};

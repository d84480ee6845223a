/* fig_activations: hidden states through the layers — a layers x tokens map per statistic
 * (hidden.h), the static form of following each token through the network. Read from an .npy
 * of [layer][token][hidden] a layer at a time; drawn with the heatmap's cells, pooling and
 * label columns. */
#include "vizgen/attn_source.h"
#include "vizgen/figure.h"
#include "vizgen/hidden.h"
#include "vizgen/jsonw.h"
#include "vizgen/kit.h"
#include "vizgen/npy.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum {
    MAX_ROW = 28,   /* a layer's row, at most... */
    MIN_ROW = 6,    /* ...and at least */
    GRID_H = 300,   /* the height a map aims for */
    PANEL_GAP = 30, /* between the maps */
    HEAD_GAP = 8,   /* under a map's heading */
    SCALE_W = 240,  /* the colour scale under a map */
    SCALE_H = 8,    /* its thickness */
    TITLE_GAP = 8,  /* between the layer labels and their title */
    MAX_LAYERS = 4096,
};
static const struct font head_f = {FONT_LABEL, true}, small_f = {FONT_SMALL, false},
                         tick_f = {FONT_TICK, false};

static const char *const stat_titles[HIDDEN_STATS] = {
    "L2 norm of each token's hidden state",
    "Cosine similarity to the same token's last hidden state"};

struct activations {
    /* keys */
    char *npy;
    char *text;
    char **tokens;
    size_t n_tokens;
    char **stat_keys;
    size_t n_stat_keys;
    int cmap, pool;
    bool embeddings;
    /* derived by act_parse */
    size_t layers, positions;
    int stats[HIDDEN_STATS];
    size_t n_stats;
    double *values[HIDDEN_STATS];              /* [layer][token] per statistic shown */
    double lo[HIDDEN_STATS], hi[HIDDEN_STATS]; /* each map's colour scale */
    bool any_nan;                              /* a zero vector somewhere: hatched */
    char **labels, **row_names;
    struct graphemes chars;
};

#define KEY(f) offsetof(struct activations, f)
static const struct key keys[] = {
    {"npy", KEY_PATH, KEY(npy), .flags = KEY_REQUIRED,
     .help = "hidden states as a NumPy .npy of [layer][token][hidden], as "
             "torch.stack(output.hidden_states)[:, 0] gives them"},
    {"text", KEY_STRING, KEY(text), .min = 1, .max = ATTN_MAX_TEXT,
     .help = "a string whose characters label the tokens"},
    {"tokens", KEY_STRINGS, KEY(tokens), .min = 1, .count_offset = KEY(n_tokens),
     .help = "labels of the tokens, instead of 0, 1, 2..."},
    {"statistics", KEY_STRINGS, KEY(stat_keys), .min = 1, .max = HIDDEN_STATS,
     .flags = KEY_NO_DEFAULT, .count_offset = KEY(n_stat_keys),
     .help = "a map each, of norm (L2) and cosine-to-last (similarity to the token's last "
             "hidden state) (default: both)"},
    {"embeddings", KEY_BOOL, KEY(embeddings), .dnum = 1,
     .help = "the first row is the embeddings and row i the output of layer i, as "
             "output_hidden_states gives them; false: rows are layers 0, 1, 2..."},
    {"colormap", KEY_CHOICE, KEY(cmap), .choices = colormap_names, .dstr = "viridis",
     .help = "perceptually uniform colormap of each map's scale"},
    {"downsample", KEY_CHOICE, KEY(pool), .choices = raster_pool_names, .dstr = "max",
     .help = "how tokens narrower than a pixel are pooled: the largest value (peaks survive) or "
             "the mean"},
};
#undef KEY
static const struct key_set key_set = {"activations", keys, sizeof keys / sizeof keys[0], 0};

static int pick_stats(struct spec_node root, struct activations *s, struct diag *d)
{
    if (!s->n_stat_keys) {
        for (int k = 0; k < HIDDEN_STATS; k++)
            s->stats[s->n_stats++] = k;
        return VZ_OK;
    }
    s->n_stats = s->n_stat_keys;
    return spec_choices(spec_get(root, "statistics"), s->n_stats, hidden_stat_names, s->stats, d);
}

/* Reads the .npy a layer at a time, the last first (every cosine needs it), into the
 * statistics shown; never the whole array at once. */
static int read_states(struct activations *s, const struct npy_file *f, struct diag *d)
{
    size_t dim = f->shape[2], layer = s->positions * dim;
    float *v = malloc(layer * sizeof *v), *last = malloc(layer * sizeof *last);
    double *row = malloc(s->positions * sizeof *row);
    int rc = !v || !last || !row ? diag_oom(d) : VZ_OK;
    for (size_t k = 0; k < s->n_stats && !rc; k++)
        if (!(s->values[k] = malloc(s->layers * s->positions * sizeof *s->values[k])))
            rc = diag_oom(d);
    if (!rc)
        rc = npy_read_range(f, (s->layers - 1) * layer, layer, last, d);
    for (size_t l = 0; l < s->layers && !rc; l++) {
        if ((rc = npy_read_range(f, l * layer, layer, v, d)))
            break;
        for (size_t k = 0; k < s->n_stats; k++) {
            hidden_layer_stat(v, last, s->positions, dim, s->stats[k], row);
            memcpy(s->values[k] + l * s->positions, row, s->positions * sizeof *row);
        }
    }
    free(v);
    free(last);
    free(row);
    return rc;
}

/* Each map's colour scale: norms from 0 to the largest; cosines from 0 (or the lowest, if
 * any is negative) to 1. */
static void set_scales(struct activations *s)
{
    for (size_t k = 0; k < s->n_stats; k++) {
        double lo = 0, hi = s->stats[k] == HIDDEN_NORM ? 0 : 1;
        for (size_t i = 0; i < s->layers * s->positions; i++) {
            double v = s->values[k][i];
            if (isnan(v)) {
                s->any_nan = true;
                continue;
            }
            lo = fmin(lo, v);
            hi = fmax(hi, v);
        }
        s->lo[k] = lo;
        s->hi[k] = hi > lo ? hi : lo + 1;
    }
}

static int name_rows(struct activations *s, struct diag *d)
{
    if (!(s->row_names = calloc(s->layers, sizeof *s->row_names)))
        return diag_oom(d);
    for (size_t l = 0; l < s->layers; l++) {
        char buf[32];
        if (s->embeddings && l == 0)
            snprintf(buf, sizeof buf, "emb");
        else
            snprintf(buf, sizeof buf, "%zu", l);
        if (!(s->row_names[l] = strdup(buf)))
            return diag_oom(d);
    }
    return VZ_OK;
}

static int act_parse(struct spec_node root, const struct figure_common *common, void *p,
                     struct diag *d)
{
    (void)common;
    struct activations *s = p;
    int rc;
    if (s->text && s->n_tokens)
        return diag_at(d, VZ_EINPUT, "tokens", "give either \"text\" or \"tokens\", not both");
    if ((rc = pick_stats(root, s, d)))
        return rc;
    if (s->text && graphemes_split(s->text, &s->chars) != 0)
        return diag_oom(d);
    struct npy_file f = {0};
    struct tensor_limits lim = {SIZE_MAX / 8, SIZE_MAX / 8};
    if ((rc = npy_open(s->npy, &lim, &f, d)))
        return rc;
    if (f.rank != 3)
        rc = diag_in(d, VZ_EINPUT, s->npy,
                     "expected hidden states of 3 dimensions, [layer][token][hidden], got %d",
                     f.rank);
    else if (f.shape[0] < 2 || f.shape[0] > MAX_LAYERS)
        rc = diag_in(d, VZ_EINPUT, s->npy, "expected 2 to %d layers, got %zu", MAX_LAYERS,
                     f.shape[0]);
    else if (s->n_tokens && s->n_tokens != f.shape[1])
        rc = diag_at(d, VZ_EINPUT, "tokens", "%zu tokens but the hidden states have %zu",
                     s->n_tokens, f.shape[1]);
    else if (s->chars.ids && s->chars.n != f.shape[1])
        rc = diag_at(d, VZ_EINPUT, "text", "%zu characters but the hidden states have %zu tokens",
                     s->chars.n, f.shape[1]);
    if (!rc) {
        s->layers = f.shape[0];
        s->positions = f.shape[1];
        rc = read_states(s, &f, d);
    }
    npy_close(&f);
    if (rc ||
        (rc = position_labels(s->tokens, s->n_tokens, &s->chars, s->positions, &s->labels, d)) ||
        (rc = name_rows(s, d)))
        return rc;
    set_scales(s);
    return VZ_OK;
}

static void act_free(void *p)
{
    struct activations *s = p;
    for (size_t k = 0; k < HIDDEN_STATS; k++)
        free(s->values[k]);
    position_labels_free(s->labels, s->positions);
    position_labels_free(s->row_names, s->layers);
    graphemes_free(&s->chars);
}

/* --- layout --- */

static const char *row_title(const struct activations *s)
{
    return s->embeddings ? "hidden state after layer" : "layer";
}

struct map_plan {
    struct label_column rows, cols;
    struct label_plan rp, cp;
    double x, w;    /* the cells */
    double row_h;   /* a layer's height */
    double pool;    /* tokens per device pixel, or 0 */
    double axis_w;  /* room for the rows' axis title */
    bool row_title; /* it fits beside the rows */
};

static void plan_maps(struct canvas *cv, const struct activations *s, struct map_plan *m)
{
    double margin = canvas_margin(cv), avail = cv->width - 2 * margin;
    struct font lf = s->chars.ids ? (struct font){FONT_LABEL, true} : tick_f;
    m->rows = (struct label_column){s->row_names, s->layers, tick_f, false, 60, 1, false};
    m->cols = (struct label_column){
        s->labels, s->positions, lf, s->chars.ids || s->n_tokens, avail * 0.2, 1, false};
    m->row_h = fmax(MIN_ROW, fmin(MAX_ROW, GRID_H / (double)s->layers));
    m->row_h = fmax(1, floor(m->row_h * cv->layout.scale)) / cv->layout.scale;
    labels_plan(cv, &m->rows, m->row_h, false, &m->rp);
    /* The rows' title reads upwards beside them where they are tall enough; the note says what
     * the rows are either way. */
    struct text_metrics tm;
    draw_measure(cv, row_title(s), small_f, &tm);
    m->row_title = tm.width <= m->row_h * (double)s->layers;
    m->axis_w = m->row_title ? text_line_height(cv, small_f) + TITLE_GAP : 0;
    double left = m->axis_w + m->rp.gap + m->rp.extent;
    m->x = canvas_snap(cv, margin + left);
    m->w = floor((avail - left) * cv->scale) / cv->scale;
    labels_plan(cv, &m->cols, m->w / (double)s->positions, true, &m->cp);
    double px = round(m->w * cv->scale);
    m->pool = (double)s->positions > px ? (double)s->positions / px : 0;
}

/* One statistic's map with its heading at y; returns the y below it. */
static int draw_map(struct canvas *cv, const struct activations *s, const struct map_plan *m,
                    size_t k, double y, double *below, struct diag *d)
{
    int stat = s->stats[k];
    double margin = canvas_margin(cv);
    y = draw_paragraph(cv, stat_titles[stat], margin, y, cv->width - 2 * margin, head_f, INK,
                       "map-title") +
        HEAD_GAP;
    size_t n = s->layers * s->positions;
    struct attn a = {s->layers, s->positions, malloc(n * sizeof(float)), NULL};
    if (!a.w)
        return diag_oom(d);
    for (size_t i = 0; i < n; i++) {
        double v = s->values[k][i];
        a.w[i] = isnan(v) ? NAN : (float)((v - s->lo[k]) / (s->hi[k] - s->lo[k]));
    }
    struct matrix_style st = {(enum colormap_id)s->cmap, (enum raster_pool)s->pool, NULL};
    struct box grid = {m->x, canvas_snap(cv, y), m->w, m->row_h * (double)s->layers};
    int rc = matrix_draw_grid(cv, &a, &st, grid, "map", d);
    free(a.w);
    if (rc)
        return rc;
    labels_draw(cv, &m->rows, &m->rp, grid.y, m->row_h, grid.x, false, MUTED, "layer-label",
                "layer-index");
    if (m->row_title)
        draw_text_vertical(cv, row_title(s), margin + text_line_height(cv, small_f) / 2,
                           grid.y + grid.h / 2, small_f, MUTED, "axis-title", (long)k);
    y = labels_draw(cv, &m->cols, &m->cp, grid.x, m->w / (double)s->positions, grid.y + grid.h,
                    true, INK, "token-label", "token-index") +
        HEAD_GAP;
    /* The scale: the colormap from the map's lowest to its highest value. */
    double sw = fmin(SCALE_W, m->w);
    colormap_strip_draw(cv, (enum colormap_id)s->cmap, (struct box){grid.x, y, sw, SCALE_H},
                        "scale");
    char lo[32], hi[32];
    format_trimmed(s->lo[k], 2, NUM_PLAIN, lo, sizeof lo);
    format_trimmed(s->hi[k], 2, NUM_PLAIN, hi, sizeof hi);
    struct box b = draw_text(cv, lo, grid.x, y + SCALE_H + 2, tick_f, ALIGN_LEFT, ALIGN_TOP, MUTED,
                             "scale-label", (long)k);
    draw_text(cv, hi, grid.x + sw, y + SCALE_H + 2, tick_f, ALIGN_RIGHT, ALIGN_TOP, MUTED,
              "scale-label", (long)k);
    *below = b.y + b.h;
    return VZ_OK;
}

static void dump(struct jsonw *w, const struct activations *s)
{
    jsonw_put_number(w, "layers", (double)s->layers);
    jsonw_put_number(w, "tokens", (double)s->positions);
    jsonw_begin_array(w, "maps");
    for (size_t k = 0; k < s->n_stats; k++) {
        jsonw_begin_object(w, NULL);
        jsonw_put_string(w, "statistic", hidden_stat_names[s->stats[k]]);
        jsonw_put_number(w, "scale_lo", s->lo[k]);
        jsonw_put_number(w, "scale_hi", s->hi[k]);
        jsonw_put_numbers(w, "values", s->values[k], s->layers * s->positions);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
}

static int act_render(const void *p, const struct figure_common *c, struct canvas *cv,
                      struct diag *d)
{
    const struct activations *s = p;
    if (cv->data)
        dump(cv->data, s);
    double margin = canvas_margin(cv), y = draw_title_block(cv, c->title, c->subtitle, margin) + 20;
    struct map_plan m;
    plan_maps(cv, s, &m);
    for (size_t k = 0; k < s->n_stats; k++) {
        int rc = draw_map(cv, s, &m, k, y, &y, d);
        if (rc)
            return rc;
        y += PANEL_GAP;
    }
    char note[600], pool[160] = "";
    if (m.pool > 0) {
        char px[32];
        format_trimmed(m.pool, 1, NUM_PLAIN, px, sizeof px);
        snprintf(pool, sizeof pool, " Downsampled: 1 px = %s tokens, %s of each block.", px,
                 raster_pool_names[s->pool]);
    }
    snprintf(note, sizeof note,
             "Each cell is one token's hidden state at one %s, reduced to a number; a map's "
             "colours run from 0 (or its lowest value, if below) to its highest, as its scale "
             "shows.%s%s",
             s->embeddings ? "depth (emb: the embeddings; n: after layer n)" : "layer",
             s->any_nan ? " Hatched: a zero vector, which has no direction." : "", pool);
    y = draw_paragraph(cv, note, margin, y, cv->width - 2 * margin, small_f, MUTED, "note");
    cv->height = ceil(fmax(y + margin * 0.75, c->height));
    return VZ_OK;
}

const struct figure_kind fig_activations_kind = {
    .name = "activations",
    .summary = "hidden states through the layers: a layers x tokens map of each token's norm and "
               "its similarity to its last hidden state",
    .default_output = "activations.png",
    .default_title = "Hidden States Through the Layers",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct activations),
    .parse = act_parse,
    .render = act_render,
    .free = act_free,
};

/* params_draw: the parameter-breakdown figure laid out and drawn — a stacked bar per model by
 * component with its total at the end, each model's weights at each precision, and one model
 * layer by layer — with the exact counts written to --dump-data. */
#include "params_fig.h"

#include "vizgen/jsonw.h"
#include "vizgen/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum {
    BAR_H = 28,
    ROW_PITCH = 48,
    MEM_BAR_H = 12,
    MEM_STEP = 16, /* from one precision's bar to the next */
    GROUP_GAP = 18,
    TEXT_PAD = 8,
    LABEL_LINES = 2,
    HEADING_GAP = 10,
    PANEL_GAP = 34,
};
static const struct font head_f = {FONT_LABEL, true}, label_f = {FONT_LABEL, false},
                         total_f = {FONT_LABEL, true}, small_f = {FONT_SMALL, false};
/* float32 darkest to 4-bit lightest, the blues of the model-compression chart; on a dark page
 * the range moves up so that float32 still stands out from it. */
static const unsigned PRECISION_RAMP[2][2] = {{0x173f5f, 0xa6c8e0}, {0x2f6f9f, 0xcfe4f2}};

/* The component's colour: fixed by component, so every figure colours attention alike. */
static unsigned component_colour(int k)
{
    return palette_color((size_t)k);
}

static unsigned precision_colour(const struct canvas *cv, int p)
{
    const unsigned *ramp = PRECISION_RAMP[cv->theme->dark];
    return rgb_to_hex(rgb_mix(rgb_hex(ramp[0]), rgb_hex(ramp[1]), (double)p / (PRECISIONS - 1)));
}

/* A count for people: "124.4M", "103.3K", "640". */
static void count_text(uint64_t n, char *buf, size_t size)
{
    format_trimmed((double)n, n < 1000 ? 0 : 1, NUM_SUFFIX, buf, size);
}

/* The geometry the bar panels share: labels left, plot, totals or sizes right. */
struct frame {
    double margin, x0, x1, right_w;
    struct label_column col;
    struct label_plan lp;
};

/* The components any model has. */
static void components_shown(const struct pb_fig *f, bool shown[PARAM_COMPONENTS])
{
    for (int k = 0; k < PARAM_COMPONENTS; k++) {
        shown[k] = false;
        for (size_t i = 0; i < f->n; i++)
            shown[k] = shown[k] || f->models[i].counts.component[k] > 0;
    }
}

static double heading(struct canvas *cv, const char *text, double x, double y, double w)
{
    struct box b =
        draw_block(cv, text, x, y, head_f, ALIGN_LEFT, ALIGN_TOP, w, 2, INK, "heading", -1);
    return y + b.h + HEADING_GAP;
}

/* The widest of the texts at the bars' ends: totals, and sizes when memory is drawn. */
static double right_column(struct canvas *cv, const struct pb_fig *f)
{
    char buf[64];
    struct text_metrics m;
    double w = 0;
    for (size_t i = 0; i < f->n; i++) {
        count_text(f->models[i].counts.total, buf, sizeof buf);
        draw_measure(cv, buf, total_f, &m);
        w = fmax(w, m.width);
        for (int p = 0; f->memory && p < PRECISIONS; p++) {
            format_bytes(params_bytes(f->models[i].counts.total, (enum precision)p), 1, buf,
                         sizeof buf);
            draw_measure(cv, buf, small_f, &m);
            w = fmax(w, m.width);
        }
    }
    return w + TEXT_PAD;
}

static void plan_frame(struct canvas *cv, const struct pb_fig *f, char **labels, struct frame *fr)
{
    fr->margin = canvas_margin(cv);
    fr->col =
        (struct label_column){labels, f->n, label_f, false, cv->width * 0.3, LABEL_LINES, false};
    labels_plan(cv, &fr->col, ROW_PITCH, false, &fr->lp);
    fr->right_w = right_column(cv, f);
    fr->x0 = canvas_snap(cv, fr->margin + fr->lp.extent + fr->lp.gap);
    fr->x1 = cv->width - fr->margin - fr->right_w;
}

/* A segment's share written on it where it fits ("38%"); none under half a percent. */
static void segment_share(struct canvas *cv, struct box b, unsigned fill, double share, long idx)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%.0f%%", share * 100);
    struct text_metrics m;
    draw_measure(cv, buf, small_f, &m);
    if (share < 0.005 || m.width + TEXT_PAD > b.w)
        return;
    unsigned ink = rgb_to_hex(rgb_text_on(canvas_rgb(cv, fill)));
    draw_text(cv, buf, b.x + b.w / 2, b.y + b.h / 2, small_f, ALIGN_CENTER, ALIGN_MIDDLE, ink,
              "share", idx);
}

/* Panel 1: a bar per model, its components stacked in order, its total at the end. */
static double draw_components(struct canvas *cv, const struct pb_fig *f, const struct frame *fr,
                              double top)
{
    double hi = 0;
    for (size_t i = 0; i < f->n; i++)
        hi = fmax(hi, (double)f->models[i].counts.total);
    struct axis ax;
    axis_init(&ax, AXIS_BOTTOM, SCALE_LINEAR, 0, f->share ? 100 : hi, fr->x0, fr->x1, !f->share);
    ax.grid = true;
    ax.style = f->share ? NUM_PLAIN : NUM_SUFFIX;
    ax.title = f->share ? "Share of parameters (%)" : "Parameters";
    double below = axis_measure(cv, &ax);
    struct box plot = {fr->x0, top, fr->x1 - fr->x0, (double)f->n * ROW_PITCH};
    axis_draw(cv, &ax, plot);
    labels_draw(cv, &fr->col, &fr->lp, top, ROW_PITCH, fr->x0, false, INK, "model-label", NULL);
    for (size_t i = 0; i < f->n; i++) {
        const struct param_counts *pc = &f->models[i].counts;
        double y = top + (double)i * ROW_PITCH + (ROW_PITCH - BAR_H) / 2.0, at = 0, end = fr->x0;
        for (int k = 0; k < PARAM_COMPONENTS; k++) {
            if (!pc->component[k])
                continue;
            double share = (double)pc->component[k] / (double)pc->total;
            double v = f->share ? share * 100 : (double)pc->component[k];
            double x0 = scale_map(&ax.scale, at), x1 = scale_map(&ax.scale, at + v);
            struct box b = {x0, y, x1 - x0, BAR_H};
            long idx = (long)i * PARAM_COMPONENTS + k;
            draw_rect(cv, b, component_colour(k), "segment", idx, (double)pc->component[k]);
            segment_share(cv, b, component_colour(k), share, idx);
            at += v;
            end = x1;
        }
        char buf[64];
        count_text(pc->total, buf, sizeof buf);
        draw_text(cv, buf, end + TEXT_PAD, y + BAR_H / 2.0, total_f, ALIGN_LEFT, ALIGN_MIDDLE, INK,
                  "total", (long)i);
    }
    return top + plot.h + below;
}

/* Panel 2: each model's weights at each precision, on a log axis when the models' sizes span
 * more than a hundredfold (a linear one would leave the small ones without a bar). */
static double draw_memory(struct canvas *cv, const struct pb_fig *f, const struct frame *fr,
                          double top)
{
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < f->n; i++)
        for (int p = 0; p < PRECISIONS; p++) {
            double b = params_bytes(f->models[i].counts.total, (enum precision)p);
            lo = fmin(lo, b);
            hi = fmax(hi, b);
        }
    bool log_axis = hi > 100 * lo;
    struct axis ax;
    if (log_axis)
        axis_init(&ax, AXIS_BOTTOM, SCALE_LOG, pow(10, floor(log10(lo / 2))),
                  pow(10, ceil(log10(hi) - 1e-9)), fr->x0, fr->x1, false);
    else
        axis_init(&ax, AXIS_BOTTOM, SCALE_LINEAR, 0, hi, fr->x0, fr->x1, true);
    ax.grid = true;
    ax.style = NUM_SI;
    ax.title = "Bytes (1 GB = 10\xe2\x81\xb9 bytes)";
    double below = axis_measure(cv, &ax);

    struct legend_entry e[PRECISIONS];
    static const char *const names[PRECISIONS] = {"float32", "float16 / bfloat16", "int8",
                                                  "4-bit, a float16 scale per 64 weights"};
    for (int p = 0; p < PRECISIONS; p++)
        e[p] = (struct legend_entry){names[p], precision_colour(cv, p), LEGEND_SWATCH};
    struct legend lg = {e, PRECISIONS, 0, 0};
    double lw = cv->width - fr->margin - fr->x0;
    double lh = legend_row_measure(cv, &lg, lw);
    legend_row_draw(cv, &lg, fr->x0, top, lw);
    top += lh + HEADING_GAP;

    double group = (PRECISIONS - 1) * MEM_STEP + MEM_BAR_H, pitch = group + GROUP_GAP;
    struct box plot = {fr->x0, top, fr->x1 - fr->x0, (double)f->n * pitch};
    axis_draw(cv, &ax, plot);
    struct label_plan lp = fr->lp;
    labels_draw(cv, &fr->col, &lp, top, pitch, fr->x0, false, INK, "memory-label", NULL);
    double base = scale_map(&ax.scale, ax.scale.d0);
    for (size_t i = 0; i < f->n; i++) {
        double y0 = top + (double)i * pitch + GROUP_GAP / 2.0;
        for (int p = 0; p < PRECISIONS; p++) {
            double bytes = params_bytes(f->models[i].counts.total, (enum precision)p);
            double y = y0 + p * MEM_STEP, x = scale_map(&ax.scale, bytes);
            long idx = (long)i * PRECISIONS + p;
            draw_rect(cv, (struct box){base, y, x - base, MEM_BAR_H}, precision_colour(cv, p),
                      "memory", idx, bytes);
            char buf[64];
            format_bytes(bytes, 1, buf, sizeof buf);
            draw_text(cv, buf, x + TEXT_PAD / 2.0, y + MEM_BAR_H / 2.0, small_f, ALIGN_LEFT,
                      ALIGN_MIDDLE, MUTED, "memory-value", idx);
        }
    }
    return top + plot.h + below;
}

static uint64_t block_total(const uint64_t *block)
{
    uint64_t sum = 0;
    for (int k = 0; k < PARAM_COMPONENTS; k++)
        sum += block[k];
    return sum;
}

/* Panel 3: one model in the order it runs, a column per block, components stacked. */
/* Draws from *y down and moves *y below the panel. */
static int draw_layers(struct canvas *cv, const struct pb_fig *f, double margin, double *y_io,
                       struct diag *d)
{
    double top = *y_io;
    const struct param_layers *pl = &f->layers;
    size_t n = pl->n + 2;
    uint64_t(*blocks)[PARAM_COMPONENTS] = calloc(n, sizeof *blocks);
    char **names = calloc(n, sizeof *names);
    char(*text)[24] = calloc(n, sizeof *text);
    if (!blocks || !names || !text) {
        free(blocks);
        free(names);
        free(text);
        return diag_oom(d);
    }
    memcpy(blocks[0], pl->before, sizeof pl->before);
    memcpy(blocks[n - 1], pl->after, sizeof pl->after);
    double hi = 0;
    for (size_t b = 0; b < n; b++) {
        if (b > 0 && b < n - 1)
            memcpy(blocks[b], pl->layer[b - 1], sizeof blocks[b]);
        hi = fmax(hi, (double)block_total(blocks[b]));
        snprintf(text[b], sizeof text[b], "%zu", b - 1);
        names[b] = text[b];
    }
    snprintf(text[0], sizeof text[0], "emb");
    snprintf(text[n - 1], sizeof text[n - 1], "out");

    double ph = fmin(fmax(cv->width * 0.22, 160), 300);
    struct axis ax;
    /* Room for the totals above the columns; the axis ends on the round tick past it unless
     * that would waste a quarter of the panel (40M of columns under a 60M top), and then just
     * above the columns, between ticks. */
    double headroom = (text_line_height(cv, small_f) + 6) / ph, need = hi / (1 - headroom);
    axis_init(&ax, AXIS_LEFT, SCALE_LINEAR, 0, need, top + ph, top, true);
    if (ax.scale.d1 > 1.25 * need)
        axis_init(&ax, AXIS_LEFT, SCALE_LINEAR, 0, need, top + ph, top, false);
    ax.grid = true;
    ax.style = NUM_SUFFIX;
    ax.title = "Parameters";
    double left = axis_measure(cv, &ax);
    struct box plot = {canvas_snap(cv, margin + left), top, 0, ph};
    plot.w = cv->width - margin - plot.x;
    axis_draw(cv, &ax, plot);
    double slot = plot.w / (double)n, col_w = slot * 0.72;
    /* Each column's total above it where every one fits: it names the columns too small to
     * see (a final norm of 1,536). */
    struct text_metrics m;
    bool totals = true;
    for (size_t b = 0; b < n && totals; b++) {
        char buf[32];
        count_text(block_total(blocks[b]), buf, sizeof buf);
        draw_measure(cv, buf, small_f, &m);
        totals = m.width + 4 <= slot;
    }
    for (size_t b = 0; b < n; b++) {
        double at = 0, x = plot.x + (double)b * slot + (slot - col_w) / 2;
        if (totals) {
            char buf[32];
            count_text(block_total(blocks[b]), buf, sizeof buf);
            draw_text(cv, buf, x + col_w / 2,
                      scale_map(&ax.scale, (double)block_total(blocks[b])) - 4, small_f,
                      ALIGN_CENTER, ALIGN_BOTTOM, MUTED, "layer-total", (long)b);
        }
        for (int k = 0; k < PARAM_COMPONENTS; k++) {
            if (!blocks[b][k])
                continue;
            double y0 = scale_map(&ax.scale, at), y1 = scale_map(&ax.scale, at + blocks[b][k]);
            draw_rect(cv, (struct box){x, y1, col_w, y0 - y1}, component_colour(k), "layer-segment",
                      (long)(b * PARAM_COMPONENTS + (size_t)k), (double)blocks[b][k]);
            at += (double)blocks[b][k];
        }
    }
    struct label_column col = {names, n, small_f, false, 60, 1, false};
    struct label_plan lp;
    labels_plan(cv, &col, slot, true, &lp);
    double y = labels_draw(cv, &col, &lp, plot.x, slot, plot.y + plot.h, true, MUTED, "layer-label",
                           "layer-index");
    struct box t = draw_block(cv,
                              "Decoder layer (emb: token and position embeddings; out: final "
                              "norm and output head)",
                              plot.x + plot.w / 2, y + 8, label_f, ALIGN_CENTER, ALIGN_TOP, plot.w,
                              2, INK, "axis-title", -1);
    free(blocks);
    free(names);
    free(text);
    *y_io = t.y + t.h;
    return VZ_OK;
}

static void dump_components(struct jsonw *w, const char *key, const uint64_t *v)
{
    jsonw_begin_object(w, key);
    for (int k = 0; k < PARAM_COMPONENTS; k++)
        jsonw_put_number(w, param_component_names[k], (double)v[k]);
    jsonw_end_object(w);
}

/* The exact counts behind every bar (exact in a double below 2^53 parameters). */
static void dump(struct jsonw *w, const struct pb_fig *f)
{
    jsonw_put_string(w, "bars", f->share ? "share" : "count");
    jsonw_begin_array(w, "models");
    for (size_t i = 0; i < f->n; i++) {
        const struct pb_model *m = &f->models[i];
        jsonw_begin_object(w, NULL);
        jsonw_put_string(w, "label", m->label);
        jsonw_put_string(w, "source", m->source ? m->source : "inline");
        jsonw_put_string(w, "model_type", m->src.model_type);
        jsonw_put_number(w, "total", (double)m->counts.total);
        jsonw_put_number(w, "buffers", (double)m->counts.buffers);
        dump_components(w, "components", m->counts.component);
        jsonw_begin_object(w, "memory_bytes");
        for (int p = 0; p < PRECISIONS; p++)
            jsonw_put_number(w, precision_names[p],
                             params_bytes(m->counts.total, (enum precision)p));
        jsonw_end_object(w);
        jsonw_end_object(w);
    }
    jsonw_end_array(w);
    if (f->per_layer < 0)
        return;
    jsonw_begin_object(w, "per_layer");
    jsonw_put_number(w, "model", (double)f->per_layer);
    dump_components(w, "before", f->layers.before);
    jsonw_begin_array(w, "layers");
    for (size_t l = 0; l < f->layers.n; l++)
        dump_components(w, NULL, f->layers.layer[l]);
    jsonw_end_array(w);
    dump_components(w, "after", f->layers.after);
    jsonw_end_object(w);
}

/* What the figure counted and what it left out, under it. */
static double draw_note(struct canvas *cv, const struct pb_fig *f, double margin, double y)
{
    uint64_t buffers = 0;
    bool checkpoint = false;
    for (size_t i = 0; i < f->n; i++) {
        buffers += f->models[i].counts.buffers;
        checkpoint = checkpoint || f->models[i].src.kind == SOURCE_SAFETENSORS;
    }
    char note[512], num[64];
    int len = snprintf(note, sizeof note, "%s",
                       checkpoint ? "Counted from checkpoint headers and configurations; no "
                                    "weight was loaded."
                                  : "Counted from each model's configuration; no weight was "
                                    "loaded.");
    if (buffers) {
        format_number((double)buffers, 0, NUM_GROUPED, num, sizeof num);
        len += snprintf(note + len, sizeof note - (size_t)len,
                        " Stored buffers that are not parameters (causal masks, %s numbers) "
                        "are left out.",
                        num);
    }
    bool tied = false;
    for (size_t i = 0; i < f->n; i++)
        tied =
            tied || (f->models[i].src.kind == SOURCE_CONFIG && f->models[i].src.config.tied_head);
    if (tied)
        len += snprintf(note + len, sizeof note - (size_t)len,
                        " A head tied to the token embedding is the embedding, counted once.");
    if (f->memory)
        snprintf(note + len, sizeof note - (size_t)len,
                 " Memory is of the weights alone: no activations, optimizer state or cache.");
    return draw_paragraph(cv, note, margin, y, cv->width - 2 * margin, small_f, MUTED, "note");
}

int pb_render(const struct pb_fig *f, const struct figure_common *c, struct canvas *cv,
              struct diag *d)
{
    char **labels = calloc(f->n, sizeof *labels);
    if (!labels)
        return diag_oom(d);
    for (size_t i = 0; i < f->n; i++)
        labels[i] = f->models[i].label;
    if (cv->data)
        dump(cv->data, f);
    struct frame fr;
    plan_frame(cv, f, labels, &fr);
    double y = draw_title_block(cv, c->title, c->subtitle, fr.margin) + 20;
    double inner = cv->width - 2 * fr.margin;

    bool shown[PARAM_COMPONENTS];
    components_shown(f, shown);
    struct legend_entry e[PARAM_COMPONENTS];
    size_t n_e = 0;
    for (int k = 0; k < PARAM_COMPONENTS; k++)
        if (shown[k])
            e[n_e++] =
                (struct legend_entry){param_component_names[k], component_colour(k), LEGEND_SWATCH};
    struct legend lg = {e, n_e, 0, 0};

    y = heading(cv, "Parameters by component", fr.margin, y, inner);
    double lh = legend_row_measure(cv, &lg, cv->width - fr.margin - fr.x0);
    legend_row_draw(cv, &lg, fr.x0, y, cv->width - fr.margin - fr.x0);
    y = draw_components(cv, f, &fr, y + lh + HEADING_GAP);
    if (f->memory) {
        y = heading(cv, "Memory of the weights at each precision", fr.margin, y + PANEL_GAP, inner);
        y = draw_memory(cv, f, &fr, y);
    }
    int rc = VZ_OK;
    if (f->per_layer >= 0) {
        char title[300];
        snprintf(title, sizeof title, "Layer by layer: %s", f->models[f->per_layer].label);
        y = heading(cv, title, fr.margin, y + PANEL_GAP, inner);
        y += HEADING_GAP;
        rc = draw_layers(cv, f, fr.margin, &y, d);
    }
    y = draw_note(cv, f, fr.margin, y + 24);
    cv->height = ceil(fmax(y + fr.margin * 0.75, c->height));
    free(labels);
    return rc;
}

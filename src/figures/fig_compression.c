/* fig_compression: the model-compression chart — horizontal bars of memory per technique, a
 * dark-to-light gradient, values on the bars, reductions computed against a baseline bar. */
#include "vizgen/figure.h"
#include "vizgen/kit.h"

#include <stddef.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: logical pixels; fonts from draw.h. */
enum { MARGIN = 40, BAR_PITCH = 56, BAR_HEIGHT = 34, LABEL_GAP = 12, TEXT_PAD = 10 };
/* Darkest to lightest blue; on a dark page the range moves up so the first bar still stands out. */
static const unsigned GRADIENT[2][2] = {{0x173f5f, 0xa6c8e0}, {0x2f6f9f, 0xcfe4f2}};

struct bar {
    char *label;
    double value;
    bool approx;
};

struct compression {
    struct bar *bars;
    size_t n;
    long baseline, decimals;
    char *unit, *x_label;
};

#define BAR(f) offsetof(struct bar, f)
static const struct key bar_keys[] = {
    {"label", KEY_STRING, BAR(label), .min = 1, .max = 2000, .flags = KEY_REQUIRED,
     .help = "the technique, written left of its bar"},
    /* Bounded so every ratio between bars is a finite number a double holds. */
    {"value", KEY_NUMBER, BAR(value), .min = 1e-15, .max = 1e15, .flags = KEY_REQUIRED,
     .help = "memory, in the chart's unit"},
    {"approx", KEY_BOOL, BAR(approx), .help = "an approximate value, shown with \"~\""},
};
#undef BAR
static const struct key_set bar_set = {"bars[]", bar_keys, sizeof bar_keys / sizeof bar_keys[0],
                                       sizeof(struct bar)};

#define KEY(f) offsetof(struct compression, f)
static const struct key keys[] = {
    {"bars", KEY_OBJECTS, KEY(bars), .min = 1, .max = 50, .flags = KEY_REQUIRED, .fields = &bar_set,
     .count_offset = KEY(n), .help = "the bars, top to bottom"},
    {"baseline", KEY_INT, KEY(baseline), .min = 0, .max = 49,
     .help = "index of the bar that reductions are measured against"},
    {"unit", KEY_STRING, KEY(unit), .max = 16, .dstr = "MB", .help = "unit after each value"},
    {"x_label", KEY_STRING, KEY(x_label), .dstr = "Memory (MB)", .help = "x-axis title"},
    {"decimals", KEY_INT, KEY(decimals), .min = 0, .max = 6, .dnum = 2,
     .help = "most decimals shown in values"},
};
#undef KEY
static const struct key_set key_set = {"model-compression", keys, sizeof keys / sizeof keys[0], 0};

/* The baseline must name one of the bars there are. */
static int compression_parse(struct spec_node root, const struct figure_common *common, void *p,
                             struct diag *d)
{
    (void)root;
    (void)common;
    const struct compression *c = p;
    if (c->baseline >= (long)c->n)
        return diag_at(d, VZ_EINPUT, "baseline", "expected an integer from 0 to %zu, got %ld",
                       c->n - 1, c->baseline);
    return VZ_OK;
}

/* A ratio with the digits it has: "6.3", "5000", "12,346", then powers of ten ("1.2×10⁷"),
 * never float noise past the 15th digit. */
static void ratio_text(double ratio, char *buf, size_t size)
{
    if (ratio < 1e6)
        format_trimmed(ratio, ratio < 100 ? 1 : 0, NUM_GROUPED, buf, size);
    else
        format_power(ratio, 1, buf, size);
}

/* "50% reduction" below a 2x ratio, "6.3x reduction" from there on; "~" for approximate values. */
static void reduction_text(double base, const struct bar *b, char *buf, size_t size)
{
    const char *tilde = b->approx ? "~" : "";
    double ratio = base / b->value;
    char num[64];
    if (ratio >= 2) {
        ratio_text(ratio, num, sizeof num);
        snprintf(buf, size, "%s%sx reduction", tilde, num);
    } else if (b->value < base) {
        snprintf(buf, size, "%s%.0f%% reduction", tilde, (1 - b->value / base) * 100);
    } else if (b->value > base) {
        ratio_text(b->value / base, num, sizeof num);
        if (b->value / base >= 2)
            snprintf(buf, size, "%s%sx larger", tilde, num);
        else
            snprintf(buf, size, "%s%.0f%% larger", tilde, (b->value / base - 1) * 100);
    } else {
        snprintf(buf, size, "no reduction");
    }
}

static void value_text(const struct compression *c, const struct bar *b, char *buf, size_t size)
{
    char num[64];
    format_trimmed(b->value, (int)c->decimals, NUM_PLAIN, num, sizeof num);
    snprintf(buf, size, "%s%s%s%s", b->approx ? "~" : "", num, c->unit[0] ? " " : "", c->unit);
}

/* Per-bar text, measured once and used both to size the scale and to draw. */
struct bar_text {
    char value[96], reduction[96];
    double value_w, reduction_w;
    bool inside;
};

/* Pixels per unit such that every bar plus the text to its right fits in plot_w. Values go inside
 * their bar when they fit there; shrinking the scale can push one outside, hence the loop. */
static double fit_scale(const struct compression *c, struct bar_text *t, double plot_w)
{
    for (size_t i = 0; i < c->n; i++)
        t[i].inside = true;
    double s = 0;
    for (size_t pass = 0; pass <= c->n; pass++) {
        s = INFINITY;
        for (size_t i = 0; i < c->n; i++) {
            double outside = t[i].reduction_w ? t[i].reduction_w + TEXT_PAD : 0;
            if (!t[i].inside)
                outside += t[i].value_w + TEXT_PAD;
            s = fmin(s, (plot_w - outside - TEXT_PAD) / c->bars[i].value);
        }
        bool changed = false;
        for (size_t i = 0; i < c->n; i++) {
            bool fits = c->bars[i].value * s >= t[i].value_w + 2 * TEXT_PAD;
            if (t[i].inside && !fits) {
                t[i].inside = false;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    return s;
}

static int compression_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                              struct diag *d)
{
    const struct compression *c = p;
    const double W = cv->width;
    struct font label_f = {FONT_LABEL, false}, value_f = {FONT_LABEL, true},
                tick_f = {FONT_TICK, false};
    struct bar_text *t = calloc(c->n, sizeof *t);
    char **labels = calloc(c->n, sizeof *labels);
    if (!t || !labels) {
        free(t);
        free(labels);
        return diag_oom(d);
    }
    for (size_t i = 0; i < c->n; i++)
        labels[i] = c->bars[i].label;
    double top = draw_title_block(cv, fc->title, fc->subtitle, MARGIN) + 44;

    /* Label column: as wide as the longest label, but never more than 38% of the figure. */
    struct label_column col = {labels, c->n, label_f, false, W * 0.38};
    struct label_plan lp;
    labels_plan(cv, &col, BAR_PITCH, false, &lp);
    lp.gap = LABEL_GAP;
    double x0 = canvas_snap(cv, MARGIN + lp.extent + LABEL_GAP), x1 = W - MARGIN;
    const struct bar *base = &c->bars[c->baseline];
    struct text_metrics m;
    for (size_t i = 0; i < c->n; i++) {
        value_text(c, &c->bars[i], t[i].value, sizeof t[i].value);
        draw_measure(cv, t[i].value, value_f, &m);
        t[i].value_w = m.width;
        if ((long)i != c->baseline) {
            reduction_text(base->value, &c->bars[i], t[i].reduction, sizeof t[i].reduction);
            draw_measure(cv, t[i].reduction, label_f, &m);
            t[i].reduction_w = m.width;
        }
    }
    /* The value axis spans the plot: zero at x0, and at x1 whatever fits the widest text. */
    double s = fit_scale(c, t, x1 - x0);
    struct box plot = {x0, top, x1 - x0, (double)c->n * BAR_PITCH};
    struct axis ax;
    axis_init(&ax, AXIS_BOTTOM, SCALE_LINEAR, 0, (x1 - x0) / s, x0, x1, false);
    ax.title = c->x_label;
    ax.grid = true;
    double below = axis_measure(cv, &ax);
    axis_draw(cv, &ax, plot); /* gridlines first, so bars sit on top of them */
    labels_draw(cv, &col, &lp, top, BAR_PITCH, x0, false, INK, "bar-label", NULL);

    for (size_t i = 0; i < c->n; i++) {
        const struct bar *b = &c->bars[i];
        double y = top + (double)i * BAR_PITCH + (BAR_PITCH - BAR_HEIGHT) / 2.0;
        double cy = y + BAR_HEIGHT / 2.0;
        /* Darkest first, lightest last, as the seed asks. */
        double tt = c->n > 1 ? (double)i / (double)(c->n - 1) : 0;
        const unsigned *g = GRADIENT[cv->theme->dark];
        struct rgb fill = rgb_mix(rgb_hex(g[0]), rgb_hex(g[1]), tt);
        struct box bb = {x0, y, scale_map(&ax.scale, b->value) - x0, BAR_HEIGHT};
        draw_rect(cv, bb, rgb_to_hex(fill), "bar", (long)i, b->value);
        double after = bb.x + bb.w + TEXT_PAD;
        if (t[i].inside) {
            draw_text(cv, t[i].value, bb.x + bb.w - TEXT_PAD, cy, value_f, ALIGN_RIGHT,
                      ALIGN_MIDDLE, rgb_to_hex(rgb_text_on(fill)), "value-inside", (long)i);
        } else {
            draw_text(cv, t[i].value, after, cy, value_f, ALIGN_LEFT, ALIGN_MIDDLE, INK, "value",
                      (long)i);
            after += t[i].value_w + TEXT_PAD;
        }
        if (t[i].reduction[0])
            draw_text(cv, t[i].reduction, after, cy, label_f, ALIGN_LEFT, ALIGN_MIDDLE, MUTED,
                      "reduction", (long)i);
    }

    /* The dashed baseline, labelled above the plot and kept inside the margins. */
    double bx = scale_map(&ax.scale, base->value), bottom = top + plot.h;
    draw_line(cv, bx, top - 10, bx, bottom, 1.5, MUTED, true, "baseline");
    char lbl[128];
    snprintf(lbl, sizeof lbl, "Baseline: %s", t[c->baseline].value);
    draw_measure(cv, lbl, tick_f, &m);
    double lx = fmin(fmax(bx - m.width / 2, x0), x1 - m.width);
    draw_text(cv, lbl, lx, top - 14, tick_f, ALIGN_LEFT, ALIGN_BOTTOM, MUTED, "baseline-label", -1);

    cv->height = ceil(bottom + below + MARGIN * 0.75);
    free(labels);
    free(t);
    return VZ_OK;
}

const struct figure_kind fig_compression_kind = {
    .name = "model-compression",
    .summary = "horizontal bars of model memory per compression technique, with reductions",
    .default_output = "model-compression.png",
    .default_title = "Memory Reduction Through Compression Techniques",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct compression),
    .parse = compression_parse,
    .render = compression_render,
};

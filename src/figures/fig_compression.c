/* fig_compression: the model-compression chart — horizontal bars of memory per technique, a
 * dark-to-light gradient, values on the bars, reductions computed against a baseline bar, on a
 * linear or log axis that ends on a round tick. Laid out for the width asked for. */
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/kit.h"
#include "vizgen/modelsrc.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum { BAR_HEIGHT = 34, MIN_PITCH = 56, LABEL_GAP = 12, TEXT_PAD = 10, LABEL_LINES = 2 };
static const double MAX_PITCH = 110; /* when a height asked for leaves room: space, not bars */
/* Darkest to lightest blue; on a dark page the range moves up so the first bar still stands out. */
static const unsigned GRADIENT[2][2] = {{0x173f5f, 0xa6c8e0}, {0x2f6f9f, 0xcfe4f2}};
static const char *const scale_names[] = {"linear", "log", NULL};
static const double MIN_CONTRAST = 6; /* a value on its bar, well past WCAG's 4.5 */

struct bar {
    char *label;
    double value;
    bool approx;
    char *model;   /* a config.json or checkpoint whose weights give the value */
    int precision; /* enum precision, with model */
};

struct compression {
    struct bar *bars;
    size_t n;
    long baseline, decimals;
    char *unit, *x_label;
    int x_scale;
};

#define BAR(f) offsetof(struct bar, f)
static const struct key bar_keys[] = {
    {"label", KEY_STRING, BAR(label), .min = 1, .max = 2000, .flags = KEY_REQUIRED,
     .help = "the technique, written left of its bar (on two lines if need be)"},
    /* Bounded so every ratio between bars is a finite number a double holds. */
    {"value", KEY_NUMBER, BAR(value), .min = 1e-15, .max = 1e15, .flags = KEY_NO_DEFAULT,
     .help = "memory, in the chart's unit; or give \"model\""},
    {"approx", KEY_BOOL, BAR(approx), .help = "an approximate value, shown with \"~\""},
    {"model", KEY_PATH, BAR(model), .flags = KEY_NO_DEFAULT,
     .help = "a config.json, .safetensors checkpoint or its index: the value is the bytes of "
             "its weights at \"precision\", in the chart's unit (which must then be one of "
             "bytes)"},
    {"precision", KEY_CHOICE, BAR(precision), .choices = precision_names, .dstr = "float32",
     .help = "with \"model\": the precision its weights are counted at (4-bit with a float16 "
             "scale per 64 weights)"},
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
    {"x_label", KEY_STRING, KEY(x_label), .flags = KEY_NO_DEFAULT,
     .help = "x-axis title (default: \"Memory (UNIT)\")"},
    {"x_scale", KEY_CHOICE, KEY(x_scale), .choices = scale_names, .dstr = "linear",
     .help = "a linear axis from 0, or a log axis for values that span decades"},
    {"decimals", KEY_INT, KEY(decimals), .min = 0, .max = 6, .dnum = 2,
     .help = "most decimals shown; every value is shown with as many as the most precise needs"},
};
#undef KEY
static const struct key_set key_set = {"model-compression", keys, sizeof keys / sizeof keys[0], 0};

/* Bytes in one of the chart's unit, when it is a unit of bytes: decimal as disks and hubs
 * count, binary when it says so. 0 for any other unit. */
static double unit_bytes(const char *unit)
{
    static const struct {
        const char *name;
        double bytes;
    } units[] = {
        {"B", 1},     {"kB", 1e3},   {"KB", 1e3},      {"MB", 1e6},         {"GB", 1e9},
        {"TB", 1e12}, {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824}, {"TiB", 1099511627776}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].name) == 0)
            return units[i].bytes;
    return 0;
}

/* A bar's value from a model's weights at its precision, counted by the core. */
static int value_from_model(struct spec_node node, const struct compression *c, struct bar *b,
                            struct diag *d)
{
    if (spec_has(node, "value"))
        return diag_at(d, VZ_EINPUT, spec_get(node, "value").path,
                       "give \"value\" or \"model\", not both");
    double per = unit_bytes(c->unit);
    if (per == 0)
        return diag_at(d, VZ_EINPUT, "unit",
                       "expected a unit of bytes (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB) for "
                       "values counted from a model, got \"%s\"",
                       c->unit);
    struct model_source m;
    int rc = model_source_load(b->model, &m, d);
    if (rc)
        return rc;
    struct param_counts pc;
    model_source_count(&m, &pc, NULL);
    model_source_free(&m);
    b->value = params_bytes(pc.total, (enum precision)b->precision) / per;
    if (!(b->value >= 1e-15 && b->value <= 1e15))
        return diag_at(d, VZ_EINPUT, spec_get(node, "model").path, "%s has no weights to count",
                       b->model);
    return VZ_OK;
}

/* The baseline must name one of the bars there are; each bar has a value, given or counted. */
static int compression_parse(struct spec_node root, const struct figure_common *common, void *p,
                             struct diag *d)
{
    (void)common;
    struct compression *c = p;
    if (c->baseline >= (long)c->n)
        return diag_at(d, VZ_EINPUT, "baseline", "expected an integer from 0 to %zu, got %ld",
                       c->n - 1, c->baseline);
    struct spec_node bars = spec_get(root, "bars");
    for (size_t i = 0; i < c->n; i++) {
        struct spec_node node = spec_at(bars, i);
        int rc = VZ_OK;
        if (c->bars[i].model)
            rc = value_from_model(node, c, &c->bars[i], d);
        else if (!spec_has(node, "value"))
            rc = diag_at(d, VZ_EINPUT, spec_get(node, "value").path,
                         "missing required key (or \"model\", to count it from one)");
        else if (spec_has(node, "precision"))
            rc = diag_at(d, VZ_EINPUT, spec_get(node, "precision").path,
                         "a precision is for a value counted from \"model\"");
        if (rc)
            return rc;
    }
    return VZ_OK;
}

/* --- the words and numbers --- */

/* One rule for the whole chart: as many decimals as the most precise value needs, up to the
 * "decimals" key, so exact values line up as in a table. */
static int chart_decimals(const struct compression *c)
{
    int need = 0;
    for (size_t i = 0; i < c->n; i++)
        for (int k = need; k < c->decimals; k++) {
            double scaled = c->bars[i].value * pow(10, k);
            if (fabs(scaled - round(scaled)) < 1e-6 * fmax(1, fabs(scaled)))
                break;
            need = k + 1;
        }
    return need;
}

/* A ratio with the digits it has: "6.3", "12", "5,000", "10,000,000", then powers of ten. */
static void ratio_text(double ratio, char *buf, size_t size)
{
    if (ratio < 1e9)
        format_trimmed(ratio, ratio < 10 ? 1 : 0, NUM_GROUPED, buf, size);
    else
        format_power(ratio, 1, buf, size);
}

/* One rule for every bar: under a 2× change a percentage ("50% smaller"), from 2× on a ratio
 * ("6.3× smaller", "10,000,000× smaller"); "~" for approximate values. */
static void reduction_text(double base, const struct bar *b, char *buf, size_t size)
{
    const char *tilde = b->approx ? "~" : "", *way = b->value < base ? "smaller" : "larger";
    double ratio = b->value < base ? base / b->value : b->value / base;
    char num[64];
    if (b->value == base) {
        snprintf(buf, size, "%ssame as baseline", tilde);
    } else if (ratio >= 2) {
        ratio_text(ratio, num, sizeof num);
        snprintf(buf, size, "%s%s\xc3\x97 %s", tilde, num, way);
    } else {
        double pct = fabs(b->value - base) / base * 100;
        snprintf(buf, size, "%s%.0f%% %s", tilde, pct < 1 ? 1 : pct, way);
    }
}

/* Exact values share the chart's decimals; an approximate one shows the digits it was given
 * and no more ("~38", not "~38.00"), and so does every value on a log axis, where values
 * differ by decades and shared decimals would be noise ("100,000.00"). */
static void value_text(const struct compression *c, const struct bar *b, int decimals, char *buf,
                       size_t size)
{
    char num[64];
    if (b->approx || c->x_scale == 1)
        format_trimmed(b->value, decimals, NUM_GROUPED, num, sizeof num);
    else
        format_number(b->value, decimals, NUM_GROUPED, num, sizeof num);
    snprintf(buf, size, "%s%s%s%s", b->approx ? "~" : "", num, c->unit[0] ? " " : "", c->unit);
}

/* --- the layout, as numbers --- */

struct bar_layout {
    char value[96], reduction[96];
    double value_w, reduction_w;
    bool inside;     /* the value sits on its bar */
    unsigned fill;   /* the bar's colour */
    unsigned on_bar; /* the colour of a value on it */
};

struct chart {
    double x0, x1, top, pitch, margin;
    struct axis ax;
    struct bar_layout *bars;
};

/* Bar colours darkest to lightest, in two runs: the dark one carries white values and the light
 * one black, each at MIN_CONTRAST or better, with a step between them rather than two nearly
 * equal neighbours whose labels flip colour. */
static void colour_bars(struct canvas *cv, const struct compression *c, struct bar_layout *t)
{
    const unsigned *g = GRADIENT[cv->theme->dark];
    struct rgb dark = rgb_hex(g[0]), light = rgb_hex(g[1]);
    struct rgb white = rgb_hex(0xffffff), black = rgb_hex(0x000000);
    double t_white = 0, t_black = 1; /* the last shade white reads on, the first black does */
    for (int k = 0; k <= 100; k++) {
        struct rgb s = rgb_mix(dark, light, k / 100.0);
        if (rgb_contrast(s, white) >= MIN_CONTRAST)
            t_white = k / 100.0;
    }
    for (int k = 100; k >= 0; k--)
        if (rgb_contrast(rgb_mix(dark, light, k / 100.0), black) >= MIN_CONTRAST)
            t_black = k / 100.0;
    size_t n_dark =
        c->n == 1 ? 1 : (size_t)lround((double)c->n * t_white / (t_white + 1 - t_black));
    if (n_dark < 1)
        n_dark = 1;
    for (size_t i = 0; i < c->n; i++) {
        bool in_dark = i < n_dark;
        size_t k = in_dark ? i : i - n_dark, m = in_dark ? n_dark : c->n - n_dark;
        double f = m > 1 ? (double)k / (double)(m - 1) : 0;
        double shade = in_dark ? t_white * f : t_black + (1 - t_black) * f;
        t[i].fill = rgb_to_hex(rgb_mix(dark, light, shade));
        t[i].on_bar = in_dark ? 0xffffff : 0x000000;
    }
}

/* The value axis from x0 to x1 that ends on a round tick and leaves each bar room for the text
 * right of it. Values go on their bars where they fit; shrinking the scale can push one off,
 * hence the loop. */
static void fit_axis(const struct compression *c, struct bar_layout *t, double x0, double x1,
                     bool log_scale, struct axis *ax)
{
    double w = x1 - x0, lo = INFINITY, hi = 0;
    for (size_t i = 0; i < c->n; i++) {
        t[i].inside = true;
        lo = fmin(lo, c->bars[i].value);
        hi = fmax(hi, c->bars[i].value);
    }
    /* A decade below the smallest value, so that even it has a bar to see. */
    double log_lo = pow(10, ceil(log10(lo) - 1e-9) - 1);
    for (size_t pass = 0; pass <= c->n; pass++) {
        /* The room each bar leaves: its text outside, as a share of the plot. */
        double need = hi; /* linear: the domain's end must reach at least this */
        double decades = ceil(log10(hi / log_lo) - 1e-9);
        for (size_t i = 0; i < c->n; i++) {
            double outside = (t[i].reduction_w ? t[i].reduction_w + TEXT_PAD : 0) +
                             (t[i].inside ? 0 : t[i].value_w + TEXT_PAD) + TEXT_PAD;
            double share = outside < w - 1 ? 1 - outside / w : 1.0 / w;
            need = fmax(need, c->bars[i].value / share);
            decades = fmax(decades, ceil(log10(c->bars[i].value / log_lo) / share - 1e-9));
        }
        if (log_scale) {
            double top = log_lo * pow(10, fmax(decades, 1));
            axis_init(ax, AXIS_BOTTOM, SCALE_LOG, log_lo, top, x0, x1, false);
        } else {
            axis_init(ax, AXIS_BOTTOM, SCALE_LINEAR, 0, need, x0, x1, true);
        }
        bool changed = false;
        for (size_t i = 0; i < c->n; i++) {
            double len = scale_map(&ax->scale, c->bars[i].value) - x0;
            if (t[i].inside && len < t[i].value_w + 2 * TEXT_PAD) {
                t[i].inside = false;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
}

/* The bar labels, wrapped to two lines within max_w; a label that still does not fit is
 * shortened, and its spec key named in a warning. Returns the widest; *tallest the tallest. */
static double plan_labels(struct canvas *cv, const struct compression *c, struct font f,
                          double max_w, double *tallest, struct diag *d)
{
    double widest = 0;
    *tallest = 0;
    for (size_t i = 0; i < c->n; i++) {
        struct text_block b;
        measure_block(cv, c->bars[i].label, f, max_w, LABEL_LINES, &b);
        widest = fmax(widest, b.width);
        *tallest = fmax(*tallest, b.height);
        if (b.shortened && d) {
            char path[48];
            snprintf(path, sizeof path, "bars[%zu].label", i);
            diag_warn(d, path, "shortened with \"\xe2\x80\xa6\" to fit two lines beside its bar");
        }
    }
    return widest;
}

/* The baseline: dashed, from above the plot down through the bars, broken wherever it would
 * run through text (a value or a reduction to its right). */
static void draw_baseline(struct canvas *cv, double x, double y0, double y1)
{
    const double clear = 3; /* between the line and a text box */
    for (double from = y0; from < y1;) {
        /* The first text the line meets below `from`: the segment stops above it. */
        double to = y1, next = y1;
        for (size_t i = 0; i < cv->layout.n; i++) {
            const struct box *b = &cv->layout.marks[i].box;
            if (cv->layout.marks[i].kind == MARK_TEXT && b->x - clear <= x &&
                b->x + b->w + clear >= x && b->y + b->h + clear > from && b->y - clear < to) {
                to = fmax(from, b->y - clear);
                next = b->y + b->h + clear;
            }
        }
        if (to > from)
            draw_line(cv, x, from, x, to, 1.5, MUTED, true, "baseline");
        if (next <= from)
            break;
        from = next;
    }
}

/* Where things go, worked out before anything is drawn. Wide figures put the labels in a column
 * left of the bars; narrow ones, where that column would leave the bars too little room for the
 * text beside them, put each label above its bar. */
struct plan {
    bool stacked;
    double margin, top, x0, x1, label_w, label_h, pitch;
    struct axis ax;
};

static void plan_chart(struct canvas *cv, const struct compression *c,
                       const struct figure_common *fc, struct bar_layout *t, struct plan *pl,
                       struct diag *d)
{
    const double W = cv->width;
    struct font label_f = {FONT_LABEL, false}, tick_f = {FONT_TICK, false};
    /* Margins shrink with the figure, from 40 units at 1200 to 12 in a paper's column. */
    pl->margin = canvas_margin(cv);
    double widest_text = 0;
    for (size_t i = 0; i < c->n; i++)
        widest_text = fmax(widest_text, t[i].value_w + t[i].reduction_w + 3 * TEXT_PAD);
    pl->label_w = plan_labels(cv, c, label_f, W * 0.38, &pl->label_h, NULL);
    double side_plot = W - 2 * pl->margin - pl->label_w - LABEL_GAP;
    pl->stacked = side_plot - widest_text < 0.4 * side_plot;
    if (pl->stacked)
        pl->label_w = plan_labels(cv, c, label_f, W - 2 * pl->margin, &pl->label_h, d);
    else
        plan_labels(cv, c, label_f, W * 0.38, &pl->label_h, d);
    pl->x0 = canvas_snap(cv, pl->stacked ? pl->margin : pl->margin + pl->label_w + LABEL_GAP);
    /* The axis ends on a round tick whose label stays on the page: a second fit if not. */
    pl->x1 = W - pl->margin;
    for (int pass = 0; pass < 2; pass++) {
        fit_axis(c, t, pl->x0, pl->x1, c->x_scale == 1, &pl->ax);
        char buf[64];
        struct text_metrics m;
        const struct ticks *tk = &pl->ax.ticks;
        ticks_label(tk, tk->t[tk->n - 1].v, pl->ax.style, buf, sizeof buf);
        draw_measure(cv, buf, tick_f, &m);
        if (m.width / 2 + 2 <= pl->margin)
            break;
        pl->x1 = W - m.width / 2 - 2;
    }
    pl->pitch = pl->stacked ? pl->label_h + 6 + BAR_HEIGHT + 18 : fmax(MIN_PITCH, pl->label_h + 16);
    (void)fc;
}

static int compression_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                              struct diag *d)
{
    const struct compression *c = p;
    struct font label_f = {FONT_LABEL, false}, value_f = {FONT_LABEL, true},
                tick_f = {FONT_TICK, false};
    struct bar_layout *t = calloc(c->n, sizeof *t);
    char **labels = calloc(c->n, sizeof *labels);
    if (!t || !labels) {
        free(t);
        free(labels);
        return diag_oom(d);
    }
    for (size_t i = 0; i < c->n; i++)
        labels[i] = c->bars[i].label;
    const struct bar *base = &c->bars[c->baseline];
    int decimals = chart_decimals(c);
    struct text_metrics m;
    for (size_t i = 0; i < c->n; i++) {
        value_text(c, &c->bars[i], decimals, t[i].value, sizeof t[i].value);
        draw_measure(cv, t[i].value, value_f, &m);
        t[i].value_w = m.width;
        if ((long)i != c->baseline) {
            reduction_text(base->value, &c->bars[i], t[i].reduction, sizeof t[i].reduction);
            draw_measure(cv, t[i].reduction, label_f, &m);
            t[i].reduction_w = m.width;
        }
    }
    colour_bars(cv, c, t);
    if (cv->data) {
        jsonw_put_number(cv->data, "baseline", (double)c->baseline);
        jsonw_begin_array(cv->data, "bars");
        for (size_t i = 0; i < c->n; i++) {
            jsonw_begin_object(cv->data, NULL);
            jsonw_put_string(cv->data, "label", c->bars[i].label);
            if (c->bars[i].model) {
                jsonw_put_string(cv->data, "model", c->bars[i].model);
                jsonw_put_string(cv->data, "precision", precision_names[c->bars[i].precision]);
            }
            jsonw_put_number(cv->data, "value", c->bars[i].value);
            jsonw_put_number(cv->data, "ratio_to_baseline", c->bars[i].value / base->value);
            jsonw_put_string(cv->data, "shown", t[i].value);
            jsonw_put_string(cv->data, "reduction", t[i].reduction);
            jsonw_end_object(cv->data);
        }
        jsonw_end_array(cv->data);
    }
    struct plan pl;
    plan_chart(cv, c, fc, t, &pl, d);
    double top = draw_title_block(cv, fc->title, fc->subtitle, pl.margin) + 44;
    char title[64];
    snprintf(title, sizeof title, "Memory (%s)", c->unit[0] ? c->unit : "bytes");
    pl.ax.title = c->x_label ? c->x_label : title;
    pl.ax.grid = true;
    pl.ax.style = NUM_GROUPED;
    double below = axis_measure(cv, &pl.ax);
    /* A height asked for spreads the rows; bars keep their size. */
    double natural = top + (double)c->n * pl.pitch + below + pl.margin * 0.75;
    if (fc->height > natural)
        pl.pitch =
            fmax(pl.pitch, fmin(MAX_PITCH, pl.pitch + (fc->height - natural) / (double)c->n));
    struct box plot = {pl.x0, top, pl.x1 - pl.x0, (double)c->n * pl.pitch};
    axis_draw(cv, &pl.ax, plot); /* gridlines first, so bars sit on top of them */
    double bar_off = pl.stacked ? pl.label_h + 6 : (pl.pitch - BAR_HEIGHT) / 2.0;
    if (pl.stacked) {
        for (size_t i = 0; i < c->n; i++)
            draw_block(cv, labels[i], pl.x0, top + (double)i * pl.pitch, label_f, ALIGN_LEFT,
                       ALIGN_TOP, plot.w, LABEL_LINES, INK, "bar-label", (long)i);
    } else {
        struct label_column col = {labels,           c->n,        label_f, false,
                                   cv->width * 0.38, LABEL_LINES, false};
        struct label_plan lp;
        labels_plan(cv, &col, pl.pitch, false, &lp);
        lp.gap = LABEL_GAP;
        labels_draw(cv, &col, &lp, top, pl.pitch, pl.x0, false, INK, "bar-label", NULL);
    }

    const struct scale *sc = &pl.ax.scale;
    double zero = scale_map(sc, sc->type == SCALE_LOG ? sc->d0 : 0);
    for (size_t i = 0; i < c->n; i++) {
        const struct bar *b = &c->bars[i];
        double y = top + (double)i * pl.pitch + bar_off, cy = y + BAR_HEIGHT / 2.0;
        struct box bb = {zero, y, scale_map(sc, b->value) - zero, BAR_HEIGHT};
        draw_rect(cv, bb, t[i].fill, "bar", (long)i, b->value);
        double after = bb.x + bb.w + TEXT_PAD;
        if (t[i].inside) {
            draw_text(cv, t[i].value, bb.x + bb.w - TEXT_PAD, cy, value_f, ALIGN_RIGHT,
                      ALIGN_MIDDLE, t[i].on_bar, "value-inside", (long)i);
        } else {
            draw_text(cv, t[i].value, after, cy, value_f, ALIGN_LEFT, ALIGN_MIDDLE, INK, "value",
                      (long)i);
            after += t[i].value_w + TEXT_PAD;
        }
        if (t[i].reduction[0])
            draw_text(cv, t[i].reduction, after, cy, label_f, ALIGN_LEFT, ALIGN_MIDDLE, MUTED,
                      "reduction", (long)i);
    }

    /* The baseline, labelled above the plot and kept inside the margins. */
    double bx = scale_map(sc, base->value), bottom = top + plot.h;
    char lbl[128];
    snprintf(lbl, sizeof lbl, "Baseline: %s", t[c->baseline].value);
    draw_measure(cv, lbl, tick_f, &m);
    double lx = fmin(fmax(bx - m.width / 2, pl.margin), cv->width - pl.margin - m.width);
    draw_text(cv, lbl, lx, top - 14, tick_f, ALIGN_LEFT, ALIGN_BOTTOM, MUTED, "baseline-label", -1);
    draw_baseline(cv, bx, top - 10, bottom);

    cv->height = ceil(fmax(bottom + below + pl.margin * 0.75, fc->height));
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

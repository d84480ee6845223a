/* training_lines: the lines of a training-curves panel — reduced to the pixel columns, drawn
 * faint and smoothed, their best points marked and labelled where the label covers no data,
 * their NaN and infinities marked on the plot's edges, and their numbers written to
 * --dump-data. */
#include "training.h"

#include "vizgen/jsonw.h"
#include "vizgen/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum { EDGE_INSET = 5 };
static const double RAW_ALPHA = 0.28, LINE_W = 2, RAW_W = 1, BEST_R = 4.5, NONFINITE_R = 3;
static const double SCHEDULE_W = 5, SCHEDULE_ALPHA = 0.45;
static const struct font small_f = {FONT_SMALL, false};

void tc_line_name(const struct training *t, const struct tc_line *l, char *buf, size_t size)
{
    if (l->run >= 0 && t->n_runs > 1)
        snprintf(buf, size, "%s \xc2\xb7 %s", t->runs[l->run].label, l->name);
    else
        snprintf(buf, size, "%s", l->name);
}

int tc_scratch_init(struct tc_scratch *s, const struct training *t, struct diag *d)
{
    memset(s, 0, sizeof *s);
    size_t most = 1;
    for (size_t i = 0; i < t->n_lines; i++)
        most = t->lines[i].raw.n > most ? t->lines[i].raw.n : most;
    most *= 2; /* raw and shown side by side */
    s->keep = malloc(most * sizeof *s->keep);
    s->px = malloc(most * sizeof *s->px);
    s->py = malloc(most * sizeof *s->py);
    s->kx = malloc(most * sizeof *s->kx);
    s->ky = malloc(most * sizeof *s->ky);
    s->in_header = calloc(t->n_lines ? t->n_lines : 1, sizeof *s->in_header);
    return s->keep && s->px && s->py && s->kx && s->ky && s->in_header ? VZ_OK : diag_oom(d);
}

void tc_scratch_free(struct tc_scratch *s)
{
    free(s->keep);
    free(s->px);
    free(s->py);
    free(s->kx);
    free(s->ky);
    free(s->ox);
    free(s->oy);
    free(s->in_header);
}

static void add_obstacles(struct tc_scratch *s, const double *x, const double *y, size_t n)
{
    if (s->n_obs + n > s->cap_obs) {
        size_t cap = (s->n_obs + n) * 2;
        double *ox = realloc(s->ox, cap * sizeof *ox);
        if (ox)
            s->ox = ox;
        double *oy = ox ? realloc(s->oy, cap * sizeof *oy) : NULL;
        if (!ox || !oy)
            return; /* labels are placed knowing fewer points: still inside the plot */
        s->oy = oy;
        s->cap_obs = cap;
    }
    memcpy(s->ox + s->n_obs, x, n * sizeof *x);
    memcpy(s->oy + s->n_obs, y, n * sizeof *y);
    s->n_obs += n;
}

/* Points of c reduced to the plot's pixel columns, mapped to positions: the drawn polyline's
 * (px, py), and the data they stand for in (kx, ky). Returns how many. */
static size_t reduce_map(const struct curve *c, const struct axis *xa, const struct axis *ya,
                         int columns, size_t *keep, double *px, double *py, double *kx, double *ky)
{
    size_t n = series_reduce(c, xa->scale.d0, xa->scale.d1, columns, keep);
    for (size_t i = 0; i < n; i++) {
        kx[i] = curve_x(c, keep[i]);
        ky[i] = c->y[keep[i]];
        px[i] = scale_map(&xa->scale, kx[i]);
        py[i] = scale_map(&ya->scale, ky[i]);
    }
    return n;
}

/* The NaN and infinite points of a line as dots on the plot's top edge (NaN, +inf) or bottom
 * edge (-inf), one per pixel column and side. */
static void draw_nonfinite(struct canvas *cv, const struct tc_line *l, const struct axis *xa,
                           struct box plot, double *px, double *py)
{
    if (l->facts.nan + l->facts.pinf + l->facts.ninf == 0)
        return;
    size_t n = 0;
    double last_top = -1, last_bottom = -1;
    for (size_t k = 0; k < l->raw.n; k++) {
        double v = l->raw.y[k];
        if (isfinite(v))
            continue;
        double x = floor(scale_map(&xa->scale, curve_x(&l->raw, k)) * cv->scale) / cv->scale;
        bool low = isinf(v) && v < 0;
        double *last = low ? &last_bottom : &last_top;
        if (x == *last)
            continue;
        *last = x;
        px[n] = x;
        py[n++] = low ? plot.y + plot.h - EDGE_INSET : plot.y + EDGE_INSET;
    }
    if (n == 0)
        return;
    struct stroke s = {palette_color(l->colour), 0, false, 1, NONFINITE_R};
    struct box clip = {plot.x - 2 * NONFINITE_R, plot.y - 2 * NONFINITE_R, plot.w + 4 * NONFINITE_R,
                       plot.h + 4 * NONFINITE_R};
    draw_polyline(cv, px, py, n, &s, clip, "nonfinite", (long)l->panel);
}

/* Widens [*lo, *hi] to the values of y the axis shows; true when it shows them all. Nearly
 * always it does, and y's extremes say so: those of `known`, a curve whose y this is, when it
 * knows them (a log's reading kept them), else from one vectorised pass. */
static bool on_axis_span(int scale, const double *y, size_t n, const struct curve *known,
                         double *lo, double *hi)
{
    double a, b;
    bool finite;
    if (known && known->y_known) {
        a = known->y_lo;
        b = known->y_hi;
        finite = known->y_finite;
    } else {
        finite = series_extremes(y, n, &a, &b);
    }
    if (finite && (scale == 0 || a > 0)) {
        *lo = a < *lo ? a : *lo;
        *hi = b > *hi ? b : *hi;
        return true;
    }
    for (size_t k = 0; k < n; k++)
        if (tc_on_axis(scale, y[k])) { /* no branch on which is lower */
            *lo = y[k] < *lo ? y[k] : *lo;
            *hi = y[k] > *hi ? y[k] : *hi;
        }
    return false;
}

void tc_line_facts(const struct training *t, struct tc_line *l)
{
    const struct tc_panel *pn = &t->panels[l->panel];
    struct tc_facts f = {INFINITY, -INFINITY, 0, 0, 0, 0, NAN, -1};
    if (!on_axis_span(pn->y_scale, l->raw.y, l->raw.n, &l->raw, &f.lo, &f.hi))
        for (size_t k = 0; k < l->raw.n; k++) {
            double v = l->raw.y[k];
            if (tc_on_axis(pn->y_scale, v))
                continue;
            if (isfinite(v)) {
                f.nonpos++;
                continue;
            }
            if (isnan(f.first_nonfinite))
                f.first_nonfinite = curve_x(&l->raw, k);
            f.nan += isnan(v);
            f.pinf += v > 0;
            f.ninf += v < 0;
        }
    /* The best point: the first raw value that is the lowest (or highest) the axis shows. */
    if (l->best && f.lo <= f.hi)
        f.best =
            (long)series_first_equal(l->raw.y, l->raw.n, pn->best_mode == TC_MIN ? f.lo : f.hi);
    if (l->smooth_y)
        on_axis_span(pn->y_scale, l->smooth_y, l->raw.n, NULL, &f.lo, &f.hi);
    l->facts = f;
}

void tc_best_text(const struct training *t, const struct tc_line *l, long best, char *buf,
                  size_t size)
{
    double bx = curve_x(&l->raw, (size_t)best), by = l->raw.y[best];
    char name[120], value[32], at[32];
    tc_line_name(t, l, name, sizeof name);
    if (by != 0 && fabs(by) < 1e-3)
        snprintf(value, sizeof value, "%.3g", by);
    else
        format_trimmed(by, fabs(by) >= 100 ? 1 : 4, NUM_PLAIN, value, sizeof value);
    format_trimmed(bx, 2, NUM_SUFFIX, at, sizeof at);
    snprintf(buf, size, "best %s %s at %s %s", name, value, t->x_name, at);
}

static size_t points_in(struct box b, const double *x, const double *y, size_t n)
{
    size_t in = 0;
    for (size_t i = 0; i < n; i++)
        in += x[i] >= b.x && x[i] <= b.x + b.w && y[i] >= b.y && y[i] <= b.y + b.h;
    return in;
}

/* Where the label of a best point goes: below a minimum or above a maximum first (where its own
 * line is not), then the other side, each centred, leftwards or rightwards, inside the plot, at
 * the first place that covers none of the points drawn, else the one covering fewest. Returns
 * how many it covers there. */
static size_t place_best(struct canvas *cv, const struct training *t, const struct tc_line *l,
                         long best, const struct axis *xa, const struct axis *ya, struct box plot,
                         const struct tc_scratch *s, struct box *at)
{
    char label[256];
    tc_best_text(t, l, best, label, sizeof label);
    struct text_metrics m;
    draw_measure(cv, label, small_f, &m);
    double x = scale_map(&xa->scale, curve_x(&l->raw, (size_t)best)),
           y = scale_map(&ya->scale, l->raw.y[best]);
    double h = text_line_height(cv, small_f), gap = BEST_R + 4, w = m.width + 4;
    bool min = t->panels[l->panel].best_mode == TC_MIN;
    const double ys[2] = {min ? y + gap : y - gap - h, min ? y - gap - h : y + gap},
                 xs[3] = {x - w / 2, x - w + 8, x - 8};
    size_t fewest = (size_t)-1;
    for (int i = 0; i < 2 && fewest; i++)
        for (int j = 0; j < 3 && fewest; j++) {
            struct box b = {fmin(fmax(xs[j], plot.x + 1), plot.x + plot.w - w - 1),
                            fmin(fmax(ys[i], plot.y + 1), plot.y + plot.h - h - 1), w, h};
            /* The marker itself counts as covered: a label never hides its own point. */
            size_t covered = points_in(b, s->ox, s->oy, s->n_obs) +
                             (x >= b.x - BEST_R && x <= b.x + b.w + BEST_R && y >= b.y - BEST_R &&
                              y <= b.y + b.h + BEST_R);
            if (covered < fewest) {
                fewest = covered;
                *at = b;
            }
        }
    return fewest;
}

static void draw_best(struct canvas *cv, const struct training *t, const struct tc_line *l,
                      long best, const struct axis *xa, const struct axis *ya, struct box plot,
                      const struct tc_scratch *s, bool label)
{
    double x = scale_map(&xa->scale, curve_x(&l->raw, (size_t)best)),
           y = scale_map(&ya->scale, l->raw.y[best]);
    struct stroke ring = {PAPER, 0, false, 1, BEST_R + 2},
                  dot = {palette_color(l->colour), 0, false, 1, BEST_R};
    struct box clip = {plot.x - 10, plot.y - 10, plot.w + 20, plot.h + 20};
    draw_polyline(cv, &x, &y, 1, &ring, clip, NULL, -1);
    draw_polyline(cv, &x, &y, 1, &dot, clip, "best", (long)l->panel);
    if (!label)
        return;
    struct box at;
    char text[256];
    place_best(cv, t, l, best, xa, ya, plot, s, &at);
    tc_best_text(t, l, best, text, sizeof text);
    draw_rect(cv, at, PAPER, NULL, -1, NAN);
    draw_text(cv, text, at.x + 2, at.y, small_f, ALIGN_LEFT, ALIGN_TOP, INK, "best-label",
              (long)l->panel);
}

static void dump_line(struct jsonw *w, const struct training *t, const struct tc_line *l,
                      const struct tc_scratch *s, size_t n_raw, size_t n_shown, long best)
{
    jsonw_begin_object(w, NULL);
    if (l->run >= 0)
        jsonw_put_string(w, "run", t->runs[l->run].label);
    jsonw_put_string(w, l->run >= 0 ? "metric" : "schedule", l->name);
    jsonw_put_string(w, "style", l->validation ? "dashed" : "solid");
    jsonw_put_number(w, "points", (double)l->raw.n);
    /* The raw series went first into kx/ky; the shown one follows it. */
    jsonw_put_numbers(w, "x", s->kx + n_raw, n_shown);
    jsonw_put_numbers(w, "y", s->ky + n_raw, n_shown);
    if (n_raw) {
        jsonw_put_numbers(w, "raw_x", s->kx, n_raw);
        jsonw_put_numbers(w, "raw_y", s->ky, n_raw);
    }
    size_t nan = 0, inf = 0, ninf = 0;
    for (size_t k = 0; k < l->raw.n; k++) {
        nan += isnan(l->raw.y[k]);
        inf += isinf(l->raw.y[k]) && l->raw.y[k] > 0;
        ninf += isinf(l->raw.y[k]) && l->raw.y[k] < 0;
    }
    jsonw_begin_object(w, "nonfinite");
    jsonw_put_number(w, "nan", (double)nan);
    jsonw_put_number(w, "inf", (double)inf);
    jsonw_put_number(w, "-inf", (double)ninf);
    jsonw_end_object(w);
    if (best >= 0) {
        jsonw_begin_object(w, "best");
        jsonw_put_number(w, "x", curve_x(&l->raw, (size_t)best));
        jsonw_put_number(w, "y", l->raw.y[best]);
        jsonw_end_object(w);
    }
    jsonw_end_object(w);
}

/* Reduces every line of panel p and collects the points as obstacles; with draw, also draws
 * them: computed schedules first, wide and pale beneath what was logged, then each logged line,
 * raw faint behind when smoothed. */
static void lines_pass(struct canvas *cv, const struct training *t, size_t p, const struct axis *xa,
                       const struct axis *ya, struct box plot, struct tc_scratch *s, bool draw)
{
    int columns = (int)fmax(1, ceil(plot.w * cv->scale));
    s->n_obs = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < t->n_lines; i++) {
            const struct tc_line *l = &t->lines[i];
            if (l->panel != p || (pass == 0) != (l->run < 0))
                continue;
            unsigned rgb = palette_color(l->colour);
            size_t n_raw = 0;
            if (l->smooth_y) {
                n_raw = reduce_map(&l->raw, xa, ya, columns, s->keep, s->px, s->py, s->kx, s->ky);
                struct stroke faint = {rgb, RAW_W, false, RAW_ALPHA, 0};
                if (draw)
                    draw_polyline(cv, s->px, s->py, n_raw, &faint, plot, "raw-line", (long)i);
            }
            struct curve shown = {.x = l->raw.x,
                                  .x_first = l->raw.x_first,
                                  .x_step = l->raw.x_step,
                                  .y = (double *)tc_shown_y(l),
                                  .n = l->raw.n,
                                  .borrowed = true};
            size_t n = reduce_map(&shown, xa, ya, columns, s->keep, s->px + n_raw, s->py + n_raw,
                                  s->kx + n_raw, s->ky + n_raw);
            struct stroke line = {rgb, LINE_W, l->validation, 1, l->raw.n == 1 ? BEST_R - 1 : 0};
            if (l->run < 0)
                line = (struct stroke){rgb, SCHEDULE_W, false, SCHEDULE_ALPHA, 0};
            if (draw)
                draw_polyline(cv, s->px + n_raw, s->py + n_raw, n, &line, plot,
                              l->run < 0 ? "schedule" : "line", (long)i);
            add_obstacles(s, s->px, s->py, n_raw + n);
            if (draw && cv->data)
                dump_line(cv->data, t, l, s, n_raw, n, l->facts.best);
        }
}

bool tc_best_fits(struct canvas *cv, const struct training *t, size_t line, const struct axis *xa,
                  const struct axis *ya, struct box plot, struct tc_scratch *s)
{
    const struct tc_line *l = &t->lines[line];
    long best = l->facts.best;
    if (best < 0)
        return true;
    lines_pass(cv, t, l->panel, xa, ya, plot, s, false);
    struct box at;
    return place_best(cv, t, l, best, xa, ya, plot, s, &at) == 0;
}

void tc_draw_lines(struct canvas *cv, const struct training *t, size_t p, const struct axis *xa,
                   const struct axis *ya, struct box plot, struct tc_scratch *s)
{
    lines_pass(cv, t, p, xa, ya, plot, s, true);
    for (size_t i = 0; i < t->n_lines; i++) {
        const struct tc_line *l = &t->lines[i];
        long best = l->panel == p ? l->facts.best : -1;
        if (best >= 0)
            draw_best(cv, t, l, best, xa, ya, plot, s, !s->in_header[i]);
    }
    for (size_t i = 0; i < t->n_lines; i++)
        if (t->lines[i].panel == p)
            draw_nonfinite(cv, &t->lines[i], xa, plot, s->px, s->py);
}

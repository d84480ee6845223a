/* training_draw: the training-curves figure laid out and drawn — panels stacked on one x axis,
 * each with its heading, a legend above the plot (never on the data), notes on what could not
 * be drawn as a line, and the lines reduced to what the pixel columns can show. */
#include "training.h"

#include "vizgen/jsonw.h"
#include "vizgen/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum {
    PANEL_GAP = 30,
    HEADER_GAP = 8,
    NOTE_GAP = 4,
    NOTE_LINES = 2,
    TITLE_LINES = 2,
    MAX_NOTES = 12
};
static const struct font head_f = {FONT_LABEL, true}, small_f = {FONT_SMALL, false};

struct panel_plan {
    double lo, hi; /* the values the y axis must show (y_range), found once */
    struct axis y;
    struct box plot;
    double header_h, legend_h;
    struct legend_entry *entries;
    struct legend legend;
    char notes[MAX_NOTES][400];
    size_t n_notes;
};

/* The panel's y range over every line's raw and shown values that the axis can show. */
static void y_range(const struct training *t, size_t p, double *lo, double *hi)
{
    int scale = t->panels[p].y_scale;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < t->n_lines; i++)
        if (t->lines[i].panel == p) {
            *lo = fmin(*lo, t->lines[i].facts.lo);
            *hi = fmax(*hi, t->lines[i].facts.hi);
        }
    if (*lo > *hi) { /* nothing to show: an empty axis still reads sensibly */
        *lo = 1;
        *hi = 10;
    } else if (*lo == *hi) {
        double pad = *lo != 0 ? fabs(*lo) * 0.1 : 1;
        *lo = scale ? *lo / 2 : *lo - pad;
        *hi = scale ? *hi * 2 : *hi + pad;
    }
}

static void x_range(const struct training *t, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < t->n_lines; i++) {
        const struct curve *c = &t->lines[i].raw;
        if (c->n) {
            *lo = fmin(*lo, curve_x(c, 0));
            *hi = fmax(*hi, curve_x(c, c->n - 1));
        }
    }
    if (*lo > *hi) {
        *lo = 0;
        *hi = 1;
    } else if (*lo == *hi) {
        *lo -= 1;
        *hi += 1;
    }
}

/* The notes of a line: non-finite points (a diverged run), and values a log axis cannot show. */
static void line_notes(const struct training *t, const struct tc_line *l, struct panel_plan *pp)
{
    const struct tc_facts *f = &l->facts;
    size_t nan = f->nan, pinf = f->pinf, ninf = f->ninf, nonpos = f->nonpos;
    char name[120], at[32], parts[96] = "";
    tc_line_name(t, l, name, sizeof name);
    size_t used = 0;
    const size_t counts[3] = {nan, pinf, ninf};
    const char *what[3] = {"NaN", "+inf", "\xe2\x88\x92inf"};
    for (int c = 0; c < 3; c++)
        if (counts[c] && used < sizeof parts)
            used += (size_t)snprintf(parts + used, sizeof parts - used, "%s%zu %s",
                                     used ? ", " : "", counts[c], what[c]);
    if (used && pp->n_notes < MAX_NOTES) {
        format_trimmed(f->first_nonfinite, 2, NUM_SUFFIX, at, sizeof at);
        snprintf(pp->notes[pp->n_notes++], sizeof pp->notes[0],
                 "%s: %s, the first at %s %s (dots on the %s edge; the line breaks there)", name,
                 parts, t->x_name, at, nan + pinf ? (ninf ? "top and bottom" : "top") : "bottom");
    }
    if (nonpos && pp->n_notes < MAX_NOTES)
        snprintf(pp->notes[pp->n_notes++], sizeof pp->notes[0],
                 "%s: %zu value%s \xe2\x89\xa4 0 not on the log axis", name, nonpos,
                 nonpos == 1 ? "" : "s");
}

/* The panel's heading: its title, else its metrics (or schedules) joined. */
static void panel_title(const struct training *t, size_t p, char *buf, size_t size)
{
    const struct tc_panel *pn = &t->panels[p];
    if (pn->title) {
        snprintf(buf, size, "%s", pn->title);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t m = 0; m < pn->n_metrics && used < size; m++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", m ? ", " : "", pn->metrics[m]);
    if (pn->n_metrics == 0)
        snprintf(buf, size, "learning rate");
}

/* The heading's height: title (up to two lines), legend, notes. */
static void measure_header(struct canvas *cv, const struct training *t, size_t p,
                           struct panel_plan *pp, double plot_w)
{
    char title[256];
    struct text_block b;
    panel_title(t, p, title, sizeof title);
    measure_block(cv, title, head_f, plot_w, TITLE_LINES, &b);
    pp->header_h = b.height + HEADER_GAP;
    if (pp->legend_h > 0)
        pp->header_h += pp->legend_h + HEADER_GAP;
    for (size_t i = 0; i < pp->n_notes; i++) {
        measure_block(cv, pp->notes[i], small_f, plot_w, NOTE_LINES, &b);
        pp->header_h += b.height + NOTE_GAP;
    }
}

static int plan_panel(struct canvas *cv, const struct training *t, size_t p, double plot_w,
                      struct panel_plan *pp, struct diag *d)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_lines; i++)
        n += t->lines[i].panel == p;
    pp->entries = calloc(n ? n : 1, sizeof *pp->entries);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!pp->entries || !names) {
        free(names);
        return diag_oom(d);
    }
    size_t k = 0;
    for (size_t i = 0; i < t->n_lines; i++) {
        const struct tc_line *l = &t->lines[i];
        if (l->panel != p)
            continue;
        char buf[160];
        tc_line_name(t, l, buf, sizeof buf);
        if (!(names[k] = strdup(buf))) {
            for (size_t j = 0; j < k; j++)
                free(names[j]);
            free(names);
            return diag_oom(d);
        }
        pp->entries[k] = (struct legend_entry){names[k], palette_color(l->colour),
                                               l->validation ? LEGEND_DASHED : LEGEND_LINE};
        k++;
        line_notes(t, l, pp);
    }
    free(names); /* the entries keep the strings; plan_free releases them */
    pp->legend = (struct legend){pp->entries, n, 0, 0};
    pp->legend_h = n > 1 ? legend_row_measure(cv, &pp->legend, plot_w) : 0;
    measure_header(cv, t, p, pp, plot_w);
    return VZ_OK;
}

static void plan_free(struct panel_plan *pp, size_t n)
{
    for (size_t p = 0; pp && p < n; p++) {
        for (size_t i = 0; i < pp[p].legend.n; i++)
            free((char *)pp[p].entries[i].label);
        free(pp[p].entries);
    }
    free(pp);
}

/* The heading of a panel from y down: title, legend (when there are two lines or more to tell
 * apart), notes. */
static void draw_header(struct canvas *cv, const struct training *t, size_t p,
                        const struct panel_plan *pp, double x, double y)
{
    char title[256];
    panel_title(t, p, title, sizeof title);
    struct box b = draw_block(cv, title, x, y, head_f, ALIGN_LEFT, ALIGN_TOP, pp->plot.w,
                              TITLE_LINES, INK, "panel-title", (long)p);
    y += b.h + HEADER_GAP;
    if (pp->legend_h > 0) {
        legend_row_draw(cv, &pp->legend, x, y, pp->plot.w);
        y += pp->legend_h + HEADER_GAP;
    }
    for (size_t i = 0; i < pp->n_notes; i++) {
        struct box nb = draw_block(cv, pp->notes[i], x, y, small_f, ALIGN_LEFT, ALIGN_TOP,
                                   pp->plot.w, NOTE_LINES, MUTED, "note", (long)p);
        y += nb.h + NOTE_GAP;
    }
}

/* A y axis for panel p along [bottom, top]. */
static void y_axis(const struct training *t, size_t p, const struct panel_plan *pp, double bottom,
                   double top, struct axis *ya)
{
    double lo = pp->lo, hi = pp->hi;
    if (t->panels[p].y_scale) {
        lo = scale_round_125(lo, false);
        hi = scale_round_125(hi, true);
    }
    const struct tc_panel *pn = &t->panels[p];
    axis_init(ya, AXIS_LEFT, pn->y_scale ? SCALE_LOG : SCALE_LINEAR, lo, hi, bottom, top,
              !pn->y_scale);
    ya->title = pn->y_label;
    ya->grid = true;
    ya->style = NUM_PLAIN;
}

static void smoothing_note(const struct training *t, char *buf, size_t size)
{
    if (t->smoothing <= 0)
        buf[0] = '\0';
    else if (t->smoothing_method == TC_EMA)
        snprintf(buf, size,
                 "Smoothed as TensorBoard does (debiased exponential moving average, weight "
                 "%g); raw values faint behind; validation and learning rates as logged.",
                 t->smoothing);
    else
        snprintf(buf, size,
                 "Smoothed by a trailing moving average of %ld points; raw values "
                 "faint behind; validation and learning rates as logged.",
                 t->window);
}

/* A best point's label that would cover data in the plot goes to the heading instead, as a
 * note; the point keeps its mark. Tried on the plot as it will be, at its final size. */
static void labels_to_header(struct canvas *cv, const struct training *t, size_t p,
                             const struct axis *xa, double plot_h, struct panel_plan *pp,
                             struct tc_scratch *s)
{
    struct box plot = {xa->scale.r0, 0, xa->scale.r1 - xa->scale.r0, plot_h};
    struct axis ya;
    y_axis(t, p, pp, plot_h, 0, &ya);
    bool moved = false;
    for (size_t i = 0; i < t->n_lines; i++) {
        const struct tc_line *l = &t->lines[i];
        long best = l->panel == p ? l->facts.best : -1;
        if (best < 0 || pp->n_notes == MAX_NOTES || tc_best_fits(cv, t, i, xa, &ya, plot, s))
            continue;
        char text[256];
        tc_best_text(t, l, best, text, sizeof text);
        snprintf(pp->notes[pp->n_notes++], sizeof pp->notes[0], "%s (the ringed point)", text);
        s->in_header[i] = moved = true;
    }
    if (moved)
        measure_header(cv, t, p, pp, plot.w);
}

int training_render(const void *fig, const struct figure_common *fc, struct canvas *cv,
                    struct diag *d)
{
    const struct training *t = fig;
    const double W = cv->width, margin = canvas_margin(cv);
    struct panel_plan *pp = calloc(t->n_panels, sizeof *pp);
    struct tc_scratch s = {0};
    int rc = pp ? tc_scratch_init(&s, t, d) : diag_oom(d);
    double top = draw_title_block(cv, fc->title, fc->subtitle, margin) + 16;
    double plot_h = fmin(fmax(W * 0.24, 110), 300), left = 0;
    for (size_t p = 0; !rc && p < t->n_panels; p++) {
        y_range(t, p, &pp[p].lo, &pp[p].hi);
        y_axis(t, p, &pp[p], plot_h, 0, &pp[p].y);
        left = fmax(left, axis_measure(cv, &pp[p].y));
    }
    double x0 = canvas_snap(cv, margin + left), x1 = W - margin - 12, headers = 0;
    for (size_t p = 0; !rc && p < t->n_panels; p++) {
        rc = plan_panel(cv, t, p, x1 - x0, &pp[p], d);
        headers += pp[p].header_h;
    }
    struct axis xa;
    double xlo, xhi;
    x_range(t, &xlo, &xhi);
    axis_init(&xa, AXIS_BOTTOM, SCALE_LINEAR, xlo, xhi, x0, x1, false);
    xa.title = t->x_label ? t->x_label : t->x_name;
    xa.grid = true;
    xa.style = NUM_SUFFIX;
    double below = axis_measure(cv, &xa);
    char note[256];
    smoothing_note(t, note, sizeof note);
    struct text_block nb = {0};
    if (note[0])
        measure_block(cv, note, small_f, W - 2 * margin, 3, &nb);
    double n = (double)t->n_panels, rest = top + headers + (n - 1) * PANEL_GAP + below +
                                           (nb.height > 0 ? nb.height + 12 : 0) + margin * 0.75;
    if (fc->height > 0)
        plot_h = fmax(80, (fc->height - rest) / n);
    for (size_t p = 0; !rc && p < t->n_panels; p++)
        labels_to_header(cv, t, p, &xa, plot_h, &pp[p], &s);
    if (!rc && cv->data) {
        jsonw_put_string(cv->data, "x", t->x_name);
        /* trainer_state.json's end-of-training summaries, read and deliberately not drawn */
        jsonw_put_number(cv->data, "summary_entries_skipped", (double)t->n_entries_skipped);
        jsonw_begin_array(cv->data, "panels");
    }
    double y = top;
    for (size_t p = 0; !rc && p < t->n_panels; p++) {
        pp[p].plot = (struct box){x0, canvas_snap(cv, y + pp[p].header_h), x1 - x0, plot_h};
        struct box plot = pp[p].plot;
        y_axis(t, p, &pp[p], plot.y + plot.h, plot.y, &pp[p].y);
        axis_measure(cv, &pp[p].y);
        draw_header(cv, t, p, &pp[p], x0, y);
        struct axis shared = xa;
        shared.unlabelled = p + 1 < t->n_panels; /* the bottom panel carries the labels */
        axis_draw(cv, &shared, plot);
        axis_draw(cv, &pp[p].y, plot);
        if (cv->data) {
            char title[256];
            panel_title(t, p, title, sizeof title);
            jsonw_begin_object(cv->data, NULL);
            jsonw_put_string(cv->data, "title", title);
            jsonw_put_string(cv->data, "y_scale", t->panels[p].y_scale ? "log" : "linear");
            jsonw_begin_array(cv->data, "lines");
        }
        tc_draw_lines(cv, t, p, &xa, &pp[p].y, plot, &s);
        if (cv->data) {
            jsonw_end_array(cv->data);
            jsonw_end_object(cv->data);
        }
        y = plot.y + plot.h + PANEL_GAP;
    }
    if (!rc && cv->data)
        jsonw_end_array(cv->data);
    double bottom = y - PANEL_GAP + below;
    if (!rc && note[0]) {
        struct box b = draw_block(cv, note, margin, bottom + 12, small_f, ALIGN_LEFT, ALIGN_TOP,
                                  W - 2 * margin, 3, MUTED, "smoothing-note", -1);
        bottom = b.y + b.h;
    }
    cv->height = ceil(fmax(bottom + margin * 0.75, fc->height));
    plan_free(pp, t->n_panels);
    tc_scratch_free(&s);
    return rc;
}

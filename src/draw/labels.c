/* labels: a column of categorical labels along an axis (characters, tokens, bar names) that
 * stays legible: drawn as they are when they fit, each with its position when asked; else every
 * n-th, or turned to read upwards (never a single character: u and n would read as ⊂ and ⊃);
 * and once they would thin to every SWITCH_STEP-th, round numeric positions instead. */
#include "vizgen/kit.h"

#include "vizgen/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Units: logical pixels. Labels stand LABEL_GAP from the axis; stacked, lines need their height
 * plus LINE_SPACE; side by side, words need SIDE_SPACE between them (characters, SPACE); an
 * index stands INDEX_GAP beside its label. */
enum { LABEL_GAP = 8, SPACE = 2, SIDE_SPACE = 6, INDEX_GAP = 5, TICK_SPACING = 80, TICK_LEN = 3 };
static const double LINE_SPACE = 0.5;
/* Thinning to every 6th label or more reads worse than positions at round steps. */
enum { SWITCH_STEP = 6 };

static const struct font index_font = {FONT_SMALL, false};

/* Every n-th slot, so that labels `need` apart never touch. */
static size_t step_for(double slot, double need)
{
    size_t step = 1;
    while ((double)step * slot < need)
        step++;
    return step;
}

/* The first of step x 1, 2, 5, 10, 20, 50 ... that leaves `need` between indices: positions
 * at round multiples read as a ruler. */
static size_t round_step_for(size_t step, double slot, double need)
{
    static const size_t mult[] = {1, 2, 5};
    for (size_t decade = 1;; decade *= 10)
        for (size_t k = 0; k < 3; k++) {
            size_t s = step * mult[k] * decade;
            if ((double)s * slot >= need || decade > (size_t)1 << 40)
                return s;
        }
}

/* Whether the column's labels wrap: y axis only, where a second line costs no neighbour room. */
static bool wraps(const struct label_column *c, bool x_axis)
{
    return !x_axis && c->lines > 1;
}

/* The width and height of label i as drawn: wrapped, shortened to max_len when longer. */
static double label_width(struct canvas *cv, const struct label_column *c, size_t i, bool x_axis,
                          double *height)
{
    struct text_metrics m;
    if (wraps(c, x_axis)) {
        struct text_block b;
        measure_block(cv, c->labels[i], c->font, c->max_len, c->lines, &b);
        *height = b.height;
        return b.width;
    }
    *height = text_line_height(cv, c->font);
    draw_measure(cv, c->labels[i], c->font, &m);
    if (m.width > c->max_len) {
        char *shown = draw_ellipsize(cv, c->labels[i], c->font, c->max_len);
        if (shown)
            draw_measure(cv, shown, c->font, &m);
        free(shown);
        m.width = fmin(m.width, c->max_len);
    }
    return m.width;
}

static double number_width(struct canvas *cv, size_t v, struct font f)
{
    char buf[32];
    struct text_metrics m;
    snprintf(buf, sizeof buf, "%zu", v);
    draw_measure(cv, buf, f, &m);
    return m.width;
}

/* Round positions in 0 .. n-1, about one per TICK_SPACING along the axis. */
static void position_ticks(size_t n, double length, struct ticks *t)
{
    int target = (int)(length / TICK_SPACING);
    ticks_linear(0, (double)(n - 1), target < 2 ? 2 : target, t);
    int kept = 0;
    for (int i = 0; i < t->n; i++)
        if (t->t[i].v >= 0 && t->t[i].v <= (double)(n - 1))
            t->t[kept++] = t->t[i];
    t->n = kept;
}

/* The least step any labels could take: stacked, a label needs at least its line; side by
 * side, at least the space between labels. */
static size_t least_step(double slot, double line, bool x_axis, bool single)
{
    double across = line + LINE_SPACE;
    if (!x_axis)
        return step_for(slot, across);
    return single ? step_for(slot, SPACE) : step_for(slot, fmin(SIDE_SPACE, across));
}

void labels_plan(struct canvas *cv, const struct label_column *c, double slot, bool x_axis,
                 struct label_plan *p)
{
    double line = text_line_height(cv, c->font), index_line = text_line_height(cv, index_font);
    double widest = 0, tallest = 0;
    bool single = true;
    for (size_t i = 0; i < c->n; i++)
        single = single && utf8_length(c->labels[i]) <= 1;
    /* A column that goes to positions whatever its labels' sizes is not measured: 2048 labels
     * took Pango 11 ms, for nothing drawn. */
    size_t least = least_step(slot, line, x_axis, single);
    if (least < SWITCH_STEP)
        for (size_t i = 0; i < c->n; i++) {
            double h;
            widest = fmax(widest, label_width(cv, c, i, x_axis, &h));
            tallest = fmax(tallest, h);
        }
    double index_w = c->indices && c->n ? number_width(cv, c->n - 1, index_font) : 0;
    *p = (struct label_plan){.mode = LABELS_EVERY,
                             .step = 1,
                             .index_step = 1,
                             .gap = LABEL_GAP,
                             .label_w = widest,
                             .index_w = index_w};
    double across = tallest + LINE_SPACE; /* labels stacked along a y axis, or turned */
    if (x_axis) {
        double along = widest + (single ? SPACE : SIDE_SPACE);
        if (along <= slot || single) {
            p->step = step_for(slot, along);
            p->extent = line + (c->indices ? index_line : 0);
        } else {
            p->rotated = true;
            p->step = step_for(slot, across);
            p->extent = widest + (c->indices ? index_line : 0);
        }
        p->index_step = round_step_for(p->step, slot, index_w + SIDE_SPACE);
    } else {
        p->step = step_for(slot, across);
        p->index_step = p->step;
        p->extent = widest + (c->indices ? INDEX_GAP + index_w : 0);
    }
    if (p->step < least) /* only when the labels were not measured */
        p->step = least;
    if (p->step >= SWITCH_STEP) {
        p->mode = LABELS_TICKS;
        p->rotated = false;
        position_ticks(c->n, slot * (double)c->n, &p->ticks);
        p->extent = TICK_LEN + (x_axis ? index_line : number_width(cv, c->n - 1, index_font));
    }
}

/* Numbers at round positions, each with a short mark on the axis. */
static double draw_positions(struct canvas *cv, const struct label_plan *p, double start,
                             double slot, double at, bool x_axis, bool right, const char *role)
{
    char buf[32];
    double far = at;
    for (int i = 0; i < p->ticks.n; i++) {
        double v = p->ticks.t[i].v, c = start + (v + 0.5) * slot;
        snprintf(buf, sizeof buf, "%.0f", v);
        struct box b;
        if (x_axis) {
            draw_line(cv, c, at, c, at + TICK_LEN, 1, FAINT, false, NULL);
            b = draw_text(cv, buf, c, at + p->gap + TICK_LEN, index_font, ALIGN_CENTER, ALIGN_TOP,
                          MUTED, role, (long)v);
            far = fmax(far, b.y + b.h);
        } else {
            double out = right ? 1 : -1, tip = at + out * (p->gap + TICK_LEN);
            draw_line(cv, at + out * TICK_LEN, c, at, c, 1, FAINT, false, NULL);
            b = draw_text(cv, buf, tip, c, index_font, right ? ALIGN_LEFT : ALIGN_RIGHT,
                          ALIGN_MIDDLE, MUTED, role, (long)v);
            far = right ? fmax(far, b.x + b.w) : fmin(far, b.x);
        }
    }
    return far;
}

double labels_draw(struct canvas *cv, const struct label_column *c, const struct label_plan *p,
                   double start, double slot, double at, bool x_axis, unsigned rgb,
                   const char *role, const char *index_role)
{
    if (p->mode == LABELS_TICKS)
        return draw_positions(cv, p, start, slot, at, x_axis, c->right, index_role);
    double far = at, line = text_line_height(cv, c->font);
    char num[32];
    for (size_t i = 0; i < c->n; i += p->step) {
        char *shown = draw_ellipsize(cv, c->labels[i], c->font, c->max_len);
        if (!shown) {
            cv->oom = 1;
            continue;
        }
        double mid = start + ((double)i + 0.5) * slot;
        bool index = c->indices && i % p->index_step == 0;
        snprintf(num, sizeof num, "%zu", i);
        struct box b;
        if (!x_axis) {
            /* Index against the axis, label beyond it: a table's two columns, read outwards
             * from the axis on either side. */
            double out = c->right ? 1 : -1, edge = at + out * p->gap;
            enum halign side = c->right ? ALIGN_LEFT : ALIGN_RIGHT;
            if (c->indices) {
                if (index)
                    draw_text(cv, num, edge, mid, index_font, side, ALIGN_MIDDLE, MUTED, index_role,
                              (long)i);
                edge += out * (p->index_w + INDEX_GAP);
            }
            b = wraps(c, x_axis)
                    ? draw_block(cv, c->labels[i], edge, mid, c->font, side, ALIGN_MIDDLE,
                                 c->max_len, c->lines, rgb, role, (long)i)
                    : draw_text(cv, shown, edge, mid, c->font, side, ALIGN_MIDDLE, rgb, role,
                                (long)i);
            far = c->right ? fmax(far, b.x + b.w) : fmin(far, b.x);
        } else {
            double below = at + p->gap;
            if (!p->rotated) {
                b = draw_text(cv, shown, mid, below, c->font, ALIGN_CENTER, ALIGN_TOP, rgb, role,
                              (long)i);
                below += line;
            } else {
                /* Reading upwards, its end against the axis. */
                struct text_metrics m;
                draw_measure(cv, shown, c->font, &m);
                b = draw_text_vertical(cv, shown, mid, below + m.width / 2, c->font, rgb, role,
                                       (long)i);
                below += p->label_w;
            }
            far = fmax(far, b.y + b.h);
            if (index) {
                b = draw_text(cv, num, mid, below, index_font, ALIGN_CENTER, ALIGN_TOP, MUTED,
                              index_role, (long)i);
                far = fmax(far, b.y + b.h);
            }
        }
        free(shown);
    }
    return far;
}

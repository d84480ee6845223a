/* axis: a numeric axis below or left of a plot — gridlines, axis line, tick marks, labels that
 * never touch, and a title — measured before it is drawn. */
#include "vizgen/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Units: logical pixels. A tick every TICK_SPACING or so along a bottom axis, half that along a
 * left one, whose labels are a line tall rather than a number wide (and a quarter for a left
 * log axis, where a label a decade is what readers look for); labels LABEL_GAP from the plot;
 * the title TITLE_GAP beyond the labels; labels at least LABEL_SPACE apart. */
enum { TICK_SPACING = 140, LABEL_GAP = 8, TITLE_GAP = 11, LABEL_SPACE = 8, TICK_LEN = 4 };

static const struct font tick_font = {FONT_TICK, false}, title_font = {FONT_LABEL, false};

void axis_init(struct axis *ax, enum axis_side side, enum scale_type type, double lo, double hi,
               double r0, double r1, bool extend)
{
    *ax = (struct axis){.side = side, .line = true, .label_every = 1};
    double spacing = side == AXIS_BOTTOM ? TICK_SPACING
                     : type == SCALE_LOG ? TICK_SPACING / 4.0
                                         : TICK_SPACING / 2.0;
    int target = (int)lround(fabs(r1 - r0) / spacing);
    if (target < 2)
        target = 2;
    if (type == SCALE_LOG)
        ticks_log(lo, hi, target, &ax->ticks);
    else
        ticks_linear(lo, hi, target, &ax->ticks);
    if (extend && type == SCALE_LINEAR)
        lo = ax->ticks.lo, hi = ax->ticks.hi;
    ax->scale = (struct scale){type, lo, hi, r0, r1};
}

/* Whether tick i lies within the axis's domain (with a hair of slack for rounding). */
static bool in_domain(const struct axis *ax, int i)
{
    double pos = scale_map(&ax->scale, ax->ticks.t[i].v);
    double a = fmin(ax->scale.r0, ax->scale.r1), b = fmax(ax->scale.r0, ax->scale.r1);
    return isfinite(pos) && pos >= a - 0.5 && pos <= b + 0.5;
}

/* The labelled ticks that get a label at this thinning, in order. */
static bool shows_label(const struct axis *ax, int i, int every)
{
    if (!ax->ticks.t[i].label || !in_domain(ax, i))
        return false;
    int k = 0;
    for (int j = 0; j < i; j++)
        k += ax->ticks.t[j].label && in_domain(ax, j);
    return k % every == 0;
}

double axis_measure(struct canvas *cv, struct axis *ax)
{
    char buf[64];
    struct text_metrics m;
    double line = text_line_height(cv, tick_font), widest = 0;
    /* Thin the labels until neighbours stand LABEL_SPACE apart along the axis. */
    for (ax->label_every = 1; ax->label_every < TICKS_MAX; ax->label_every++) {
        bool touch = false;
        double prev_pos = NAN, prev_half = 0;
        widest = 0;
        for (int i = 0; i < ax->ticks.n && !touch; i++) {
            if (!shows_label(ax, i, ax->label_every))
                continue;
            ticks_label(&ax->ticks, ax->ticks.t[i].v, ax->style, buf, sizeof buf);
            draw_measure(cv, buf, tick_font, &m);
            widest = fmax(widest, m.width);
            double pos = scale_map(&ax->scale, ax->ticks.t[i].v);
            double half = ax->side == AXIS_BOTTOM ? m.width / 2 : line / 2;
            touch = fabs(pos - prev_pos) < prev_half + half + LABEL_SPACE;
            prev_pos = pos;
            prev_half = half;
        }
        if (!touch)
            break;
    }
    double title = ax->title && ax->title[0] ? TITLE_GAP + text_line_height(cv, title_font) : 0;
    if (ax->side == AXIS_BOTTOM)
        return LABEL_GAP + round(line) + title;
    return LABEL_GAP + widest + title;
}

void axis_draw(struct canvas *cv, const struct axis *ax, struct box plot)
{
    char buf[64];
    bool bottom = ax->side == AXIS_BOTTOM;
    double edge = bottom ? plot.y + plot.h : plot.x, far = edge;
    /* Gridlines first, so the data is drawn over them. */
    for (int i = 0; i < ax->ticks.n && ax->grid; i++) {
        if (!ax->ticks.t[i].major || !in_domain(ax, i))
            continue;
        double p = scale_map(&ax->scale, ax->ticks.t[i].v);
        if (bottom)
            draw_line(cv, p, plot.y, p, plot.y + plot.h, 1, GRIDLINE, false, NULL);
        else
            draw_line(cv, plot.x, p, plot.x + plot.w, p, 1, GRIDLINE, false, NULL);
    }
    if (ax->line) {
        if (bottom)
            draw_line(cv, plot.x, edge, plot.x + plot.w, edge, 1, FAINT, false, "axis");
        else
            draw_line(cv, edge, plot.y, edge, plot.y + plot.h, 1, FAINT, false, "axis");
    }
    for (int i = 0; i < ax->ticks.n; i++) {
        if (!in_domain(ax, i))
            continue;
        double p = scale_map(&ax->scale, ax->ticks.t[i].v);
        /* Tick marks where there are no gridlines to carry the eye; minor ones shorter. */
        double len = ax->grid ? 0 : ax->ticks.t[i].major ? TICK_LEN : TICK_LEN / 2.0;
        if (len > 0 && bottom)
            draw_line(cv, p, edge, p, edge + len, 1, FAINT, false, NULL);
        else if (len > 0)
            draw_line(cv, edge - len, p, edge, p, 1, FAINT, false, NULL);
        if (ax->unlabelled || !shows_label(ax, i, ax->label_every))
            continue;
        ticks_label(&ax->ticks, ax->ticks.t[i].v, ax->style, buf, sizeof buf);
        struct box b;
        if (bottom) {
            b = draw_text(cv, buf, p, edge + LABEL_GAP, tick_font, ALIGN_CENTER, ALIGN_TOP, MUTED,
                          "tick-label", i);
            far = fmax(far, edge + LABEL_GAP + round(b.h));
        } else {
            b = draw_text(cv, buf, edge - LABEL_GAP, p, tick_font, ALIGN_RIGHT, ALIGN_MIDDLE, MUTED,
                          "tick-label", i);
            far = fmin(far, b.x);
        }
    }
    if (ax->unlabelled || !ax->title || !ax->title[0])
        return;
    /* A title longer than its side of the plot is shortened rather than run past it. */
    char *title = draw_ellipsize(cv, ax->title, title_font, bottom ? plot.w : plot.h);
    if (!title) {
        cv->oom = 1;
        return;
    }
    if (bottom) {
        double y = fmax(far, edge + LABEL_GAP + round(text_line_height(cv, tick_font)));
        draw_text(cv, title, plot.x + plot.w / 2, y + TITLE_GAP, title_font, ALIGN_CENTER,
                  ALIGN_TOP, INK, "axis-title", -1);
    } else {
        double h = text_line_height(cv, title_font);
        draw_text_vertical(cv, title, far - TITLE_GAP - h / 2, plot.y + plot.h / 2, title_font, INK,
                           "axis-title", -1);
    }
    free(title);
}

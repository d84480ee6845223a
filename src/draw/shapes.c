/* shapes: rectangles, lines, arcs, polylines and bands drawn with Cairo and recorded as marks. */
#include "vizgen/shapes.h"

#include "vizgen/series.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

/* How far, in device pixels, a line's points may be from the line stroked past them. */
static const double SIMPLIFY_PX = 0.1;

/* A stroke's alpha as drawn: 0 and 1 and anything outside are opaque. */
static double see_through(double alpha)
{
    return alpha > 0 && alpha < 1 ? alpha : 1;
}

static void set_color_alpha(struct canvas *cv, unsigned rgb, double alpha)
{
    struct rgb c = canvas_rgb(cv, rgb);
    cairo_set_source_rgba(cv->cr, c.r, c.g, c.b, see_through(alpha));
}

void draw_rect(struct canvas *cv, struct box b, unsigned rgb, const char *role, long index,
               double value)
{
    canvas_set_color(cv, rgb);
    cairo_rectangle(cv->cr, b.x, b.y, b.w, b.h);
    cairo_fill(cv->cr);
    if (role) {
        struct mark mk = {MARK_RECT, b, role, index, value, 0, 0, canvas_color(cv, rgb),
                          NULL,      0, 0};
        canvas_record(cv, &mk);
    }
}

void draw_masked(struct canvas *cv, struct box b, const char *role, long index)
{
    cairo_pattern_t *hatch = canvas_hatch(cv);
    cairo_save(cv->cr);
    cairo_set_source(cv->cr, hatch);
    cairo_rectangle(cv->cr, b.x, b.y, b.w, b.h);
    cairo_fill(cv->cr);
    cairo_restore(cv->cr);
    if (role) {
        struct mark mk = {MARK_RECT, b, role, index, NAN, 0, 0, canvas_color(cv, MASKED),
                          NULL,      0, 0};
        canvas_record(cv, &mk);
    }
}

void draw_rect_outline(struct canvas *cv, struct box b, double width, unsigned rgb,
                       const char *role, long index)
{
    canvas_set_color(cv, rgb);
    cairo_set_line_width(cv->cr, width);
    cairo_rectangle(cv->cr, b.x + width / 2, b.y + width / 2, b.w - width, b.h - width);
    cairo_stroke(cv->cr);
    if (role) {
        struct mark mk = {MARK_RECT, b, role, index, width, 0, 0, canvas_color(cv, rgb),
                          NULL,      0, 0};
        canvas_record(cv, &mk);
    }
}

void draw_line(struct canvas *cv, double x0, double y0, double x1, double y1, double width,
               unsigned rgb, bool dashed, const char *role)
{
    cairo_save(cv->cr);
    canvas_set_color(cv, rgb);
    cairo_set_line_width(cv->cr, width);
    if (dashed) {
        const double dash[] = {6, 4};
        cairo_set_dash(cv->cr, dash, 2, 0);
    }
    cairo_move_to(cv->cr, x0, y0);
    cairo_line_to(cv->cr, x1, y1);
    cairo_stroke(cv->cr);
    cairo_restore(cv->cr);
    if (role) {
        struct box b = {fmin(x0, x1) - width / 2, fmin(y0, y1) - width / 2, fabs(x1 - x0) + width,
                        fabs(y1 - y0) + width};
        struct mark mk = {MARK_LINE, b, role, -1, NAN, 0, 0, canvas_color(cv, rgb), NULL, 0, 0};
        canvas_record(cv, &mk);
    }
}

void draw_segments(struct canvas *cv, const struct segment *seg, size_t n, const struct stroke *st,
                   const char *role)
{
    if (!n)
        return;
    cairo_save(cv->cr);
    set_color_alpha(cv, st->rgb, st->alpha);
    cairo_set_line_width(cv->cr, st->width);
    for (size_t i = 0; i < n; i++) {
        cairo_move_to(cv->cr, seg[i].x0, seg[i].y0);
        cairo_line_to(cv->cr, seg[i].x1, seg[i].y1);
        cairo_stroke(cv->cr);
    }
    cairo_restore(cv->cr);
    unsigned rgb = canvas_color(cv, st->rgb);
    for (size_t i = 0; i < n && role; i++) {
        const struct segment *g = &seg[i];
        struct box b = {fmin(g->x0, g->x1), fmin(g->y0, g->y1), fabs(g->x1 - g->x0),
                        fabs(g->y1 - g->y0)};
        struct mark mk = {
            MARK_LINE, b, role, g->index, g->value, 0, 0, rgb, NULL, 0, see_through(st->alpha)};
        canvas_record(cv, &mk);
    }
}

static void arrowhead(cairo_t *cr, double tx, double ty, double fx, double fy, double size)
{
    /* A filled triangle at (tx, ty) pointing away from (fx, fy). */
    double dx = tx - fx, dy = ty - fy, len = sqrt(dx * dx + dy * dy);
    if (len == 0)
        return;
    dx /= len;
    dy /= len;
    cairo_move_to(cr, tx, ty);
    cairo_line_to(cr, tx - size * dx + size * 0.5 * dy, ty - size * dy - size * 0.5 * dx);
    cairo_line_to(cr, tx - size * dx - size * 0.5 * dy, ty - size * dy + size * 0.5 * dx);
    cairo_close_path(cr);
    cairo_fill(cr);
}

void draw_arc(struct canvas *cv, double x0, double x1, double y, double height,
              const struct arc_style *st, long from, long to)
{
    /* A cubic whose control points sit 4/3 of the height up peaks at exactly `height`. */
    double cy = y - height * 4 / 3;
    double head = 4 + 2 * st->width;
    cairo_save(cv->cr);
    canvas_set_color(cv, st->rgb);
    cairo_set_line_width(cv->cr, st->width);
    cairo_move_to(cv->cr, x0, y);
    cairo_curve_to(cv->cr, x0, cy, x1, cy, x1, y);
    cairo_stroke(cv->cr);
    if (st->head_at_end)
        arrowhead(cv->cr, x1, y, x1, cy, head);
    if (st->head_at_start)
        arrowhead(cv->cr, x0, y, x0, cy, head);
    cairo_restore(cv->cr);
    struct box b = {fmin(x0, x1) - head / 2, y - height - st->width / 2, fabs(x1 - x0) + head,
                    height + st->width / 2};
    struct mark mk = {MARK_PATH, b, st->role, from, (double)to, 0, 0, canvas_color(cv, st->rgb),
                      NULL,      0, 0};
    canvas_record(cv, &mk);
}

/* The bounding box of the finite points, for the record. */
static struct box points_box(const double *x, const double *y, size_t n)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        x0 = fmin(x0, x[i]), x1 = fmax(x1, x[i]);
        y0 = fmin(y0, y[i]), y1 = fmax(y1, y[i]);
    }
    if (x0 > x1)
        return (struct box){0, 0, 0, 0};
    return (struct box){x0, y0, x1 - x0, y1 - y0};
}

/* A long series reduced to each pixel column's first, last, lowest and highest points doubles
 * back on itself within the columns: in each column its stroke covers one unbroken run of
 * pixels. Filling those runs draws what the stroke would, where rasterising the thousands of
 * overlapping segments took 38 ms for one panel of a million steps. Returns false, having drawn
 * nothing, for a line that is not such a line (or when memory is short): it is then stroked. */
static bool fill_envelope(struct canvas *cv, const double *x, const double *y, size_t n,
                          const struct stroke *s)
{
    if (cv->vector || s->dashed || s->marker > 0)
        return false;
    double xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && isfinite(y[i])) {
            if (x[i] < xmax)
                return false; /* not left to right: columns do not describe it */
            xmin = fmin(xmin, x[i]);
            xmax = x[i];
        }
    double half = s->width / 2, scale = cv->scale;
    if (!(xmin <= xmax))
        return false;
    long first = (long)floor((xmin - half) * scale);
    size_t columns = (size_t)((long)floor((xmax + half) * scale) - first + 1);
    if (n < 2 * columns) /* under two points a column, a line cannot double back much */
        return false;
    double *lo = malloc(2 * columns * sizeof *lo), *hi = lo + columns;
    if (!lo)
        return false;
    double travel = series_envelope(x, y, n, scale, half, first, columns, lo, hi), height = 0;
    for (size_t c = 0; c < columns; c++)
        if (lo[c] <= hi[c])
            height += hi[c] - lo[c] - 2 * half;
    bool dense = travel > 2 * height;
    for (size_t c = 0; dense && c < columns;) { /* one polygon per run of covered columns */
        while (c < columns && lo[c] > hi[c])
            c++;
        size_t start = c;
        for (; c < columns && lo[c] <= hi[c]; c++) {
            double left = (double)(first + (long)c) / scale, right = left + 1 / scale;
            if (c == start)
                cairo_move_to(cv->cr, left, lo[c]);
            else
                cairo_line_to(cv->cr, left, lo[c]);
            cairo_line_to(cv->cr, right, lo[c]);
        }
        for (size_t k = c; k-- > start;) {
            double left = (double)(first + (long)k) / scale;
            cairo_line_to(cv->cr, left + 1 / scale, hi[k]);
            cairo_line_to(cv->cr, left, hi[k]);
        }
        if (c > start)
            cairo_close_path(cv->cr);
    }
    free(lo);
    if (dense)
        cairo_fill(cv->cr);
    return dense;
}

/* The path through points keep[0..m) of (x, y), or the first m when keep is NULL, broken where
 * a coordinate is not finite. */
static void line_path(cairo_t *cr, const double *x, const double *y, const size_t *keep, size_t m)
{
    bool open = false;
    for (size_t k = 0; k < m; k++) {
        size_t i = keep ? keep[k] : k;
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            open = false; /* a missing value breaks the line: nothing is joined across it */
            continue;
        }
        if (open)
            cairo_line_to(cr, x[i], y[i]);
        else
            cairo_move_to(cr, x[i], y[i]);
        /* A lone point between gaps is still drawn, as a dot the width of the line. */
        size_t next = keep && k + 1 < m ? keep[k + 1] : k + 1;
        if (!open && (k + 1 == m || !isfinite(x[next]) || !isfinite(y[next])))
            cairo_line_to(cr, x[i], y[i]);
        open = true;
    }
}

void draw_polyline(struct canvas *cv, const double *x, const double *y, size_t n,
                   const struct stroke *s, struct box clip, const char *role, long index)
{
    cairo_t *cr = cv->cr;
    cairo_save(cr);
    cairo_rectangle(cr, clip.x, clip.y, clip.w, clip.h);
    cairo_clip(cr);
    set_color_alpha(cv, s->rgb, s->alpha);
    cairo_set_line_width(cr, s->width);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    if (s->dashed) {
        const double dash[] = {6, 4};
        cairo_set_dash(cr, dash, 2, 0);
    }
    if (!fill_envelope(cv, x, y, n, s)) {
        /* Points within a tenth of a pixel of the line drawn past them change no pixel: a
         * smooth curve of thousands of points strokes as a few dozen points. */
        size_t *keep = cv->vector || n < 3 ? NULL : malloc(n * sizeof *keep);
        size_t m = keep ? series_simplify(x, y, n, SIMPLIFY_PX / cv->scale, keep) : n;
        line_path(cr, x, y, keep, m);
        free(keep);
        cairo_stroke(cr);
    }
    if (s->marker > 0) {
        cairo_set_dash(cr, NULL, 0, 0);
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i]) && isfinite(y[i])) {
                cairo_new_sub_path(cr);
                cairo_arc(cr, x[i], y[i], s->marker, 0, 6.28318530717958647693);
            }
        cairo_fill(cr);
    }
    cairo_restore(cr);
    if (role) {
        struct mark mk = {
            MARK_PATH, points_box(x, y, n),  role, index, NAN, 0, 0, canvas_color(cv, s->rgb), NULL,
            0,         see_through(s->alpha)};
        canvas_record(cv, &mk);
    }
}

void draw_band(struct canvas *cv, const double *x, const double *lo, const double *hi, size_t n,
               unsigned rgb, double alpha, struct box clip, const char *role, long index)
{
    cairo_t *cr = cv->cr;
    cairo_save(cr);
    cairo_rectangle(cr, clip.x, clip.y, clip.w, clip.h);
    cairo_clip(cr);
    set_color_alpha(cv, rgb, alpha);
    /* Each unbroken run is one polygon: along hi forwards, back along lo. */
    size_t i = 0;
    while (i < n) {
        while (i < n && !(isfinite(x[i]) && isfinite(lo[i]) && isfinite(hi[i])))
            i++;
        size_t start = i;
        while (i < n && isfinite(x[i]) && isfinite(lo[i]) && isfinite(hi[i]))
            i++;
        if (i - start < 2)
            continue;
        cairo_move_to(cr, x[start], hi[start]);
        for (size_t k = start + 1; k < i; k++)
            cairo_line_to(cr, x[k], hi[k]);
        for (size_t k = i; k-- > start;)
            cairo_line_to(cr, x[k], lo[k]);
        cairo_close_path(cr);
    }
    cairo_fill(cr);
    cairo_restore(cr);
    if (role) {
        struct box a = points_box(x, lo, n), b = points_box(x, hi, n);
        double y0 = fmin(a.y, b.y), y1 = fmax(a.y + a.h, b.y + b.h);
        struct mark mk = {
            MARK_PATH, {a.x, y0, a.w, y1 - y0}, role, index, NAN, 0, 0, canvas_color(cv, rgb), NULL,
            0,         see_through(alpha)};
        canvas_record(cv, &mk);
    }
}

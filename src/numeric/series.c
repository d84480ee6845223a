/* series: smoothing and reduction of training curves. */
#include "vizgen/series.h"

#include "vizgen/halves.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void curve_free(struct curve *c)
{
    if (!c->borrowed) {
        free(c->x);
        free(c->y);
    }
    memset(c, 0, sizeof *c);
}

void series_ema(const double *y, size_t n, double weight, double *out)
{
    bool constant = true;
    for (size_t i = 1; i < n && constant; i++)
        constant = y[i] == y[0];
    double last = 0;
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        double v = y[i];
        if (constant || !isfinite(v)) {
            out[i] = v;
            continue;
        }
        last = last * weight + (1 - weight) * v;
        count++;
        out[i] = weight == 1 ? last : last / (1 - pow(weight, count));
    }
}

void series_moving_average(const double *y, size_t n, size_t window, double *out)
{
    /* A running sum of the window's finite values, summed afresh every `window` points so that
     * rounding cannot creep along a million-point series. */
    if (window == 0)
        window = 1;
    double sum = 0;
    size_t finite = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && i % window == 0) {
            sum = 0;
            finite = 0;
            for (size_t j = i - (window - 1); j < i; j++)
                if (isfinite(y[j])) {
                    sum += y[j];
                    finite++;
                }
        } else if (i >= window && isfinite(y[i - window])) {
            sum -= y[i - window];
            finite--;
        }
        if (isfinite(y[i])) {
            sum += y[i];
            finite++;
        }
        out[i] = isfinite(y[i]) ? sum / (double)finite : y[i];
    }
}

/* The pixel column of x among `columns` spanning [x0, x0 + span], clamped to them. */
static long column_of(double x, double x0, double span, int columns)
{
    long c = span > 0 ? (long)floor((x - x0) / span * columns) : 0;
    return c < 0 ? 0 : c >= columns ? columns - 1 : c;
}

/* Lanes of the extremes' loop: four independent minima and maxima, which GCC turns into two
 * vectors of each, where one would wait on the comparison before. */
enum { LANES = 4 };

static bool extremes_of(const double *y, size_t n, double *lo, double *hi)
{
    double l[LANES], h[LANES], zero[LANES];
    for (int k = 0; k < LANES; k++) {
        l[k] = INFINITY;
        h[k] = -INFINITY;
        zero[k] = 0;
    }
    size_t j = 0;
    for (; j + LANES <= n; j += LANES)
        for (int k = 0; k < LANES; k++) {
            double v = y[j + k];
            l[k] = v < l[k] ? v : l[k]; /* a NaN is never less, nor greater */
            h[k] = v > h[k] ? v : h[k];
            zero[k] += v - v; /* NaN from a NaN or an infinity on */
        }
    for (; j < n; j++) {
        double v = y[j];
        l[0] = v < l[0] ? v : l[0];
        h[0] = v > h[0] ? v : h[0];
        zero[0] += v - v;
    }
    for (int k = 1; k < LANES; k++) {
        l[0] = l[k] < l[0] ? l[k] : l[0];
        h[0] = h[k] > h[0] ? h[k] : h[0];
        zero[0] += zero[k];
    }
    *lo = l[0];
    *hi = h[0];
    return zero[0] == 0;
}

struct extremes_job {
    const double *y;
    size_t n;
    double lo[2], hi[2];
    bool finite[2];
};

static void extremes_half(void *arg, int half)
{
    struct extremes_job *j = arg;
    size_t mid = j->n / 2, from = half ? mid : 0, to = half ? j->n : mid;
    j->finite[half] = extremes_of(j->y + from, to - from, &j->lo[half], &j->hi[half]);
}

bool series_extremes(const double *y, size_t n, double *lo, double *hi)
{
    if (n < HALVES_MIN)
        return extremes_of(y, n, lo, hi);
    struct extremes_job j = {y, n, {0, 0}, {0, 0}, {false, false}};
    halves_run(extremes_half, &j);
    *lo = j.lo[1] < j.lo[0] ? j.lo[1] : j.lo[0];
    *hi = j.hi[1] > j.hi[0] ? j.hi[1] : j.hi[0];
    return j.finite[0] && j.finite[1];
}

static size_t first_equal(const double *y, size_t from, size_t to, double v)
{
    for (size_t i = from; i < to; i++)
        if (y[i] == v)
            return i;
    return SIZE_MAX;
}

struct find_job {
    const double *y;
    size_t n;
    double v;
    size_t at[2];
};

static void find_half(void *arg, int half)
{
    struct find_job *j = arg;
    size_t mid = j->n / 2;
    j->at[half] = first_equal(j->y, half ? mid : 0, half ? j->n : mid, j->v);
}

size_t series_first_equal(const double *y, size_t n, double v)
{
    if (n < HALVES_MIN)
        return first_equal(y, 0, n, v);
    struct find_job j = {y, n, v, {SIZE_MAX, SIZE_MAX}};
    halves_run(find_half, &j);
    return j.at[0] != SIZE_MAX ? j.at[0] : j.at[1];
}

/* The first index at or after `from` whose x is at least `edge`, x ascending: galloping, as a
 * column holds anything from one point to many thousands. */
static size_t first_at_least(const struct curve *c, size_t from, size_t n, double edge)
{
    size_t lo = from, hi = from, step = 1;
    while (hi < n && curve_x(c, hi) < edge) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    hi = hi < n ? hi : n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (curve_x(c, mid) < edge)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Runs shorter than this are read in one pass; longer, the extremes' loop finds the values and
 * a scan each finds where they first are, in half the time. */
enum { SHORT_RUN = 16 };

/* The first lowest and first highest finite y in [i, end) (SIZE_MAX: none); false when some y
 * is not finite. On this thread: a reduction's halves are already two. */
static bool run_extremes(const double *y, size_t i, size_t end, size_t *lo, size_t *hi)
{
    double ylo, yhi;
    if (end - i >= SHORT_RUN && extremes_of(y + i, end - i, &ylo, &yhi)) {
        *lo = first_equal(y, i, end, ylo);
        *hi = first_equal(y, i, end, yhi);
        return true;
    }
    ylo = INFINITY;
    yhi = -INFINITY;
    *lo = *hi = SIZE_MAX;
    size_t nonfinite = 0;
    for (size_t j = i; j < end; j++) {
        double v = y[j];
        if (v < ylo && v != -INFINITY) {
            ylo = v;
            *lo = j;
        }
        if (v > yhi && v != INFINITY) {
            yhi = v;
            *hi = j;
        }
        nonfinite += !(v - v == 0); /* NaN and infinities */
    }
    return nonfinite == 0;
}

/* series_reduce over the points [from, to), which start a column and end one: their kept
 * indices to keep, returning how many. */
static size_t reduce_range(const struct curve *c, size_t from, size_t to, double x0, double span,
                           int columns, size_t *keep)
{
    const double *y = c->y;
    size_t kept = 0, i = from;
    while (i < to) {
        /* The run of points in i's column: up to the column's right edge, then settled by
         * column_of itself, so that rounding in the edge cannot move a point to another column
         * than column_of gives it. */
        long col = column_of(curve_x(c, i), x0, span, columns);
        size_t end = i + 1, lo, hi;
        if (span > 0 && col < columns - 1) {
            end = first_at_least(c, i + 1, to, x0 + (double)(col + 1) / columns * span);
            while (end > i + 1 && column_of(curve_x(c, end - 1), x0, span, columns) != col)
                end--;
        }
        while (end < to && column_of(curve_x(c, end), x0, span, columns) == col)
            end++;
        if (run_extremes(y, i, end, &lo, &hi)) { /* the four in order, each once */
            size_t pick[4] = {i, lo < hi ? lo : hi, lo < hi ? hi : lo, end - 1};
            for (int k = 0; k < 4; k++)
                if (pick[k] != SIZE_MAX && (kept == 0 || keep[kept - 1] < pick[k]))
                    keep[kept++] = pick[k];
        } else {
            for (size_t j = i; j < end; j++)
                if (j == i || j == end - 1 || j == lo || j == hi || !isfinite(y[j]))
                    keep[kept++] = j;
        }
        i = end;
    }
    return kept;
}

/* A long series reduced as two ranges at once, cut where a column starts. */
struct reduce_job {
    const struct curve *c;
    size_t cut;
    double x0, span;
    int columns;
    size_t *keep, kept[2];
};

static void reduce_half(void *arg, int half)
{
    struct reduce_job *j = arg;
    /* The second half's indices go after the cut, where the first half's cannot reach. */
    j->kept[half] =
        half ? reduce_range(j->c, j->cut, j->c->n, j->x0, j->span, j->columns, j->keep + j->cut)
             : reduce_range(j->c, 0, j->cut, j->x0, j->span, j->columns, j->keep);
}

size_t series_reduce(const struct curve *c, double x0, double x1, int columns, size_t *keep)
{
    double span = x1 - x0;
    size_t n = c->n;
    if (n < HALVES_MIN || !(span > 0))
        return reduce_range(c, 0, n, x0, span, columns, keep);
    /* The first point of the column that the middle point is in. */
    long col = column_of(curve_x(c, n / 2), x0, span, columns);
    size_t lo = 0, hi = n / 2;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (column_of(curve_x(c, mid), x0, span, columns) < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    struct reduce_job j = {c, lo, x0, span, columns, keep, {0, 0}};
    halves_run(reduce_half, &j);
    memmove(keep + j.kept[0], keep + j.cut, j.kept[1] * sizeof *keep);
    return j.kept[0] + j.kept[1];
}

static bool finite_point(const double *x, const double *y, size_t i)
{
    return isfinite(x[i]) && isfinite(y[i]);
}

/* A straight stretch of a line: from the anchor (the last point kept) along a direction, as far
 * as `far`, reached at point `last`. */
struct stretch {
    size_t anchor, last;
    double dx, dy, far;
    bool aimed; /* false while every point since the anchor lies within tol of it */
};

static void stretch_from(struct stretch *st, const double *x, const double *y, size_t anchor,
                         size_t i, double tol)
{
    double vx = x[i] - x[anchor], vy = y[i] - y[anchor], len = hypot(vx, vy);
    *st = (struct stretch){anchor, i, 0, 0, len, len > tol};
    if (st->aimed) {
        st->dx = vx / len;
        st->dy = vy / len;
    }
}

size_t series_simplify(const double *x, const double *y, size_t n, double tol, size_t *keep)
{
    size_t kept = 0, i = 0;
    while (i < n) {
        if (!finite_point(x, y, i)) {
            keep[kept++] = i++;
            continue;
        }
        keep[kept++] = i;
        struct stretch st = {i, i, 0, 0, 0, false};
        for (i++; i < n && finite_point(x, y, i); i++) {
            if (!st.aimed) {
                stretch_from(&st, x, y, st.anchor, i, tol);
                continue;
            }
            double vx = x[i] - x[st.anchor], vy = y[i] - y[st.anchor];
            double along = vx * st.dx + vy * st.dy, across = fabs(vx * st.dy - vy * st.dx);
            if (across <= tol && along >= st.far - tol) { /* still on the stretch */
                if (along > st.far) {
                    st.far = along;
                    st.last = i;
                }
                continue;
            }
            /* The line turns: its furthest point is a corner, and i starts the next stretch. */
            keep[kept++] = st.last;
            stretch_from(&st, x, y, st.last, i, tol);
        }
        if (st.last != keep[kept - 1])
            keep[kept++] = st.last;
        if (i - 1 != keep[kept - 1]) /* the run's end, where it is not the furthest */
            keep[kept++] = i - 1;
    }
    return kept;
}

/* Widens [*lo, *hi] to the y of the segment (x0, y0)-(x1, y1) between x = a and x = b. */
static void cover(double x0, double y0, double x1, double y1, double a, double b, double *lo,
                  double *hi)
{
    double ya = y0, yb = y1;
    if (x1 > x0) {
        double t0 = fmax(0, (a - x0) / (x1 - x0)), t1 = fmin(1, (b - x0) / (x1 - x0));
        if (t0 > t1)
            return;
        ya = y0 + (y1 - y0) * t0;
        yb = y0 + (y1 - y0) * t1;
    }
    *lo = fmin(*lo, fmin(ya, yb));
    *hi = fmax(*hi, fmax(ya, yb));
}

double series_envelope(const double *x, const double *y, size_t n, double scale, double half,
                       long first, size_t columns, double *lo, double *hi)
{
    for (size_t c = 0; c < columns; c++) {
        lo[c] = INFINITY;
        hi[c] = -INFINITY;
    }
    double travel = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        /* The segment to the next point, or the point alone where the line breaks. */
        size_t j = i + 1 < n && isfinite(x[i + 1]) && isfinite(y[i + 1]) ? i + 1 : i;
        if (j == i && i > 0 && isfinite(x[i - 1]) && isfinite(y[i - 1]))
            continue; /* the end of a run, covered by the segment that reaches it */
        travel += fabs(y[j] - y[i]);
        /* The stroke reaches `half` beyond the segment: columns whose window, so widened, meets
         * it. */
        long c0 = (long)floor((x[i] - half) * scale) - first,
             c1 = (long)floor((x[j] + half) * scale) - first;
        for (long c = c0 < 0 ? 0 : c0; c <= c1 && c < (long)columns; c++) {
            double a = (double)(first + c) / scale - half,
                   b = (double)(first + c + 1) / scale + half;
            cover(x[i], y[i], x[j], y[j], a, b, &lo[c], &hi[c]);
        }
    }
    for (size_t c = 0; c < columns; c++)
        if (lo[c] <= hi[c]) {
            lo[c] -= half;
            hi[c] += half;
        }
    return travel;
}

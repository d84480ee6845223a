/* series: what training curves need done to their numbers before drawing — smoothing as
 * TensorBoard smooths, a moving average, and the reduction of a long series to the points that
 * can show on a given number of pixel columns. Non-finite values (a diverged run's NaN and
 * infinities) are kept as they are, never averaged into or dropped. */
#ifndef VIZGEN_SERIES_H
#define VIZGEN_SERIES_H

#include <stdbool.h>
#include <stddef.h>

/* A series of points, x ascending. Ownership: whoever fills it frees it with curve_free, which
 * leaves arrays the curve only borrows (a log's columns: copying a million-point column into
 * fresh memory took longer than reading it). */
struct curve {
    double *x, *y;
    size_t n;
    bool borrowed; /* x and y belong to another, who outlives the curve */
    /* With x NULL, x's values are evenly spaced: point i's is series_even_at(x_first, x_step, i).
     * A log's step column mostly is, and a million steps not stored are 8 MB of memory not
     * touched, a tenth of the time of a million-step figure. Read x through curve_x. */
    double x_first, x_step;
    /* y's extremes as series_extremes gives them, when they are known without a pass over y (a
     * log's column keeps them as it is read): its least and greatest value, NaN aside, and
     * whether every value is finite. */
    bool y_known, y_finite;
    double y_lo, y_hi;
};
void curve_free(struct curve *c);

/* The i-th of evenly spaced values, computed one way everywhere: a value found equal to it when
 * a log was read comes out the same, bit for bit, whenever it is read back. */
static inline double series_even_at(double first, double step, size_t i)
{
    return first + (double)i * step;
}
/* Point i's x. */
static inline double curve_x(const struct curve *c, size_t i)
{
    return c->x ? c->x[i] : series_even_at(c->x_first, c->x_step, i);
}

/* TensorBoard's exponential moving average with debiasing, for weight in [0, 1): each finite y
 * moves `last = last * weight + (1 - weight) * y` and counts once, and comes out as
 * last / (1 - weight^count); a non-finite y comes out as itself and counts not. A constant
 * series comes out unchanged, as in TensorBoard. out may be y. */
void series_ema(const double *y, size_t n, double weight, double *out);

/* The mean of each point's trailing window of up to `window` finite values (the point's own and
 * those before it); a non-finite point comes out as itself. out must not be y. */
void series_moving_average(const double *y, size_t n, size_t window, double *out);

/* The least and the greatest of y's n values, NaN aside (lo > hi: none); true when every value
 * is finite. A million-point line meets this several times, so it runs four comparisons at once
 * (half the time of a loop that also notes where they are: series_first_equal does, after), and
 * a long y's two halves at once. */
bool series_extremes(const double *y, size_t n, double *lo, double *hi);
/* The index of y's first value equal to v, or SIZE_MAX; a long y's halves searched at once. */
size_t series_first_equal(const double *y, size_t n, double v);

/* The points of c that show on `columns` pixel columns spanning [x0, x1]: in each column the
 * first, the last, the lowest and the highest, and every non-finite y, so that spikes and
 * divergence survive. c's x must be ascending. Writes their indices, ascending and each once, to
 * keep (room for c->n) and returns how many. A long series is reduced as two halves at once, cut
 * where a column starts, so the points are the same. */
size_t series_reduce(const struct curve *c, double x0, double x1, int columns, size_t *keep);

/* The points a line needs at a tolerance of `tol`: each run of finite points keeps its ends and
 * the points where it turns, dropping those that lie within tol of the straight line drawn
 * instead (matplotlib simplifies its paths so). Non-finite points are all kept: they break the
 * line. Writes their indices, ascending, to keep (room for n) and returns how many. */
size_t series_simplify(const double *x, const double *y, size_t n, double tol, size_t *keep);

/* The pixel columns a line through (x[i], y[i]) covers when stroked `half` to either side: x
 * ascending, the line broken at non-finite points, a lone point a dot. Column c spans
 * [(first + c) / scale, (first + c + 1) / scale); lo[c] and hi[c] get the least and the greatest
 * y covered there (lo[c] > hi[c]: none). Returns the y distance the line travels along its
 * segments, which is far more than the columns' heights when it doubles back within them. */
double series_envelope(const double *x, const double *y, size_t n, double scale, double half,
                       long first, size_t columns, double *lo, double *hi);

#endif

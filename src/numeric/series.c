/* series: smoothing and reduction of training curves. */
#include "vizgen/series.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

void curve_free(struct curve *c)
{
    free(c->x);
    free(c->y);
    c->x = c->y = NULL;
    c->n = 0;
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

size_t series_reduce(const double *x, const double *y, size_t n, double x0, double x1, int columns,
                     size_t *keep)
{
    size_t kept = 0;
    double span = x1 - x0;
    size_t i = 0;
    while (i < n) {
        /* The run of points in i's column. */
        long col = column_of(x[i], x0, span, columns);
        size_t end = i + 1, lo = SIZE_MAX, hi = SIZE_MAX;
        while (end < n && column_of(x[end], x0, span, columns) == col)
            end++;
        for (size_t j = i; j < end; j++)
            if (isfinite(y[j])) {
                if (lo == SIZE_MAX || y[j] < y[lo])
                    lo = j;
                if (hi == SIZE_MAX || y[j] > y[hi])
                    hi = j;
            }
        for (size_t j = i; j < end; j++)
            if (j == i || j == end - 1 || j == lo || j == hi || !isfinite(y[j]))
                keep[kept++] = j;
        i = end;
    }
    return kept;
}

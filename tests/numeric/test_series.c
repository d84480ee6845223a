/* Unit tests of series: TensorBoard's smoothing equals its closed form (a weighted mean of the
 * finite values so far), non-finite points pass through, the moving average equals a naive one
 * over a long series, and reduction keeps every column's extremes and every NaN. */
#include "check.h"

#include "vizgen/series.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* A deterministic noisy value in [0, 1). */
static double noise(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void ema_is_the_debiased_weighted_mean(void)
{
    enum { N = 200 };
    double y[N], out[N];
    uint64_t s = 7;
    for (int i = 0; i < N; i++)
        y[i] = i % 17 == 5 ? NAN : i == 100 ? INFINITY : 3 + noise(&s);
    series_ema(y, N, 0.9, out);
    for (int i = 0; i < N; i++) {
        if (!isfinite(y[i])) {
            CHECK(isnan(y[i]) ? isnan(out[i]) : out[i] == y[i]);
            continue;
        }
        /* Debiased, the average is sum w^(k-j) y_j / sum w^(k-j) over the finite points so far. */
        double num = 0, den = 0, wk = 1;
        for (int j = i; j >= 0; j--)
            if (isfinite(y[j])) {
                num += wk * y[j];
                den += wk;
                wk *= 0.9;
            }
        CHECK_NEAR(out[i], num / den, 1e-12);
    }
    double c[4] = {5, 5, 5, 5}; /* TensorBoard leaves a constant series alone */
    series_ema(c, 4, 0.99, c);
    CHECK(c[0] == 5 && c[3] == 5);
    double z[3] = {1, 2, 3};
    series_ema(z, 3, 0, z); /* no smoothing */
    CHECK(z[0] == 1 && z[1] == 2 && z[2] == 3);
}

static void moving_average_matches_the_naive_one(void)
{
    enum { N = 100000, W = 37 };
    double *y = malloc(N * sizeof *y), *out = malloc(N * sizeof *out);
    if (!CHECK(y && out))
        return;
    uint64_t s = 11;
    for (int i = 0; i < N; i++)
        y[i] = i % 1000 == 999 ? NAN : 1e6 + noise(&s);
    series_moving_average(y, N, W, out);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        double sum = 0;
        int k = 0;
        for (int j = i - W + 1 < 0 ? 0 : i - W + 1; j <= i; j++)
            if (isfinite(y[j])) {
                sum += y[j];
                k++;
            }
        double want = isfinite(y[i]) ? sum / k : y[i];
        /* Within rounding: a few ulps of values near 1e6. */
        if (isnan(want) ? !isnan(out[i]) : fabs(out[i] - want) > 1e-14 * want)
            wrong++;
    }
    CHECK(wrong == 0);
    free(y);
    free(out);
}

static void reduction_keeps_extremes_ends_and_divergence(void)
{
    enum { N = 1000000, COLS = 300 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    size_t *keep = malloc(N * sizeof *keep);
    if (!CHECK(x && y && keep))
        return;
    uint64_t s = 3;
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = 2 + noise(&s);
    }
    y[123457] = 40;       /* one spike */
    y[654321] = -5;       /* one dip */
    y[800000] = NAN;      /* divergence */
    y[800001] = INFINITY; /* and its overflow */
    size_t k = series_reduce(x, y, N, 0, N - 1, COLS, keep);
    CHECK(k <= 4 * COLS + 2);
    bool spike = false, dip = false, nan = false, inf = false, ascending = true;
    for (size_t i = 0; i < k; i++) {
        spike |= keep[i] == 123457;
        dip |= keep[i] == 654321;
        nan |= keep[i] == 800000;
        inf |= keep[i] == 800001;
        ascending &= i == 0 || keep[i] > keep[i - 1];
    }
    CHECK(spike && dip && nan && inf && ascending);
    CHECK(keep[0] == 0 && keep[k - 1] == N - 1);
    /* Each column's lowest and highest finite values are among the kept. */
    double lo[COLS], hi[COLS], klo[COLS], khi[COLS];
    for (int c = 0; c < COLS; c++)
        lo[c] = klo[c] = INFINITY, hi[c] = khi[c] = -INFINITY;
    for (int i = 0; i < N; i++) {
        int c = (int)floor(x[i] / (N - 1) * COLS);
        c = c >= COLS ? COLS - 1 : c;
        if (isfinite(y[i]))
            lo[c] = fmin(lo[c], y[i]), hi[c] = fmax(hi[c], y[i]);
    }
    for (size_t i = 0; i < k; i++) {
        int c = (int)floor(x[keep[i]] / (N - 1) * COLS);
        c = c >= COLS ? COLS - 1 : c;
        if (isfinite(y[keep[i]]))
            klo[c] = fmin(klo[c], y[keep[i]]), khi[c] = fmax(khi[c], y[keep[i]]);
    }
    int wrong = 0;
    for (int c = 0; c < COLS; c++)
        wrong += lo[c] != klo[c] || hi[c] != khi[c];
    CHECK(wrong == 0);
    /* Fewer points than columns: every one is kept. */
    CHECK(series_reduce(x, y, 10, 0, 9, COLS, keep) == 10);
    free(x);
    free(y);
    free(keep);
}

int main(void)
{
    RUN(ema_is_the_debiased_weighted_mean);
    RUN(moving_average_matches_the_naive_one);
    RUN(reduction_keeps_extremes_ends_and_divergence);
    return check_summary();
}

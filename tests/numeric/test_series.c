/* Unit tests of series: TensorBoard's smoothing equals its closed form (a weighted mean of the
 * finite values so far), non-finite points pass through, the moving average equals a naive one
 * over a long series, reduction keeps every column's extremes, ends and every NaN, a line's
 * envelope holds its stroke, column by column, and simplification drops only what cannot show. */
#include "check.h"

#include "vizgen/halves.h"
#include "vizgen/series.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    size_t k = series_reduce(&(struct curve){.x = x, .y = y, .n = N}, 0, N - 1, COLS, keep);
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
    CHECK(series_reduce(&(struct curve){.x = x, .y = y, .n = 10}, 0, 9, COLS, keep) == 10);
    /* And each column's first and last point, on x spaced unevenly (runs of repeated steps,
     * gaps), where the column edges fall between points in every way. */
    bool *kept = calloc(N, sizeof *kept);
    for (int i = 0; i < N; i++)
        x[i] = floor(pow(i / 1000.0, 1.5)) + (i % 7 == 0 ? 0.5 : 0);
    for (int i = 1; i < N; i++)
        x[i] = fmax(x[i], x[i - 1]);
    k = series_reduce(&(struct curve){.x = x, .y = y, .n = N}, x[0], x[N - 1], COLS, keep);
    for (size_t i = 0; kept && i < k; i++)
        kept[keep[i]] = true;
    int missed = 0, prev = -1;
    for (int i = 0; kept && i < N; i++) {
        int c = (int)floor((x[i] - x[0]) / (x[N - 1] - x[0]) * COLS);
        c = c >= COLS ? COLS - 1 : c;
        if (c != prev) /* i is its column's first, i - 1 the last of the one before */
            missed += !kept[i] + (i > 0 && !kept[i - 1]);
        prev = c;
    }
    CHECK(kept && missed == 0 && kept[N - 1]);
    free(kept);
    free(x);
    free(y);
    free(keep);
}

/* The points series_reduce keeps, found the slow way: in each column (by the same formula) its
 * first and last point, its first lowest and first highest finite y, and every non-finite y. */
static size_t reduce_by_hand(const double *x, const double *y, size_t n, int cols, size_t *keep)
{
    size_t kept = 0, start = 0;
    double span = x[n - 1] - x[0];
    for (size_t i = 0; i < n; i++) {
        long c = (long)floor((x[i] - x[0]) / span * cols);
        long next = i + 1 < n ? (long)floor((x[i + 1] - x[0]) / span * cols) : -1;
        c = c >= cols ? cols - 1 : c;
        next = next >= cols ? cols - 1 : next;
        if (next == c)
            continue;
        size_t lo = SIZE_MAX, hi = SIZE_MAX; /* the column is [start, i] */
        for (size_t j = start; j <= i; j++)
            if (isfinite(y[j])) {
                if (lo == SIZE_MAX || y[j] < y[lo])
                    lo = j;
                if (hi == SIZE_MAX || y[j] > y[hi])
                    hi = j;
            }
        for (size_t j = start; j <= i; j++)
            if (j == start || j == i || j == lo || j == hi || !isfinite(y[j]))
                keep[kept++] = j;
        start = i + 1;
    }
    return kept;
}

/* Exactly the points found by hand, on columns of one to thousands of points, with ties (the
 * first of equal extremes is the one kept), zeros of both signs, and NaN and infinities in long
 * runs and short ones; long enough to be reduced as two halves, cut anywhere. */
static void reduction_keeps_the_first_of_equal_extremes(void)
{
    enum { N = 3 * HALVES_MIN };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    size_t *keep = malloc(N * sizeof *keep), *want = malloc(N * sizeof *want);
    if (!CHECK(x && y && keep && want))
        goto done;
    uint64_t s = 11;
    for (int i = 0; i < N; i++) {
        x[i] = i < N / 2 ? i : N / 2 + (i - N / 2) * 40.0; /* dense, then sparse */
        y[i] = floor(noise(&s) * 8) - 4;                   /* eight values: ties everywhere */
        y[i] = y[i] == 0 && i % 2 ? -0.0 : y[i];
    }
    const int bad[] = {5, 77, 4000, 4001, 70000, N / 2 + 3, N - 2};
    if (!CHECK(N / 2 + 3 > HALVES_MIN)) /* the second half holds some */
        goto done;
    const double what[] = {NAN, -INFINITY, INFINITY, NAN, -INFINITY, INFINITY, NAN};
    for (int b = 0; b < 7; b++)
        y[bad[b]] = what[b];
    const int cols[] = {1, 2, 7, 300, 5000, 150000};
    for (int c = 0; c < 6; c++) {
        size_t k =
            series_reduce(&(struct curve){.x = x, .y = y, .n = N}, x[0], x[N - 1], cols[c], keep);
        size_t w = reduce_by_hand(x, y, N, cols[c], want);
        size_t same = 0;
        while (same < k && same < w && keep[same] == want[same])
            same++;
        if (!CHECK(k == w && same == k))
            fprintf(stderr, "  %d columns: %zu kept, %zu by hand, the same up to %zu\n", cols[c], k,
                    w, same);
    }
done:
    free(x);
    free(y);
    free(keep);
    free(want);
}

/* A curve whose x is evenly spaced and not stored keeps the points it keeps stored: on steps
 * whole and fractional, from 0 and from where a resumed run starts, with column edges falling on
 * points and between them. */
static void reduction_of_unstored_even_x_is_the_stored_ones(void)
{
    enum { N = 3 * HALVES_MIN + 17 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    size_t *keep = malloc(N * sizeof *keep), *want = malloc(N * sizeof *want);
    if (!CHECK(x && y && keep && want))
        goto done;
    uint64_t s = 5;
    for (int i = 0; i < N; i++)
        y[i] = i % 9000 == 77 ? NAN : floor(noise(&s) * 16);
    const double firsts[] = {0, 0, 4000, -3}, steps[] = {1, 0.5, 10, 0.25};
    const int cols[] = {1, 7, 300, 1200, 40000};
    int wrong = 0;
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < N; i++)
            x[i] = firsts[k] + i * steps[k];
        struct curve stored = {.x = x, .y = y, .n = N},
                     even = {.x_first = firsts[k], .x_step = steps[k], .y = y, .n = N};
        for (int i = 0; i < N; i++)
            wrong += curve_x(&even, (size_t)i) != x[i];
        for (int c = 0; c < 5; c++) {
            size_t w = series_reduce(&stored, x[0], x[N - 1], cols[c], want);
            size_t g = series_reduce(&even, x[0], x[N - 1], cols[c], keep);
            wrong += g != w || memcmp(keep, want, w * sizeof *keep) != 0;
        }
    }
    CHECK(wrong == 0);
done:
    free(x);
    free(y);
    free(keep);
    free(want);
}

/* The extremes of every length (each lane and the tail) with a NaN or an infinity anywhere. */
static void extremes_of_every_length(void)
{
    double y[11];
    int wrong = 0;
    for (int n = 0; n <= 11; n++)
        for (int at = -1; at < n; at++)
            for (int kind = 0; kind < 3; kind++) {
                for (int i = 0; i < n; i++)
                    y[i] = (i * 7) % 11 - 5.5;
                if (at >= 0)
                    y[at] = kind == 0 ? NAN : kind == 1 ? INFINITY : -INFINITY;
                double lo = INFINITY, hi = -INFINITY, glo, ghi;
                bool finite = true;
                for (int i = 0; i < n; i++) {
                    finite &= isfinite(y[i]);
                    if (!isnan(y[i]))
                        lo = fmin(lo, y[i]), hi = fmax(hi, y[i]);
                }
                bool got = series_extremes(y, (size_t)n, &glo, &ghi);
                wrong += got != finite || glo != lo || ghi != hi;
            }
    CHECK(wrong == 0);
    CHECK(series_first_equal(y, 11, y[10]) == 10 && series_first_equal(y, 11, 99) == SIZE_MAX);
    /* Long enough for two halves: what either half holds counts, and the first is found. */
    enum { N = 2 * HALVES_MIN + 3 };
    double *l = malloc(N * sizeof *l), lo, hi;
    if (!CHECK(l))
        return;
    for (int i = 0; i < N; i++)
        l[i] = i % 1000;
    l[N - 1] = -7; /* the second half's */
    l[10] = 5000;  /* the first half's */
    CHECK(series_extremes(l, N, &lo, &hi) && lo == -7 && hi == 5000);
    l[N - 2] = NAN;
    CHECK(!series_extremes(l, N, &lo, &hi) && lo == -7 && hi == 5000);
    l[5] = INFINITY;
    CHECK(!series_extremes(l, N, &lo, &hi) && lo == -7 && hi == INFINITY);
    CHECK(series_first_equal(l, N, -7) == N - 1 && series_first_equal(l, N, 999) == 999);
    CHECK(series_first_equal(l, N, 5000) == 10 && series_first_equal(l, N, 0.5) == SIZE_MAX);
    free(l);
}

/* The envelope of a line holds every point of its stroke, column by column, and no more than
 * half the stroke's width beyond them: checked against the line walked in small steps. */
static void envelope_covers_the_stroke_column_by_column(void)
{
    enum { N = 4000, COLS = 400 };
    const double scale = 2, half = 0.75; /* device pixels of half a logical pixel */
    double x[N], y[N];
    uint64_t s = 11;
    for (int i = 0; i < N; i++) {
        x[i] = 10 + i * 0.05 + (i % 3) * 0.01;
        y[i] = 100 + 40 * sin(i / 300.0) + 30 * noise(&s);
    }
    y[1500] = NAN;           /* a break */
    y[2600] = y[2602] = NAN; /* with a lone point between */
    for (int i = 3000; i < 3200; i++)
        y[i] = NAN; /* a gap of whole columns */
    long first = (long)floor((x[0] - half) * scale);
    double lo[COLS], hi[COLS], wlo[COLS], whi[COLS], travel = 0;
    for (int c = 0; c < COLS; c++)
        wlo[c] = INFINITY, whi[c] = -INFINITY;
    for (int i = 0; i < N; i++) {
        if (!isfinite(y[i]))
            continue;
        int j = i + 1 < N && isfinite(y[i + 1]) ? i + 1 : i;
        if (j == i && i > 0 && isfinite(y[i - 1]))
            continue;
        travel += fabs(y[j] - y[i]);
        /* The segment in steps of 0.00005 in x, each widened by half the width in steps
         * shorter than a segment (so the widened steps leave no hole), in y by half. */
        for (int t = 0; t <= 1000; t++) {
            double px = x[i] + (x[j] - x[i]) * t / 1000, py = y[i] + (y[j] - y[i]) * t / 1000;
            for (double dx = -half; dx <= half; dx += half / 16) {
                long c = (long)floor((px + dx) * scale) - first;
                if (c >= 0 && c < COLS)
                    wlo[c] = fmin(wlo[c], py - half), whi[c] = fmax(whi[c], py + half);
            }
        }
    }
    double got = series_envelope(x, y, N, scale, half, first, COLS, lo, hi);
    CHECK(fabs(got - travel) < 1e-6 * travel);
    int outside = 0, loose = 0, empty = 0;
    for (int c = 0; c < COLS; c++) {
        if (!(wlo[c] <= whi[c])) {
            empty += !(lo[c] > hi[c]);
            continue;
        }
        /* Every walked point inside; the bounds within a step's rise (the steepest segment
         * rises 30 in 0.05, so 0.03 in a step) of the walked ones. */
        outside += lo[c] > wlo[c] + 1e-9 || hi[c] < whi[c] - 1e-9;
        loose += lo[c] < wlo[c] - 0.05 || hi[c] > whi[c] + 0.05;
    }
    CHECK(outside == 0 && loose == 0 && empty == 0);
    /* The gap's columns are empty. */
    long gap = (long)floor((x[3100]) * scale) - first;
    CHECK(lo[gap] > hi[gap]);
}

/* The distance from (px, py) to the segment (ax, ay)-(bx, by). */
static double to_segment(double px, double py, double ax, double ay, double bx, double by)
{
    double vx = bx - ax, vy = by - ay, l2 = vx * vx + vy * vy;
    double t = l2 > 0 ? fmax(0, fmin(1, ((px - ax) * vx + (py - ay) * vy) / l2)) : 0;
    return hypot(px - ax - t * vx, py - ay - t * vy);
}

/* Simplification drops only points the line drawn through the kept ones passes within twice
 * the tolerance of, keeps every run's ends, every break and a sharp corner, and makes a smooth
 * curve of thousands of points under a hundred. */
static void simplify_keeps_what_shows(void)
{
    enum { N = 3000 };
    static double x[N], y[N];
    static size_t keep[N];
    const double tol = 0.1;
    uint64_t s = 5;
    for (int shape = 0; shape < 3; shape++) {
        for (int i = 0; i < N; i++) {
            x[i] = 40 + i * 0.36;
            if (shape == 0) /* a cosine schedule, in pixels */
                y[i] = 300 - 250 * 0.5 * (1 + cos(3.14159265358979 * i / N));
            else if (shape == 1) /* a noisy loss */
                y[i] = 300 - 200 * exp(-i / 700.0) + 6 * noise(&s);
            else /* a corner, and breaks */
                y[i] = i < N / 2 ? 100 : 100 + (i - N / 2) * 0.5;
        }
        if (shape == 2)
            y[100] = y[2000] = y[2001] = NAN, y[2003] = INFINITY;
        size_t k = series_simplify(x, y, N, tol, keep);
        int far = 0, order = 0, ends = 0;
        for (size_t j = 1; j < k; j++)
            order += keep[j] <= keep[j - 1];
        for (int i = 0; i < N; i++) { /* the kept points around i, and i's distance to them */
            bool finite = isfinite(y[i]);
            bool starts = finite && (i == 0 || !isfinite(y[i - 1]));
            bool stops = finite && (i == N - 1 || !isfinite(y[i + 1]));
            size_t j = 0;
            while (j < k && keep[j] < (size_t)i)
                j++;
            bool kept = j < k && keep[j] == (size_t)i;
            ends += (starts || stops || !finite) && !kept;
            if (!finite || kept || j == 0 || j == k)
                continue;
            size_t a = keep[j - 1], b = keep[j];
            far += to_segment(x[i], y[i], x[a], y[a], x[b], y[b]) > 2 * tol;
        }
        CHECK(far == 0 && order == 0 && ends == 0);
        if (shape == 0)
            CHECK(k < 100);
        if (shape == 2) { /* the corner, where the flat half meets the rising one */
            bool corner = false;
            for (size_t j = 0; j < k; j++)
                corner |= keep[j] >= N / 2 - 1 && keep[j] <= N / 2;
            CHECK(corner && k < 20);
        }
    }
}

int main(void)
{
    RUN(ema_is_the_debiased_weighted_mean);
    RUN(moving_average_matches_the_naive_one);
    RUN(reduction_keeps_extremes_ends_and_divergence);
    RUN(reduction_keeps_the_first_of_equal_extremes);
    RUN(reduction_of_unstored_even_x_is_the_stored_ones);
    RUN(extremes_of_every_length);
    RUN(envelope_covers_the_stroke_column_by_column);
    RUN(simplify_keeps_what_shows);
    return check_summary();
}

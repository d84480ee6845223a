/* attention: matrices, masks, synthetic weights and letter counts (statistics: attn_stats.c). */
#include "vizgen/attention.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const attn_mask_names[] = {"causal-strict", "causal", "none", NULL};

int attn_init(struct attn *a, size_t rows, size_t cols)
{
    a->rows = a->cols = 0;
    a->w = NULL;
    a->sink = NULL;
    if (rows == 0 || cols == 0 || rows > SIZE_MAX / sizeof(float) / cols)
        return -1;
    a->w = calloc(rows * cols, sizeof *a->w);
    if (!a->w)
        return -1;
    a->rows = rows;
    a->cols = cols;
    return 0;
}

int attn_add_sink(struct attn *a)
{
    if (!a->sink)
        a->sink = calloc(a->rows ? a->rows : 1, sizeof *a->sink);
    return a->sink ? 0 : -1;
}

void attn_free(struct attn *a)
{
    if (!a)
        return;
    free(a->w);
    free(a->sink);
    a->w = a->sink = NULL;
    a->rows = a->cols = 0;
}

/* Counting with an open-addressing table of code points keeps long strings linear. */
struct cp_table {
    uint32_t *keys;
    int *counts;
    size_t cap;
};

static int *cp_slot(struct cp_table *t, uint32_t cp)
{
    size_t h = (cp * 2654435761u) & (t->cap - 1);
    while (t->keys[h] != UINT32_MAX && t->keys[h] != cp)
        h = (h + 1) & (t->cap - 1);
    t->keys[h] = cp;
    return &t->counts[h];
}

int letter_counts(const uint32_t *cps, size_t n, int cap, bool both_sides, int *counts)
{
    struct cp_table t;
    t.cap = 16;
    while (t.cap < 2 * n)
        t.cap *= 2;
    t.keys = malloc(t.cap * sizeof *t.keys);
    t.counts = calloc(t.cap, sizeof *t.counts);
    if (!t.keys || !t.counts) {
        free(t.keys);
        free(t.counts);
        return -1;
    }
    memset(t.keys, 0xff, t.cap * sizeof *t.keys); /* UINT32_MAX is no code point */
    for (size_t i = 0; i < n; i++) {
        int *c = cp_slot(&t, cps[i]);
        counts[i] = *c;
        (*c)++;
    }
    for (size_t i = 0; i < n; i++) {
        if (both_sides)
            counts[i] = *cp_slot(&t, cps[i]) - 1;
        if (cap > 0 && counts[i] > cap)
            counts[i] = cap;
    }
    free(t.keys);
    free(t.counts);
    return 0;
}

bool attn_mask_allows(enum attn_mask m, size_t i, size_t j)
{
    switch (m) {
    case MASK_CAUSAL_STRICT:
        return j < i;
    case MASK_CAUSAL:
        return j <= i;
    default:
        return true;
    }
}

uint64_t prng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double prng_uniform(uint64_t *state)
{
    return (double)(prng_next(state) >> 11) * 0x1.0p-53;
}

void attn_apply_mask(struct attn *a, enum attn_mask m)
{
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++)
            if (!attn_mask_allows(m, i, j))
                a->w[i * a->cols + j] = NAN;
}

bool attn_upper_zero(const struct attn *a)
{
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = i + 1; j < a->cols; j++)
            if (a->w[i * a->cols + j] != 0)
                return false;
    return a->rows > 1;
}

void attn_softmax_rows(struct attn *a)
{
    for (size_t i = 0; i < a->rows; i++) {
        float *row = a->w + i * a->cols, *sink = a->sink ? a->sink + i : NULL;
        double mx = sink ? *sink : -INFINITY, sum = 0;
        for (size_t j = 0; j < a->cols; j++)
            if (!attn_masked(row[j]) && row[j] > mx)
                mx = row[j];
        if (mx == -INFINITY)
            continue; /* fully masked row */
        if (sink) {
            *sink = expf(*sink - (float)mx);
            sum += *sink;
        }
        /* One float exp a weight, kept in place until the sum is known: exp in double, twice
         * over, was most of `vizgen stats` on a large matrix. */
        for (size_t j = 0; j < a->cols; j++)
            if (!attn_masked(row[j])) {
                row[j] = expf(row[j] - (float)mx);
                sum += row[j];
            }
        float scale = (float)(1 / sum);
        for (size_t j = 0; j < a->cols; j++)
            if (!attn_masked(row[j]))
                row[j] *= scale;
        if (sink)
            *sink *= scale;
    }
}

double attn_null_score(double sharpness)
{
    return sharpness / 2;
}

void attn_letter_counting(struct attn *a, const uint32_t *cps, enum attn_mask m, double sharpness,
                          double noise, uint64_t seed)
{
    uint64_t state = seed;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            /* Draw for every cell, masked or not, so a mask change doesn't reshuffle the noise. */
            double u = prng_uniform(&state) * 2 - 1;
            double score = (cps[i] == cps[j] ? sharpness : 0) + noise * u;
            a->w[i * a->cols + j] = attn_mask_allows(m, i, j) ? (float)score : NAN;
            /* After a row's cells, so that without a null key the noise is what it was. */
            if (a->sink && j + 1 == a->cols)
                a->sink[i] =
                    (float)(attn_null_score(sharpness) + noise * (prng_uniform(&state) * 2 - 1));
        }
    attn_softmax_rows(a);
}

long attn_first_unnormalized_row(const struct attn *a, double tol, double *sum)
{
    for (size_t i = 0; i < a->rows; i++) {
        double s = a->sink ? a->sink[i] : 0;
        bool any = a->sink != NULL;
        for (size_t j = 0; j < a->cols; j++) {
            float v = a->w[i * a->cols + j];
            if (!attn_masked(v)) {
                s += v;
                any = true;
            }
        }
        if (any && fabs(s - 1) > tol) {
            *sum = s;
            return (long)i;
        }
    }
    return -1;
}

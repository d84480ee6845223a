/* attn_stats: per-query statistics of an attention matrix, as the attention lab defines them. */
#include "vizgen/attention.h"

#include <math.h>

double attn_entropy(const struct attn *a, size_t i, bool bits)
{
    const float *row = a->w + i * a->cols;
    double h = 0;
    bool any = a->sink != NULL;
    if (a->sink && a->sink[i] > 0)
        h -= a->sink[i] * (double)logf(a->sink[i]);
    for (size_t j = 0; j < a->cols; j++) {
        if (attn_masked(row[j]))
            continue;
        any = true;
        if (row[j] > 0)
            h -= row[j] * (double)logf(row[j]); /* float log: the weights are floats anyway */
    }
    if (!any)
        return NAN;
    h = fmax(h, 0); /* rounding can leave -0 or a hair below for one-hot rows */
    return bits ? h / log(2) : h;
}

double attn_sparsity(const struct attn *a, size_t i, double threshold)
{
    const float *row = a->w + i * a->cols;
    size_t n = a->sink ? 1 : 0, below = a->sink && a->sink[i] < threshold;
    for (size_t j = 0; j < a->cols; j++) {
        if (attn_masked(row[j]))
            continue;
        n++;
        below += row[j] < threshold;
    }
    return n ? (double)below / (double)n : NAN;
}

float attn_key_weight(const struct attn *a, size_t i, size_t j)
{
    return j < a->cols ? a->w[i * a->cols + j] : a->sink ? a->sink[i] : NAN;
}

size_t attn_top_k(const struct attn *a, size_t i, size_t k, size_t *keys)
{
    /* Insertion into a short sorted list: k is small, rows can be long. */
    size_t n = 0, keys_in_row = a->cols + (a->sink ? 1 : 0);
    for (size_t j = 0; j < keys_in_row; j++) {
        float v = attn_key_weight(a, i, j);
        if (attn_masked(v))
            continue;
        size_t pos = n;
        /* Strictly greater moves ahead, so an equal weight stays behind its lower index. */
        while (pos > 0 && v > attn_key_weight(a, i, keys[pos - 1]))
            pos--;
        if (pos >= k)
            continue;
        size_t last = n < k ? n : k - 1;
        for (size_t p = last; p > pos; p--)
            keys[p] = keys[p - 1];
        keys[pos] = j;
        if (n < k)
            n++;
    }
    return n;
}

double attn_same_char_mass(const struct attn *a, const uint32_t *cps, size_t i)
{
    const float *row = a->w + i * a->cols;
    double mass = 0;
    bool any = false;
    for (size_t j = 0; j < i && j < a->cols; j++) {
        if (cps[j] != cps[i])
            continue;
        any = true;
        if (!attn_masked(row[j]))
            mass += row[j];
    }
    return any ? mass : NAN;
}

double attn_mean_same_char_mass(const struct attn *a, const uint32_t *cps)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < a->rows; i++) {
        double m = attn_same_char_mass(a, cps, i);
        if (!isnan(m)) {
            sum += m;
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

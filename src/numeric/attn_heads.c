/* attn_heads: per-head statistics and attention rollout. */
#include "vizgen/attn_heads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const head_stat_names[] = {
    "entropy", "first-token", "previous-token", "diagonal", "distance", "same-char", NULL};

/* The weight of a cell, 0 where it is masked or past the row. */
static double weight(const struct attn *a, size_t i, size_t j)
{
    if (j >= a->cols)
        return 0;
    float v = a->w[i * a->cols + j];
    return attn_masked(v) ? 0 : v;
}

struct mean {
    double sum;
    size_t n;
};

static void add(struct mean *m, double v)
{
    m->sum += v;
    m->n++;
}

static double mean_of(const struct mean *m)
{
    return m->n ? m->sum / (double)m->n : NAN;
}

void attn_head_stats(const struct attn *a, const uint32_t *cps, double out[HEAD_STATS])
{
    struct mean m[HEAD_STATS] = {{0}};
    for (size_t i = 0; i < a->rows; i++) {
        double h = attn_entropy(a, i, true);
        if (isnan(h))
            continue; /* the query attends to nothing */
        add(&m[HEAD_ENTROPY], h);
        add(&m[HEAD_FIRST], weight(a, i, 0));
        if (i >= 1 && i - 1 < a->cols)
            add(&m[HEAD_PREVIOUS], weight(a, i, i - 1));
        if (i < a->cols)
            add(&m[HEAD_DIAGONAL], weight(a, i, i));
        double mass = 0, far = 0;
        for (size_t j = 0; j < a->cols; j++) {
            double w = weight(a, i, j);
            mass += w;
            far += w * fabs((double)i - (double)j);
        }
        if (mass > 0)
            add(&m[HEAD_DISTANCE], far / mass);
    }
    for (int s = 0; s < HEAD_SAME_CHAR; s++)
        out[s] = mean_of(&m[s]);
    out[HEAD_SAME_CHAR] = cps ? attn_mean_same_char_mass(a, cps) : NAN;
}

double head_stat_max(enum head_stat s, size_t rows, size_t cols, bool null_key)
{
    switch (s) {
    case HEAD_ENTROPY:
        return log2((double)(cols + (null_key ? 1 : 0)));
    case HEAD_DISTANCE:
        return (double)(rows > cols ? rows : cols) - 1;
    default:
        return 1;
    }
}

/* One layer's step: its heads averaged, plus the identity, rows renormalised. */
static void layer_step(const struct attn *const *heads, size_t n_heads, size_t n, double *step)
{
    memset(step, 0, n * n * sizeof *step);
    for (size_t h = 0; h < n_heads; h++)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                step[i * n + j] += weight(heads[h], i, j) / (double)n_heads;
    for (size_t i = 0; i < n; i++) {
        double *row = step + i * n, sum = 1; /* the identity's 1, and the heads' mass */
        for (size_t j = 0; j < n; j++)
            sum += row[j];
        row[i] += 1;
        for (size_t j = 0; j < n; j++)
            row[j] /= sum;
    }
}

int attn_rollout(const struct attn *const *heads, size_t n_layers, size_t n_heads, size_t upto,
                 double *out)
{
    if (n_layers == 0 || n_heads == 0 || upto == 0 || upto > n_layers)
        return -1;
    size_t n = heads[0]->rows;
    for (size_t k = 0; k < n_layers * n_heads; k++)
        if (heads[k]->rows != n || heads[k]->cols != n)
            return -1;
    double *step = malloc(n * n * sizeof *step), *next = malloc(n * n * sizeof *next);
    if (!step || !next) {
        free(step);
        free(next);
        return -1;
    }
    layer_step(heads, n_heads, n, out);
    for (size_t l = 1; l < upto; l++) {
        layer_step(heads + l * n_heads, n_heads, n, step);
        /* next = step x out: a later layer mixes what the earlier ones already mixed. */
        memset(next, 0, n * n * sizeof *next);
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < n; k++) {
                double s = step[i * n + k];
                if (s == 0)
                    continue;
                for (size_t j = 0; j < n; j++)
                    next[i * n + j] += s * out[k * n + j];
            }
        memcpy(out, next, n * n * sizeof *out);
    }
    free(step);
    free(next);
    return 0;
}

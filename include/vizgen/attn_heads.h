/* attn_heads: what each head does, in numbers — the statistics that find previous-token heads,
 * first-token (sink) heads and diffuse heads across a whole model at a glance — and attention
 * rollout (Abnar & Zuidema 2020), which follows attention through the layers. Plain arrays in
 * and out: no Cairo, no JSON, no I/O. Ownership: the caller owns every array. */
#ifndef VIZGEN_ATTN_HEADS_H
#define VIZGEN_ATTN_HEADS_H

#include "vizgen/attention.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each a mean over the head's queries that attend to anything (fully masked rows are skipped):
 * ENTROPY: of the row in bits, the null key counted as a key;
 * FIRST: weight on key 0, the first token (0 where it is masked);
 * PREVIOUS: weight on key i-1, over queries i >= 1;
 * DIAGONAL: weight on key i (the query's own position), over queries with one;
 * DISTANCE: the weight-averaged |i - j| over the real keys (the null key has no position), over
 *   queries that put weight on any;
 * SAME_CHAR: mass on earlier keys with the query's character, over queries whose character
 *   occurred before (attn_same_char_mass); only when characters are known. */
enum head_stat {
    HEAD_ENTROPY,
    HEAD_FIRST,
    HEAD_PREVIOUS,
    HEAD_DIAGONAL,
    HEAD_DISTANCE,
    HEAD_SAME_CHAR,
    HEAD_STATS
};
/* "entropy", "first-token", "previous-token", "diagonal", "distance", "same-char". */
extern const char *const head_stat_names[];

/* Every statistic of a; cps (the characters of the positions, may be NULL) is needed for
 * SAME_CHAR, which is NaN without it. A statistic no query defines is NaN. */
void attn_head_stats(const struct attn *a, const uint32_t *cps, double out[HEAD_STATS]);
/* The most a statistic can be for a rows x cols matrix (with a null key or not): log2 of the
 * keys for entropy, the farthest two positions for distance, 1 for the masses. */
double head_stat_max(enum head_stat s, size_t rows, size_t cols, bool null_key);

/* Attention rollout over the first `upto` layers of heads[layer * n_heads + head], each a square
 * n x n matrix: each layer's heads averaged (masked cells as 0, the null key left out, since it
 * carries nothing to a later layer), the identity added for the residual path and rows
 * renormalised, then the layers multiplied, the first innermost. out gets n x n row-major.
 * Returns -1 when the matrices are not all n x n or memory runs out. */
int attn_rollout(const struct attn *const *heads, size_t n_layers, size_t n_heads, size_t upto,
                 double *out);

#endif

/* attention: the numeric core — letter counts, synthetic letter-counting attention and the
 * statistics of an attention matrix. Plain arrays in, plain arrays out: no Cairo, no JSON, no I/O.
 * Ownership: attn_init/attn_free pair; every other function writes into caller memory. */
#ifndef VIZGEN_ATTENTION_H
#define VIZGEN_ATTENTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Row-major [rows][cols] weights; a masked cell is NaN, which is never a weight. A matrix may
 * have a null key (a sink): one more key per query, kept apart in `sink`, that takes the
 * attention a query does not need, as trained models park it on a first token. Every
 * statistic counts it as a key. */
struct attn {
    size_t rows, cols;
    float *w;
    float *sink; /* rows weights on the null key, or NULL when there is none */
};

/* Allocates a rows x cols matrix of zeros. Returns -1 when out of memory or too large. */
int attn_init(struct attn *a, size_t rows, size_t cols);
/* Gives a the null key (zeros). Returns -1 when out of memory. */
int attn_add_sink(struct attn *a);
void attn_free(struct attn *a); /* leaves a zeroed; NULL data is fine */

static inline bool attn_masked(float v)
{
    return v != v;
}

/* For each position, how many times its code point occurred before it, capped at `cap` when
 * cap > 0. With both_sides, occurrences after it count too (the "before-after" task). */
int letter_counts(const uint32_t *cps, size_t n, int cap, bool both_sides, int *counts);

enum attn_mask { MASK_CAUSAL_STRICT, MASK_CAUSAL, MASK_NONE };
extern const char *const attn_mask_names[]; /* indexed by enum attn_mask, NULL-terminated */

/* Whether query i may attend to key j under mask m. */
bool attn_mask_allows(enum attn_mask m, size_t i, size_t j);

/* Synthetic letter-counting attention: score(i, j) = sharpness if cps[j] == cps[i] else 0, plus
 * `noise` times a uniform draw in [-1, 1) from a PRNG seeded with `seed`, then a softmax over the
 * keys the mask allows; disallowed cells are NaN. a must be n x n (see attn_init). When a has a
 * null key it scores sharpness / 2 (plus noise, drawn after the row's cells): a query whose
 * character has not occurred before puts most of its mass there, not on unrelated keys. */
void attn_letter_counting(struct attn *a, const uint32_t *cps, enum attn_mask m, double sharpness,
                          double noise, uint64_t seed);
/* The score attn_letter_counting gives the null key. */
double attn_null_score(double sharpness);

/* Masks (sets NaN) the cells m disallows; a must be square. */
void attn_apply_mask(struct attn *a, enum attn_mask m);
/* Whether every cell above the diagonal is exactly 0: a causal model's weights. */
bool attn_upper_zero(const struct attn *a);
/* Replaces each row's unmasked values (and its null key) by their softmax. */
void attn_softmax_rows(struct attn *a);
/* Index of the first row whose unmasked weights and null key do not sum to 1 within tol, or
 * -1. */
long attn_first_unnormalized_row(const struct attn *a, double tol, double *sum);

/* Entropy of row i over unmasked cells (0 log 0 = 0), in nats or bits; NaN for a fully masked row.
 */
double attn_entropy(const struct attn *a, size_t i, bool bits);
/* Fraction of row i's unmasked weights below threshold; NaN for a fully masked row. */
double attn_sparsity(const struct attn *a, size_t i, double threshold);
/* The weight query i puts on key j; j == cols is the null key. NaN when masked. */
float attn_key_weight(const struct attn *a, size_t i, size_t j);
/* The k highest unmasked keys of row i, highest first, ties to the lower index; the null key is
 * index cols. Writes at most k indices and returns how many. */
size_t attn_top_k(const struct attn *a, size_t i, size_t k, size_t *keys);
/* Mass query i puts on earlier keys j < i with cps[j] == cps[i]; NaN if there is none. */
double attn_same_char_mass(const struct attn *a, const uint32_t *cps, size_t i);
/* Mean of attn_same_char_mass over the rows where it is defined; NaN if none is. */
double attn_mean_same_char_mass(const struct attn *a, const uint32_t *cps);

/* A small deterministic PRNG (splitmix64), so every machine draws the same noise. */
uint64_t prng_next(uint64_t *state);
double prng_uniform(uint64_t *state); /* in [0, 1) */

#endif

/* hidden: statistics of hidden states through the layers — each token's vector at each layer
 * reduced to one number, the static form of following a token through the network. Plain
 * arrays in and out: no Cairo, no JSON, no I/O. The caller owns every array. */
#ifndef VIZGEN_HIDDEN_H
#define VIZGEN_HIDDEN_H

#include <stddef.h>

/* NORM: the vector's L2 norm. COSINE_LAST: its cosine similarity with the same token's vector
 * at the last layer (NaN where either is the zero vector). */
enum hidden_stat { HIDDEN_NORM, HIDDEN_COSINE_LAST, HIDDEN_STATS };
/* "norm", "cosine-to-last". */
extern const char *const hidden_stat_names[];

/* One layer's statistic for each token: v is that layer's [tokens][dim] in C order, last the
 * last layer's (for COSINE_LAST), out gets tokens values. A layer at a time, so a model's
 * hidden states never need to be in memory at once. Sums are in double, so a 4096-wide float32
 * vector loses nothing to its own length. */
void hidden_layer_stat(const float *v, const float *last, size_t tokens, size_t dim,
                       enum hidden_stat s, double *out);

#endif

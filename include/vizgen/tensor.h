/* tensor: a dense float32 array of rank 1 to 4 in C order — what the array readers (.npy, inline
 * JSON) produce and the numeric core consumes. Ownership: tensor_free releases data. */
#ifndef VIZGEN_TENSOR_H
#define VIZGEN_TENSOR_H

#include <stddef.h>

enum { TENSOR_MAX_RANK = 4 };

struct tensor {
    int rank;
    size_t shape[TENSOR_MAX_RANK];
    float *data; /* C order */
};

/* Elements in the array (the product of its shape). */
size_t tensor_size(const struct tensor *t);
void tensor_free(struct tensor *t); /* leaves t zeroed; a zeroed tensor is fine */

/* Limits checked before anything is allocated. */
struct tensor_limits {
    size_t max_elems; /* in the whole array */
    size_t max_panel; /* in its last two dimensions */
};

#endif

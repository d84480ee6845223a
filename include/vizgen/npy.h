/* npy: reading NumPy .npy arrays (format 1.0, 2.0, 3.0; float16/32/64; either byte order;
 * C or Fortran order; rank 1-4) into a C-order float32 tensor. No attention semantics here.
 * Ownership: tensor_free releases what npy_load allocated. */
#ifndef VIZGEN_NPY_H
#define VIZGEN_NPY_H

#include "vizgen/diag.h"

#include <stddef.h>

enum { TENSOR_MAX_RANK = 4 };

struct tensor {
    int rank;
    size_t shape[TENSOR_MAX_RANK];
    float *data; /* C order */
};

void tensor_free(struct tensor *t);
size_t tensor_size(const struct tensor *t);

/* Loads path. The declared shape is checked against the file size before anything is allocated,
 * and its element count against max_elems. Errors read "PATH: error: ...". */
int npy_load(const char *path, size_t max_elems, struct tensor *t, struct diag *d);

#endif

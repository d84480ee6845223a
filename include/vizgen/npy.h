/* npy: reading NumPy .npy arrays (format 1.0, 2.0, 3.0; float16/32/64; either byte order;
 * C or Fortran order; rank 1-4) into a C-order float32 tensor. No attention semantics here.
 * Ownership: tensor_free releases what npy_load allocated. */
#ifndef VIZGEN_NPY_H
#define VIZGEN_NPY_H

#include "vizgen/diag.h"

#include <stddef.h>
#include <stdio.h>

enum { TENSOR_MAX_RANK = 4 };

struct tensor {
    int rank;
    size_t shape[TENSOR_MAX_RANK];
    float *data; /* C order */
};

void tensor_free(struct tensor *t);
size_t tensor_size(const struct tensor *t);

struct npy_limits {
    size_t max_elems; /* in the whole array */
    size_t max_panel; /* in its last two dimensions */
};

/* Loads path. The declared shape is checked against the limits and the file size before anything
 * is allocated. Errors read "PATH: error: ...". */
int npy_load(const char *path, const struct npy_limits *lim, struct tensor *t, struct diag *d);
/* The same from an open stream of `size` bytes; `name` stands for it in messages. */
int npy_read(FILE *f, size_t size, const char *name, const struct npy_limits *lim, struct tensor *t,
             struct diag *d);

#endif

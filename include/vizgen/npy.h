/* npy: reading NumPy .npy arrays (format 1.0, 2.0, 3.0; float16/32/64; either byte order;
 * C or Fortran order; rank 1-4) into a C-order float32 tensor. No attention semantics here.
 * Ownership: tensor_free releases what npy_load allocated. */
#ifndef VIZGEN_NPY_H
#define VIZGEN_NPY_H

#include "vizgen/diag.h"
#include "vizgen/tensor.h"

#include <stddef.h>
#include <stdio.h>

/* Loads path. The declared shape is checked against the limits and the file size before anything
 * is allocated. Errors name the file. */
int npy_load(const char *path, const struct tensor_limits *lim, struct tensor *t, struct diag *d);
/* The same from an open stream of `size` bytes; `name` stands for it in messages. */
int npy_read(FILE *f, size_t size, const char *name, const struct tensor_limits *lim,
             struct tensor *t, struct diag *d);

#endif

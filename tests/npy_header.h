/* npy_header: the header of a little-endian float32 .npy in C order, for tests and the
 * benchmark, which then write the data after it however suits them. */
#ifndef VIZGEN_TEST_NPY_HEADER_H
#define VIZGEN_TEST_NPY_HEADER_H

#include <stddef.h>
#include <stdio.h>

/* Writes a format 1.0 header for `shape` (rank at most 4) padded to 64 bytes, as NumPy does. */
void npy_header_write(FILE *f, const size_t *shape, int rank);

#endif

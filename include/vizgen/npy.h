/* npy: reading NumPy .npy arrays (format 1.0, 2.0, 3.0; float16/32/64; either byte order;
 * C or Fortran order; rank 1-4). The header is parsed as the Python dict literal it is; the
 * data is read a range at a time, straight into the caller's floats, so showing one head of a
 * 1 GiB array reads that head. No attention semantics here.
 * Ownership: npy_open's file is released by npy_close; npy_load's tensor by tensor_free. */
#ifndef VIZGEN_NPY_H
#define VIZGEN_NPY_H

#include "vizgen/diag.h"
#include "vizgen/tensor.h"

#include <stdbool.h>
#include <stddef.h>

struct npy_file {
    char *name;                /* for messages */
    const unsigned char *data; /* the array's bytes in memory, or NULL: read them from fd */
    int fd;                    /* the open file, or -1 */
    size_t offset;             /* of the data in the file */
    void *map;                 /* a Fortran-ordered file, mapped for random access, or NULL */
    size_t map_len;
    int rank;
    size_t shape[TENSOR_MAX_RANK];
    size_t n;     /* elements */
    int itemsize; /* 2, 4 or 8 */
    bool big_endian, fortran;
};

/* Opens path: header parsed and checked against the limits and the file's size; nothing of
 * the data is read yet. Errors name the file. */
int npy_open(const char *path, const struct tensor_limits *lim, struct npy_file *f, struct diag *d);
/* The same over len bytes in memory, which must outlive f; name stands for them. */
int npy_open_buffer(const unsigned char *buf, size_t len, const char *name,
                    const struct tensor_limits *lim, struct npy_file *f, struct diag *d);
void npy_close(struct npy_file *f);

/* Elements [start, start + count) in C order, as float32, into dst. Fails on a value float32
 * cannot hold (a float64 1e300), naming its index. */
int npy_read_range(const struct npy_file *f, size_t start, size_t count, float *dst,
                   struct diag *d);

/* The whole array as a tensor: npy_open, then every element. */
int npy_load(const char *path, const struct tensor_limits *lim, struct tensor *t, struct diag *d);

#endif

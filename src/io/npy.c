/* npy: the header is a Python dict literal; we parse just the three keys NumPy always writes. */
#include "vizgen/npy.h"

#include "vizgen/input.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct header {
    char order;   /* '<' little, '>' big, '|' not applicable */
    int itemsize; /* 2, 4 or 8 */
    int fortran;
    int rank;
    size_t shape[TENSOR_MAX_RANK];
};

/* Finds 'key': in the dict text and returns a pointer just past the colon and spaces. */
static const char *find_key(const char *h, const char *key)
{
    char pat[32];
    snprintf(pat, sizeof pat, "'%s'", key);
    const char *p = strstr(h, pat);
    if (!p)
        return NULL;
    p += strlen(pat);
    while (*p == ' ')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

static int parse_header(const char *path, const char *h, struct header *hd, struct diag *d)
{
    const char *p = find_key(h, "descr");
    if (!p || *p != '\'')
        return diag_in(d, VZ_EINPUT, path, "npy header has no 'descr'");
    p++;
    const char *end = strchr(p, '\'');
    if (!end)
        return diag_in(d, VZ_EINPUT, path, "npy header has a malformed 'descr'");
    char descr[16];
    size_t dl = (size_t)(end - p);
    snprintf(descr, sizeof descr, "%.*s", (int)(dl < 15 ? dl : 15), p);
    if (dl != 3 || !strchr("<>=|", descr[0]) || descr[1] != 'f' || !strchr("248", descr[2]))
        return diag_in(d, VZ_EINPUT, path,
                       "unsupported dtype '%s' (expected float16, float32 or float64)", descr);
    hd->itemsize = descr[2] - '0';
    /* '=' is native order; every machine we run on is little-endian, as is NumPy's default. */
    hd->order = descr[0] == '>' ? '>' : '<';

    p = find_key(h, "fortran_order");
    if (p && strncmp(p, "True", 4) == 0)
        hd->fortran = 1;
    else if (p && strncmp(p, "False", 5) == 0)
        hd->fortran = 0;
    else
        return diag_in(d, VZ_EINPUT, path, "npy header has no valid 'fortran_order'");

    p = find_key(h, "shape");
    if (!p || *p != '(')
        return diag_in(d, VZ_EINPUT, path, "npy header has no valid 'shape'");
    p++;
    hd->rank = 0;
    for (;;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        if (*p < '0' || *p > '9')
            return diag_in(d, VZ_EINPUT, path, "npy header has a malformed 'shape'");
        if (hd->rank == TENSOR_MAX_RANK)
            return diag_in(d, VZ_EINPUT, path,
                           "arrays of rank 1 to %d are supported, this one has more dimensions",
                           TENSOR_MAX_RANK);
        errno = 0;
        char *e;
        unsigned long long v = strtoull(p, &e, 10);
        if (errno || v > SIZE_MAX)
            return diag_in(d, VZ_EINPUT, path, "npy shape dimension too large");
        hd->shape[hd->rank++] = (size_t)v;
        p = e;
    }
    if (hd->rank == 0)
        return diag_in(d, VZ_EINPUT, path, "npy array is a scalar, expected 1 to 4 dimensions");
    return VZ_OK;
}

static float half_to_float(uint16_t h)
{
    int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    double v;
    if (exp == 0)
        v = ldexp(mant, -24);
    else if (exp == 31)
        v = mant ? NAN : INFINITY;
    else
        v = ldexp(mant + 1024, exp - 25);
    return (float)((h & 0x8000) ? -v : v);
}

/* Converts n raw elements at src (any dtype/order) into floats at dst. dst may alias src only
 * when the item size is 4, which is converted in place. */
static void convert(const unsigned char *src, float *dst, size_t n, const struct header *hd)
{
    const int big = hd->order == '>';
    const uint32_t probe = 1;
    unsigned char host_little;
    memcpy(&host_little, &probe, 1);
    if (hd->itemsize == 4 && big != host_little) {
        /* Already floats in this machine's byte order: most .npy files, converted in place. */
        if ((const void *)src != (const void *)dst)
            memcpy(dst, src, n * sizeof *dst);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *b = src + i * (size_t)hd->itemsize;
        uint64_t u = 0;
        for (int k = 0; k < hd->itemsize; k++) {
            int shift = big ? 8 * (hd->itemsize - 1 - k) : 8 * k;
            u |= (uint64_t)b[k] << shift;
        }
        if (hd->itemsize == 2) {
            dst[i] = half_to_float((uint16_t)u);
        } else if (hd->itemsize == 4) {
            uint32_t u32 = (uint32_t)u;
            float f;
            memcpy(&f, &u32, 4);
            dst[i] = f;
        } else {
            double f;
            memcpy(&f, &u, 8);
            dst[i] = (float)f;
        }
    }
}

/* Reverses the axis order of Fortran-ordered data into C order. */
static int fortran_to_c(struct tensor *t)
{
    size_t n = tensor_size(t);
    float *out = malloc(n * sizeof *out);
    if (!out)
        return -1;
    size_t idx[TENSOR_MAX_RANK] = {0};
    for (size_t f = 0; f < n; f++) {
        /* f walks Fortran order: first axis fastest. Compute the C offset of idx. */
        size_t c = 0;
        for (int a = 0; a < t->rank; a++)
            c = c * t->shape[a] + idx[a];
        out[c] = t->data[f];
        for (int a = 0; a < t->rank; a++) {
            if (++idx[a] < t->shape[a])
                break;
            idx[a] = 0;
        }
    }
    free(t->data);
    t->data = out;
    return 0;
}

int npy_load(const char *path, const struct tensor_limits *lim, struct tensor *t, struct diag *d)
{
    memset(t, 0, sizeof *t);
    struct stat st;
    FILE *f = input_open(path, "an .npy file", &st, d);
    if (!f)
        return d->status;
    int rc = npy_read(f, (size_t)st.st_size, path, lim, t, d);
    fclose(f);
    return rc;
}

int npy_read(FILE *f, size_t size, const char *path, const struct tensor_limits *lim,
             struct tensor *t, struct diag *d)
{
    memset(t, 0, sizeof *t);
    int rc = VZ_OK;
    char *h = NULL;
    unsigned char *raw = NULL;
    unsigned char pre[12];
    if (fread(pre, 1, 8, f) != 8 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        rc = diag_in(d, VZ_EINPUT, path, "not a .npy file (bad magic)");
        goto done;
    }
    int major = pre[6];
    size_t hlen, pre_len;
    if (major == 1) {
        if (fread(pre + 8, 1, 2, f) != 2)
            goto truncated;
        hlen = pre[8] | (size_t)pre[9] << 8;
        pre_len = 10;
    } else if (major == 2 || major == 3) {
        if (fread(pre + 8, 1, 4, f) != 4)
            goto truncated;
        hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        pre_len = 12;
    } else {
        rc = diag_in(d, VZ_EINPUT, path, "unsupported .npy format version %d", major);
        goto done;
    }
    if (hlen > 1 << 20 || pre_len + hlen > size)
        goto truncated;
    h = malloc(hlen + 1);
    if (!h) {
        rc = diag_oom(d);
        goto done;
    }
    if (fread(h, 1, hlen, f) != hlen)
        goto truncated;
    h[hlen] = '\0';
    struct header hd = {0};
    if ((rc = parse_header(path, h, &hd, d)))
        goto done;
    size_t n = 1;
    for (int i = 0; i < hd.rank; i++) {
        if (hd.shape[i] == 0) {
            rc = diag_in(d, VZ_EINPUT, path, "array has an empty dimension");
            goto done;
        }
        if (n > SIZE_MAX / hd.shape[i] || n * hd.shape[i] > lim->max_elems) {
            rc = diag_in(d, VZ_EINPUT, path, "array has more than %zu elements", lim->max_elems);
            goto done;
        }
        n *= hd.shape[i];
    }
    if (hd.rank >= 2) {
        size_t q = hd.shape[hd.rank - 2], k = hd.shape[hd.rank - 1];
        if (q * k > lim->max_panel) {
            rc = diag_in(
                d, VZ_EINPUT, path,
                "%zux%zu is %zu cells, over the limit of %zu per panel (raise it with --max-cells)",
                q, k, q * k, lim->max_panel);
            goto done;
        }
    }
    size_t want = n * (size_t)hd.itemsize, have = size - pre_len - hlen;
    if (have != want) {
        rc = diag_in(d, VZ_EINPUT, path, "header declares %zu bytes of data, file has %zu", want,
                     have);
        goto done;
    }
    t->rank = hd.rank;
    memcpy(t->shape, hd.shape, sizeof hd.shape);
    t->data = malloc(n * sizeof(float));
    if (!t->data) {
        rc = diag_oom(d);
        goto done;
    }
    if (hd.itemsize == 4) {
        /* Read straight into place and convert in place: the matrix exists once. */
        if (fread(t->data, 4, n, f) != n)
            goto truncated;
        convert((unsigned char *)t->data, t->data, n, &hd);
    } else {
        enum { CHUNK = 1 << 16 };
        raw = malloc((size_t)CHUNK * (size_t)hd.itemsize);
        if (!raw) {
            rc = diag_oom(d);
            goto done;
        }
        for (size_t at = 0; at < n; at += CHUNK) {
            size_t k = n - at < CHUNK ? n - at : CHUNK;
            if (fread(raw, (size_t)hd.itemsize, k, f) != k)
                goto truncated;
            convert(raw, t->data + at, k, &hd);
        }
    }
    if (hd.fortran && hd.rank > 1 && fortran_to_c(t) != 0) {
        rc = diag_oom(d);
        goto done;
    }
    goto done;
truncated:
    rc = diag_in(d, VZ_EINPUT, path, "file is truncated");
done:
    if (rc)
        tensor_free(t);
    free(raw);
    free(h);
    return rc;
}

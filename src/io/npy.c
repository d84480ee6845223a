/* npy: the header is a Python dict literal with exactly the keys NumPy writes ('descr',
 * 'fortran_order', 'shape'), parsed as one; the data is mapped and converted on demand. */
#define _DEFAULT_SOURCE /* MAP_* */
#include "vizgen/npy.h"

#include "vizgen/input.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

/* The most of a file read to find its header: the preamble and NumPy's 1 MiB header cap. */
enum { HEAD_MAX = 12 + (1 << 20) };

/* --- the header: a small parser for the dict literal NumPy writes --- */

struct cursor {
    const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool eat(struct cursor *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A quoted Python string ('...' or "..."), copied into buf; false if there is none. */
static bool parse_string(struct cursor *c, char *buf, size_t size)
{
    skip_ws(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return false;
    char quote = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != quote) {
        if (n + 1 < size)
            buf[n++] = *c->p;
        c->p++;
    }
    buf[n] = '\0';
    if (c->p >= c->end)
        return false;
    c->p++;
    return true;
}

/* Skips any other value (a list, a nested tuple, a number), keeping its text for messages. */
static bool skip_value(struct cursor *c, char *text, size_t size)
{
    skip_ws(c);
    const char *start = c->p;
    int depth = 0;
    while (c->p < c->end) {
        char ch = *c->p;
        if (ch == '\'' || ch == '"') {
            char tmp[2];
            if (!parse_string(c, tmp, sizeof tmp))
                return false;
            continue;
        }
        if (ch == '(' || ch == '[' || ch == '{')
            depth++;
        else if (ch == ')' || ch == ']' || ch == '}') {
            if (depth == 0)
                break;
            depth--;
        } else if (ch == ',' && depth == 0)
            break;
        c->p++;
    }
    snprintf(text, size, "%.*s", (int)(c->p - start < 60 ? c->p - start : 60), start);
    return depth == 0 && c->p > start;
}

struct header {
    char descr[64];
    bool structured; /* descr was a list: a record dtype */
    int fortran;     /* -1 until read */
    int rank;        /* -1 until read */
    size_t shape[TENSOR_MAX_RANK];
};

static int bad_header(const char *name, const char *what, struct diag *d)
{
    return diag_in(d, VZ_EINPUT, name, "npy header %s", what);
}

static int parse_shape(struct cursor *c, struct header *h, const char *name, struct diag *d)
{
    if (!eat(c, '('))
        return bad_header(name, "has no valid 'shape'", d);
    h->rank = 0;
    while (!eat(c, ')')) {
        skip_ws(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return bad_header(name, "has a malformed 'shape'", d);
        if (h->rank == TENSOR_MAX_RANK)
            return diag_in(d, VZ_EINPUT, name,
                           "arrays of rank 1 to %d are supported, this one has more dimensions",
                           TENSOR_MAX_RANK);
        unsigned long long v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            if (v > (SIZE_MAX - 9) / 10)
                return diag_in(d, VZ_EINPUT, name, "npy shape dimension too large");
            v = v * 10 + (unsigned)(*c->p++ - '0');
        }
        h->shape[h->rank++] = (size_t)v;
        if (!eat(c, ',') && (skip_ws(c), c->p >= c->end || *c->p != ')'))
            return bad_header(name, "has a malformed 'shape'", d);
    }
    return VZ_OK;
}

static int parse_header(const char *text, size_t len, const char *name, struct header *h,
                        struct diag *d)
{
    struct cursor c = {text, text + len};
    *h = (struct header){.fortran = -1, .rank = -1};
    bool seen_descr = false;
    if (!eat(&c, '{'))
        return bad_header(name, "is not a Python dict", d);
    while (!eat(&c, '}')) {
        char key[32], other[64];
        if (!parse_string(&c, key, sizeof key) || !eat(&c, ':'))
            return bad_header(name, "is not a Python dict", d);
        bool dup = (strcmp(key, "descr") == 0 && seen_descr) ||
                   (strcmp(key, "fortran_order") == 0 && h->fortran >= 0) ||
                   (strcmp(key, "shape") == 0 && h->rank >= 0);
        if (dup)
            return diag_in(d, VZ_EINPUT, name, "npy header gives '%s' twice", key);
        int rc = VZ_OK;
        if (strcmp(key, "descr") == 0) {
            seen_descr = true;
            if (!parse_string(&c, h->descr, sizeof h->descr)) {
                if (!skip_value(&c, other, sizeof other))
                    return bad_header(name, "has a malformed 'descr'", d);
                h->structured = true;
                snprintf(h->descr, sizeof h->descr, "%s", other);
            }
        } else if (strcmp(key, "fortran_order") == 0) {
            skip_ws(&c);
            if ((size_t)(c.end - c.p) >= 4 && strncmp(c.p, "True", 4) == 0)
                h->fortran = 1, c.p += 4;
            else if ((size_t)(c.end - c.p) >= 5 && strncmp(c.p, "False", 5) == 0)
                h->fortran = 0, c.p += 5;
            else
                return bad_header(name, "has no valid 'fortran_order'", d);
        } else if (strcmp(key, "shape") == 0) {
            rc = parse_shape(&c, h, name, d);
        } else {
            return diag_in(d, VZ_EINPUT, name, "npy header has a key NumPy does not write: '%s'",
                           key);
        }
        if (rc)
            return rc;
        if (!eat(&c, ',') && (skip_ws(&c), c.p >= c.end || *c.p != '}'))
            return bad_header(name, "is not a Python dict", d);
    }
    if (!seen_descr)
        return bad_header(name, "has no 'descr'", d);
    if (h->fortran < 0)
        return bad_header(name, "has no valid 'fortran_order'", d);
    if (h->rank < 0)
        return bad_header(name, "has no valid 'shape'", d);
    if (h->rank == 0)
        return diag_in(d, VZ_EINPUT, name, "npy array is a scalar, expected 1 to 4 dimensions");
    return VZ_OK;
}

/* --- the data --- */

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

/* The stored element at storage position k, as a double. */
static double element(const struct npy_file *f, size_t k)
{
    const unsigned char *b = f->data + k * (size_t)f->itemsize;
    uint64_t u = 0;
    for (int i = 0; i < f->itemsize; i++)
        u |= (uint64_t)b[i] << (f->big_endian ? 8 * (f->itemsize - 1 - i) : 8 * i);
    if (f->itemsize == 2)
        return half_to_float((uint16_t)u);
    if (f->itemsize == 4) {
        uint32_t u32 = (uint32_t)u;
        float v;
        memcpy(&v, &u32, 4);
        return v;
    }
    double v;
    memcpy(&v, &u, 8);
    return v;
}

/* Where the element at C-order index e is stored: e itself, or its Fortran-order position. */
static size_t storage_index(const struct npy_file *f, size_t e)
{
    if (!f->fortran)
        return e;
    size_t k = 0, stride = 1, idx[TENSOR_MAX_RANK];
    for (int a = f->rank - 1; a >= 0; a--) {
        idx[a] = e % f->shape[a];
        e /= f->shape[a];
    }
    for (int a = 0; a < f->rank; a++) {
        k += idx[a] * stride;
        stride *= f->shape[a];
    }
    return k;
}

static void index_name(const struct npy_file *f, size_t e, char *buf, size_t size)
{
    size_t idx[TENSOR_MAX_RANK], used = 0;
    for (int a = f->rank - 1; a >= 0; a--) {
        idx[a] = e % f->shape[a];
        e /= f->shape[a];
    }
    buf[0] = '\0';
    for (int a = 0; a < f->rank && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, "[%zu]", idx[a]);
}

/* v as float32 into *out, or an error naming element `index` when float32 cannot hold it. */
static int store_float(const struct npy_file *f, size_t index, double v, float *out, struct diag *d)
{
    if (isfinite(v) && fabs(v) > FLT_MAX) {
        char at[96];
        index_name(f, index, at, sizeof at);
        return diag_in(d, VZ_EINPUT, f->name, "value at %s is %g, more than a float32 holds (%g)",
                       at, v, FLT_MAX);
    }
    *out = (float)v;
    return VZ_OK;
}

/* Converts count stored elements (C order, from C index start) at src into dst. */
static int convert_run(const struct npy_file *f, const unsigned char *src, size_t start,
                       size_t count, float *dst, struct diag *d)
{
    struct npy_file view = *f;
    view.data = src;
    for (size_t i = 0; i < count; i++) {
        double v = element(&view, i);
        if (store_float(f, start + i, v, &dst[i], d))
            return VZ_EINPUT;
    }
    return VZ_OK;
}

/* Reads n bytes at offset of the file, all of them. */
static int read_at(const struct npy_file *f, void *dst, size_t n, size_t offset, struct diag *d)
{
    for (size_t got = 0; got < n;) {
        ssize_t k = pread(f->fd, (char *)dst + got, n - got, (off_t)(offset + got));
        if (k <= 0)
            return diag_in(d, VZ_EIO, f->name, "read failed: %s",
                           k == 0 ? "file is truncated" : strerror(errno));
        got += (size_t)k;
    }
    return VZ_OK;
}

int npy_read_range(const struct npy_file *f, size_t start, size_t count, float *dst, struct diag *d)
{
    static const uint32_t probe = 1;
    unsigned char little;
    memcpy(&little, &probe, 1);
    bool native = f->itemsize == 4 && !f->fortran && f->big_endian != (bool)little;
    if (!f->data) {
        /* From the file: floats in this machine's order go straight into dst (one copy, no
         * page of the file kept); others through a buffer, a run at a time. */
        size_t at = f->offset + start * (size_t)f->itemsize;
        if (native)
            return read_at(f, dst, count * 4, at, d);
        enum { RUN = 1 << 14 };
        unsigned char buf[RUN * 8];
        for (size_t done = 0; done < count;) {
            size_t k = count - done < RUN ? count - done : RUN;
            int rc = read_at(f, buf, k * (size_t)f->itemsize, at + done * (size_t)f->itemsize, d);
            if (rc || (rc = convert_run(f, buf, start + done, k, dst + done, d)))
                return rc;
            done += k;
        }
        return VZ_OK;
    }
    if (native) {
        memcpy(dst, f->data + start * 4, count * 4);
        return VZ_OK;
    }
    if (!f->fortran)
        return convert_run(f, f->data + start * (size_t)f->itemsize, start, count, dst, d);
    for (size_t i = 0; i < count; i++) {
        double v = element(f, storage_index(f, start + i));
        if (store_float(f, start + i, v, &dst[i], d))
            return VZ_EINPUT;
    }
    return VZ_OK;
}

/* --- opening --- */

/* Reads the preamble and header at buf (head bytes of a file of len bytes) into f and sets
 * f->offset; nothing of the data is looked at. */
static int read_header(const unsigned char *buf, size_t head, size_t len, const char *name,
                       const struct tensor_limits *lim, struct npy_file *f, struct diag *d)
{
    int rc = VZ_EINPUT;
    if (len < 6 || memcmp(buf, "\x93NUMPY", 6) != 0)
        return diag_in(d, VZ_EINPUT, name, "not a .npy file (bad magic)");
    if (len < 10)
        goto truncated;
    int major = buf[6];
    size_t pre = major == 1 ? 10 : 12, hlen;
    if (major < 1 || major > 3) {
        rc = diag_in(d, VZ_EINPUT, name, "unsupported .npy format version %d", major);
        goto fail;
    }
    if (head < pre)
        goto truncated;
    hlen = major == 1 ? (size_t)(buf[8] | buf[9] << 8)
                      : (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 |
                            (size_t)buf[11] << 24;
    if (hlen > 1 << 20 || pre + hlen > head)
        goto truncated;
    struct header h;
    if ((rc = parse_header((const char *)buf + pre, hlen, name, &h, d)))
        goto fail;
    bool known = !h.structured && strlen(h.descr) == 3 && strchr("<>=|", h.descr[0]) &&
                 h.descr[1] == 'f' && strchr("248", h.descr[2]);
    if (!known) {
        rc = diag_in(d, VZ_EINPUT, name,
                     h.structured ? "unsupported dtype: a structured array (%s), expected "
                                    "float16, float32 or float64"
                                  : "unsupported dtype '%s' (expected float16, float32 or "
                                    "float64)",
                     h.descr);
        goto fail;
    }
    f->itemsize = h.descr[2] - '0';
    /* '=' is native order; every machine we run on is little-endian, as is NumPy's default. */
    f->big_endian = h.descr[0] == '>';
    f->fortran = h.fortran == 1;
    f->rank = h.rank;
    memcpy(f->shape, h.shape, sizeof h.shape);
    f->n = 1;
    for (int i = 0; i < h.rank; i++) {
        if (h.shape[i] == 0) {
            rc = diag_in(d, VZ_EINPUT, name, "array has an empty dimension");
            goto fail;
        }
        if (f->n > SIZE_MAX / 8 / h.shape[i]) {
            rc = diag_in(d, VZ_EINPUT, name, "array shape is larger than any file can hold");
            goto fail;
        }
        if (f->n * h.shape[i] > lim->max_elems) {
            rc = diag_in(d, VZ_EINPUT, name, "array has more than %zu elements", lim->max_elems);
            goto fail;
        }
        f->n *= h.shape[i];
    }
    if (h.rank >= 2) {
        size_t q = h.shape[h.rank - 2], k = h.shape[h.rank - 1];
        if (q * k > lim->max_panel) {
            rc = diag_in(d, VZ_EINPUT, name,
                         "%zux%zu is %zu cells, over the limit of %zu per panel (raise it with "
                         "--max-cells)",
                         q, k, q * k, lim->max_panel);
            goto fail;
        }
    }
    size_t want = f->n * (size_t)f->itemsize, have = len - pre - hlen;
    if (have != want) {
        rc = diag_in(d, VZ_EINPUT, name, "header declares %zu bytes of data, file has %zu", want,
                     have);
        goto fail;
    }
    f->offset = pre + hlen;
    return VZ_OK;
truncated:
    return diag_in(d, VZ_EINPUT, name, "file is truncated");
fail:
    return rc;
}

int npy_open_buffer(const unsigned char *buf, size_t len, const char *name,
                    const struct tensor_limits *lim, struct npy_file *f, struct diag *d)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    if (!(f->name = strdup(name)))
        return diag_oom(d);
    int rc = read_header(buf, len, len, name, lim, f, d);
    if (rc) {
        npy_close(f);
        return rc;
    }
    f->data = buf + f->offset;
    return VZ_OK;
}

int npy_open(const char *path, const struct tensor_limits *lim, struct npy_file *f, struct diag *d)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    struct stat st;
    FILE *in = input_open(path, "an .npy file", &st, d);
    if (!in)
        return d->status;
    size_t len = (size_t)st.st_size, head = len < HEAD_MAX ? len : HEAD_MAX;
    unsigned char *buf = malloc(head ? head : 1);
    int rc = VZ_OK;
    if (!buf || !(f->name = strdup(path)))
        rc = diag_oom(d);
    else if (pread(fileno(in), buf, head, 0) != (ssize_t)head)
        rc = diag_in(d, VZ_EIO, path, "read failed: %s", strerror(errno));
    else
        rc = read_header(buf, head, len, path, lim, f, d);
    free(buf);
    if (!rc && (f->fd = dup(fileno(in))) < 0)
        rc = diag_in(d, VZ_EIO, path, "cannot read: %s", strerror(errno));
    fclose(in);
    if (!rc && f->fortran) {
        /* Fortran order gathers from all over the file: map it, once. */
        f->map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, f->fd, 0);
        if (f->map == MAP_FAILED) {
            f->map = NULL;
            rc = diag_in(d, VZ_EIO, path, "cannot map the file");
        } else {
            f->map_len = len;
            f->data = (const unsigned char *)f->map + f->offset;
        }
    }
    if (rc)
        npy_close(f);
    return rc;
}

void npy_close(struct npy_file *f)
{
    if (f->map)
        munmap(f->map, f->map_len);
    if (f->fd >= 0)
        close(f->fd);
    free(f->name);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

int npy_load(const char *path, const struct tensor_limits *lim, struct tensor *t, struct diag *d)
{
    memset(t, 0, sizeof *t);
    struct npy_file f;
    int rc = npy_open(path, lim, &f, d);
    if (rc)
        return rc;
    t->rank = f.rank;
    memcpy(t->shape, f.shape, sizeof f.shape);
    if (!(t->data = malloc(f.n * sizeof *t->data)))
        rc = diag_oom(d);
    else if ((rc = npy_read_range(&f, 0, f.n, t->data, d)))
        tensor_free(t);
    npy_close(&f);
    return rc;
}

/* png: PNG encoding and reading through libpng. vizgen's part is choosing each row's filter by
 * its content, deflating the image data on two threads with zlib (idat.c), and setting libpng up
 * so that the same pixels always give the same bytes. */
#include "vizgen/png.h"

#include "idat.h"
#include "vizgen/input.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Compression, measured on the three default figures (KB, and callgrind instructions for the
 * whole heatmap render): level 3 with a small hash (memory level 6) gives 48.3 / 45.8 / 62.8 KB
 * in 106 M, as fast as vizgen's own two-thread writer was; level 4 gives 42.6 / 33.8 / 59.5 KB
 * but takes 191 M, and level 6 219 M. Z_FILTERED is larger at every level, Z_RLE three times
 * larger, since text rows need real matching. */
enum { ZLIB_LEVEL = 3, ZLIB_STRATEGY = 0 /* Z_DEFAULT_STRATEGY */, ZLIB_MEM_LEVEL = 6 };

/* Cairo's pixels of a row as 8-bit RGB or RGBA samples, in place: sample x is written over
 * bytes a pixel before or at pixel x, which has been read by then. */
static void pack_row(unsigned char *row, int w, bool alpha)
{
    const uint32_t *src = (const uint32_t *)(const void *)row;
    unsigned char *dst = row;
    if (!alpha) {
        /* The common case, kept to three shifts a pixel: it was a third of a render. */
        for (int x = 0; x < w; x++) {
            uint32_t p = src[x];
            dst[0] = (unsigned char)(p >> 16);
            dst[1] = (unsigned char)(p >> 8);
            dst[2] = (unsigned char)p;
            dst += 3;
        }
        return;
    }
    for (int x = 0; x < w; x++) {
        uint32_t p = src[x];
        unsigned a = p >> 24;
        unsigned c[3] = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
        for (int k = 0; k < 3; k++)
            /* Cairo premultiplies by alpha; PNG does not. */
            *dst++ = (unsigned char)(a == 255 ? c[k] : a ? (c[k] * 255 + a / 2) / a : 0);
        *dst++ = (unsigned char)a;
    }
}

/* Up when the row repeats the one above but for fewer than one byte in 40 (the body of a bar,
 * a row of heatmap cells): its differences are runs of zeros. Other rows (text, curves) compress
 * better unfiltered, because their shapes recur elsewhere in the image. Measured against
 * libpng's own sum-of-differences heuristic, this is smaller on all three default figures, and
 * it costs one comparison pass over the row. */
static int choose_filter(const unsigned char *cur, const unsigned char *prev, size_t rb)
{
    size_t limit = rb / 40, differ = 0, at = 0;
    /* Eight bytes at a time: GCC does not vectorise the byte loop at -O2. */
    const uint64_t high = 0x8080808080808080ULL, low7 = ~high, ones = 0x0101010101010101ULL;
    for (; differ < limit && at + 8 <= rb; at += 8) {
        uint64_t a, b;
        memcpy(&a, cur + at, 8);
        memcpy(&b, prev + at, 8);
        uint64_t x = a ^ b;
        if (x) {
            /* High bit of each byte of `zero` set where that byte of x is zero. */
            uint64_t zero = ~(((x & low7) + low7) | x | low7);
            differ += 8 - (size_t)(((zero >> 7) * ones) >> 56);
        }
    }
    for (; differ < limit && at < rb; at++)
        differ += cur[at] != prev[at];
    return differ < limit ? PNG_FILTER_UP : PNG_FILTER_NONE;
}

void png_prepare_rows(unsigned char *data, size_t stride, int n, int w, bool alpha,
                      const unsigned char *prev, unsigned char *filters)
{
    size_t rb = (size_t)w * (alpha ? 4 : 3);
    for (int i = 0; i < n; i++) {
        unsigned char *row = data + (size_t)i * stride;
        pack_row(row, w, alpha);
        filters[i] = (unsigned char)(prev ? choose_filter(row, prev, rb) : PNG_FILTER_NONE);
        prev = row;
    }
}

/* libpng's message, kept for the diagnostic (the error pointer is a buffer of ERROR_LEN). */
enum { ERROR_LEN = 160 };

static void on_png_error(png_structp png, png_const_charp msg)
{
    char *buf = png_get_error_ptr(png);
    if (buf)
        snprintf(buf, ERROR_LEN, "%s", msg);
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

struct writer {
    png_row_fn row;
    void *ctx;
    int w, h;
    bool alpha;
    struct idat *idat;
};

/* The whole encode; 0 on success. Everything libpng allocates is released by the caller's
 * png_destroy_write_struct and rows belong to the row source, so a longjmp here leaks nothing. */
static int encode(png_structp png, png_infop info, FILE *f, const struct writer *e, double dpi,
                  const struct png_text *texts, int n_texts)
{
    const int nt = n_texts < 4 ? n_texts : 4;
    if (setjmp(png_jmpbuf(png)))
        return -1;
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)e->w, (png_uint_32)e->h, 8,
                 e->alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_text t[4];
    for (int i = 0; i < nt; i++) {
        memset(&t[i], 0, sizeof t[i]);
        t[i].key = (png_charp)texts[i].key;
        t[i].text = (png_charp)texts[i].value;
        t[i].text_length = strlen(texts[i].value);
        t[i].compression = texts[i].utf8 ? PNG_ITXT_COMPRESSION_zTXt : PNG_TEXT_COMPRESSION_NONE;
    }
    png_set_text(png, info, t, nt);
    png_set_text_compression_level(png, 9);
    png_write_info(png, info);
    /* The image data deflated by idat, on two threads, and written as chunks through libpng. */
    for (int y = 0; y < e->h; y++) {
        struct png_row r = e->row(e->ctx, y);
        if (!r.samples)
            png_error(png, "the image could not be drawn");
        idat_row(e->idat, png, y, r.samples, r.filter == PNG_FILTER_UP ? 2 : 0);
    }
    idat_finish(e->idat, png);
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_write_flush(png);
    return 0;
}

int png_encode_rows(FILE *f, const char *name, int w, int h, bool alpha, png_row_fn row, void *ctx,
                    double dpi, const struct png_text *texts, int n_texts, struct diag *d)
{
    struct writer e = {
        row,
        ctx,
        w,
        h,
        alpha,
        idat_start((size_t)w * (alpha ? 4 : 3), h, ZLIB_LEVEL, ZLIB_MEM_LEVEL, ZLIB_STRATEGY)};
    int rc = VZ_OK;
    char why[ERROR_LEN] = "";
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, why, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    errno = 0;
    if (!png || !info || !e.idat)
        rc = diag_oom(d);
    else if (encode(png, info, f, &e, dpi, texts, n_texts) != 0 && ferror(f))
        /* What the disk said (a full disk is ENOSPC), not libpng's "Write Error". */
        rc = diag_in(d, VZ_EIO, name, "write failed: %s", strerror(errno ? errno : EIO));
    else if (why[0])
        rc = diag_in(d, VZ_EIO, name, "PNG encoding failed: %s", why);
    png_destroy_write_struct(&png, &info);
    idat_free(e.idat);
    return rc;
}

/* The most memory one chunk may take when read back, decompressed: vizgen embeds at most a
 * 1 MiB spec, so anything near this is not a figure it wrote. */
enum { MAX_CHUNK_BYTES = 8 << 20 };

int png_embedded_text(const char *path, const char *key, char **out, struct diag *d)
{
    *out = NULL;
    struct stat st;
    FILE *f = input_open(path, "a PNG file", &st, d);
    if (!f)
        return d->status;
    unsigned char sig[8];
    if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
        fclose(f);
        return diag_in(d, VZ_EINPUT, path, "not a PNG file");
    }
    char why[ERROR_LEN] = "";
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, why, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int rc = VZ_OK;
    if (!png || !info) {
        rc = diag_oom(d);
    } else if (setjmp(png_jmpbuf(png))) {
        free(*out);
        *out = NULL;
        /* libpng says what is wrong: a CRC, a chunk over the limit, a truncated file. */
        rc = diag_in(d, VZ_EINPUT, path, "damaged PNG file: %s", why[0] ? why : "unreadable");
    } else {
        png_init_io(png, f);
        png_set_sig_bytes(png, 8);
        /* libpng only warns about a chunk over the limit unless benign errors are errors;
         * then a 100-byte file declaring a 2 GB chunk is refused before anything is allocated. */
        png_set_benign_errors(png, 0);
        png_set_chunk_malloc_max(png, MAX_CHUNK_BYTES);
        /* vizgen writes its text chunks before the image data, so the header is enough. */
        png_read_info(png, info);
        png_textp text;
        int n = 0;
        png_get_text(png, info, &text, &n);
        for (int i = 0; i < n && !*out; i++)
            if (strcmp(text[i].key, key) == 0 && !(*out = strdup(text[i].text)))
                rc = diag_oom(d);
        if (!*out && rc == VZ_OK)
            rc = diag_in(d, VZ_EINPUT, path,
                         "no \"%s\" text in this PNG (not written by vizgen, or its spec was too "
                         "large to embed)",
                         key);
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return rc;
}

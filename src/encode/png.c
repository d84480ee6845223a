/* png: PNG encoding of a finished Cairo image, written atomically, and reading a text chunk back.
 * vizgen writes the container itself (a dozen lines of chunks and CRCs) so that it can filter
 * each row by its content and compress the image in fixed pieces on several threads; libpng
 * compresses one stream on one thread, and deflate was most of a render. Reading uses libpng. */
#include "vizgen/png.h"

#include "vizgen/atomic.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Pieces are fixed by the image height alone, never by the thread count, so the bytes are the
 * same however many cores compressed them. Each piece after the first starts from the previous
 * one's last 32 KiB as its dictionary (as pigz does), so splitting costs a few bytes, not
 * compression. */
enum { MAX_PIECES = 4, MIN_PIECE_ROWS = 64, WINDOW = 32768 };
enum { FILTER_NONE = 0, FILTER_UP = 2 };

struct piece {
    int y0, y1; /* rows [y0, y1) */
    unsigned char *out;
    size_t len, cap;
    uLong adler; /* of this piece's filtered bytes */
    size_t in_len;
    int failed;
};

struct encoder {
    const unsigned char *data;
    int w, h, stride;
    bool alpha;
    size_t rb; /* bytes in a row of samples, without the filter byte */
    int n_pieces, next;
    struct piece pieces[MAX_PIECES];
    pthread_mutex_t lock;
};

/* Row y as 8-bit RGB or RGBA samples. */
static void convert_row(const struct encoder *e, int y, unsigned char *dst)
{
    const uint32_t *src = (const uint32_t *)(e->data + (size_t)y * (size_t)e->stride);
    if (!e->alpha) {
        /* The common case, kept to three shifts a pixel: it was a third of a render. */
        for (int x = 0; x < e->w; x++) {
            uint32_t p = src[x];
            dst[0] = (unsigned char)(p >> 16);
            dst[1] = (unsigned char)(p >> 8);
            dst[2] = (unsigned char)p;
            dst += 3;
        }
        return;
    }
    for (int x = 0; x < e->w; x++) {
        uint32_t p = src[x];
        unsigned a = p >> 24;
        unsigned c[3] = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
        for (int k = 0; k < 3; k++)
            /* Cairo premultiplies by alpha; PNG does not. */
            *dst++ = (unsigned char)(a == 255 ? c[k] : a ? (c[k] * 255 + a / 2) / a : 0);
        *dst++ = (unsigned char)a;
    }
}

/* Writes the filter byte and filtered samples of cur (prev is the row above, or NULL) to out,
 * and returns the filter. Rows that repeat the row above but for a few bytes (the body of a
 * bar, a row of heatmap cells beside a colour bar) become runs of zeros under the Up filter;
 * other rows (text, curves) compress better unfiltered, because their shapes recur elsewhere.
 * Measured against libpng's sum-of-differences heuristic, this is smaller on all three default
 * figures, and it costs one pass over the row. */
static int filter_row(const unsigned char *cur, const unsigned char *prev, size_t rb,
                      unsigned char *out)
{
    size_t differ = 0, limit = rb / 40, at = 0;
    if (!prev)
        differ = limit;
    /* Eight bytes at a time (GCC does not vectorise the byte loop at -O2, and it was a fifth of
     * a render): the Up differences are written as the differing bytes are counted, and an
     * unfiltered row is copied over them once there are too many. */
    const uint64_t high = 0x8080808080808080ULL, low7 = ~high, ones = 0x0101010101010101ULL;
    for (; differ < limit && at + 8 <= rb; at += 8) {
        uint64_t a, b;
        memcpy(&a, cur + at, 8);
        memcpy(&b, prev + at, 8);
        uint64_t x = a ^ b;
        if (x) {
            /* High bit of each byte of zero set where that byte of x is zero. */
            uint64_t zero = ~(((x & low7) + low7) | x | low7);
            differ += 8 - (size_t)(((zero >> 7) * ones) >> 56);
        }
        /* Bytewise a - b modulo 256, no borrow crossing from one byte into the next. */
        uint64_t delta = ((a | high) - (b & low7)) ^ ((a ^ ~b) & high);
        memcpy(out + 1 + at, &delta, 8);
    }
    for (; differ < limit && at < rb; at++) {
        differ += cur[at] != prev[at];
        out[1 + at] = (unsigned char)(cur[at] - prev[at]);
    }
    if (differ >= limit) {
        out[0] = FILTER_NONE;
        memcpy(out + 1, cur, rb);
    } else {
        out[0] = FILTER_UP;
    }
    return out[0];
}

static int append(struct piece *p, const unsigned char *b, size_t n)
{
    if (n == 0)
        return 0; /* nothing to copy, and p->out may not exist yet */
    if (p->len + n > p->cap) {
        size_t cap = p->cap ? p->cap : 65536;
        while (cap < p->len + n)
            cap *= 2;
        unsigned char *o = realloc(p->out, cap);
        if (!o)
            return -1;
        p->out = o;
        p->cap = cap;
    }
    memcpy(p->out + p->len, b, n);
    p->len += n;
    return 0;
}

static int deflate_into(struct piece *p, z_stream *z, unsigned char *in, size_t n, int flush)
{
    unsigned char buf[16384];
    z->next_in = in;
    z->avail_in = (uInt)n;
    do {
        z->next_out = buf;
        z->avail_out = sizeof buf;
        int rc = deflate(z, flush);
        if (rc == Z_STREAM_ERROR || append(p, buf, sizeof buf - z->avail_out))
            return -1;
    } while (z->avail_out == 0 || (flush == Z_FINISH && z->avail_in > 0));
    return 0;
}

/* Rows in order, converted and filtered, keeping the row above for the Up filter. */
struct rows {
    const struct encoder *e;
    unsigned char *mem, *cur, *prev;
    int y; /* the next row */
};

static int rows_init(struct rows *r, const struct encoder *e, int y)
{
    r->e = e;
    r->y = y;
    if (!(r->mem = malloc(2 * e->rb)))
        return -1;
    r->cur = r->mem;
    r->prev = r->mem + e->rb;
    if (y > 0)
        convert_row(e, y - 1, r->prev);
    return 0;
}

/* Writes the next row, filtered, to out (rb + 1 bytes); returns its filter. */
static int rows_next(struct rows *r, unsigned char *out)
{
    convert_row(r->e, r->y, r->cur);
    int f = filter_row(r->cur, r->y > 0 ? r->prev : NULL, r->e->rb, out);
    unsigned char *t = r->prev;
    r->prev = r->cur;
    r->cur = t;
    r->y++;
    return f;
}

/* Up rows are mostly zeros: deflate's run-length mode codes them as repeats of the byte before,
 * in the fewest bits, and faster than searching for matches. Other rows get ordinary matching
 * with hash chains long enough to find text's repeated shapes. Switching ends a deflate block,
 * so it happens only where the filter changes (a few dozen times in a default figure).
 * Measured on the three default figures against zlib level 3 and unfiltered rows, as libpng
 * wrote them before: 33%, 17% and 9% smaller, in about as many instructions (zlib's lazy
 * matching, level 4 and up, was as small but took 60% more). */
static int use_strategy(struct piece *p, z_stream *z, int filter)
{
    /* deflateParams flushes what came before itself, but fails when that does not fit the
     * output buffer: so the block is finished here first. */
    if (deflate_into(p, z, NULL, 0, Z_BLOCK))
        return -1;
    unsigned char buf[64];
    z->next_out = buf;
    z->avail_out = sizeof buf;
    if (deflateParams(z, 3, filter == FILTER_UP ? Z_RLE : Z_DEFAULT_STRATEGY) != Z_OK ||
        append(p, buf, sizeof buf - z->avail_out))
        return -1;
    if (filter != FILTER_UP)
        deflateTune(z, 4, 16, 258, 64);
    return 0;
}

static int compress_piece(const struct encoder *e, struct piece *p, bool last)
{
    size_t fl = e->rb + 1;
    /* The previous piece's last rows, filtered as they were there, prime the window. */
    int from = p->y0 - (int)((WINDOW + fl - 1) / fl);
    if (from < 0)
        from = 0;
    size_t dict_len = (size_t)(p->y0 - from) * fl;
    unsigned char *buf = malloc(dict_len + fl);
    struct rows rows = {0};
    z_stream z = {0};
    /* A small hash (memory level 6) is as good as zlib's default on these images, and its
     * table is cheaper to slide every 32 KiB. */
    if (!buf || rows_init(&rows, e, from) ||
        deflateInit2(&z, 3, Z_DEFLATED, -15, 6, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(buf);
        free(rows.mem);
        return -1;
    }
    deflateTune(&z, 4, 16, 258, 64);
    int rc = 0, strategy = FILTER_NONE;
    for (int y = from; y < p->y0; y++)
        rows_next(&rows, buf + (size_t)(y - from) * fl);
    if (dict_len)
        rc = deflateSetDictionary(&z, buf + (dict_len > WINDOW ? dict_len - WINDOW : 0),
                                  (uInt)(dict_len > WINDOW ? WINDOW : dict_len)) != Z_OK;
    unsigned char *filtered = buf + dict_len;
    p->adler = adler32(0, NULL, 0);
    for (int y = p->y0; !rc && y < p->y1; y++) {
        int f = rows_next(&rows, filtered);
        if (f != strategy && !(rc = use_strategy(p, &z, f)))
            strategy = f;
        p->adler = adler32(p->adler, filtered, (uInt)fl);
        if (!rc)
            rc = deflate_into(p, &z, filtered, fl, Z_NO_FLUSH);
    }
    /* A sync flush ends the piece on a byte boundary, so the next one's bytes simply follow. */
    if (!rc)
        rc = deflate_into(p, &z, NULL, 0, last ? Z_FINISH : Z_SYNC_FLUSH);
    p->in_len = (size_t)(p->y1 - p->y0) * fl;
    deflateEnd(&z);
    free(buf);
    free(rows.mem);
    return rc;
}

static void *piece_worker(void *arg)
{
    struct encoder *e = arg;
    for (;;) {
        pthread_mutex_lock(&e->lock);
        int k = e->next++;
        pthread_mutex_unlock(&e->lock);
        if (k >= e->n_pieces)
            return NULL;
        e->pieces[k].failed = compress_piece(e, &e->pieces[k], k == e->n_pieces - 1) != 0;
    }
}

static void put32(unsigned char *b, uint32_t v)
{
    b[0] = (unsigned char)(v >> 24);
    b[1] = (unsigned char)(v >> 16);
    b[2] = (unsigned char)(v >> 8);
    b[3] = (unsigned char)v;
}

struct part {
    const void *p;
    size_t n;
};

/* One chunk whose data is the concatenation of the parts. */
static void write_chunk(FILE *f, const char type[4], const struct part *parts, int n)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += parts[i].n;
    unsigned char head[8];
    put32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    fwrite(head, 1, 8, f);
    uLong crc = crc32(0, head + 4, 4);
    for (int i = 0; i < n; i++) {
        crc = crc32(crc, parts[i].p, (uInt)parts[i].n);
        fwrite(parts[i].p, 1, parts[i].n, f);
    }
    unsigned char tail[4];
    put32(tail, (uint32_t)crc);
    fwrite(tail, 1, 4, f);
}

/* tEXt for Latin-1, or iTXt with zlib-compressed UTF-8. */
static int write_text(FILE *f, const struct png_text *t)
{
    size_t kl = strlen(t->key), vl = strlen(t->value);
    if (!t->utf8) {
        struct part parts[] = {{t->key, kl + 1}, {t->value, vl}};
        write_chunk(f, "tEXt", parts, 2);
        return 0;
    }
    uLongf zl = compressBound((uLong)vl);
    unsigned char *b = malloc(kl + 5 + zl);
    if (!b)
        return -1;
    memcpy(b, t->key, kl + 1);
    /* compressed, zlib, no language tag, no translated keyword */
    memcpy(b + kl + 1, "\1\0\0\0", 4);
    if (compress2(b + kl + 5, &zl, (const Bytef *)t->value, (uLong)vl, 9) != Z_OK) {
        free(b);
        return -1;
    }
    struct part part = {b, kl + 5 + zl};
    write_chunk(f, "iTXt", &part, 1);
    free(b);
    return 0;
}

static int encode(FILE *f, cairo_surface_t *img, double dpi, const struct png_text *texts,
                  int n_texts, int threads)
{
    struct encoder e = {.data = cairo_image_surface_get_data(img),
                        .w = cairo_image_surface_get_width(img),
                        .h = cairo_image_surface_get_height(img),
                        .stride = cairo_image_surface_get_stride(img),
                        .alpha = cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32,
                        .lock = PTHREAD_MUTEX_INITIALIZER};
    e.rb = (size_t)e.w * (e.alpha ? 4 : 3);
    e.n_pieces = e.h / MIN_PIECE_ROWS;
    if (e.n_pieces > MAX_PIECES)
        e.n_pieces = MAX_PIECES;
    if (e.n_pieces < 1)
        e.n_pieces = 1;
    for (int k = 0; k < e.n_pieces; k++) {
        e.pieces[k].y0 = (int)((long)e.h * k / e.n_pieces);
        e.pieces[k].y1 = (int)((long)e.h * (k + 1) / e.n_pieces);
    }
    pthread_t tids[MAX_PIECES];
    int started = 0;
    while (started < threads - 1 && started < e.n_pieces - 1 &&
           pthread_create(&tids[started], NULL, piece_worker, &e) == 0)
        started++;
    piece_worker(&e);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);

    int rc = 0;
    uLong adler = adler32(0, NULL, 0);
    for (int k = 0; k < e.n_pieces; k++) {
        rc |= e.pieces[k].failed;
        adler = adler32_combine(adler, e.pieces[k].adler, (z_off_t)e.pieces[k].in_len);
    }
    if (!rc) {
        fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
        unsigned char ihdr[13];
        put32(ihdr, (uint32_t)e.w);
        put32(ihdr + 4, (uint32_t)e.h);
        /* 8 bits, RGB or RGBA, deflate, adaptive filtering, not interlaced */
        memcpy(ihdr + 8, e.alpha ? "\x08\x06\0\0\0" : "\x08\x02\0\0\0", 5);
        write_chunk(f, "IHDR", &(struct part){ihdr, 13}, 1);
        unsigned char phys[9];
        uint32_t ppm = (uint32_t)lround(dpi / 0.0254);
        put32(phys, ppm);
        put32(phys + 4, ppm);
        phys[8] = 1; /* per metre */
        write_chunk(f, "pHYs", &(struct part){phys, 9}, 1);
        for (int i = 0; i < n_texts && !rc; i++)
            rc = write_text(f, &texts[i]);
        /* One IDAT a piece; the zlib header rides with the first, the checksum with the last. */
        unsigned char trailer[4];
        put32(trailer, (uint32_t)adler);
        for (int k = 0; k < e.n_pieces && !rc; k++) {
            struct part parts[3];
            int n = 0;
            if (k == 0)
                parts[n++] = (struct part){"\x78\x5e", 2};
            parts[n++] = (struct part){e.pieces[k].out, e.pieces[k].len};
            if (k == e.n_pieces - 1)
                parts[n++] = (struct part){trailer, 4};
            write_chunk(f, "IDAT", parts, n);
        }
        write_chunk(f, "IEND", NULL, 0);
    }
    for (int k = 0; k < e.n_pieces; k++)
        free(e.pieces[k].out);
    return rc ? -1 : 0;
}

int png_write(cairo_surface_t *img, const char *path, double dpi, const struct png_text *texts,
              int n_texts, int threads, struct diag *d)
{
    struct atomic_file af;
    int rc = atomic_open(&af, path, d);
    if (rc)
        return rc;
    if (encode(af.f, img, dpi, texts, n_texts, threads) != 0) {
        atomic_abort(&af);
        return diag_in(d, VZ_EIO, path, "PNG encoding failed");
    }
    return atomic_commit(&af, d);
}

static void on_png_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

int png_read_text(const char *path, const char *key, char **out, struct diag *d)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_in(d, VZ_EINPUT, path, "cannot open: %s", strerror(errno));
    unsigned char sig[8];
    if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8) != 0) {
        fclose(f);
        return diag_in(d, VZ_EINPUT, path, "not a PNG file");
    }
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int rc = VZ_OK;
    if (!png || !info) {
        rc = diag_oom(d);
    } else if (setjmp(png_jmpbuf(png))) {
        free(*out);
        *out = NULL;
        rc = diag_in(d, VZ_EINPUT, path, "damaged PNG file");
    } else {
        png_init_io(png, f);
        png_set_sig_bytes(png, 8);
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

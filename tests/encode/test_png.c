/* PNG encoder tests: whatever the image, libpng decodes exactly the pixels that went in, the same
 * image always gives the same bytes, and rows that repeat the row above cost almost nothing. */
#include "check.h"
#include "probe.h"

#include "vizgen/png.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char out_a[256], out_b[256];

static uint32_t next_random(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* Rows of every kind the encoder tells apart: noise (unfiltered), copies of the row above,
 * copies with a few pixels changed (Up filter, run-length mode), in runs of varying length so
 * that the strategy switches often and pieces start in the middle of runs. Premultiplied
 * colours when there is alpha, as Cairo stores them. */
static cairo_surface_t *pattern(cairo_format_t fmt, int w, int h, uint64_t seed)
{
    cairo_surface_t *s = cairo_image_surface_create(fmt, w, h);
    uint32_t *px = (uint32_t *)cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s) / 4;
    for (int y = 0; y < h; y++) {
        uint32_t *row = px + (size_t)y * (size_t)stride;
        int kind = (y / 5 + (int)(next_random(&seed) % 3)) % 3;
        for (int x = 0; x < w; x++) {
            uint32_t v = next_random(&seed);
            if (kind != 0 && y > 0) {
                v = row[x - stride];
                if (kind == 2 && next_random(&seed) % 100 == 0)
                    v ^= 0x00102030;
            }
            if (fmt == CAIRO_FORMAT_ARGB32) {
                unsigned a = v >> 24;
                unsigned c[3] = {(v >> 16) & 255, (v >> 8) & 255, v & 255};
                for (int k = 0; k < 3; k++)
                    if (c[k] > a)
                        c[k] = a;
                v = a << 24 | c[0] << 16 | c[1] << 8 | c[2];
            } else {
                v &= 0xffffff;
            }
            row[x] = v;
        }
    }
    cairo_surface_mark_dirty(s);
    return s;
}

/* What PNG stores for one Cairo pixel: straight, not premultiplied, colour. */
static void expected(uint32_t p, bool alpha, uint32_t *rgb, unsigned *a)
{
    *a = alpha ? p >> 24 : 255;
    uint32_t out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
        unsigned c = (p >> shift) & 255;
        if (alpha && *a < 255)
            c = *a ? (c * 255 + *a / 2) / *a : 0;
        out |= (uint32_t)c << shift;
    }
    *rgb = out;
}

/* The image encoded into a file of its own; the status, or VZ_EIO when the file could not be
 * written. */
static int write_file(cairo_surface_t *s, const char *path, const struct png_text *texts, int n,
                      struct diag *d)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return VZ_EIO;
    int rc = probe_png_encode(s, f, path, 96, texts, n, d);
    return fclose(f) == 0 ? rc : VZ_EIO;
}

static int row_filters(const char *path, int w, int h, int channels, unsigned char *filters);

static void round_trip(cairo_format_t fmt, int w, int h)
{
    cairo_surface_t *s = pattern(fmt, w, h, (uint64_t)w * 1000003u + (uint64_t)h);
    bool alpha = fmt == CAIRO_FORMAT_ARGB32;
    struct png_text texts[] = {
        {"Software", "vizgen test", false},
        {"vizgen-spec", "{\"title\": \"\xce\xb1\xce\xb2 \xe2\x86\x92 x\"}", true}};
    struct diag d;
    diag_init(&d);
    if (!CHECK(write_file(s, out_a, texts, 2, &d) == VZ_OK) ||
        !CHECK(write_file(s, out_b, texts, 2, &d) == VZ_OK)) {
        fprintf(stderr, "    %s\n", diag_text(&d));
        cairo_surface_destroy(s);
        return;
    }
    CHECK(probe_same_file(out_a, out_b) == 0); /* no time stamp, nothing random */
    unsigned char *filters = malloc((size_t)h);
    if (!CHECK(filters && row_filters(out_a, w, h, alpha ? 4 : 3, filters) == 0))
        fprintf(stderr, "    %dx%d: the image data is not one whole zlib stream\n", w, h);
    free(filters);
    struct png_image img;
    if (CHECK(probe_png_load(out_a, &img) == 0)) {
        CHECK(img.width == w && img.height == h && img.has_alpha == alpha);
        const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s) / 4, bad = 0;
        for (int y = 0; y < h && bad < 3; y++)
            for (int x = 0; x < w && bad < 3; x++) {
                uint32_t rgb;
                unsigned a;
                expected(px[(size_t)y * (size_t)stride + (size_t)x], alpha, &rgb, &a);
                size_t i = (size_t)y * (size_t)w + (size_t)x;
                if (!CHECK(img.rgb[i] == rgb && img.alpha[i] == a)) {
                    fprintf(stderr, "    %dx%d at (%d, %d): got %06x/%u, want %06x/%u\n", w, h, x,
                            y, img.rgb[i], img.alpha[i], rgb, a);
                    bad++;
                }
            }
        probe_png_free(&img);
    }
    char *spec = NULL;
    if (CHECK(png_embedded_text(out_a, "vizgen-spec", &spec, &d) == VZ_OK))
        CHECK(strcmp(spec, texts[1].value) == 0);
    free(spec);
    cairo_surface_destroy(s);
}

/* One row, one column, small and large images; widths whose rows are not a whole number of
 * eight-byte words, which the filter choice reads eight bytes at a time. The image data is
 * deflated in segments of 256 KiB of rows: 72 rows of 1200 RGB pixels, 54 with alpha, 26214
 * rows three pixels wide. So 1200 x 144 ends on a segment's end, 1200 x 145 and 3 x 26215 have a
 * last segment of one row, and 1200 x 909 has thirteen. */
static void decodes_to_the_same_pixels_whatever_the_size(void)
{
    static const int sizes[][2] = {{1, 1},      {3, 1},      {7, 63},     {1201, 64},  {333, 256},
                                   {1200, 909}, {1200, 144}, {1200, 145}, {1200, 108}, {3, 26215}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        round_trip(CAIRO_FORMAT_RGB24, sizes[i][0], sizes[i][1]);
        round_trip(CAIRO_FORMAT_ARGB32, sizes[i][0], sizes[i][1]);
    }
}

/* The filter byte of each row, read back by inflating the IDAT stream; -1 unless the stream
 * holds exactly the h rows and ends there, its Adler-32 sum right (zlib checks it). */
static int row_filters(const char *path, int w, int h, int channels, unsigned char *filters)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char head[8];
    size_t rb = (size_t)w * (size_t)channels + 1, got = 0;
    unsigned char *raw = malloc(rb * (size_t)h + 1), chunk[65536];
    z_stream z = {0};
    int rc = raw && fread(head, 1, 8, f) == 8 && inflateInit(&z) == Z_OK ? 0 : -1, zr = Z_OK;
    z.next_out = raw;
    z.avail_out = (uInt)(rb * (size_t)h + 1); /* a byte more shows a stream too long */
    while (rc == 0 && fread(head, 1, 8, f) == 8) {
        size_t len = (size_t)head[0] << 24 | (size_t)head[1] << 16 | (size_t)head[2] << 8 | head[3];
        int idat = memcmp(head + 4, "IDAT", 4) == 0;
        while (len > 0 && rc == 0) {
            size_t n = len < sizeof chunk ? len : sizeof chunk;
            if (fread(chunk, 1, n, f) != n)
                rc = -1;
            if (idat && rc == 0) {
                z.next_in = chunk;
                z.avail_in = (uInt)n;
                zr = inflate(&z, Z_NO_FLUSH);
                rc = zr == Z_OK || (zr == Z_STREAM_END && z.avail_in == 0) ? 0 : -1;
            }
            len -= n;
        }
        fseek(f, 4, SEEK_CUR); /* CRC */
    }
    got = rb * (size_t)h + 1 - z.avail_out;
    inflateEnd(&z);
    fclose(f);
    bool whole = rc == 0 && zr == Z_STREAM_END && got == rb * (size_t)h;
    if (whole)
        for (int y = 0; y < h; y++)
            filters[y] = raw[(size_t)y * rb];
    free(raw);
    return whole ? 0 : -1;
}

/* Rows that repeat the row above, exactly or but for one byte in a hundred, take the Up filter
 * (their differences are runs of zeros); rows of fresh content stay unfiltered. */
static void repeated_rows_take_the_up_filter_and_fresh_rows_none(void)
{
    enum { W = 301, H = 90 };
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, W, H);
    uint32_t *px = (uint32_t *)cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s) / 4;
    uint64_t seed = 11;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint32_t *p = px + (size_t)y * (size_t)stride + (size_t)x;
            int kind = y % 3; /* 0 fresh noise, 1 a copy, 2 a copy with every 100th pixel changed */
            *p = kind == 0 ? next_random(&seed) & 0xffffff : p[-stride];
            if (kind == 2 && x % 100 == 7)
                *p ^= 0x000001;
        }
    cairo_surface_mark_dirty(s);
    struct diag d;
    diag_init(&d);
    unsigned char filters[H];
    if (CHECK(write_file(s, out_a, NULL, 0, &d) == VZ_OK) &&
        CHECK(row_filters(out_a, W, H, 3, filters) == 0))
        for (int y = 0; y < H; y++)
            if (!CHECK(filters[y] == (y % 3 == 0 ? 0 : 2)))
                fprintf(stderr, "    row %d has filter %d\n", y, filters[y]);
    cairo_surface_destroy(s);
}

int main(void)
{
    probe_tmp("a.png", out_a, sizeof out_a);
    probe_tmp("b.png", out_b, sizeof out_b);
    RUN(decodes_to_the_same_pixels_whatever_the_size);
    RUN(repeated_rows_take_the_up_filter_and_fresh_rows_none);
    unlink(out_a);
    unlink(out_b);
    return check_summary();
}

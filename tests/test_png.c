/* PNG encoder tests: whatever the image and the thread count, libpng decodes exactly the pixels
 * that went in, and the bytes do not depend on how many threads compressed them. */
#include "check.h"
#include "probe.h"

#include "vizgen/png.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void round_trip(cairo_format_t fmt, int w, int h)
{
    cairo_surface_t *s = pattern(fmt, w, h, (uint64_t)w * 1000003u + (uint64_t)h);
    bool alpha = fmt == CAIRO_FORMAT_ARGB32;
    struct png_text texts[] = {
        {"Software", "vizgen test", false},
        {"vizgen-spec", "{\"title\": \"\xce\xb1\xce\xb2 \xe2\x86\x92 x\"}", true}};
    struct diag d;
    diag_init(&d);
    if (!CHECK(png_write(s, out_a, 96, texts, 2, 1, &d) == VZ_OK) ||
        !CHECK(png_write(s, out_b, 96, texts, 2, 3, &d) == VZ_OK)) {
        fprintf(stderr, "    %s\n", diag_text(&d));
        cairo_surface_destroy(s);
        return;
    }
    /* Pieces are fixed by the image, so three threads write what one does. */
    CHECK(probe_same_file(out_a, out_b) == 0);
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
    if (CHECK(png_read_text(out_a, "vizgen-spec", &spec, &d) == VZ_OK))
        CHECK(strcmp(spec, texts[1].value) == 0);
    free(spec);
    cairo_surface_destroy(s);
}

/* One row, one piece, the smallest image in four pieces, and a large one; widths whose rows
 * are not a whole number of eight-byte words. */
static void decodes_to_the_same_pixels_whatever_the_size(void)
{
    static const int sizes[][2] = {{1, 1}, {3, 1}, {7, 63}, {1201, 64}, {333, 256}, {1200, 909}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        round_trip(CAIRO_FORMAT_RGB24, sizes[i][0], sizes[i][1]);
        round_trip(CAIRO_FORMAT_ARGB32, sizes[i][0], sizes[i][1]);
    }
}

/* A flat image compresses to almost nothing: the Up filter and run-length mode are working. */
static void flat_image_is_tiny(void)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1200, 900);
    uint32_t *px = (uint32_t *)cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s) / 4;
    for (int y = 0; y < 900; y++)
        for (int x = 0; x < 1200; x++)
            px[(size_t)y * (size_t)stride + (size_t)x] = x < 600 ? 0x3b528b : 0xfde725;
    cairo_surface_mark_dirty(s);
    struct diag d;
    diag_init(&d);
    if (CHECK(png_write(s, out_a, 96, NULL, 0, 2, &d) == VZ_OK)) {
        FILE *f = fopen(out_a, "rb");
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fclose(f);
        /* 3.2 MB of samples; zlib's limit is about 1032:1. */
        CHECK(size < 6000);
    }
    cairo_surface_destroy(s);
}

int main(void)
{
    probe_tmp("a.png", out_a, sizeof out_a);
    probe_tmp("b.png", out_b, sizeof out_b);
    RUN(decodes_to_the_same_pixels_whatever_the_size);
    RUN(flat_image_is_tiny);
    unlink(out_a);
    unlink(out_b);
    return check_summary();
}

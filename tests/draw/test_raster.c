/* Unit tests of heatmap downsampling: cells bigger than pixels are sampled at the pixel's
 * centre; more cells than pixels are pooled by their largest weight (a one-hot head stays
 * one-hot) or averaged by area; a pixel with no weight under it is masked in colour and in the
 * mask plane. */
#include "check.h"

#include "vizgen/raster.h"

#include <stdint.h>
#include <stdlib.h>

enum { MASK = 0x123456 };

static uint32_t colour(double v)
{
    return colormap_color(CMAP_VIRIDIS, v);
}

/* The colormap index of a pixel, to compare averages that may round either way at a tie. */
static int index_of(uint32_t rgb)
{
    for (int i = 0; i < 256; i++)
        if (colormap_table(CMAP_VIRIDIS)[i] == rgb)
            return i;
    return -1;
}

static void cells_larger_than_pixels_keep_their_own_colour(void)
{
    struct attn a;
    attn_init(&a, 4, 4);
    for (int i = 0; i < 16; i++)
        a.w[i] = (float)i / 15;
    a.w[5] = NAN;
    uint32_t px[12 * 12];
    uint8_t m[12 * 12];
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MAX, MASK, 12, 12, px, 12, m, 12) == 0);
    for (int y = 0; y < 12; y++)
        for (int x = 0; x < 12; x++) {
            int cell = (y / 3) * 4 + x / 3;
            CHECK(px[y * 12 + x] == (cell == 5 ? MASK : colour((double)cell / 15)));
            CHECK(m[y * 12 + x] == (cell == 5 ? 255 : 0));
        }
    attn_free(&a);
}

static void more_cells_than_pixels_average_by_area(void)
{
    /* 6 cells onto 2 pixels a side: each pixel averages a 3x3 block exactly. */
    struct attn a;
    attn_init(&a, 6, 6);
    double block[4] = {0};
    for (int i = 0; i < 36; i++) {
        a.w[i] = (float)((i * 7) % 11) / 10;
        block[(i / 6 / 3) * 2 + (i % 6) / 3] += a.w[i] / 9.0;
    }
    uint32_t px[4];
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MEAN, MASK, 2, 2, px, 2, NULL, 0) == 0);
    for (int k = 0; k < 4; k++)
        CHECK(abs(index_of(px[k]) - (int)lround(block[k] * 255)) <= 1);
    /* 5 cells onto 2 pixels: the middle cell is split half and half between them. */
    struct attn b;
    attn_init(&b, 1, 5);
    const float row[5] = {0, 0, 1, 1, 1};
    for (int j = 0; j < 5; j++)
        b.w[j] = row[j];
    uint32_t two[2];
    CHECK(raster_heatmap(&b, CMAP_VIRIDIS, POOL_MEAN, MASK, 2, 1, two, 2, NULL, 0) == 0);
    CHECK(two[0] == colour(0.5 / 2.5) && two[1] == colour(1.0));
    attn_free(&a);
    attn_free(&b);
}

static void mostly_masked_pixels_are_masked_and_the_rest_ignore_masked_cells(void)
{
    struct attn a;
    attn_init(&a, 4, 4);
    /* Top-left 2x2 block: 3 masked of 4. Top right: 1 masked, the others 0.6. */
    for (int i = 0; i < 16; i++)
        a.w[i] = 0.6f;
    a.w[0] = a.w[1] = a.w[4] = NAN;
    a.w[2] = NAN;
    uint32_t px[4];
    uint8_t m[4];
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MEAN, MASK, 2, 2, px, 2, m, 2) == 0);
    CHECK(px[0] == MASK && m[0] == 255);
    CHECK(px[1] == colour(0.6)); /* the masked cell is left out of the average, not taken as 0 */
    CHECK(m[1] == 0 && m[2] == 0 && m[3] == 0);
    /* Max: a pixel is masked only when nothing under it has a weight. */
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MAX, MASK, 2, 2, px, 2, m, 2) == 0);
    CHECK(px[0] == colour(0.6) && m[0] == 0);
    a.w[5] = NAN;
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MAX, MASK, 2, 2, px, 2, m, 2) == 0);
    CHECK(px[0] == MASK && m[0] == 255 && px[3] == colour(0.6));
    attn_free(&a);
}

static void max_pooling_keeps_a_one_hot_head_one_hot(void)
{
    /* A previous-token head of 128 positions onto 40 pixels: each pixel row's brightest
     * pixel is the full weight, where the mean would make it about a third. */
    enum { N = 128, P = 40 };
    struct attn a;
    attn_init(&a, N, N);
    for (size_t i = 1; i < N; i++)
        a.w[i * N + i - 1] = 1;
    static uint32_t px[P * P];
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MAX, MASK, P, P, px, P, NULL, 0) == 0);
    for (int y = 0; y < P; y++) {
        int lit = 0;
        for (int x = 0; x < P; x++) {
            CHECK(px[y * P + x] == colour(0) || px[y * P + x] == colour(1));
            lit += px[y * P + x] == colour(1);
        }
        CHECK(lit >= 1 && lit <= 3); /* the diagonal, one or two pixels wide */
    }
    CHECK(raster_heatmap(&a, CMAP_VIRIDIS, POOL_MEAN, MASK, P, P, px, P, NULL, 0) == 0);
    int brightest = 0;
    for (int k = 0; k < P * P; k++)
        brightest = index_of(px[k]) > brightest ? index_of(px[k]) : brightest;
    CHECK(brightest < 128); /* what the mean does to it */
    attn_free(&a);
}

int main(void)
{
    RUN(cells_larger_than_pixels_keep_their_own_colour);
    RUN(more_cells_than_pixels_average_by_area);
    RUN(mostly_masked_pixels_are_masked_and_the_rest_ignore_masked_cells);
    RUN(max_pooling_keeps_a_one_hot_head_one_hot);
    return check_summary();
}

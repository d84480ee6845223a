/* attention-heatmap render tests, grids and big matrices: every head and layer in its panel,
 * labels on the grid's edges, pooling that keeps a one-hot head one-hot and says what a pixel
 * stands for, and real causal weights masked as such. */
#include "check.h"
#include "probe.h"

#include "vizgen/attention.h"
#include "vizgen/colormap.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;

static const char *mark_text(const cJSON *m)
{
    const cJSON *t = m ? cJSON_GetObjectItem(m, "text") : NULL;
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* The weight cell (i, j) of panel p shows, read a quarter in from its corner (clear of the
 * annotation in its middle) or at its centre when it is small. */
static double cell_weight(const struct png_image *img, const cJSON *l, int p, size_t n, size_t i,
                          size_t j)
{
    const cJSON *hm = probe_mark(l, "heatmap", p);
    double cell = probe_num(hm, "w") / (double)n, at = cell >= 10 ? 0.25 : 0.5;
    return probe_invert(CMAP_VIRIDIS, probe_pixel(img, probe_num(hm, "x") + (j + at) * cell,
                                                  probe_num(hm, "y") + (i + at) * cell));
}

static void heatmap_grid_shows_every_layer_and_head(void)
{
    /* 2 layers x 3 heads of 4x4 uniform rows, except head h of layer l puts 0.7 on key (l+h)%4. */
    char text[8192] = "{\"figure\": \"attention-heatmap\", \"layout\": \"grid\", \"weights\": [";
    for (int l = 0; l < 2; l++) {
        strcat(text, l ? ",[" : "[");
        for (int h = 0; h < 3; h++) {
            strcat(text, h ? ",[" : "[");
            for (int q = 0; q < 4; q++) {
                char row[96];
                int hot = (l + h) % 4;
                snprintf(row, sizeof row, "%s[%g,%g,%g,%g]", q ? "," : "", hot == 0 ? 0.7 : 0.1,
                         hot == 1 ? 0.7 : 0.1, hot == 2 ? 0.7 : 0.1, hot == 3 ? 0.7 : 0.1);
                strcat(text, row);
            }
            strcat(text, "]");
        }
        strcat(text, "]");
    }
    strcat(text, "]}");
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "heatmap") == 6);
    CHECK(probe_count(l, "colorbar") == 1);
    CHECK(strcmp(mark_text(probe_mark(l, "panel-header", 5)), "L1 H2") == 0);
    for (int p = 0; p < 6; p++)
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < 4; j++)
                CHECK_NEAR(cell_weight(&img, l, p, 4, i, j),
                           j == (size_t)((p / 3 + p % 3) % 4) ? 0.7 : 0.1, 1.0 / 255);
    /* Positions label the grid's outer edges: the left column's rows, the bottom row's keys. */
    CHECK(probe_count(l, "y-label") == 2 * 4 && probe_count(l, "x-label") == 3 * 4);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* A [layer][query][key] array: panels are layers, and "layer" picks one. */
static void heatmap_leading_axis_names_layers(void)
{
    const char *weights = "[[[1,0],[0.5,0.5]],[[1,0],[0.2,0.8]],[[1,0],[0.9,0.1]]]";
    char text[512];
    snprintf(text, sizeof text,
             "{\"figure\": \"attention-heatmap\", \"layout\": \"grid\", \"leading_axis\": "
             "\"layer\", \"weights\": %s}",
             weights);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "heatmap") == 3);
    CHECK(strcmp(mark_text(probe_mark(l, "panel-header", 0)), "L0") == 0);
    CHECK(strcmp(mark_text(probe_mark(l, "panel-header", 2)), "L2") == 0);
    CHECK_NEAR(cell_weight(&img, l, 1, 2, 1, 1), 0.8, 1.0 / 255);
    cJSON_Delete(l);
    probe_png_free(&img);
    snprintf(text, sizeof text,
             "{\"figure\": \"attention-heatmap\", \"leading_axis\": \"layer\", \"layer\": 2, "
             "\"weights\": %s}",
             weights);
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    CHECK(strcmp(mark_text(probe_mark(l, "title", 0)), "Attention Weights, L2") == 0);
    CHECK_NEAR(cell_weight(&img, l, 0, 2, 1, 0), 0.9, 1.0 / 255);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* 12 layers x 12 heads of 128 positions, panels about 45 px: a one-hot previous-token head
 * keeps its full weight along the diagonal, and a first-token sink its column. */
static void heatmap_downsampled_grid_keeps_one_hot_heads(void)
{
    enum { L = 12, H = 12, N = 128, HOT = 3 * H + 5, SINK = 7 * H + 1 };
    size_t shape[4] = {L, H, N, N};
    float *w = calloc((size_t)L * H * N * N, sizeof *w);
    for (size_t p = 0; p < L * H; p++)
        for (size_t i = 0; i < N; i++) {
            float *row = w + (p * N + i) * N;
            if (p == HOT)
                row[i ? i - 1 : 0] = 1;
            else if (p == SINK)
                row[0] = 1;
            else
                for (size_t j = 0; j <= i; j++)
                    row[j] = 1.0f / (float)(i + 1);
        }
    char npy[256], text[512];
    probe_tmp("grid.npy", npy, sizeof npy);
    probe_write_npy(npy, shape, 4, w);
    free(w);
    snprintf(text, sizeof text,
             "{\"figure\": \"attention-heatmap\", \"layout\": \"grid\", \"npy\": \"%s\"}", npy);
    struct png_image img;
    cJSON *l;
    if (CHECK(probe_render(&pf, text, NULL, &img, &l) == 0)) {
        CHECK(probe_count(l, "heatmap") == L * H);
        CHECK(strcmp(mark_text(probe_mark(l, "panel-header", HOT)), "L3 H5") == 0);
        const cJSON *hm = probe_mark(l, "heatmap", HOT);
        double x = probe_num(hm, "x"), y = probe_num(hm, "y"), side = probe_num(hm, "w");
        CHECK(side < N); /* pooled */
        /* Every pixel row of the one-hot head has a pixel at full weight, on the diagonal. */
        int bad = 0;
        for (int r = 0; r < (int)side && bad < 3; r++) {
            double best = 0;
            for (int c = 0; c < (int)side; c++)
                best = fmax(
                    best, probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x + c + 0.5, y + r + 0.5)));
            bad += !CHECK(best >= 0.9);
        }
        const cJSON *sk = probe_mark(l, "heatmap", SINK);
        for (int r = 0; r < (int)side; r += 7)
            CHECK(probe_invert(CMAP_VIRIDIS, probe_pixel(&img, probe_num(sk, "x") + 0.5,
                                                         probe_num(sk, "y") + r + 0.5)) >= 0.9);
        /* What a pixel stands for is said; the upper triangle of causal weights is masked. */
        CHECK(strstr(mark_text(probe_mark(l, "pool-note", 0)), "cells, max") != NULL);
        CHECK(probe_count(l, "mask-swatch") == 1);
        CHECK(probe_text_ok(l));
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(npy);
}

static void heatmap_renders_2048_squared_npy(void)
{
    enum { N = 2048 };
    char npy[256];
    probe_tmp("big.npy", npy, sizeof npy);
    float *w = malloc((size_t)N * N * sizeof *w);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            w[i * N + j] = j <= i ? 1.0f / (float)(i + 1) : 0.0f;
    size_t shape[2] = {N, N};
    probe_write_npy(npy, shape, 2, w);
    free(w);
    for (int mean = 0; mean < 2; mean++) {
        char text[512];
        snprintf(text, sizeof text,
                 "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"downsample\": \"%s\"}",
                 npy, mean ? "mean" : "max");
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
            break;
        const cJSON *hm = probe_mark(l, "heatmap", 0);
        double x = probe_num(hm, "x"), y = probe_num(hm, "y");
        CHECK(probe_num(hm, "rows") == N);
        CHECK(img.width == 1200);
        /* A square plot on whole pixels, each pixel pooling N / w cells a side. */
        double side = probe_num(hm, "w");
        CHECK(side == probe_num(hm, "h") && fabs(side - round(side)) < 1e-6 && side < N);
        /* Exactly zero above the diagonal: causal, masked without being asked. */
        CHECK(probe_hatched(&img, x + 600, y + 10, 40, 40));
        /* The top-left pixel pools rows 0-2: max keeps row 0's 1.0, the mean dilutes it. */
        double v = probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x + 0.5, y + 0.5));
        CHECK(mean ? v < 0.8 : v > 0.99);
        char want[64];
        double per = round(N / side * 10) / 10;
        snprintf(want, sizeof want, "1 px = %g\xC3\x97%g cells, %s", per, per,
                 mean ? "mean" : "max");
        CHECK(strstr(mark_text(probe_mark(l, "pool-note", 0)), want) != NULL);
        CHECK(probe_text_ok(l));
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(npy);
}

/* "auto" masks only what is exactly zero above the diagonal. */
static void heatmap_auto_mask_needs_an_upper_triangle_of_zeros(void)
{
    const char *const specs[] = {
        "{\"figure\": \"attention-heatmap\", \"weights\": [[1,0,0],[0.5,0.5,0],[0.2,0.3,0.5]]}",
        "{\"figure\": \"attention-heatmap\", \"weights\": [[0.9,0.1,0],[0.5,0.5,0],[0.2,0.3,0.5]]}",
        "{\"figure\": \"attention-heatmap\", \"mask\": \"none\", "
        "\"weights\": [[1,0,0],[0.5,0.5,0],[0.2,0.3,0.5]]}",
    };
    for (int k = 0; k < 3; k++) {
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf, specs[k], NULL, &img, &l) == 0))
            continue;
        const cJSON *hm = probe_mark(l, "heatmap", 0);
        double cell = probe_num(hm, "w") / 3;
        bool hatched = probe_hatched(&img, probe_num(hm, "x") + 2 * cell + 2,
                                     probe_num(hm, "y") + 2, cell - 4, cell - 4);
        CHECK(hatched == (k == 0));
        CHECK((probe_count(l, "mask-swatch") == 1) == (k == 0));
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(heatmap_grid_shows_every_layer_and_head);
    RUN(heatmap_leading_axis_names_layers);
    RUN(heatmap_downsampled_grid_keeps_one_hot_heads);
    RUN(heatmap_renders_2048_squared_npy);
    RUN(heatmap_auto_mask_needs_an_upper_triangle_of_zeros);
    probe_cleanup(&pf);
    return check_summary();
}

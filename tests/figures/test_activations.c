/* activations render tests: norms and cosines of vectors chosen by hand, each cell's colour on
 * its map's scale, a zero vector hatched, a one-token spike surviving pooling, bad shapes, and
 * text that never overlaps from 13 to 512 tokens. */
#include "check.h"
#include "probe.h"

#include "vizgen/colormap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;

enum { L = 3, T = 5, D = 4 };

/* Token t at layer l is (l + 1) * (t + 1) along axis t % D, except token 4, which turns from
 * axis 0 to axis 1 (cosine 0 with its last state until the last layer) and is the zero vector
 * at layer 1. */
static void write_states(const char *path, float h[L][T][D])
{
    memset(h, 0, sizeof(float) * L * T * D);
    for (int l = 0; l < L; l++)
        for (int t = 0; t < T; t++)
            h[l][t][t % D] = (float)((l + 1) * (t + 1));
    h[0][4][0] = 1, h[0][4][1] = 0;
    h[1][4][0] = 0;
    h[2][4][0] = 0, h[2][4][1] = 2;
    const size_t shape[] = {L, T, D};
    probe_write_npy(path, shape, 3, &h[0][0][0]);
}

static void cells_are_the_statistics(void)
{
    float h[L][T][D];
    char npy[256], spec[512];
    probe_tmp("states.npy", npy, sizeof npy);
    write_states(npy, h);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"activations\", \"npy\": \"%s\", \"tokens\": [\"a\", \"b\", \"c\", "
             "\"d\", \"e\"]}",
             npy);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
        return;
    CHECK(probe_num(data, "layers") == L && probe_num(data, "tokens") == T);
    const cJSON *maps = cJSON_GetObjectItem(data, "maps");
    CHECK(cJSON_GetArraySize(maps) == 2 && probe_count(l, "map") == 2);
    for (int k = 0; k < 2; k++) {
        const cJSON *m = cJSON_GetArrayItem(maps, k), *vals = cJSON_GetObjectItem(m, "values");
        const cJSON *box = probe_mark(l, "map", k);
        double lo = probe_num(m, "scale_lo"), hi = probe_num(m, "scale_hi");
        /* Scales: norms from 0 to the largest (3 * 4, token 3 at the last layer), cosines from
         * 0 (none is negative) to 1. */
        CHECK_NEAR(lo, 0, 1e-12);
        CHECK_NEAR(hi, k == 0 ? 12 : 1, 1e-12);
        for (int li = 0; li < L; li++)
            for (int t = 0; t < T; t++) {
                double norm = 0, dot = 0, last = 0;
                for (int i = 0; i < D; i++) {
                    norm += (double)h[li][t][i] * h[li][t][i];
                    last += (double)h[L - 1][t][i] * h[L - 1][t][i];
                    dot += (double)h[li][t][i] * h[L - 1][t][i];
                }
                double want = k == 0 ? sqrt(norm) : norm > 0 ? dot / sqrt(norm * last) : NAN;
                const cJSON *v = cJSON_GetArrayItem(vals, li * T + t);
                double x = probe_num(box, "x") + (t + 0.5) * probe_num(box, "w") / T,
                       y = probe_num(box, "y") + (li + 0.5) * probe_num(box, "h") / L;
                if (isnan(want)) {
                    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "NaN") == 0);
                    CHECK(probe_hatched(&img, x - 8, y - 8, 16, 16));
                    continue;
                }
                CHECK_NEAR(v->valuedouble, want, 1e-6);
                /* Away from the paper lines between cells, the cell's colour on its scale. */
                double shown = probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x, y));
                CHECK_NEAR(shown, (want - lo) / (hi - lo), 1.5 / 255);
            }
    }
    CHECK(probe_text_ok(l));
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
    unlink(npy);
}

/* 4096 tokens across a few hundred pixels: one token's norm spikes at layer 1, and the pixel
 * column over it is still the scale's top, as the note says it pools by the maximum. */
static void a_spike_survives_pooling(void)
{
    enum { N = 4096, DIM = 2, LAYERS = 2, SPIKE = 2777 };
    float *h = calloc((size_t)LAYERS * N * DIM, sizeof *h);
    for (int l = 0; l < LAYERS; l++)
        for (int t = 0; t < N; t++)
            h[((size_t)l * N + t) * DIM] = 1;
    h[((size_t)1 * N + SPIKE) * DIM] = 50;
    char npy[256], spec[512];
    probe_tmp("wide.npy", npy, sizeof npy);
    const size_t shape[] = {LAYERS, N, DIM};
    probe_write_npy(npy, shape, 3, h);
    free(h);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"activations\", \"npy\": \"%s\", \"statistics\": [\"norm\"]}", npy);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, spec, "", &img, &l) == 0))
        return;
    const cJSON *box = probe_mark(l, "map", 0);
    double x = probe_num(box, "x") + (SPIKE + 0.5) * probe_num(box, "w") / N,
           y = probe_num(box, "y") + 1.5 * probe_num(box, "h") / LAYERS;
    CHECK(probe_pixel(&img, x, y) == colormap_color(CMAP_VIRIDIS, 1));
    /* The row above has no spike: the scale's 1/50. */
    CHECK_NEAR(probe_invert(
                   CMAP_VIRIDIS,
                   probe_pixel(&img, x, probe_num(box, "y") + 0.5 * probe_num(box, "h") / LAYERS)),
               1.0 / 50, 1.5 / 255);
    int says = 0;
    for (int i = 0; i < probe_count(l, "note"); i++)
        says += strstr(cJSON_GetObjectItem(probe_mark(l, "note", i), "text")->valuestring,
                       "Downsampled") != NULL;
    CHECK(says == 1);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
    unlink(npy);
}

static void long_inputs_stay_legible(void)
{
    const size_t sizes[] = {13, 64, 512};
    const char *extras[] = {"", "--size 3.3in", "--theme dark"};
    char npy[256], spec[512];
    probe_tmp("long.npy", npy, sizeof npy);
    for (int s = 0; s < 3; s++) {
        size_t n = sizes[s], layers = 13, dim = 8;
        float *h = malloc(layers * n * dim * sizeof *h);
        for (size_t i = 0; i < layers * n * dim; i++)
            h[i] = (float)sin((double)i * 0.37) * (float)(1 + i / (n * dim));
        const size_t shape[] = {layers, n, dim};
        probe_write_npy(npy, shape, 3, h);
        free(h);
        snprintf(spec, sizeof spec, "{\"figure\": \"activations\", \"npy\": \"%s\"}", npy);
        for (int e = 0; e < 3; e++) {
            struct png_image img;
            cJSON *l;
            if (!CHECK(probe_render(&pf, spec, extras[e], &img, &l) == 0))
                continue;
            if (!CHECK(probe_text_ok(l)))
                fprintf(stderr, "    at %zu tokens, %s\n", n, extras[e]);
            CHECK(probe_count(l, "layer-label") == 13 * 2);
            cJSON_Delete(l);
            probe_png_free(&img);
        }
    }
    unlink(npy);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(cells_are_the_statistics);
    RUN(a_spike_survives_pooling);
    RUN(long_inputs_stay_legible);
    probe_cleanup(&pf);
    return check_summary();
}

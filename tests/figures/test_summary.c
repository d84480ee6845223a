/* attention-summary render tests: heads whose statistics are known by construction, each cell's
 * value and colour, undefined cells hatched, `vizgen stats` agreeing with the figure and its
 * rollout with the closed form (and as the heatmap's source), and text that never overlaps, up to a
 * 12 x 12 model. */
#include "check.h"
#include "probe.h"

#include "vizgen/colormap.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;
static char npy[256];

enum { L = 2, H = 3, N = 5 };

/* Layer 0: head 0 on the previous token (query 0 on itself), head 1 on the first token, head 2
 * uniform over the causal prefix; layer 1: the same heads in reverse order. */
static void write_heads(void)
{
    static float w[L][H][N][N];
    memset(w, 0, sizeof w);
    for (int l = 0; l < L; l++)
        for (int h = 0; h < H; h++) {
            int kind = l == 0 ? h : H - 1 - h;
            for (int i = 0; i < N; i++) {
                if (kind == 0)
                    w[l][h][i][i ? i - 1 : 0] = 1;
                else if (kind == 1)
                    w[l][h][i][0] = 1;
                else
                    for (int j = 0; j <= i; j++)
                        w[l][h][i][j] = 1.0f / (float)(i + 1);
            }
        }
    probe_tmp("heads.npy", npy, sizeof npy);
    const size_t shape[] = {L, H, N, N};
    probe_write_npy(npy, shape, 4, &w[0][0][0][0]);
}

/* The statistics of each kind of head, worked out by hand for N = 5. */
static double expected(int kind, const char *stat)
{
    double h = 0, first = 0, prev = 0, dist = 0;
    for (int i = 0; i < N; i++) {
        h += log2(i + 1) / N;
        first += 1.0 / (i + 1) / N;
        prev += i ? 1.0 / (i + 1) / (N - 1) : 0;
        dist += i / 2.0 / N;
    }
    const double table[3][5] = {
        {0, 2.0 / N, 1, 1.0 / N, (double)(N - 1) / N}, /* previous token */
        {0, 1, 1.0 / (N - 1), 1.0 / N, 2.0},           /* first token: mean i */
        {h, first, prev, first, dist},                 /* uniform */
    };
    const char *names[] = {"entropy", "first-token", "previous-token", "diagonal", "distance"};
    for (int k = 0; k < 5; k++)
        if (strcmp(stat, names[k]) == 0)
            return table[kind][k];
    return NAN;
}

/* Rollout of write_heads' first `layers` layers in closed form. Every layer averages the same
 * three heads: A = (P + F + U) / 3, A' = (A + I) / 2, and the rollout is A' to that power. */
static void closed_rollout(int layers, double r[N][N])
{
    double a[N][N] = {{0}}, t[N][N];
    for (int i = 0; i < N; i++) {
        a[i][i ? i - 1 : 0] += 0.5 / 3;
        a[i][0] += 0.5 / 3;
        for (int j = 0; j <= i; j++)
            a[i][j] += 0.5 / 3 / (i + 1);
        a[i][i] += 0.5;
    }
    memcpy(r, a, sizeof a);
    for (int l = 1; l < layers; l++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                t[i][j] = 0;
                for (int k = 0; k < N; k++)
                    t[i][j] += r[i][k] * a[k][j];
            }
        memcpy(r, t, sizeof t);
    }
}

static void cells_hold_their_heads_statistics(void)
{
    char spec[512];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"attention-summary\", \"npy\": \"%s\", \"text\": \"abcab\"}", npy);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
        return;
    CHECK(probe_num(data, "layers") == L && probe_num(data, "heads") == H);
    const char *stats[] = {"entropy",  "first-token", "previous-token",
                           "diagonal", "distance",    "same-char"};
    const double top[] = {log2(N), 1, 1, 1, N - 1, 1};
    const cJSON *cells = cJSON_GetObjectItem(data, "cells");
    CHECK(cJSON_GetArraySize(cells) == L * H);
    CHECK(probe_count(l, "cell") == 6 * L * H);
    for (int p = 0; p < L * H; p++) {
        const cJSON *c = cJSON_GetArrayItem(cells, p);
        int l_ = p / H, h = p % H, kind = l_ == 0 ? h : H - 1 - h;
        CHECK(probe_num(c, "layer") == l_ && probe_num(c, "head") == h);
        for (int s = 0; s < 5; s++)
            CHECK_NEAR(probe_num(c, stats[s]), expected(kind, stats[s]), 1e-6);
        /* Same characters "abcab": queries 3 and 4 have an earlier twin (at 0 and 1). */
        double same = kind == 0 ? 0 : kind == 1 ? 0.5 : (1.0 / 4 + 1.0 / 5) / 2;
        CHECK_NEAR(probe_num(c, "same-char"), same, 1e-6);
        for (int s = 0; s < 6; s++) {
            const cJSON *m = probe_mark(l, "cell", s * L * H + p);
            CHECK(probe_num(m, "index") == s * L * H + p);
            CHECK_NEAR(probe_num(m, "value"), probe_num(c, stats[s]), 1e-12);
            /* The colour a reader sees at the cell's corner, clear of its number. */
            unsigned want = colormap_color(CMAP_VIRIDIS, probe_num(c, stats[s]) / top[s]);
            CHECK(probe_pixel(&img, probe_num(m, "x") + 2, probe_num(m, "y") + 2) == want);
            CHECK((unsigned)probe_num(m, "rgb") == want);
        }
    }
    CHECK(probe_count(l, "cell-value") == 6 * L * H);
    /* Each grid's scale: every pixel along it the colormap at its place, no seam of paper. */
    CHECK(probe_count(l, "scale") == 6);
    const cJSON *sc = probe_mark(l, "scale", 0);
    double sx = probe_num(sc, "x"), sw = probe_num(sc, "w"), mid = probe_num(sc, "y") + 4;
    int bad = 0;
    for (int px = 0; px < (int)sw; px++) {
        unsigned got = probe_pixel(&img, sx + px + 0.5, mid);
        unsigned lo = colormap_color(CMAP_VIRIDIS, (px - 1.0) / sw),
                 hi = colormap_color(CMAP_VIRIDIS, (px + 2.0) / sw);
        bool near = false;
        for (double v = (px - 1.0) / sw; v <= (px + 2.0) / sw && !near; v += 0.25 / sw)
            near = got == colormap_color(CMAP_VIRIDIS, v);
        bad += !near && got != lo && got != hi;
    }
    CHECK(bad == 0);
    CHECK(probe_text_ok(l));

    /* `vizgen stats` reports the same numbers, and rollout's closed form: the first-token and
     * previous-token heads and the uniform one averaged, then mixed with the residual. */
    char out[256], cmd[600];
    probe_tmp("stats.json", out, sizeof out);
    snprintf(cmd, sizeof cmd, "stats %s --json | tee %s", pf.spec,
             out); /* probe_run drops stdout */
    CHECK(probe_run(pf.vizgen, cmd, pf.err) == 0);
    cJSON *st = probe_json_load(out);
    if (CHECK(st != NULL)) {
        const cJSON *heads = cJSON_GetObjectItem(st, "heads");
        for (int p = 0; p < L * H; p++)
            for (int s = 0; s < 6; s++)
                CHECK_NEAR(probe_num(cJSON_GetArrayItem(heads, p), stats[s]),
                           probe_num(cJSON_GetArrayItem(cells, p), stats[s]), 1e-5);
        double r[N][N];
        closed_rollout(2, r);
        const cJSON *ro = cJSON_GetObjectItem(st, "rollout");
        CHECK(probe_num(ro, "layers") == 2);
        const cJSON *wts = cJSON_GetObjectItem(ro, "weights");
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++)
                CHECK_NEAR(cJSON_GetArrayItem(cJSON_GetArrayItem(wts, i), j)->valuedouble, r[i][j],
                           1e-5);
        cJSON_Delete(st);
    }
    unlink(out);
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* "combine": "rollout" makes the heatmap show the rollout: through every layer, or up to the
 * one given, causal cells masked, and a title and note that say so. */
static void rollout_is_a_heatmap_source(void)
{
    for (int layers = 1; layers <= L; layers++) {
        char spec[512];
        snprintf(spec, sizeof spec,
                 "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"combine\": "
                 "\"rollout\"%s}",
                 npy, layers == L ? "" : ", \"layer\": 0");
        struct png_image img;
        cJSON *l, *data;
        if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
            return;
        double r[N][N];
        closed_rollout(layers, r);
        const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(data, "matrices"), 0);
        const cJSON *w = cJSON_GetObjectItem(m, "weights");
        CHECK(probe_num(m, "rows") == N && cJSON_GetArraySize(w) == N * N);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                const cJSON *v = cJSON_GetArrayItem(w, i * N + j);
                if (j > i)
                    CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "NaN") ==
                                                   0); /* masked: causal layers multiplied */
                else
                    CHECK_NEAR(v->valuedouble, r[i][j], 1e-6);
            }
        char want[64];
        snprintf(want, sizeof want, "Attention Rollout through Layers 0\xE2\x80\x93%d", layers - 1);
        CHECK(strcmp(cJSON_GetObjectItem(probe_mark(l, "title", 0), "text")->valuestring, want) ==
              0);
        CHECK(strstr(cJSON_GetObjectItem(probe_mark(l, "note", 0), "text")->valuestring,
                     "rollout") != NULL);
        CHECK(probe_text_ok(l));
        cJSON_Delete(data);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

/* A statistic no query defines (no character repeats) is hatched, not drawn as 0. */
static void undefined_cells_are_hatched(void)
{
    char spec[512];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"attention-summary\", \"npy\": \"%s\", \"text\": \"abcde\", "
             "\"statistics\": [\"same-char\", \"previous-token\"]}",
             npy);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, spec, "", &img, &l) == 0))
        return;
    CHECK(probe_count(l, "cell") == 2 * L * H);
    for (int p = 0; p < L * H; p++) {
        const cJSON *m = probe_mark(l, "cell", p);
        CHECK(cJSON_GetObjectItem(m, "value") == NULL);
        CHECK(probe_hatched(&img, probe_num(m, "x"), probe_num(m, "y"), probe_num(m, "w"),
                            probe_num(m, "h")));
        const cJSON *prev = probe_mark(l, "cell", L * H + p);
        CHECK(!probe_hatched(&img, probe_num(prev, "x"), probe_num(prev, "y"), probe_num(prev, "w"),
                             probe_num(prev, "h")));
    }
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* A 12-layer, 12-head model on 128 tokens with pseudo-random causal rows: `vizgen stats`'s
 * per-head statistics and rollout against the definitions computed again here, in double, from
 * the same float32 weights, to the six significant digits stats writes. */
static void stats_match_an_independent_reference(void)
{
    enum { BL = 12, BH = 12, BN = 128 };
    float *w = malloc(sizeof(float) * BL * BH * BN * BN);
    char text[BN + 1];
    uint64_t seed = 99;
    for (int i = 0; i < BN; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        text[i] = (char)('a' + (seed >> 60) % 5);
    }
    text[BN] = 0;
    for (size_t r = 0; r < (size_t)BL * BH * BN; r++) {
        size_t i = r % BN;
        float *row = w + r * BN;
        double sum = 0;
        for (size_t j = 0; j < BN; j++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            double u = (double)(seed >> 11) / 9007199254740992.0;
            row[j] = j <= i ? (float)(u * u * u + 1e-3) : 0;
            sum += row[j];
        }
        for (size_t j = 0; j <= i; j++)
            row[j] = (float)(row[j] / sum);
    }
    char big[256], spec[700], out[256], cmd[900];
    probe_tmp("model.npy", big, sizeof big);
    const size_t shape[] = {BL, BH, BN, BN};
    probe_write_npy(big, shape, 4, w);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"attention-summary\", \"npy\": \"%s\", \"text\": \"%s\"}", big, text);
    probe_write(pf.spec, spec);
    probe_tmp("model-stats.json", out, sizeof out);
    snprintf(cmd, sizeof cmd, "stats %s --json | tee %s", pf.spec, out);
    CHECK(probe_run(pf.vizgen, cmd, pf.err) == 0);
    cJSON *st = probe_json_load(out);
    const cJSON *heads = st ? cJSON_GetObjectItem(st, "heads") : NULL;
    if (!CHECK(cJSON_GetArraySize(heads) == BL * BH)) {
        cJSON_Delete(st);
        free(w);
        return;
    }
    int bad = 0;
    for (int p = 0; p < BL * BH; p++) {
        const float *a = w + (size_t)p * BN * BN;
        double ent = 0, first = 0, prev = 0, diag = 0, dist = 0, same = 0;
        int n_same = 0;
        for (int i = 0; i < BN; i++) {
            double e = 0, d = 0, m = 0, mass = 0;
            bool earlier = false;
            for (int j = 0; j <= i; j++) {
                double v = a[i * BN + j];
                e -= v > 0 ? v * log2(v) : 0;
                d += v * (i - j);
                m += v;
                if (j < i && text[j] == text[i])
                    mass += v, earlier = true;
            }
            ent += e / BN;
            first += a[i * BN] / (double)BN;
            prev += i ? a[i * BN + i - 1] / (double)(BN - 1) : 0;
            diag += a[i * BN + i] / (double)BN;
            dist += d / m / BN;
            if (earlier)
                same += mass, n_same++;
        }
        const double want[] = {ent, first, prev, diag, dist, same / n_same};
        const char *names[] = {"entropy",  "first-token", "previous-token",
                               "diagonal", "distance",    "same-char"};
        const cJSON *h = cJSON_GetArrayItem(heads, p);
        for (int k = 0; k < 6; k++)
            bad += !(fabs(probe_num(h, names[k]) - want[k]) <= 1e-5 * fabs(want[k]) + 1e-9);
    }
    CHECK(bad == 0);
    /* Rollout: R = A'_11 ... A'_1 A'_0, A'_l = (mean of layer l's heads + I) / 2. */
    double *r = calloc(BN * BN, sizeof *r), *a = malloc(sizeof(double) * BN * BN),
           *t = malloc(sizeof(double) * BN * BN);
    for (int l = 0; l < BL; l++) {
        for (int i = 0; i < BN * BN; i++) {
            double m = 0;
            for (int h = 0; h < BH; h++)
                m += w[((size_t)(l * BH + h) * BN * BN) + (size_t)i];
            a[i] = (m / BH + (i / BN == i % BN)) / 2;
        }
        if (l == 0) {
            memcpy(r, a, sizeof(double) * BN * BN);
            continue;
        }
        for (int i = 0; i < BN; i++)
            for (int j = 0; j < BN; j++) {
                double v = 0;
                for (int k = 0; k < BN; k++)
                    v += a[i * BN + k] * r[k * BN + j];
                t[i * BN + j] = v;
            }
        memcpy(r, t, sizeof(double) * BN * BN);
    }
    const cJSON *ro = cJSON_GetObjectItem(cJSON_GetObjectItem(st, "rollout"), "weights");
    bad = 0;
    for (int i = 0; i < BN; i++)
        for (int j = 0; j < BN; j++)
            bad += !(fabs(cJSON_GetArrayItem(cJSON_GetArrayItem(ro, i), j)->valuedouble -
                          r[i * BN + j]) <= 1e-5 * r[i * BN + j] + 1e-12);
    CHECK(bad == 0);
    free(r);
    free(a);
    free(t);
    free(w);
    cJSON_Delete(st);
    unlink(out);
    unlink(big);
}

/* A 12-layer, 12-head model at a paper's column, at 8in and in the dark theme. */
static void a_twelve_by_twelve_model_fits(void)
{
    enum { BL = 12, BH = 12, BN = 8 };
    float *w = calloc(BL * BH * BN * BN, sizeof *w);
    for (int p = 0; p < BL * BH; p++)
        for (int i = 0; i < BN; i++)
            w[(p * BN + i) * BN + (p + i) % (i + 1)] = 1;
    char big[256], spec[512];
    probe_tmp("big.npy", big, sizeof big);
    const size_t shape[] = {BL, BH, BN, BN};
    probe_write_npy(big, shape, 4, w);
    free(w);
    snprintf(spec, sizeof spec, "{\"figure\": \"attention-summary\", \"npy\": \"%s\"}", big);
    const char *extras[] = {"", "--size 3.3in", "--theme dark"};
    for (int e = 0; e < 3; e++) {
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf, spec, extras[e], &img, &l) == 0))
            continue;
        CHECK(probe_count(l, "cell") == 5 * BL * BH);
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    with \"%s\"\n", extras[e]);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(big);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    write_heads();
    RUN(cells_hold_their_heads_statistics);
    RUN(rollout_is_a_heatmap_source);
    RUN(undefined_cells_are_hatched);
    RUN(a_twelve_by_twelve_model_fits);
    RUN(stats_match_an_independent_reference);
    unlink(npy);
    probe_cleanup(&pf);
    return check_summary();
}

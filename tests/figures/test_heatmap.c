/* attention-heatmap render tests: run vizgen, decode the PNG and read the layout dump, and check
 * what a reader would see — every cell's colour against its weight, in PNG and through a real SVG
 * renderer, grids of heads, labels that never overlap. */
#include "check.h"
#include "probe.h"

#include "vizgen/attention.h"
#include "vizgen/color.h"
#include "vizgen/colormap.h"
#include "vizgen/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;

static void check_cells(const struct png_image *img, const cJSON *l, int panel,
                        const struct attn *a, enum colormap_id cm, double s)
{
    const cJSON *hm = probe_mark(l, "heatmap", panel);
    if (!CHECK(hm != NULL))
        return;
    CHECK(probe_num(hm, "rows") == a->rows && probe_num(hm, "cols") == a->cols);
    double x = probe_num(hm, "x") * s, y = probe_num(hm, "y") * s;
    double cw = probe_num(hm, "w") * s / a->cols, ch = probe_num(hm, "h") * s / a->rows;
    int bad = 0;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            uint32_t px = probe_pixel(img, x + (j + 0.5) * cw, y + (i + 0.5) * ch);
            float w = a->w[i * a->cols + j];
            if (attn_masked(w))
                bad += !CHECK(px == theme_color(themes[0], MASKED));
            else
                bad += !CHECK_NEAR(probe_invert(cm, px), w, 1.0 / 255);
            if (bad > 3)
                return;
        }
}

static const char movies_spec[] =
    "{\"figure\": \"attention-heatmap\", \"text\": \"i like movies\", \"sharpness\": 6}";

/* The weights movies_spec shows, from the core. */
static void movies_weights(struct attn *a)
{
    size_t n;
    uint32_t *cps = utf8_decode("i like movies", &n);
    attn_init(a, n, n);
    attn_letter_counting(a, cps, MASK_CAUSAL_STRICT, 6, 0, 1);
    free(cps);
}

static void heatmap_cells_recover_synthetic_weights(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, movies_spec, NULL, &img, &l) == 0))
        return;
    struct attn a;
    movies_weights(&a);
    check_cells(&img, l, 0, &a, CMAP_VIRIDIS, 1);
    CHECK(img.width >= 1200);
    const cJSON *hm = probe_mark(l, "heatmap", 0);
    CHECK(probe_num(hm, "w") == probe_num(hm, "h")); /* square plot */
    /* Colorbar: top is the 1 colour, bottom the 0 colour, monotonic in between. */
    const cJSON *cb = probe_mark(l, "colorbar", 0);
    double cx = (probe_num(cb, "x") + probe_num(cb, "w") / 2), prev = 2;
    int mono = 1;
    for (double y = probe_num(cb, "y") + 0.5; y < probe_num(cb, "y") + probe_num(cb, "h"); y++) {
        double v = probe_invert(CMAP_VIRIDIS, probe_pixel(&img, cx, y));
        mono &= v <= prev;
        prev = v;
    }
    CHECK(mono);
    CHECK(probe_invert(CMAP_VIRIDIS, probe_pixel(&img, cx, probe_num(cb, "y") + 1)) > 0.99);
    CHECK(prev < 0.01);
    CHECK(probe_text_ok(l));
    /* The space is shown visibly. */
    const cJSON *yl = probe_mark(l, "y-label", 1);
    CHECK(yl && strcmp(cJSON_GetObjectItem(yl, "text")->valuestring, "\xe2\x90\xa3") == 0);
    attn_free(&a);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* Viewers enlarge an image smoothly whatever an SVG asks (librsvg ignores image-rendering), so
 * the cells must come out sharp-edged from a real SVG renderer, not just from vizgen's PNG. */
static void heatmap_svg_cells_stay_sharp_in_a_viewer(void)
{
    char svg[256], args[1024];
    probe_tmp("out.svg", svg, sizeof svg);
    probe_write(pf.spec, movies_spec);
    snprintf(args, sizeof args, "render %s -o %s --dump-layout %s", pf.spec, svg, pf.lay);
    if (!CHECK(probe_run(pf.vizgen, args, pf.err) == 0))
        return;
    /* At 72 dpi one SVG point is one pixel, as in the layout dump. */
    snprintf(args, sizeof args, "--dpi-x 72 --dpi-y 72 -o %s %s", pf.png, svg);
    struct png_image img;
    cJSON *l = probe_layout_load(pf.lay);
    if (!CHECK(probe_run("rsvg-convert", args, pf.err) == 0) || !CHECK(l != NULL) ||
        !CHECK(probe_png_load(pf.png, &img) == 0)) {
        cJSON_Delete(l);
        unlink(svg);
        return;
    }
    struct attn a;
    movies_weights(&a);
    check_cells(&img, l, 0, &a, CMAP_VIRIDIS, 1);
    const cJSON *hm = probe_mark(l, "heatmap", 0);
    double x = probe_num(hm, "x"), y = probe_num(hm, "y"), cell = probe_num(hm, "w") / a.cols;
    /* Three pixels in from each corner, clear of the grid line, a cell is still its own colour;
     * a smoothly enlarged 13x13 image would be nearly halfway to its neighbours there. */
    int bad = 0;
    for (size_t i = 0; i < a.rows && bad < 3; i++)
        for (size_t j = 0; j < a.cols && bad < 3; j++) {
            float w = a.w[i * a.cols + j];
            if (attn_masked(w))
                continue;
            double x0 = x + j * cell + 3, y0 = y + i * cell + 3;
            double x1 = x + (j + 1) * cell - 4, y1 = y + (i + 1) * cell - 4;
            bad += !CHECK_NEAR(probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x0, y0)), w, 2.0 / 255);
            bad += !CHECK_NEAR(probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x1, y1)), w, 2.0 / 255);
        }
    attn_free(&a);
    cJSON_Delete(l);
    probe_png_free(&img);
    unlink(svg);
}

static void heatmap_cells_recover_real_weights_in_plasma_at_scale_2(void)
{
    /* A 5x5 row-stochastic matrix with irregular values. */
    struct attn a;
    attn_init(&a, 5, 5);
    char text[4096] = "{\"figure\": \"attention-heatmap\", \"colormap\": \"plasma\", "
                      "\"tokens\": [\"The\", \"cat\", \"sat\", \"on\", \"mat\"], \"weights\": [";
    uint64_t st = 7;
    for (int i = 0; i < 5; i++) {
        double row[5], sum = 0;
        for (int j = 0; j < 5; j++)
            sum += row[j] = prng_uniform(&st) + 0.01;
        strcat(text, i ? ",[" : "[");
        for (int j = 0; j < 5; j++) {
            char num[32];
            a.w[i * 5 + j] = (float)(row[j] / sum);
            snprintf(num, sizeof num, "%s%.6f", j ? "," : "", a.w[i * 5 + j]);
            strcat(text, num);
        }
        strcat(text, "]");
    }
    strcat(text, "]}");
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, "--scale 2", &img, &l) == 0))
        return;
    check_cells(&img, l, 0, &a, CMAP_PLASMA, 2);
    attn_free(&a);
    cJSON_Delete(l);
    probe_png_free(&img);
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
    const cJSON *h5 = probe_mark(l, "panel-header", 5);
    CHECK(h5 && strcmp(cJSON_GetObjectItem(h5, "text")->valuestring, "L1 H2") == 0);
    for (int p = 0; p < 6; p++) {
        struct attn a;
        attn_init(&a, 4, 4);
        for (int k = 0; k < 16; k++)
            a.w[k] = (k % 4) == ((p / 3) + (p % 3)) % 4 ? 0.7f : 0.1f;
        check_cells(&img, l, p, &a, CMAP_VIRIDIS, 1);
        attn_free(&a);
    }
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void heatmap_labels_never_overlap(int n)
{
    char *text = malloc((size_t)n + 256);
    strcpy(text, "{\"figure\": \"attention-heatmap\", \"text\": \"");
    size_t at = strlen(text);
    for (int i = 0; i < n; i++)
        text[at++] = "the quick brown fox jumps over lazy dogs"[i % 40];
    strcpy(text + at, "\"}");
    struct png_image img;
    cJSON *l;
    if (CHECK(probe_render(&pf, text, NULL, &img, &l) == 0)) {
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    at %d tokens\n", n);
        CHECK(probe_count(l, "y-label") > 0 && probe_count(l, "x-label") > 0);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    free(text);
}

static void heatmap_labels_never_overlap_at_13_64_and_512_tokens(void)
{
    heatmap_labels_never_overlap(13);
    heatmap_labels_never_overlap(64);
    heatmap_labels_never_overlap(512);
}

static void heatmap_annotations_contrast_with_their_cells(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(
                   &pf,
                   "{\"figure\": \"attention-heatmap\", \"text\": \"abcab\", \"annotate\": true,"
                   " \"mask\": \"none\", \"sharpness\": 2, \"format\": \"%.1f\"}",
                   NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "annotation") == 25);
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "annotation") != 0)
            continue;
        /* The cell colour just inside the cell's corner, away from the text. */
        const cJSON *hm = probe_mark(l, "heatmap", 0);
        double cell = probe_num(hm, "w") / 5;
        int idx = (int)probe_num(m, "index");
        uint32_t bg = probe_pixel(&img, probe_num(hm, "x") + (idx % 5) * cell + 3,
                                  probe_num(hm, "y") + (idx / 5) * cell + 3);
        double lb = probe_luminance(bg), lt = probe_luminance((uint32_t)probe_num(m, "rgb"));
        double ratio = (fmax(lb, lt) + 0.05) / (fmin(lb, lt) + 0.05);
        CHECK(ratio >= 4.5);
    }
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void heatmap_renders_2048_squared_npy(void)
{
    enum { N = 2048 };
    char npy[256];
    probe_tmp("big.npy", npy, sizeof npy);
    FILE *f = fopen(npy, "wb");
    const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (2048, 2048), }";
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0};
    fwrite(pre, 1, 10, f);
    fputs(dict, f);
    for (size_t i = strlen(dict); i < 117; i++)
        fputc(' ', f);
    fputc('\n', f);
    float *row = malloc(N * sizeof *row);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++)
            row[j] = j <= i ? 1.0f / (float)(i + 1) : 0.0f;
        fwrite(row, sizeof *row, N, f);
    }
    free(row);
    fclose(f);
    char text[512];
    snprintf(text, sizeof text,
             "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"mask\": \"causal\"}", npy);
    struct png_image img;
    cJSON *l;
    if (CHECK(probe_render(&pf, text, NULL, &img, &l) == 0)) {
        const cJSON *hm = probe_mark(l, "heatmap", 0);
        CHECK(probe_num(hm, "rows") == N);
        CHECK(img.width == 1200);
        CHECK(probe_num(hm, "w") == 720 && probe_num(hm, "h") == 720);
        /* Upper right is masked; the first column near the top is bright (row 0 weight 1). */
        CHECK(probe_pixel(&img, probe_num(hm, "x") + 700, probe_num(hm, "y") + 5) ==
              theme_color(themes[0], MASKED));
        CHECK(probe_text_ok(l));
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(npy);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-VIZGEN\n", argv[0]);
        return 2;
    }
    probe_setup(&pf, argv[1]);
    RUN(heatmap_cells_recover_synthetic_weights);
    RUN(heatmap_svg_cells_stay_sharp_in_a_viewer);
    RUN(heatmap_cells_recover_real_weights_in_plasma_at_scale_2);
    RUN(heatmap_grid_shows_every_layer_and_head);
    RUN(heatmap_labels_never_overlap_at_13_64_and_512_tokens);
    RUN(heatmap_annotations_contrast_with_their_cells);
    RUN(heatmap_renders_2048_squared_npy);
    probe_cleanup(&pf);
    return check_summary();
}

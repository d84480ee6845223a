/* attention-heatmap render tests, one matrix: run vizgen, decode the PNG and read the layout
 * dump, and check what a reader would see — every cell's colour against its weight, in PNG and
 * through a real SVG renderer; synthetic weights that say what the seed says, and say they are
 * synthetic; masks that no colour can be taken for; labels that never overlap. Grids and big
 * matrices are in test_heatmap_grid.c. */
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

/* Where to read a cell's colour: a quarter in from its corner when it is big enough to hold an
 * annotation (which sits in its middle), else its centre. */
static double probe_at(double cell)
{
    return cell >= 10 ? 0.25 : 0.5;
}

/* The weight the figure shows for cell (i, j) of the image mark `role` #panel. */
static double decoded(const struct png_image *img, const cJSON *l, const char *role, int panel,
                      size_t rows, size_t cols, size_t i, size_t j, enum colormap_id cm)
{
    const cJSON *m = probe_mark(l, role, panel);
    double cw = probe_num(m, "w") / (double)cols, ch = probe_num(m, "h") / (double)rows;
    double x = probe_num(m, "x"), y = probe_num(m, "y");
    return probe_invert(cm,
                        probe_pixel(img, x + (j + probe_at(cw)) * cw, y + (i + probe_at(ch)) * ch));
}

/* Every cell of a against the image mark `role` #panel: its weight's colour, or hatched. */
static void check_cells(const struct png_image *img, const cJSON *l, const char *role, int panel,
                        const struct attn *a, enum colormap_id cm)
{
    const cJSON *hm = probe_mark(l, role, panel);
    if (!CHECK(hm != NULL))
        return;
    CHECK(probe_num(hm, "rows") == a->rows && probe_num(hm, "cols") == a->cols);
    double x = probe_num(hm, "x"), y = probe_num(hm, "y");
    double cw = probe_num(hm, "w") / a->cols, ch = probe_num(hm, "h") / a->rows;
    int bad = 0;
    for (size_t i = 0; i < a->rows && bad <= 3; i++)
        for (size_t j = 0; j < a->cols && bad <= 3; j++) {
            float w = a->w[i * a->cols + j];
            if (attn_masked(w))
                bad += !CHECK(probe_hatched(img, x + j * cw + 2, y + i * ch + 2, cw - 4, ch - 4));
            else
                bad += !CHECK_NEAR(decoded(img, l, role, panel, a->rows, a->cols, i, j, cm), w,
                                   1.0 / 255);
        }
}

static const char *mark_text(const cJSON *m)
{
    const cJSON *t = m ? cJSON_GetObjectItem(m, "text") : NULL;
    return cJSON_IsString(t) ? t->valuestring : "";
}

static const char movies_spec[] =
    "{\"figure\": \"attention-heatmap\", \"text\": \"i like movies\", \"sharpness\": 6}";

/* The weights movies_spec shows, from the core, with the null key. */
static uint32_t *movies_weights(struct attn *a, size_t *n)
{
    uint32_t *cps = utf8_decode("i like movies", n);
    attn_init(a, *n, *n);
    attn_add_sink(a);
    attn_letter_counting(a, cps, MASK_CAUSAL_STRICT, 6, 0, 1);
    return cps;
}

static void heatmap_cells_recover_synthetic_weights(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, movies_spec, NULL, &img, &l) == 0))
        return;
    struct attn a;
    size_t n;
    free(movies_weights(&a, &n));
    check_cells(&img, l, "heatmap", 0, &a, CMAP_VIRIDIS);
    struct attn sink = {a.rows, 1, a.sink, NULL};
    check_cells(&img, l, "null-key", 0, &sink, CMAP_VIRIDIS);
    CHECK(strcmp(mark_text(probe_mark(l, "null-label", 0)), "\xE2\x88\x85") == 0);
    CHECK(img.width >= 1200);
    const cJSON *hm = probe_mark(l, "heatmap", 0);
    CHECK(probe_num(hm, "w") == probe_num(hm, "h")); /* square plot */
    /* The null key's column stands apart, left of the cells. */
    const cJSON *nk = probe_mark(l, "null-key", 0);
    CHECK(probe_num(nk, "x") + probe_num(nk, "w") + 4 <= probe_num(hm, "x"));
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
    /* The space is shown visibly, bold at body size, with its position beside it. */
    const cJSON *yl = probe_mark(l, "y-label", 1);
    CHECK(strcmp(mark_text(yl), "\xe2\x90\xa3") == 0);
    CHECK(probe_count(l, "y-label") == 13 && probe_count(l, "x-label") == 13);
    CHECK(probe_count(l, "y-index") == 13 && probe_count(l, "x-index") == 13);
    CHECK(strcmp(mark_text(probe_mark(l, "x-index", 10)), "10") == 0);
    /* Synthetic weights say so on the figure. */
    CHECK(strncmp(mark_text(probe_mark(l, "note", 0)), "Synthetic weights", 17) == 0);
    CHECK(strcmp(mark_text(probe_mark(l, "title", 0)),
                 "Self-Attention Weights for Letter Counting") == 0);
    attn_free(&a);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* What the seed asks, read back from the pixels: a first occurrence puts at most 0.2 on any
 * character; a repeat puts at least 0.8 on its earlier copies; each row, null key included,
 * sums to 1. */
static void heatmap_synthetic_weights_show_counting(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, movies_spec, NULL, &img, &l) == 0))
        return;
    size_t n;
    uint32_t *cps = utf8_decode("i like movies", &n);
    int repeats = 0, firsts = 0;
    for (size_t i = 0; i < n; i++) {
        double same = 0, other_max = 0, total = 0;
        bool repeat = false;
        for (size_t j = 0; j < i; j++) {
            double w = decoded(&img, l, "heatmap", 0, n, n, i, j, CMAP_VIRIDIS);
            total += w;
            if (cps[j] == cps[i]) {
                same += w;
                repeat = true;
            } else {
                other_max = fmax(other_max, w);
            }
        }
        total += decoded(&img, l, "null-key", 0, n, 1, i, 0, CMAP_VIRIDIS);
        CHECK_NEAR(total, 1, (double)(i + 1) / 255);
        if (repeat) {
            repeats++;
            CHECK(same >= 0.8);
        } else {
            firsts++;
            CHECK(other_max <= 0.2);
        }
    }
    CHECK(repeats == 4 && firsts == 9); /* i, space, i, e repeat */
    free(cps);
    cJSON_Delete(l);
    probe_png_free(&img);
    /* Without the null key, the weights are the old softmax over earlier characters only:
     * the note says so too. */
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"attention-heatmap\", \"text\": \"i like movies\","
                            " \"null_key\": false}",
                            NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "null-key") == 0 && probe_count(l, "null-label") == 0);
    CHECK(strstr(mark_text(probe_mark(l, "note", 0)), "null key") == NULL);
    CHECK_NEAR(decoded(&img, l, "heatmap", 0, 13, 13, 1, 0, CMAP_VIRIDIS), 1, 1.0 / 255);
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
    /* The dump counts SVG output in CSS pixels (96 dpi); drawn at 135 dpi a layout unit (0.711
     * CSS px at the default size) is one pixel, about as fine as the PNG. */
    const double dpi = 135;
    snprintf(args, sizeof args, "--dpi-x %g --dpi-y %g -o %s %s", dpi, dpi, pf.png, svg);
    struct png_image img;
    cJSON *l = probe_layout_load(pf.lay);
    if (!CHECK(probe_run("rsvg-convert", args, pf.err) == 0) || !CHECK(l != NULL) ||
        !CHECK(probe_png_load(pf.png, &img) == 0)) {
        cJSON_Delete(l);
        unlink(svg);
        return;
    }
    struct attn a;
    size_t n;
    free(movies_weights(&a, &n));
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        static const char *const geometry[] = {"x", "y", "w", "h"};
        for (size_t k = 0; k < 4; k++) {
            cJSON *v = cJSON_GetObjectItem(m, geometry[k]);
            cJSON_SetNumberValue(v, v->valuedouble * dpi / 96);
        }
    }
    check_cells(&img, l, "heatmap", 0, &a, CMAP_VIRIDIS);
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
    check_cells(&img, l, "heatmap", 0, &a, CMAP_PLASMA);
    /* Real weights: no null key, no synthetic note, a title that is not letter counting, axis
     * titles that name tokens. */
    CHECK(probe_count(l, "null-key") == 0 && probe_count(l, "note") == 0);
    CHECK(strcmp(mark_text(probe_mark(l, "title", 0)), "Attention Weights") == 0);
    CHECK(strcmp(mark_text(probe_mark(l, "axis-title", 0)), "Key position (attended-to token)") ==
          0);
    CHECK(probe_count(l, "annotation") == 25);
    attn_free(&a);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* Masked cells are hatched: in every colormap and both themes, no colour of the scale (not
 * viridis' yellow, not magma's pale end) can be taken for them, in colour or in greyscale. */
static void heatmap_masked_cells_cannot_be_taken_for_any_weight(void)
{
    const char *const maps[] = {"viridis", "magma"}, *const themes_[] = {"light", "dark"};
    for (int t = 0; t < 2; t++)
        for (int m = 0; m < 2; m++) {
            char text[512];
            snprintf(text, sizeof text,
                     "{\"figure\": \"attention-heatmap\", \"text\": \"abcab\", \"colormap\": "
                     "\"%s\", \"theme\": \"%s\"}",
                     maps[m], themes_[t]);
            struct png_image img;
            cJSON *l;
            if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
                continue;
            const cJSON *hm = probe_mark(l, "heatmap", 0);
            double x = probe_num(hm, "x"), y = probe_num(hm, "y"), cell = probe_num(hm, "w") / 5;
            for (int i = 0; i < 5; i++)
                for (int j = i; j < 5; j++) /* the diagonal and above: masked */
                    CHECK(probe_hatched(&img, x + j * cell + 2, y + i * cell + 2, cell - 4,
                                        cell - 4));
            /* Unmasked cells are flat, and the swatch that explains the hatch is hatched. */
            CHECK(!probe_hatched(&img, x + 2, y + cell + 2, cell / 4, cell / 4));
            const cJSON *sw = probe_mark(l, "mask-swatch", 0);
            CHECK(probe_hatched(&img, probe_num(sw, "x") + 1, probe_num(sw, "y") + 1,
                                probe_num(sw, "w") - 2, probe_num(sw, "h") - 2));
            cJSON_Delete(l);
            probe_png_free(&img);
        }
}

/* The labels at every length the issue names: characters upright, each labelled while they
 * fit, then round positions; no two text boxes meet. */
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
        bool labelled = probe_count(l, "x-label") > 0;
        if (n <= 40)
            CHECK(probe_count(l, "y-label") == n && probe_count(l, "x-label") == n);
        else if (n >= 512)
            CHECK(!labelled);
        if (!labelled) /* positions instead, at least three of them */
            CHECK(probe_count(l, "x-index") >= 3 && probe_count(l, "y-index") >= 3);
        /* Positions are round: every one a multiple of a 1, 2 or 5 step. */
        long step = 0;
        for (int k = 0; probe_mark(l, "x-index", k); k++) {
            long v = atol(mark_text(probe_mark(l, "x-index", k)));
            if (k == 1)
                step = v;
            if (k > 0)
                CHECK(step > 0 && v % step == 0);
        }
        if (!labelled) {
            long p = 1;
            while (p * 10 <= step)
                p *= 10;
            CHECK(step == p || step == 2 * p || step == 5 * p);
        }
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    free(text);
}

static void heatmap_labels_never_overlap_at_13_40_64_200_and_512_tokens(void)
{
    const int sizes[] = {13, 40, 64, 200, 512};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        heatmap_labels_never_overlap(sizes[i]);
}

static void heatmap_annotations_contrast_with_their_cells(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"attention-heatmap\", \"text\": \"abcab\","
                            " \"mask\": \"none\", \"sharpness\": 2, \"format\": \"%.1f\"}",
                            NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "annotation") == 25 && probe_count(l, "null-annotation") == 5);
    const cJSON *m;
    const cJSON *hm = probe_mark(l, "heatmap", 0);
    double cell = probe_num(hm, "w") / 5;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "annotation") != 0)
            continue;
        /* The cell colour just inside the cell's corner, away from the text. */
        int idx = (int)probe_num(m, "index");
        uint32_t bg = probe_pixel(&img, probe_num(hm, "x") + (idx % 5) * cell + 3,
                                  probe_num(hm, "y") + (idx / 5) * cell + 3);
        double lb = probe_luminance(bg), lt = probe_luminance((uint32_t)probe_num(m, "rgb"));
        double ratio = (fmax(lb, lt) + 0.05) / (fmin(lb, lt) + 0.05);
        CHECK(ratio >= 4.5);
    }
    cJSON_Delete(l);
    probe_png_free(&img);
    /* Where cells are too small for numbers, there are none. */
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"attention-heatmap\", \"text\": \"the quick brown fox "
                            "jumps over the lazy dog and then some more\"}",
                            NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "annotation") == 0);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* --dump-data gives the weights handed to the cells: the spec's, with masked cells as "NaN". */
static void heatmap_data_dump_gives_the_weights(void)
{
    const char *spec =
        "{\"figure\": \"attention-heatmap\", \"weights\": [[1, 0, 0], [0.25, 0.75, 0], "
        "[0.125, 0.5, 0.375]]}";
    struct png_image img;
    cJSON *l, *j;
    if (!CHECK(probe_render_data(&pf, spec, NULL, &img, &l, &j) == 0))
        return;
    const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "matrices"), 0);
    const cJSON *w = cJSON_GetObjectItem(m, "weights");
    const double want[9] = {1, -1, -1, 0.25, 0.75, -1, 0.125, 0.5, 0.375}; /* -1: masked */
    CHECK(cJSON_GetArraySize(w) == 9 && probe_num(m, "rows") == 3);
    for (int i = 0; i < 9 && cJSON_GetArraySize(w) == 9; i++) {
        const cJSON *v = cJSON_GetArrayItem(w, i);
        CHECK(want[i] < 0 ? cJSON_IsString(v) && strcmp(v->valuestring, "NaN") == 0
                          : cJSON_IsNumber(v) && v->valuedouble == want[i]);
    }
    cJSON_Delete(j);
    cJSON_Delete(l);
    probe_png_free(&img);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(heatmap_cells_recover_synthetic_weights);
    RUN(heatmap_synthetic_weights_show_counting);
    RUN(heatmap_svg_cells_stay_sharp_in_a_viewer);
    RUN(heatmap_cells_recover_real_weights_in_plasma_at_scale_2);
    RUN(heatmap_masked_cells_cannot_be_taken_for_any_weight);
    RUN(heatmap_labels_never_overlap_at_13_40_64_200_and_512_tokens);
    RUN(heatmap_annotations_contrast_with_their_cells);
    RUN(heatmap_data_dump_gives_the_weights);
    probe_cleanup(&pf);
    return check_summary();
}

/* Render tests: run vizgen, decode the PNG and read the layout dump, and check what a reader
 * would see — bar lengths against values, cell colours against weights, text that never overlaps. */
#include "check.h"
#include "probe.h"

#include "vizgen/attention.h"
#include "vizgen/color.h"
#include "vizgen/colormap.h"
#include "vizgen/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *vizgen;
static char spec[256], png[256], lay[256], errf[256];

/* Renders spec_text with extra args; loads the PNG and layout. Returns 0 on success. */
static int render(const char *spec_text, const char *extra, struct png_image *img, cJSON **layout)
{
    probe_write(spec, spec_text);
    char args[1024];
    snprintf(args, sizeof args, "render %s -o %s --dump-layout %s %s", spec, png, lay,
             extra ? extra : "");
    int rc = probe_run(vizgen, args, errf);
    if (!CHECK(rc == 0))
        return -1;
    if (!CHECK(probe_png_load(png, img) == 0))
        return -1;
    *layout = probe_layout_load(lay);
    return CHECK(*layout != NULL) ? 0 : -1;
}

/* --- model-compression --- */

static const char compression_spec[] =
    "{\"figure\": \"model-compression\", \"title\": \"Memory\", \"subtitle\": \"BigNet\","
    " \"bars\": [{\"label\": \"Full Precision (float32)\", \"value\": 72.11},"
    " {\"label\": \"Half Precision (float16)\", \"value\": 36.07},"
    " {\"label\": \"LoRA\", \"value\": 38, \"approx\": true},"
    " {\"label\": \"4-bit Quantization\", \"value\": 11.36},"
    " {\"label\": \"QLoRA\", \"value\": 13, \"approx\": true}]}";
static const double values[] = {72.11, 36.07, 38, 11.36, 13};

/* x of a data value, from two tick labels' centres ("0" and the next). */
static double axis_x(const cJSON *l, double v, double s)
{
    const cJSON *t0 = probe_mark(l, "tick-label", 0), *t1 = probe_mark(l, "tick-label", 1);
    double x0 = probe_num(t0, "x") + probe_num(t0, "w") / 2, x1 = probe_num(t1, "x") + probe_num(t1, "w") / 2;
    double v1 = atof(cJSON_GetObjectItem(t1, "text")->valuestring);
    return (x0 + (x1 - x0) * v / v1) * s;
}

static void check_compression(double s)
{
    struct png_image img;
    cJSON *l;
    char extra[32];
    snprintf(extra, sizeof extra, "--scale %g", s);
    if (render(compression_spec, extra, &img, &l))
        return;
    CHECK(img.width == (int)(1200 * s));
    double prev_lum = -1;
    for (int i = 4; i >= 0; i--) {
        const cJSON *b = probe_mark(l, "bar", i);
        double y = (probe_num(b, "y") + 3) * s, x = probe_num(b, "x") * s;
        uint32_t fill = probe_pixel(&img, x + 2, y);
        /* Walk right along the bar's top edge (no text there) to where the fill ends. */
        int end = (int)x + 2;
        while (probe_pixel(&img, end + 1, y) == fill)
            end++;
        double want = axis_x(l, values[i], s) - axis_x(l, 0, s);
        CHECK_NEAR(end + 1 - x, want, 2);
        /* Darkest first: luminance strictly falls from the last bar to the first. */
        if (i < 4)
            CHECK(probe_luminance(fill) < prev_lum);
        prev_lum = probe_luminance(fill);
    }
    /* The dashed baseline: in the gaps between bars, the darkest column is at x(72.11). */
    double bx = axis_x(l, 72.11, s);
    int best = -1, best_n = -1;
    for (int x = (int)bx - 6; x <= (int)bx + 6; x++) {
        int n = 0;
        for (int i = 0; i + 1 < 5; i++) {
            const cJSON *a = probe_mark(l, "bar", i), *b = probe_mark(l, "bar", i + 1);
            for (double y = (probe_num(a, "y") + probe_num(a, "h")) * s + 1; y < probe_num(b, "y") * s - 1; y++)
                n += probe_luminance(probe_pixel(&img, x, y)) < 0.5;
        }
        if (n > best_n)
            best_n = n, best = x;
    }
    CHECK(best_n > 0);
    CHECK_NEAR(best + 0.5, bx, 2);
    CHECK(probe_text_ok(l));
    /* No label sits on a bar, except the value drawn inside its own bar. */
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "kind")->valuestring, "text") != 0 ||
            strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "value-inside") == 0)
            continue;
        for (int i = 0; i < 5; i++) {
            const cJSON *b = probe_mark(l, "bar", i);
            int over = probe_num(m, "x") < probe_num(b, "x") + probe_num(b, "w") &&
                       probe_num(b, "x") < probe_num(m, "x") + probe_num(m, "w") &&
                       probe_num(m, "y") < probe_num(b, "y") + probe_num(b, "h") &&
                       probe_num(b, "y") < probe_num(m, "y") + probe_num(m, "h");
            if (!CHECK(!over))
                fprintf(stderr, "    \"%s\" is on bar %d\n", cJSON_GetObjectItem(m, "text")->valuestring, i);
        }
    }
    /* Reductions are computed, not copied: 72.11 / 11.36 = 6.35 -> "6.3x". */
    const cJSON *r3 = probe_mark(l, "reduction", 2);
    CHECK(r3 && strcmp(cJSON_GetObjectItem(r3, "text")->valuestring, "6.3x reduction") == 0);
    const cJSON *r0 = probe_mark(l, "reduction", 0);
    CHECK(r0 && strcmp(cJSON_GetObjectItem(r0, "text")->valuestring, "50% reduction") == 0);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void compression_bars_match_values_at_scale_1(void)
{
    check_compression(1);
}

static void compression_bars_match_values_at_scale_2(void)
{
    check_compression(2);
}

static void compression_long_labels_are_shortened_not_overlapping(void)
{
    char text[8192];
    char label[2100];
    memset(label, 'W', 1000);
    label[1000] = '\0';
    snprintf(text, sizeof text,
             "{\"figure\": \"model-compression\", \"bars\": [{\"label\": \"%s\", \"value\": 5},"
             " {\"label\": \"short\", \"value\": 4.99}, {\"label\": \"x\", \"value\": 1e-3}]}",
             label);
    struct png_image img;
    cJSON *l;
    if (render(text, NULL, &img, &l))
        return;
    CHECK(probe_text_ok(l));
    const cJSON *b0 = probe_mark(l, "bar", 0), *lab = probe_mark(l, "bar-label", 0);
    CHECK(probe_num(lab, "x") + probe_num(lab, "w") <= probe_num(b0, "x"));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void same_spec_gives_byte_identical_png(void)
{
    char other[256];
    probe_tmp("again.png", other, sizeof other);
    probe_write(spec, compression_spec);
    char args[600];
    snprintf(args, sizeof args, "render %s -o %s", spec, png);
    CHECK(probe_run(vizgen, args, NULL) == 0);
    snprintf(args, sizeof args, "render %s -o %s", spec, other);
    CHECK(probe_run(vizgen, args, NULL) == 0);
    CHECK(probe_same_file(png, other) == 0);
    unlink(other);
}

/* --- attention-heatmap --- */

/* The weight a colour stands for: the index of the nearest colormap entry over 255. */
static double invert(enum colormap_id cm, uint32_t rgb)
{
    const unsigned *t = colormap_table(cm);
    int best = 0;
    long best_d = -1;
    for (int i = 0; i < 256; i++) {
        long dr = (long)((t[i] >> 16) & 255) - (long)((rgb >> 16) & 255);
        long dg = (long)((t[i] >> 8) & 255) - (long)((rgb >> 8) & 255);
        long db = (long)(t[i] & 255) - (long)(rgb & 255);
        long dd = dr * dr + dg * dg + db * db;
        if (best_d < 0 || dd < best_d)
            best_d = dd, best = i;
    }
    return best / 255.0;
}

/* Samples every cell centre of the heatmap image and compares with the expected matrix. */
static void check_cells(const struct png_image *img, const cJSON *l, int panel, const struct attn *a,
                        enum colormap_id cm, double s)
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
                bad += !CHECK_NEAR(invert(cm, px), w, 1.0 / 255);
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
    if (render(movies_spec, NULL, &img, &l))
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
        double v = invert(CMAP_VIRIDIS, probe_pixel(&img, cx, y));
        mono &= v <= prev;
        prev = v;
    }
    CHECK(mono);
    CHECK(invert(CMAP_VIRIDIS, probe_pixel(&img, cx, probe_num(cb, "y") + 1)) > 0.99);
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
    probe_write(spec, movies_spec);
    snprintf(args, sizeof args, "render %s -o %s --dump-layout %s", spec, svg, lay);
    if (!CHECK(probe_run(vizgen, args, errf) == 0))
        return;
    /* At 72 dpi one SVG point is one pixel, as in the layout dump. */
    snprintf(args, sizeof args, "--dpi-x 72 --dpi-y 72 -o %s %s", png, svg);
    struct png_image img;
    cJSON *l = probe_layout_load(lay);
    if (!CHECK(probe_run("rsvg-convert", args, errf) == 0) || !CHECK(l != NULL) ||
        !CHECK(probe_png_load(png, &img) == 0)) {
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
            bad += !CHECK_NEAR(invert(CMAP_VIRIDIS, probe_pixel(&img, x0, y0)), w, 2.0 / 255);
            bad += !CHECK_NEAR(invert(CMAP_VIRIDIS, probe_pixel(&img, x1, y1)), w, 2.0 / 255);
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
    if (render(text, "--scale 2", &img, &l))
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
    if (render(text, NULL, &img, &l))
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
    if (render(text, NULL, &img, &l) == 0) {
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
    if (render("{\"figure\": \"attention-heatmap\", \"text\": \"abcab\", \"annotate\": true,"
               " \"mask\": \"none\", \"sharpness\": 2, \"format\": \"%.1f\"}", NULL, &img, &l))
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
    snprintf(text, sizeof text, "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"mask\": \"causal\"}", npy);
    struct png_image img;
    cJSON *l;
    if (render(text, NULL, &img, &l) == 0) {
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

static void transparent_png_has_clear_background_and_opaque_marks(void)
{
    struct png_image img;
    cJSON *l;
    if (render(compression_spec, "--transparent", &img, &l))
        return;
    CHECK(img.has_alpha);
    CHECK(probe_alpha(&img, 2, 2) == 0);
    const cJSON *b = probe_mark(l, "bar", 0);
    CHECK(probe_alpha(&img, probe_num(b, "x") + 3, probe_num(b, "y") + 3) == 255);
    /* Un-premultiplied: the bar keeps its own colour, not a darkened one. */
    CHECK(probe_pixel(&img, probe_num(b, "x") + 3, probe_num(b, "y") + 3) == (uint32_t)probe_num(b, "rgb"));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void dark_theme_keeps_text_readable(void)
{
    struct png_image img;
    cJSON *l;
    if (render(compression_spec, "--theme dark", &img, &l))
        return;
    uint32_t paper = probe_pixel(&img, 2, 2);
    CHECK(probe_luminance(paper) < 0.02);
    /* Every text mark contrasts with the page at least 4.5:1, except text inside bars, which is
     * checked against its bar. */
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "kind")->valuestring, "text") != 0)
            continue;
        uint32_t bg = paper;
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "value-inside") == 0)
            bg = (uint32_t)probe_num(probe_mark(l, "bar", (int)probe_num(m, "index")), "rgb");
        double a = probe_luminance(bg), t = probe_luminance((uint32_t)probe_num(m, "rgb"));
        double ratio = (fmax(a, t) + 0.05) / (fmin(a, t) + 0.05);
        if (!CHECK(ratio >= 4.5))
            fprintf(stderr, "    \"%s\" contrast %.2f\n", cJSON_GetObjectItem(m, "text")->valuestring, ratio);
    }
    /* The first bar still stands out from the page. */
    double b0 = probe_luminance((uint32_t)probe_num(probe_mark(l, "bar", 0), "rgb"));
    CHECK((b0 + 0.05) / (probe_luminance(paper) + 0.05) >= 3);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* --- letter-counting --- */

static void letters_boxes_counts_and_colours_follow_the_text(void)
{
    const char *s = "i like movies a lot";
    struct png_image img;
    cJSON *l;
    if (render("{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\"}", NULL, &img, &l))
        return;
    size_t n;
    uint32_t *cps = utf8_decode(s, &n);
    int counts[32];
    letter_counts(cps, n, 2, false, counts);
    CHECK(probe_count(l, "box") == (int)n);
    uint32_t fill[32];
    double prev_x = -1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *b = probe_mark(l, "box", (int)i);
        CHECK(probe_num(b, "index") == (double)i);
        CHECK(probe_num(b, "x") > prev_x);
        prev_x = probe_num(b, "x");
        fill[i] = probe_pixel(&img, probe_num(b, "x") + 4, probe_num(b, "y") + 4);
        const cJSON *c = probe_mark(l, "count", (int)i);
        char want[16];
        snprintf(want, sizeof want, "%d%s", counts[i], counts[i] >= 2 ? "+" : "");
        const char *got = cJSON_GetObjectItem(c, "text")->valuestring;
        /* "Count: N" or, when that does not fit, "N" under a "count" row header. */
        CHECK(strcmp(got, want) == 0 || (strncmp(got, "Count: ", 7) == 0 && strcmp(got + 7, want) == 0));
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            CHECK((fill[i] == fill[j]) == (cps[i] == cps[j]));
    /* "all": one arc per (position, earlier occurrence) pair. */
    int pairs = 0, with_earlier = 0;
    for (size_t i = 0; i < n; i++) {
        int any = 0;
        for (size_t j = 0; j < i; j++)
            if (cps[j] == cps[i])
                pairs++, any = 1;
        with_earlier += any;
    }
    CHECK(probe_count(l, "arc") == pairs);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
    if (render("{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\", \"arcs\": \"nearest\"}",
               NULL, &img, &l) == 0) {
        CHECK(probe_count(l, "arc") == with_earlier);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    free(cps);
}

static void letters_highlight_dims_the_rest(void)
{
    struct png_image img;
    cJSON *l;
    if (render("{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\", \"highlight\": [3, 11]}",
               NULL, &img, &l))
        return;
    /* Box 3 ('i', highlighted) is more saturated than box 0 ('i', dimmed). */
    const cJSON *b0 = probe_mark(l, "box", 0), *b3 = probe_mark(l, "box", 3);
    double l0 = probe_luminance((uint32_t)probe_num(b0, "rgb")), l3 = probe_luminance((uint32_t)probe_num(b3, "rgb"));
    CHECK(l3 < l0);
    /* The arc from 3 back to 0 is drawn at full colour; the one from 10 back is faded. */
    const cJSON *m;
    int strong = 0, faded = 0;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "arc") != 0)
            continue;
        double lum = probe_luminance((uint32_t)probe_num(m, "rgb"));
        int from = (int)probe_num(m, "index");
        if (from == 3 || from == 11)
            strong += lum < 0.5;
        else
            faded += lum > 0.5;
    }
    CHECK(strong == 2);
    CHECK(faded == probe_count(l, "arc") - 2);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void letters_attention_strip_shows_the_core_row(void)
{
    struct png_image img;
    cJSON *l;
    if (render("{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\","
               " \"attention_query\": 10, \"sharpness\": 4}", NULL, &img, &l))
        return;
    size_t n;
    uint32_t *cps = utf8_decode("i like movies a lot", &n);
    struct attn a;
    attn_init(&a, n, n);
    attn_letter_counting(&a, cps, MASK_CAUSAL_STRICT, 4, 0, 1);
    CHECK(probe_count(l, "strip-cell") == (int)n);
    for (size_t j = 0; j < n; j++) {
        const cJSON *c = probe_mark(l, "strip-cell", (int)j);
        uint32_t px = probe_pixel(&img, probe_num(c, "x") + probe_num(c, "w") / 2,
                                  probe_num(c, "y") + probe_num(c, "h") / 2);
        float w = a.w[10 * n + j];
        if (attn_masked(w))
            CHECK(px == theme_color(themes[0], MASKED));
        else
            CHECK_NEAR(invert(CMAP_VIRIDIS, px), w, 1.0 / 255);
    }
    CHECK(probe_text_ok(l));
    attn_free(&a);
    free(cps);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void letters_text_never_overlaps_at_19_60_and_200_characters(void)
{
    const int sizes[] = {19, 60, 200};
    for (int k = 0; k < 3; k++) {
        char text[512] = "{\"figure\": \"letter-counting\", \"text\": \"";
        size_t at = strlen(text);
        for (int i = 0; i < sizes[k]; i++)
            text[at++] = "anarchists advocate self governed societies"[i % 43];
        strcpy(text + at, "\"}");
        struct png_image img;
        cJSON *l;
        if (render(text, NULL, &img, &l))
            continue;
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    at %d characters\n", sizes[k]);
        CHECK(probe_count(l, "box") == sizes[k]);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_render PATH-TO-VIZGEN\n");
        return 2;
    }
    vizgen = argv[1];
    probe_tmp("spec.json", spec, sizeof spec);
    probe_tmp("out.png", png, sizeof png);
    probe_tmp("layout.json", lay, sizeof lay);
    probe_tmp("stderr.txt", errf, sizeof errf);
    RUN(compression_bars_match_values_at_scale_1);
    RUN(compression_bars_match_values_at_scale_2);
    RUN(compression_long_labels_are_shortened_not_overlapping);
    RUN(same_spec_gives_byte_identical_png);
    RUN(heatmap_cells_recover_synthetic_weights);
    RUN(heatmap_svg_cells_stay_sharp_in_a_viewer);
    RUN(heatmap_cells_recover_real_weights_in_plasma_at_scale_2);
    RUN(heatmap_grid_shows_every_layer_and_head);
    RUN(heatmap_labels_never_overlap_at_13_64_and_512_tokens);
    RUN(heatmap_annotations_contrast_with_their_cells);
    RUN(heatmap_renders_2048_squared_npy);
    RUN(transparent_png_has_clear_background_and_opaque_marks);
    RUN(dark_theme_keeps_text_readable);
    RUN(letters_boxes_counts_and_colours_follow_the_text);
    RUN(letters_highlight_dims_the_rest);
    RUN(letters_attention_strip_shows_the_core_row);
    RUN(letters_text_never_overlaps_at_19_60_and_200_characters);
    unlink(spec);
    unlink(png);
    unlink(lay);
    unlink(errf);
    return check_summary();
}

/* model-compression render tests: run vizgen, decode the PNG and read the layout dump, and check
 * what a reader would see — bar lengths against values, the baseline at its value, text that never
 * overlaps, both themes and transparency. */
#include "check.h"
#include "probe.h"

#include "vizgen/color.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;

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
    double x0 = probe_num(t0, "x") + probe_num(t0, "w") / 2,
           x1 = probe_num(t1, "x") + probe_num(t1, "w") / 2;
    double v1 = atof(cJSON_GetObjectItem(t1, "text")->valuestring);
    return (x0 + (x1 - x0) * v / v1) * s;
}

static void check_compression(double s)
{
    struct png_image img;
    cJSON *l;
    char extra[32];
    snprintf(extra, sizeof extra, "--scale %g", s);
    if (!CHECK(probe_render(&pf, compression_spec, extra, &img, &l) == 0))
        return;
    CHECK(img.width == (int)(1200 * s));
    double prev_lum = -1;
    for (int i = 4; i >= 0; i--) {
        const cJSON *b = probe_mark(l, "bar", i);
        double y0 = (probe_num(b, "y") + 3) * s, x = probe_num(b, "x") * s;
        uint32_t fill = probe_pixel(&img, x + 2, y0);
        /* Walk right along rows near the bar's top (no text there) to where the fill ends;
         * the farthest over 10 rows, as the dashed baseline (6 on, 4 off) covers the baseline
         * bar's end on some of them. */
        int end = (int)x + 2;
        for (double y = y0; y < y0 + 10 * s; y++) {
            int e = (int)x + 2;
            while (probe_pixel(&img, e + 1, y) == fill)
                e++;
            end = e > end ? e : end;
        }
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
            for (double y = (probe_num(a, "y") + probe_num(a, "h")) * s + 1;
                 y < probe_num(b, "y") * s - 1; y++)
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
                fprintf(stderr, "    \"%s\" is on bar %d\n",
                        cJSON_GetObjectItem(m, "text")->valuestring, i);
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
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
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
    probe_write(pf.spec, compression_spec);
    char args[600];
    snprintf(args, sizeof args, "render %s -o %s", pf.spec, pf.png);
    CHECK(probe_run(pf.vizgen, args, NULL) == 0);
    snprintf(args, sizeof args, "render %s -o %s", pf.spec, other);
    CHECK(probe_run(pf.vizgen, args, NULL) == 0);
    CHECK(probe_same_file(pf.png, other) == 0);
    unlink(other);
}

static void transparent_png_has_clear_background_and_opaque_marks(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, compression_spec, "--transparent", &img, &l) == 0))
        return;
    CHECK(img.has_alpha);
    CHECK(probe_alpha(&img, 2, 2) == 0);
    const cJSON *b = probe_mark(l, "bar", 0);
    CHECK(probe_alpha(&img, probe_num(b, "x") + 3, probe_num(b, "y") + 3) == 255);
    /* Un-premultiplied: the bar keeps its own colour, not a darkened one. */
    CHECK(probe_pixel(&img, probe_num(b, "x") + 3, probe_num(b, "y") + 3) ==
          (uint32_t)probe_num(b, "rgb"));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void dark_theme_keeps_text_readable(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, compression_spec, "--theme dark", &img, &l) == 0))
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
            fprintf(stderr, "    \"%s\" contrast %.2f\n",
                    cJSON_GetObjectItem(m, "text")->valuestring, ratio);
    }
    /* The first bar still stands out from the page. */
    double b0 = probe_luminance((uint32_t)probe_num(probe_mark(l, "bar", 0), "rgb"));
    CHECK((b0 + 0.05) / (probe_luminance(paper) + 0.05) >= 3);
    cJSON_Delete(l);
    probe_png_free(&img);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(compression_bars_match_values_at_scale_1);
    RUN(compression_bars_match_values_at_scale_2);
    RUN(compression_long_labels_are_shortened_not_overlapping);
    RUN(same_spec_gives_byte_identical_png);
    RUN(transparent_png_has_clear_background_and_opaque_marks);
    RUN(dark_theme_keeps_text_readable);
    probe_cleanup(&pf);
    return check_summary();
}

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
    double px = probe_num(l, "scale"); /* pixels per layout unit */
    double prev_lum = -1;
    for (int i = 4; i >= 0; i--) {
        const cJSON *b = probe_mark(l, "bar", i);
        double y0 = (probe_num(b, "y") + 3) * px, x = probe_num(b, "x") * px;
        uint32_t fill = probe_pixel(&img, x + 2, y0);
        /* Walk right along rows near the bar's top (no text there) to where the fill ends;
         * the farthest over 10 rows, as the dashed baseline (6 on, 4 off) covers the baseline
         * bar's end on some of them. */
        int end = (int)x + 2;
        for (double y = y0; y < y0 + 10 * px; y++) {
            int e = (int)x + 2;
            while (probe_pixel(&img, e + 1, y) == fill)
                e++;
            end = e > end ? e : end;
        }
        double want = axis_x(l, values[i], px) - axis_x(l, 0, px);
        CHECK_NEAR(end + 1 - x, want, 2);
        /* Darkest first: luminance strictly falls from the last bar to the first. */
        if (i < 4)
            CHECK(probe_luminance(fill) < prev_lum);
        prev_lum = probe_luminance(fill);
    }
    /* The dashed baseline: in the gaps between bars, the darkest column is at x(72.11). */
    double bx = axis_x(l, 72.11, px);
    int best = -1, best_n = -1;
    for (int x = (int)bx - 6; x <= (int)bx + 6; x++) {
        int n = 0;
        for (int i = 0; i + 1 < 5; i++) {
            const cJSON *a = probe_mark(l, "bar", i), *b = probe_mark(l, "bar", i + 1);
            for (double y = (probe_num(a, "y") + probe_num(a, "h")) * px + 1;
                 y < probe_num(b, "y") * px - 1; y++)
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
    /* Reductions are computed, not copied: 72.11 / 11.36 = 6.35 -> "6.3×"; under 2× a percentage.
     */
    const cJSON *r3 = probe_mark(l, "reduction", 2);
    CHECK(r3 && strcmp(cJSON_GetObjectItem(r3, "text")->valuestring, "6.3\u00d7 smaller") == 0);
    const cJSON *r0 = probe_mark(l, "reduction", 0);
    CHECK(r0 && strcmp(cJSON_GetObjectItem(r0, "text")->valuestring, "50% smaller") == 0);
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
    double px = probe_num(l, "scale"), x = (probe_num(b, "x") + 3) * px,
           y = (probe_num(b, "y") + 3) * px;
    CHECK(probe_alpha(&img, x, y) == 255);
    /* Un-premultiplied: the bar keeps its own colour, not a darkened one. */
    CHECK(probe_pixel(&img, x, y) == (uint32_t)probe_num(b, "rgb"));
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

static const char *text_of(const cJSON *m)
{
    const cJSON *t = m ? cJSON_GetObjectItem(m, "text") : NULL;
    return cJSON_IsString(t) ? t->valuestring : "";
}

static bool overlap(const cJSON *a, const cJSON *b)
{
    return probe_num(a, "x") < probe_num(b, "x") + probe_num(b, "w") &&
           probe_num(b, "x") < probe_num(a, "x") + probe_num(a, "w") &&
           probe_num(a, "y") < probe_num(b, "y") + probe_num(b, "h") &&
           probe_num(b, "y") < probe_num(a, "y") + probe_num(a, "h");
}

/* The axis says its unit, ends on a round tick at or past the largest bar, and, with 40 bars,
 * the dashed baseline runs around every label rather than through it. */
static void compression_axis_follows_the_unit_and_the_baseline_clears_text(void)
{
    char text[8192];
    int at = snprintf(text, sizeof text,
                      "{\"figure\": \"model-compression\", \"unit\": \"GB\", \"bars\": [");
    for (int i = 0; i < 40; i++)
        at += snprintf(text + at, sizeof text - (size_t)at,
                       "%s{\"label\": \"technique %d with a name\", \"value\": %.2f}",
                       i ? ", " : "", i, 72.11 - 1.7 * i);
    snprintf(text + at, sizeof text - (size_t)at, "]}");
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    CHECK(strcmp(text_of(probe_mark(l, "axis-title", 0)), "Memory (GB)") == 0);
    int ticks = probe_count(l, "tick-label");
    double last = atof(text_of(probe_mark(l, "tick-label", ticks - 1)));
    const cJSON *bar0 = probe_mark(l, "bar", 0);
    CHECK(last >= 72.11 && last == round(last));
    /* The last tick's centre is the axis end: the longest bar stops short of it. */
    const cJSON *t = probe_mark(l, "tick-label", ticks - 1);
    CHECK(probe_num(bar0, "x") + probe_num(bar0, "w") <= probe_num(t, "x") + probe_num(t, "w") / 2);
    int lines = probe_count(l, "baseline"), crossed = 0;
    CHECK(lines > 1); /* broken where text would be */
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "kind")->valuestring, "text") != 0)
            continue;
        for (int k = 0; k < lines; k++)
            crossed += overlap(m, probe_mark(l, "baseline", k));
    }
    CHECK(crossed == 0);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* On a log axis each bar's length is proportional to log(value / the axis start). */
static void compression_log_bars_are_proportional_to_log_values(void)
{
    static const double v[] = {100000, 50000, 1250, 10, 0.01};
    char text[1024];
    int at = snprintf(text, sizeof text,
                      "{\"figure\": \"model-compression\", \"x_scale\": \"log\", \"bars\": [");
    for (int i = 0; i < 5; i++)
        at += snprintf(text + at, sizeof text - (size_t)at, "%s{\"label\": \"b%d\", \"value\": %g}",
                       i ? ", " : "", i, v[i]);
    snprintf(text + at, sizeof text - (size_t)at, "]}");
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    double w0 = probe_num(probe_mark(l, "bar", 0), "w");
    /* The axis starts a decade below the smallest value: 0.001. */
    for (int i = 1; i < 5; i++)
        CHECK_NEAR(probe_num(probe_mark(l, "bar", i), "w") / w0,
                   log10(v[i] / 0.001) / log10(v[0] / 0.001), 0.01);
    /* Seven decades: every label a power of ten, none in plain digits beside them. */
    int ticks = probe_count(l, "tick-label");
    CHECK(ticks >= 3);
    for (int i = 0; i < ticks; i++)
        CHECK(strncmp(text_of(probe_mark(l, "tick-label", i)), "10", 2) == 0 &&
              strlen(text_of(probe_mark(l, "tick-label", i))) > 2);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* A label too long for two lines is shortened, and says so naming its key. */
static void compression_shortened_label_warns_with_its_key(void)
{
    char text[4096], label[1200];
    for (int i = 0; i < 1100; i++)
        label[i] = i % 7 == 6 ? ' ' : 'w';
    label[1100] = '\0';
    snprintf(text, sizeof text,
             "{\"figure\": \"model-compression\", \"bars\": [{\"label\": \"ok\", \"value\": 5},"
             " {\"label\": \"%s\", \"value\": 4}]}",
             label);
    probe_write(pf.spec, text);
    char args[1024];
    snprintf(args, sizeof args, "render %s -o %s", pf.spec, pf.png);
    CHECK(probe_run(pf.vizgen, args, pf.err) == 0);
    FILE *f = fopen(pf.err, "r");
    char line[512] = "";
    if (CHECK(f != NULL)) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    CHECK(strstr(line, "warning: bars[1].label") != NULL);
}

/* Bars counted from a model's config.json at each precision: the values are GPT-2's
 * 124,439,808 weights in bytes over the unit, and the bars as long as those values. */
static void compression_bars_count_a_model(void)
{
    char config[256], spec[2048];
    probe_tmp("config.json", config, sizeof config);
    probe_write(config, "{\"model_type\": \"gpt2\", \"vocab_size\": 50257}");
    snprintf(spec, sizeof spec,
             "{\"figure\": \"model-compression\", \"unit\": \"MiB\", \"bars\": ["
             "{\"label\": \"float32\", \"model\": \"%s\"},"
             "{\"label\": \"float16\", \"model\": \"%s\", \"precision\": \"float16/bfloat16\"},"
             "{\"label\": \"int8\", \"model\": \"%s\", \"precision\": \"int8\"},"
             "{\"label\": \"4-bit\", \"model\": \"%s\", \"precision\": \"4-bit\"},"
             "{\"label\": \"typed\", \"value\": 100}]}",
             config, config, config, config);
    const double n = 124439808, mib = 1048576;
    const double want[5] = {4 * n / mib, 2 * n / mib, n / mib, (n / 2 + 2 * ceil(n / 64)) / mib,
                            100};
    struct png_image img;
    cJSON *l, *data;
    if (CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0)) {
        const cJSON *bars = cJSON_GetObjectItem(data, "bars");
        double per = probe_num(probe_mark(l, "bar", 0), "w") / want[0];
        for (int i = 0; i < 5; i++) {
            const cJSON *b = cJSON_GetArrayItem(bars, i);
            CHECK(cJSON_GetObjectItem(b, "value")->valuedouble == want[i]);
            CHECK((i < 4) == (cJSON_GetObjectItem(b, "model") != NULL));
            CHECK_NEAR(probe_num(probe_mark(l, "bar", i), "w"), want[i] * per, 0.01);
        }
        CHECK(strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(bars, 1), "reduction")->valuestring,
                     "2\xc3\x97 smaller") == 0);
        cJSON_Delete(data);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(config);
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
    RUN(compression_axis_follows_the_unit_and_the_baseline_clears_text);
    RUN(compression_log_bars_are_proportional_to_log_values);
    RUN(compression_shortened_label_warns_with_its_key);
    RUN(compression_bars_count_a_model);
    probe_cleanup(&pf);
    return check_summary();
}

/* training-curves render tests: run vizgen on logs written here, decode the PNG, read the layout
 * and data dumps, and check what a reader would see — lines where the data puts them, smoothing
 * and schedules equal to independent computations, NaN marked where it is, a spike in a
 * million points still drawn, the best point's label, text that never overlaps. */
#include "check.h"
#include "probe.h"

#include "vizgen/color.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct probe_files pf;

static int render(const char *spec, const char *extra, struct png_image *img, cJSON **l,
                  cJSON **data)
{
    return probe_render_data(&pf, spec, extra, img, l, data);
}

static void release(struct png_image *img, cJSON *l, cJSON *data)
{
    probe_png_free(img);
    cJSON_Delete(l);
    cJSON_Delete(data);
}

static const cJSON *line_of(const cJSON *data, int panel, int line)
{
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(data, "panels"), panel);
    return cJSON_GetArrayItem(cJSON_GetObjectItem(p, "lines"), line);
}

static double item(const cJSON *line, const char *key, int i)
{
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItem(line, key), i);
    if (cJSON_IsString(v))
        return strcmp(v->valuestring, "NaN") == 0 ? NAN
               : v->valuestring[0] == '-'         ? -INFINITY
                                                  : INFINITY;
    return v ? v->valuedouble : NAN;
}

/* A linear map from data to pixels along one axis, from its first two numeric tick labels:
 * left of the plot for y, below it for x. */
struct map {
    double v0, p0, v1, p1;
};

static int axis_map(const cJSON *l, struct box plot, bool y_axis, struct map *m)
{
    int found = 0;
    for (int i = 0; found < 2; i++) {
        const cJSON *t = probe_mark(l, "tick-label", i);
        if (!t)
            return -1;
        double cx = probe_num(t, "x") + probe_num(t, "w") / 2,
               cy = probe_num(t, "y") + probe_num(t, "h") / 2;
        bool left = cx<plot.x - 2, below = cy> plot.y + plot.h + 2;
        if (left == below || left != y_axis)
            continue;
        char *end;
        double v = strtod(cJSON_GetObjectItem(t, "text")->valuestring, &end);
        v *= *end == 'K' ? 1e3 : *end == 'M' ? 1e6 : *end == 'B' ? 1e9 : 1; /* as drawn: 200K */
        if (found == 0) {
            m->v0 = v;
            m->p0 = y_axis ? cy : cx;
        } else {
            m->v1 = v;
            m->p1 = y_axis ? cy : cx;
        }
        found++;
    }
    return 0;
}

static double map_to(const struct map *m, double v)
{
    return m->p0 + (v - m->v0) * (m->p1 - m->p0) / (m->v1 - m->v0);
}

static struct box box_of(const cJSON *mark)
{
    return (struct box){probe_num(mark, "x"), probe_num(mark, "y"), probe_num(mark, "w"),
                        probe_num(mark, "h")};
}

/* Whether a pixel within r of (x, y) has the colour, give or take antialiasing's last steps. */
static bool colour_near(const struct png_image *img, double x, double y, uint32_t rgb, int r)
{
    for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++) {
            uint32_t p = probe_pixel(img, x + dx, y + dy);
            int far = 0;
            for (int k = 0; k < 24; k += 8)
                far = abs((int)((p >> k) & 255) - (int)((rgb >> k) & 255)) > far
                          ? abs((int)((p >> k) & 255) - (int)((rgb >> k) & 255))
                          : far;
            if (far <= 16)
                return true;
        }
    return false;
}

/* With no smoothing, each point of a line lies where the axes' tick labels put its value. */
static void test_line_positions(void)
{
    const char *spec = "{\"figure\": \"training-curves\", \"runs\": [{\"series\": [{\"name\": "
                       "\"loss\", \"x\": [0, 200, 400, 600, 800, 1000], \"y\": [3, 2.5, 2.2, 1.1, "
                       "0.7, 0.6]}]}], \"panels\": [{\"metrics\": [\"loss\"]}]}";
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    const cJSON *line = probe_mark(l, "line", 0);
    struct box plot = box_of(line); /* the line spans the x range */
    struct map mx, my;
    CHECK(axis_map(l, plot, false, &mx) == 0 && axis_map(l, plot, true, &my) == 0);
    const double xs[] = {0, 200, 400, 600, 800, 1000}, ys[] = {3, 2.5, 2.2, 1.1, 0.7, 0.6};
    uint32_t rgb = palette_color(0);
    for (int i = 0; i < 6; i++) {
        double px = map_to(&mx, xs[i]), py = map_to(&my, ys[i]);
        if (!CHECK(colour_near(&img, px, py, rgb, 2)))
            fprintf(stderr, "    point %d: no line colour near (%.1f, %.1f)\n", i, px, py);
    }
    /* Between points the line is straight: halfway from point 2 to 3, it is halfway. */
    CHECK(colour_near(&img, map_to(&mx, 500), map_to(&my, 1.65), rgb, 2));
    CHECK(!colour_near(&img, map_to(&mx, 500), map_to(&my, 2.4), rgb, 3));
    CHECK(probe_count(l, "raw-line") == 0); /* nothing smoothed, nothing faint */
    CHECK(probe_text_ok(l));
    release(&img, l, data);
}

/* The smoothed series drawn equals TensorBoard's, computed here from its closed form: each
 * point the weighted mean of the points so far, weights w^age. */
static void test_smoothing(void)
{
    char spec[2048] =
        "{\"figure\": \"training-curves\", \"smoothing\": 0.6, \"runs\": [{\"series\": "
        "[{\"name\": \"loss\", \"x\": [";
    double y[40];
    for (int i = 0; i < 40; i++) {
        y[i] = 2 + sin(i * 1.7) + (i % 7) * 0.1;
        snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%d", i ? "," : "", i * 10);
    }
    strcat(spec, "], \"y\": [");
    for (int i = 0; i < 40; i++)
        snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%.17g", i ? "," : "", y[i]);
    strcat(spec, "]}]}], \"panels\": [{\"metrics\": [\"loss\"]}]}");
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    const cJSON *line = line_of(data, 0, 0);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(line, "y")) == 40);
    for (int i = 0; i < 40; i++) {
        double num = 0, den = 0;
        for (int j = 0; j <= i; j++) {
            num += pow(0.6, i - j) * y[j];
            den += pow(0.6, i - j);
        }
        CHECK_NEAR(item(line, "y", i), num / den, 1e-12);
        CHECK_NEAR(item(line, "raw_y", i), y[i], 0);
    }
    CHECK(probe_count(l, "raw-line") == 1);
    release(&img, l, data);
}

/* A schedule drawn alone, as when planning a run: every point drawn is Hugging Face's
 * get_cosine_schedule_with_warmup at that step, the peak and both ends included. */
static void test_schedule(void)
{
    const char *spec = "{\"figure\": \"training-curves\", \"panels\": [{\"schedules\": [{\"kind\": "
                       "\"cosine\", \"lr\": 0.001, \"warmup_steps\": 100, \"total_steps\": "
                       "10000}]}]}";
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    const cJSON *line = line_of(data, 0, 0);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(line, "x"));
    CHECK(probe_num(line, "points") == 10001);
    CHECK(n > 100 && n < 10001); /* reduced to the columns, not every step */
    bool peak = false;
    for (int i = 0; i < n; i++) {
        double step = item(line, "x", i), lr = item(line, "y", i);
        double want =
            step < 100
                ? 1e-3 * step / 100
                : 1e-3 * fmax(0, 0.5 * (1 + cos(3.14159265358979323846 * (step - 100) / 9900)));
        CHECK_NEAR(lr, want, 1e-18);
        peak = peak || (step == 100 && lr == 1e-3);
    }
    CHECK(peak);
    CHECK(item(line, "x", 0) == 0 && item(line, "x", n - 1) == 10000);
    release(&img, l, data);
}

/* A trainer_state.json whose loss goes NaN: each NaN counted, marked on the plot's top edge at
 * its step in the line's colour, and the line not carried on past the last finite point. */
static void test_nan_marked(void)
{
    char log[256], spec[512];
    probe_tmp("state.json", log, sizeof log);
    FILE *f = fopen(log, "w");
    fputs("{\n  \"log_history\": [\n", f);
    for (int step = 10; step <= 400; step += 10)
        fprintf(f, "    {\"epoch\": %g, \"loss\": %s, \"step\": %d},\n", step / 400.0,
                step <= 300 ? (step % 20 ? "2.5" : "2.0") : "NaN", step);
    fputs("    {\"step\": 400, \"train_loss\": NaN, \"train_runtime\": 9.5}\n  ]\n}\n", f);
    fclose(f);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"training-curves\", \"runs\": [{\"file\": \"%s\"}], \"panels\": "
             "[{\"metrics\": [\"loss\"]}]}",
             log);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    const cJSON *line = line_of(data, 0, 0);
    CHECK(probe_num(cJSON_GetObjectItem(line, "nonfinite"), "nan") == 10);
    CHECK(probe_num(line, "points") == 40); /* the summary entry is no point */
    const cJSON *marks = probe_mark(l, "nonfinite", 0);
    struct box plot = box_of(probe_mark(l, "line", 0)), m = box_of(marks);
    struct map mx;
    CHECK(axis_map(l, plot, false, &mx) == 0);
    /* The dots span steps 310 to 400, on the top edge of the plot. */
    CHECK(fabs(m.x - map_to(&mx, 310)) < 3); /* the box spans the dots' centres */
    CHECK(fabs(m.x + m.w - map_to(&mx, 400)) < 3);
    double top = probe_num(probe_mark(l, "axis", 1), "y");
    CHECK(fabs(m.y + m.h / 2 - top) < 12);
    CHECK(colour_near(&img, map_to(&mx, 350), m.y + m.h / 2, palette_color(0), 1));
    CHECK(plot.x + plot.w < map_to(&mx, 301)); /* the line stops at step 300 */
    const cJSON *note = probe_mark(l, "note", 0);
    CHECK(note && strstr(cJSON_GetObjectItem(note, "text")->valuestring,
                         "loss: 10 NaN, the first at step 310") != NULL);
    release(&img, l, data);
}

/* Whether a best label or a note of the layout starts with text. */
static bool has_text(const cJSON *l, const char *text)
{
    const char *roles[2] = {"best-label", "note"};
    for (int r = 0; r < 2; r++)
        for (int i = 0; probe_mark(l, roles[r], i); i++)
            if (strncmp(cJSON_GetObjectItem(probe_mark(l, roles[r], i), "text")->valuestring, text,
                        strlen(text)) == 0)
                return true;
    return false;
}

/* Two runs: a colour each, validation dashed in its run's colour, names in the legend, and the
 * best validation loss of each labelled with its value and step. */
static void test_runs_and_best(void)
{
    const char *spec =
        "{\"figure\": \"training-curves\", \"runs\": ["
        "{\"label\": \"small\", \"series\": [{\"name\": \"loss\", \"x\": [0, 100, 200, 300], "
        "\"y\": [3, 2, 1.5, 1.2]}, {\"name\": \"eval_loss\", \"x\": [100, 200, 300], \"y\": [2.2, "
        "1.25, 1.4]}]},"
        "{\"label\": \"large\", \"series\": [{\"name\": \"loss\", \"x\": [0, 100, 200, 300], "
        "\"y\": [3, 1.8, 1.1, 0.8]}, {\"name\": \"eval_loss\", \"x\": [100, 200, 300], \"y\": [2, "
        "1.2, 0.95]}]}], \"panels\": [{\"metrics\": [\"loss\", \"eval_loss\"]}]}";
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    unsigned c[4];
    for (int i = 0; i < 4; i++)
        c[i] = (unsigned)probe_num(probe_mark(l, "line", i), "rgb");
    /* Lines in order: small loss, large loss, small eval_loss, large eval_loss. */
    CHECK(c[0] != c[1] && c[0] == c[2] && c[1] == c[3]);
    CHECK(strcmp(cJSON_GetObjectItem(line_of(data, 0, 2), "style")->valuestring, "dashed") == 0);
    const char *legend = cJSON_GetObjectItem(probe_mark(l, "legend-label", 0), "text")->valuestring;
    CHECK(strcmp(legend, "small \xc2\xb7 loss") == 0);
    /* Each label is beside its point, or in the panel's heading where beside it would cover
     * data. */
    CHECK(has_text(l, "best small \xc2\xb7 eval_loss 1.25 at step 200"));
    CHECK(has_text(l, "best large \xc2\xb7 eval_loss 0.95 at step 300"));
    CHECK(probe_count(l, "best") == 2);
    CHECK(probe_num(cJSON_GetObjectItem(line_of(data, 0, 2), "best"), "x") == 200);
    CHECK(probe_text_ok(l));
    release(&img, l, data);
}

/* A million-point CSV log with one spike: reduced to a few points per pixel column, the spike
 * among them and drawn up to the top of the plot. */
static void test_million_points(void)
{
    char log[256], spec[512];
    probe_tmp("big.csv", log, sizeof log);
    FILE *f = fopen(log, "w");
    fputs("step,loss\n", f);
    for (int i = 0; i < 1000000; i++)
        fprintf(f, "%d,%s\n", i, i == 654321 ? "50" : (i % 2 ? "1.1" : "1"));
    fclose(f);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"training-curves\", \"runs\": [{\"file\": \"%s\"}], \"panels\": "
             "[{\"metrics\": [\"loss\"], \"y_scale\": \"log\"}]}",
             log);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(render(spec, NULL, &img, &l, &data) == 0))
        return;
    const cJSON *line = line_of(data, 0, 0);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(line, "y"));
    struct box plot = box_of(probe_mark(l, "line", 0));
    CHECK(probe_num(line, "points") == 1000000);
    CHECK(n <= 4 * (int)ceil(plot.w) + 4);
    bool spike = false;
    for (int i = 0; i < n; i++)
        spike = spike || (item(line, "y", i) == 50 && item(line, "x", i) == 654321);
    CHECK(spike);
    struct map mx;
    CHECK(axis_map(l, plot, false, &mx) == 0);
    double x = map_to(&mx, 654321), top = probe_num(probe_mark(l, "axis", 1), "y");
    CHECK(fabs(plot.y - top) < 3); /* the path reaches the top, where 50 is... */
    /* ...and so do the pixels: the line's colour at the top of the spike's column. */
    CHECK(colour_near(&img, x, top + 2, palette_color(0), 2));
    remove(log);
    release(&img, l, data);
}

/* The default figure of the same spec is the same bytes every time, and keeps its text apart at a
 * paper column's width and in the dark theme. */
static void test_sizes_and_themes(void)
{
    const char *spec =
        "{\"figure\": \"training-curves\", \"title\": \"Two panels\", \"smoothing\": 0.6, "
        "\"runs\": [{\"label\": \"a\", \"series\": [{\"name\": \"loss\", \"x\": [0, 1000, 2000, "
        "3000, 4000], \"y\": [3, 2, 1.6, 1.4, 1.3]}, {\"name\": \"eval_loss\", \"x\": [1000, "
        "3000], \"y\": [2.1, 1.5]}, {\"name\": \"learning_rate\", \"x\": [0, 1000, 2000, 3000, "
        "4000], \"y\": [0, 0.001, 0.0007, 0.0003, 0]}]}], \"panels\": [{\"title\": \"Loss of a "
        "long-named experiment with several words\", \"metrics\": [\"loss\", \"eval_loss\"]}, "
        "{\"metrics\": [\"learning_rate\"], \"schedules\": [{\"kind\": \"linear\", \"lr\": 0.001, "
        "\"warmup_steps\": 1000, \"total_steps\": 4000}]}]}";
    const char *extras[] = {"", "--size 3.3in", "--theme dark", "--size 3.3in --theme dark"};
    for (int i = 0; i < 4; i++) {
        struct png_image img;
        cJSON *l, *data;
        if (!CHECK(render(spec, extras[i], &img, &l, &data) == 0))
            continue;
        CHECK(img.width >= 1200);
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    with '%s'\n", extras[i]);
        release(&img, l, data);
    }
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(test_line_positions);
    RUN(test_smoothing);
    RUN(test_schedule);
    RUN(test_nan_marked);
    RUN(test_runs_and_best);
    RUN(test_million_points);
    RUN(test_sizes_and_themes);
    probe_cleanup(&pf);
    return check_summary();
}

/* attention-lines render tests: on the worked example's real attention, every line's opacity is
 * its weight (divided by the heads shown) and the lines left out are exactly those under the
 * threshold; a line's pixels are that opacity over the paper; focus, sentence pairs and the null
 * key; and 13, 64 and 512 tokens without overlapping text, the last as an SVG of the lines
 * that clear the threshold only. */
#include "check.h"
#include "probe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct probe_files pf;
static const char real_npy[] = VIZGEN_DATA_DIR "/letter-counting/attention.npy";
static const char real_text[] = "i like movies a lot";

/* The worked example's attention, [layer][head][q][k], read here rather than by vizgen: a
 * version 1 .npy of little-endian float32 in C order. */
struct real {
    size_t shape[4];
    float *w;
};

static int real_load(struct real *r)
{
    FILE *f = fopen(real_npy, "rb");
    unsigned char pre[10];
    if (!f || fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY\x01", 7) != 0) {
        if (f)
            fclose(f);
        return -1;
    }
    size_t hlen = pre[8] | (size_t)pre[9] << 8;
    char header[512] = {0};
    const char *shape;
    if (hlen >= sizeof header || fread(header, 1, hlen, f) != hlen || !strstr(header, "'<f4'") ||
        !(shape = strstr(header, "'shape': (")) ||
        sscanf(shape, "'shape': (%zu, %zu, %zu, %zu)", &r->shape[0], &r->shape[1], &r->shape[2],
               &r->shape[3]) != 4) {
        fclose(f);
        return -1;
    }
    size_t n = r->shape[0] * r->shape[1] * r->shape[2] * r->shape[3];
    r->w = malloc(n * sizeof *r->w);
    int ok = r->w && fread(r->w, sizeof *r->w, n, f) == n;
    fclose(f);
    return ok ? 0 : -1;
}

static float real_at(const struct real *r, size_t l, size_t h, size_t q, size_t k)
{
    return r->w[((l * r->shape[1] + h) * r->shape[2] + q) * r->shape[3] + k];
}

/* A line mark's index as the figure writes it: (head * rows + query) * (cols + 1) + key. */
static void decode(long index, size_t n, size_t *h, size_t *q, size_t *k)
{
    *k = (size_t)index % (n + 1);
    *q = (size_t)index / (n + 1) % n;
    *h = (size_t)index / (n + 1) / n;
}

/* The y centre of the text mark `role` #index, or NaN. */
static double label_mid(const cJSON *l, const char *role, long index)
{
    for (int i = 0; i < probe_count(l, role); i++) {
        const cJSON *m = probe_mark(l, role, i);
        if ((long)probe_num(m, "index") == index)
            return probe_num(m, "y") + probe_num(m, "h") / 2;
    }
    return NAN;
}

/* A mark's opacity: the dump leaves it out where it is 1. */
static double alpha_of(const cJSON *m)
{
    const cJSON *a = cJSON_GetObjectItem(m, "alpha");
    return a ? a->valuedouble : 1;
}

/* The note under the figure, its lines joined again. */
static void note_text(const cJSON *l, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < probe_count(l, "note") && used < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "",
                             cJSON_GetObjectItem(probe_mark(l, "note", i), "text")->valuestring);
}

/* Layer 1 of the real model: one head, then all four. A line's opacity is its weight over the
 * heads shown (at least 1/255, so a line drawn is never invisible), every weight at or over the
 * threshold has its line and no other does, and the line runs from its query's row to its
 * key's. */
static void opacities_are_the_weights(void)
{
    struct real r = {{0}, NULL};
    if (!CHECK(real_load(&r) == 0))
        return;
    size_t n = r.shape[2];
    CHECK(n == strlen(real_text));
    const double threshold = 0.05;
    for (int all = 0; all <= 1; all++) {
        char spec[512];
        snprintf(spec, sizeof spec,
                 "{\"figure\": \"attention-lines\", \"npy\": \"%s\", \"text\": \"%s\", \"layer\": "
                 "1, \"threshold\": %g%s}",
                 real_npy, real_text, threshold, all ? "" : ", \"heads\": [1]");
        struct png_image img;
        cJSON *l, *data;
        if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
            break;
        size_t heads = all ? r.shape[1] : 1, want = 0, omitted = 0;
        for (size_t h = 0; h < r.shape[1]; h++)
            for (size_t q = 0; q < n; q++)
                for (size_t k = 0; k <= q; k++) /* causal: above the diagonal is masked */
                    if (all || h == 1)
                        real_at(&r, 1, h, q, k) >= threshold ? want++ : omitted++;
        int lines = probe_count(l, "line");
        CHECK((size_t)lines == want);
        CHECK(probe_num(data, "omitted") == (double)omitted);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(data, "lines")) == lines);
        static char seen[4][32][32];
        memset(seen, 0, sizeof seen);
        int bad_alpha = 0, bad_value = 0, bad_ends = 0;
        for (int i = 0; i < lines; i++) {
            const cJSON *m = probe_mark(l, "line", i);
            size_t h, q, k;
            decode((long)probe_num(m, "index"), n, &h, &q, &k);
            if (!CHECK(h < 4 && q < n && k <= q && (all || h == 1)))
                continue;
            seen[h][q][k]++;
            double w = real_at(&r, 1, h, q, k), alpha = alpha_of(m);
            bad_value += fabs(probe_num(m, "value") - w) > 1e-7 || w < threshold;
            bad_alpha += !(fabs(alpha - fmax(w / (double)heads, 1.0 / 255)) <= 1.0 / 255);
            double y0 = probe_num(m, "y"), y1 = y0 + probe_num(m, "h");
            double yq = label_mid(l, "query-label", (long)q),
                   yk = label_mid(l, "key-label", (long)k);
            bad_ends += fabs(fmin(yq, yk) - y0) > 0.5 || fabs(fmax(yq, yk) - y1) > 0.5;
        }
        CHECK(bad_value == 0 && bad_alpha == 0 && bad_ends == 0);
        int twice = 0;
        for (size_t h = 0; h < 4; h++)
            for (size_t q = 0; q < n; q++)
                for (size_t k = 0; k < n; k++)
                    twice += seen[h][q][k] > 1;
        CHECK(twice == 0);
        /* The threshold and the count left out are written on the figure. */
        char note[1024], says[96];
        note_text(l, note, sizeof note);
        snprintf(says, sizeof says, "under 0.05 are left out: %zu of %zu", want, want + omitted);
        CHECK(strstr(note, says) != NULL);
        CHECK(probe_text_ok(l));
        cJSON_Delete(data);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    free(r.w);
}

/* Lines that cross nothing near their right end: query i (i >= 2) puts w_i on itself and the
 * rest on key 0, so near the key column row i holds one horizontal line, and its pixel is the
 * head's colour at opacity w_i over the paper. */
static void a_line_is_its_opacity_over_the_paper(void)
{
    enum { N = 8 };
    float w[N][N] = {{0}};
    for (int i = 0; i < N; i++) {
        float own = i ? 0.2f + 0.1f * (float)i : 1;
        w[i][i] = own;
        w[i][0] += 1 - own;
    }
    char npy[256], spec[512];
    probe_tmp("rows.npy", npy, sizeof npy);
    const size_t shape[] = {N, N};
    probe_write_npy(npy, shape, 2, &w[0][0]);
    snprintf(spec, sizeof spec, "{\"figure\": \"attention-lines\", \"npy\": \"%s\"}", npy);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, spec, "", &img, &l) == 0))
        return;
    uint32_t paper = probe_pixel(&img, 2, 2);
    int checked = 0;
    for (int i = 0; i < probe_count(l, "line"); i++) {
        const cJSON *m = probe_mark(l, "line", i);
        size_t h, q, k;
        decode((long)probe_num(m, "index"), N, &h, &q, &k);
        if (q < 2 || k != q)
            continue;
        double a = alpha_of(m), x = probe_num(m, "x") + probe_num(m, "w") - 4,
               y = probe_num(m, "y");
        CHECK(fabs(a - w[q][q]) <= 1.0 / 255);
        uint32_t ink = (uint32_t)probe_num(m, "rgb"), got = probe_pixel(&img, x, y);
        for (int sh = 0; sh < 24; sh += 8) {
            double want = ((paper >> sh) & 255) * (1 - a) + ((ink >> sh) & 255) * a;
            CHECK_NEAR((double)((got >> sh) & 255), want, 3);
        }
        checked++;
    }
    CHECK(checked == N - 2);
    cJSON_Delete(l);
    probe_png_free(&img);
    unlink(npy);
}

/* A focused query keeps its lines' opacity and the others fade to 15%; a sentence pair keeps
 * only the lines it names and marks where B starts; the null key gets its row and lines. */
static void focus_pairs_and_the_null_key(void)
{
    char spec[512];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"attention-lines\", \"npy\": \"%s\", \"text\": \"%s\", \"layer\": 1, "
             "\"heads\": [2], \"query\": 9, \"sentence_b_start\": 7, \"pair\": \"b-a\"}",
             real_npy, real_text);
    struct real r = {{0}, NULL};
    struct png_image img;
    cJSON *l;
    if (!CHECK(real_load(&r) == 0) || !CHECK(probe_render(&pf, spec, "", &img, &l) == 0))
        return;
    size_t n = r.shape[2];
    int focused = 0;
    for (int i = 0; i < probe_count(l, "line"); i++) {
        const cJSON *m = probe_mark(l, "line", i);
        size_t h, q, k;
        decode((long)probe_num(m, "index"), n, &h, &q, &k);
        CHECK(h == 2 && q >= 7 && k < 7);
        double w = real_at(&r, 1, 2, q, k), share = q == 9 ? 1 : 0.15;
        CHECK(fabs(alpha_of(m) - fmax(w * share, 1.0 / 255)) <= 1.0 / 255);
        focused += q == 9;
    }
    CHECK(focused > 0);
    const cJSON *focus = probe_mark(l, "focus", 0), *split = probe_mark(l, "sentence-split", 0);
    if (CHECK(focus && split)) {
        double mid = probe_num(focus, "y") + probe_num(focus, "h") / 2;
        CHECK(fabs(mid - label_mid(l, "query-label", 9)) < 1);
        double between = (label_mid(l, "query-label", 6) + label_mid(l, "query-label", 7)) / 2;
        CHECK(fabs(probe_num(split, "y") + probe_num(split, "h") / 2 - between) < 1);
    }
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
    free(r.w);

    /* Synthetic weights: a first occurrence's attention goes to the null key, drawn as its own
     * row above the keys. */
    cJSON *data;
    if (!CHECK(probe_render_data(&pf, "{\"figure\": \"attention-lines\", \"text\": \"abcab\"}", "",
                                 &img, &l, &data) == 0))
        return;
    int to_null = 0;
    for (int i = 0; i < probe_count(l, "line"); i++) {
        size_t h, q, k;
        decode((long)probe_num(probe_mark(l, "line", i), "index"), 5, &h, &q, &k);
        to_null += k == 5;
    }
    CHECK(to_null >= 3); /* a, b and c occur first */
    double null_y = label_mid(l, "key-label", 5);
    CHECK(null_y < label_mid(l, "key-label", 0));
    char note[1024];
    note_text(l, note, sizeof note);
    CHECK(strstr(note, "Synthetic") != NULL);
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* Four heads over n tokens: previous token, first token, a local window and a sharp random
 * one, as real heads look. */
static void write_long(const char *path, size_t n)
{
    float *w = calloc(4 * n * n, sizeof *w);
    unsigned seed = 7;
    for (size_t i = 0; i < n; i++) {
        float *r0 = w + i * n, *r1 = w + (n + i) * n, *r2 = w + (2 * n + i) * n,
              *r3 = w + (3 * n + i) * n;
        r0[i ? i - 1 : 0] = 1;
        r1[0] += 0.7f, r1[i] += 0.3f;
        double s2 = 0, s3 = 0;
        for (size_t j = 0; j <= i; j++) {
            seed = seed * 1103515245u + 12345u;
            double u = (seed >> 8) / 16777216.0;
            r2[j] = (float)exp(-(double)(i - j) / 2);
            r3[j] = (float)pow(u, 8);
            s2 += r2[j], s3 += r3[j];
        }
        for (size_t j = 0; j <= i; j++)
            r2[j] = (float)(r2[j] / s2), r3[j] = (float)(s3 > 0 ? r3[j] / s3 : j == i);
    }
    const size_t shape[] = {4, n, n};
    probe_write_npy(path, shape, 3, w);
    free(w);
}

static void long_inputs_stay_legible(void)
{
    const size_t sizes[] = {13, 64, 512};
    int lines = 0;
    const char *extras[] = {"", "--size 3.3in", "--theme dark"};
    char npy[256], spec[512];
    probe_tmp("long.npy", npy, sizeof npy);
    for (int s = 0; s < 3; s++) {
        write_long(npy, sizes[s]);
        snprintf(spec, sizeof spec, "{\"figure\": \"attention-lines\", \"npy\": \"%s\"}", npy);
        for (int e = 0; e < 3; e++) {
            struct png_image img;
            cJSON *l;
            if (!CHECK(probe_render(&pf, spec, extras[e], &img, &l) == 0))
                continue;
            if (!CHECK(probe_text_ok(l)))
                fprintf(stderr, "    at %zu tokens, %s\n", sizes[s], extras[e]);
            /* Labels thin out, but the first position is always named on both sides. */
            CHECK(probe_count(l, "query-label") + probe_count(l, "query-index") >= 2);
            CHECK(probe_count(l, "key-label") + probe_count(l, "key-index") >= 2);
            lines = probe_count(l, "line");
            cJSON_Delete(l);
            probe_png_free(&img);
        }
    }
    /* 512 tokens and four heads are a million weights, of which about 10,000 clear the
     * threshold; as SVG the view is those lines, a short path each, and the labels: under
     * 3 MB, about 230 bytes a line. */
    char svg[256], args[700];
    probe_tmp("long.svg", svg, sizeof svg);
    snprintf(args, sizeof args, "render %s -o %s", pf.spec, svg);
    struct stat st;
    CHECK(probe_run(pf.vizgen, args, pf.err) == 0);
    CHECK(lines > 5000 && lines < 20000);
    CHECK(stat(svg, &st) == 0 && st.st_size < 3000000 && st.st_size < 256 * lines + 256 * 1024);
    unlink(svg);
    unlink(npy);
}

/* A million lines would be a grey sheet drawn for minutes: refused, with what to do. */
static void too_many_lines_are_refused(void)
{
    enum { N = 1024 };
    float *w = malloc(sizeof(float) * N * N);
    for (size_t i = 0; i < (size_t)N * N; i++)
        w[i] = 1.0f / N;
    char npy[256], spec[512], err[512] = "";
    probe_tmp("uniform.npy", npy, sizeof npy);
    const size_t shape[] = {N, N};
    probe_write_npy(npy, shape, 2, w);
    free(w);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"attention-lines\", \"npy\": \"%s\", \"threshold\": 0}", npy);
    probe_write(pf.spec, spec);
    char args[600];
    snprintf(args, sizeof args, "render %s -o %s", pf.spec, pf.png);
    unlink(pf.png);
    CHECK(probe_run(pf.vizgen, args, pf.err) == 2);
    FILE *f = fopen(pf.err, "r");
    if (CHECK(f != NULL)) {
        CHECK(fgets(err, sizeof err, f) != NULL);
        fclose(f);
    }
    CHECK(strstr(err, "threshold: 1048576 weights are 0 or more, and at most 1000000 lines are "
                      "drawn: raise the threshold") != NULL);
    CHECK(access(pf.png, F_OK) != 0);
    unlink(npy);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(opacities_are_the_weights);
    RUN(a_line_is_its_opacity_over_the_paper);
    RUN(focus_pairs_and_the_null_key);
    RUN(long_inputs_stay_legible);
    RUN(too_many_lines_are_refused);
    probe_cleanup(&pf);
    return check_summary();
}

/* parameter-breakdown render tests: counts against the formulas written out here, segments as
 * long as their counts or shares, colours by component, memory bars on their axis, a column per
 * layer, a checkpoint's buffers left out, and text that never overlaps. */
#include "check.h"
#include "probe.h"

#include "vizgen/color.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;
static char gpt2_path[256], llama_path[256], tiny_path[256];

/* The counts as the papers' architectures define them, independently of vizgen's core. */
static double gpt2_count(double V, double P, double h, double L)
{
    double inner = 4 * h;
    double layer =
        (h * 3 * h + 3 * h) + (h * h + h) + (h * inner + inner) + (inner * h + h) + 4 * h;
    return V * h + P * h + L * layer + 2 * h;
}

static double llama_count(double V, double h, double L, double heads, double kv, double inter,
                          bool tied)
{
    double kv_w = kv * h / heads;
    double layer = h * h + 2 * h * kv_w + h * h + 3 * h * inter + 2 * h;
    return V * h * (tied ? 1 : 2) + L * layer + h;
}

static void write_configs(void)
{
    probe_tmp("gpt2.json", gpt2_path, sizeof gpt2_path);
    probe_tmp("llama.json", llama_path, sizeof llama_path);
    probe_tmp("tiny.json", tiny_path, sizeof tiny_path);
    probe_write(gpt2_path, "{\"model_type\": \"gpt2\", \"n_ctx\": 1024, \"vocab_size\": 50257}");
    probe_write(llama_path,
                "{\"model_type\": \"llama\", \"hidden_size\": 2048, \"intermediate_size\": 5632, "
                "\"num_attention_heads\": 32, \"num_hidden_layers\": 22, \"num_key_value_heads\": "
                "4, \"vocab_size\": 32000, \"tie_word_embeddings\": false, \"rope_theta\": 10000}");
    probe_write(tiny_path, "{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_head\": 4, \"n_layer\": "
                           "2, \"n_positions\": 20, \"vocab_size\": 30}");
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const cJSON *model(const cJSON *data, int i)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(data, "models"), i);
}

/* Every mark of a role whose index is `index`, in drawing order; returns how many. */
static int marks_with_index(const cJSON *l, const char *role, long index, const cJSON **out,
                            int cap)
{
    int n = 0;
    for (int i = 0; i < probe_count(l, role); i++) {
        const cJSON *m = probe_mark(l, role, i);
        if ((long)probe_num(m, "index") == index && n < cap)
            out[n++] = m;
    }
    return n;
}

/* Three models a thousandfold apart: shares, with each bar the plot's width. */
static void shares_counts_and_colours(void)
{
    char spec[1024];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"parameter-breakdown\", \"models\": [{\"label\": \"tiny\", "
             "\"source\": \"%s\"}, {\"label\": \"GPT-2\", \"source\": \"%s\"}, {\"label\": "
             "\"TinyLlama\", \"source\": \"%s\"}]}",
             tiny_path, gpt2_path, llama_path);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
        return;
    const double want[3] = {gpt2_count(30, 20, 64, 2), gpt2_count(50257, 1024, 768, 12),
                            llama_count(32000, 2048, 22, 32, 4, 5632, false)};
    CHECK(want[1] == 124439808 && want[2] == 1100048384);
    CHECK(strcmp(cJSON_GetObjectItem(data, "bars")->valuestring, "share") == 0);
    double px = probe_num(l, "scale"), bar_w = -1;
    for (int i = 0; i < 3; i++) {
        const cJSON *m = model(data, i), *comp = cJSON_GetObjectItem(m, "components");
        CHECK(num(m, "total") == want[i]);
        double sum = 0;
        for (const cJSON *c = comp->child; c; c = c->next)
            sum += c->valuedouble;
        CHECK(sum == want[i]);
        const cJSON *mem = cJSON_GetObjectItem(m, "memory_bytes");
        CHECK(num(mem, "float32") == 4 * want[i] && num(mem, "int8") == want[i]);
        CHECK(num(mem, "4-bit") == want[i] / 2 + 2 * ceil(want[i] / 64));
        /* Segments: as wide as their share of one full-width bar, coloured by component. */
        double w = 0, x0 = INFINITY;
        for (int k = 0; k < 7; k++) {
            const cJSON *seg[1];
            if (!marks_with_index(l, "segment", i * 7 + k, seg, 1))
                continue;
            w += probe_num(seg[0], "w");
            x0 = fmin(x0, probe_num(seg[0], "x"));
        }
        if (bar_w < 0)
            bar_w = w;
        CHECK_NEAR(w, bar_w, 0.01);
        for (int k = 0; k < 7; k++) {
            const cJSON *seg[1];
            if (!marks_with_index(l, "segment", i * 7 + k, seg, 1))
                continue;
            double v = probe_num(seg[0], "value");
            CHECK_NEAR(probe_num(seg[0], "w"), bar_w * v / want[i], 0.01);
            CHECK((unsigned)probe_num(seg[0], "rgb") == palette_color((size_t)k));
            if (probe_num(seg[0], "w") * px >= 4) /* the pixel a reader sees, past any text */
                CHECK(probe_pixel(&img, (probe_num(seg[0], "x") + 1) * px,
                                  (probe_num(seg[0], "y") + 2) * px) == palette_color((size_t)k));
        }
    }
    const char *totals[3] = {"103.3K", "124.4M", "1.1B"};
    for (int i = 0; i < 3; i++)
        CHECK(strcmp(cJSON_GetObjectItem(probe_mark(l, "total", i), "text")->valuestring,
                     totals[i]) == 0);
    /* Memory on a log axis: each bar's end at a + b log10(bytes), fitted on two of them. */
    const cJSON *a = probe_mark(l, "memory", 0), *b = probe_mark(l, "memory", 11);
    double xa = probe_num(a, "x") + probe_num(a, "w"), xb = probe_num(b, "x") + probe_num(b, "w");
    double la = log10(probe_num(a, "value")), lb = log10(probe_num(b, "value"));
    for (int i = 0; i < probe_count(l, "memory"); i++) {
        const cJSON *m = probe_mark(l, "memory", i);
        double end = probe_num(m, "x") + probe_num(m, "w");
        CHECK_NEAR(end, xa + (xb - xa) * (log10(probe_num(m, "value")) - la) / (lb - la), 0.01);
        CHECK(probe_num(m, "value") == num(cJSON_GetObjectItem(model(data, i / 4), "memory_bytes"),
                                           i % 4 == 0   ? "float32"
                                           : i % 4 == 1 ? "float16/bfloat16"
                                           : i % 4 == 2 ? "int8"
                                                        : "4-bit"));
    }
    CHECK(probe_text_ok(l));
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* Counts as lengths: one scale for every segment of every model, a configuration given inline
 * counted like one read from a file, and memory on a linear axis for models a few times apart. */
static void counts_as_lengths(void)
{
    char spec[1024];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"parameter-breakdown\", \"bars\": \"count\", \"models\": [{\"source\": "
             "\"%s\"}, {\"label\": \"GPT-2 medium\", \"model_type\": \"gpt2\", \"n_embd\": 1024, "
             "\"n_layer\": 24, \"n_head\": 16}]}",
             gpt2_path);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
        return;
    CHECK(num(model(data, 1), "total") == gpt2_count(50257, 1024, 1024, 24));
    /* The label of a model read from a file is its folder's name. */
    char folder[256];
    snprintf(folder, sizeof folder, "%s", gpt2_path);
    *strrchr(folder, '/') = 0;
    CHECK(strcmp(cJSON_GetObjectItem(model(data, 0), "label")->valuestring,
                 strrchr(folder, '/') ? strrchr(folder, '/') + 1 : folder) == 0);
    const cJSON *biggest = NULL;
    for (int i = 0; i < probe_count(l, "segment"); i++) {
        const cJSON *s = probe_mark(l, "segment", i);
        if (!biggest || probe_num(s, "value") > probe_num(biggest, "value"))
            biggest = s;
    }
    double per = probe_num(biggest, "w") / probe_num(biggest, "value");
    for (int i = 0; i < probe_count(l, "segment"); i++) {
        const cJSON *s = probe_mark(l, "segment", i);
        CHECK_NEAR(probe_num(s, "w"), probe_num(s, "value") * per, 0.01);
    }
    /* 4.4 times apart: a linear axis from zero, bars as long as the bytes. */
    const cJSON *m0 = probe_mark(l, "memory", 0);
    double per_byte = probe_num(m0, "w") / probe_num(m0, "value");
    for (int i = 0; i < probe_count(l, "memory"); i++) {
        const cJSON *m = probe_mark(l, "memory", i);
        CHECK_NEAR(probe_num(m, "x"), probe_num(m0, "x"), 1e-9);
        CHECK_NEAR(probe_num(m, "w"), probe_num(m, "value") * per_byte, 0.01);
    }
    CHECK(probe_text_ok(l));
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* A column per block, embeddings first, each component as tall as its count. */
static void layer_by_layer(void)
{
    char spec[1024];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"parameter-breakdown\", \"models\": [{\"source\": \"%s\"}], "
             "\"memory\": false, \"per_layer\": 0}",
             llama_path);
    struct png_image img;
    cJSON *l, *data;
    if (!CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0))
        return;
    CHECK(probe_count(l, "memory") == 0);
    const cJSON *pl = cJSON_GetObjectItem(data, "per_layer");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(pl, "layers")) == 22);
    CHECK(num(cJSON_GetObjectItem(pl, "before"), "embedding") == 32000.0 * 2048);
    CHECK(num(cJSON_GetObjectItem(pl, "after"), "head") == 32000.0 * 2048);
    CHECK(num(cJSON_GetObjectItem(pl, "after"), "norms") == 2048);
    bool seen[24] = {false};
    double per = NAN;
    for (int i = 0; i < probe_count(l, "layer-segment"); i++) {
        const cJSON *s = probe_mark(l, "layer-segment", i);
        long block = (long)probe_num(s, "index") / 7;
        if (block < 24)
            seen[block] = true;
        if (isnan(per))
            per = probe_num(s, "h") / probe_num(s, "value");
        CHECK_NEAR(probe_num(s, "h"), probe_num(s, "value") * per, 0.01);
    }
    for (int b = 0; b < 24; b++)
        CHECK(seen[b]);
    CHECK(probe_count(l, "layer-label") + probe_count(l, "layer-index") > 0);
    CHECK(probe_text_ok(l));
    cJSON_Delete(data);
    cJSON_Delete(l);
    probe_png_free(&img);
}

/* A safetensors file whose header lists a causal mask: counted apart and said under the
 * figure. */
static void checkpoint_buffers_left_out(void)
{
    char path[256], spec[512];
    probe_tmp("ckpt.safetensors", path, sizeof path);
    const char *header = "{\"wte.weight\":{\"dtype\":\"F32\",\"shape\":[10,4],\"data_offsets\":[0,"
                         "160]},\"h.0.attn.c_attn.weight\":{\"dtype\":\"F32\",\"shape\":[4,12],"
                         "\"data_offsets\":[160,352]},\"h.0.attn.bias\":{\"dtype\":\"F32\","
                         "\"shape\":[1,1,8,8],\"data_offsets\":[352,608]},\"ln_f.weight\":{"
                         "\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[608,624]}}";
    FILE *f = fopen(path, "wb");
    uint64_t n = strlen(header);
    for (int i = 0; i < 8; i++)
        fputc((int)(n >> (8 * i)) & 0xff, f);
    fputs(header, f);
    for (int i = 0; i < 624; i++)
        fputc(0, f);
    fclose(f);
    snprintf(spec, sizeof spec,
             "{\"figure\": \"parameter-breakdown\", \"models\": [{\"label\": \"c\", \"source\": "
             "\"%s\"}], \"per_layer\": 0}",
             path);
    struct png_image img;
    cJSON *l, *data;
    if (CHECK(probe_render_data(&pf, spec, "", &img, &l, &data) == 0)) {
        CHECK(num(model(data, 0), "total") == 40 + 48 + 4);
        CHECK(num(model(data, 0), "buffers") == 64);
        const cJSON *pl = cJSON_GetObjectItem(data, "per_layer");
        CHECK(num(cJSON_GetArrayItem(cJSON_GetObjectItem(pl, "layers"), 0), "attention") == 48);
        bool said = false;
        for (int i = 0; i < probe_count(l, "note"); i++)
            said =
                said || strstr(cJSON_GetObjectItem(probe_mark(l, "note", i), "text")->valuestring,
                               "causal masks, 64 numbers") != NULL;
        CHECK(said);
        cJSON_Delete(data);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    unlink(path);
}

/* The default-like figure at a paper's column and on a dark page: no text overlaps or leaves
 * the page. */
static void text_fits_at_every_size(void)
{
    char spec[1024];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"parameter-breakdown\", \"models\": [{\"label\": \"Letter-counting "
             "model\", \"source\": \"%s\"}, {\"label\": \"GPT-2 small\", \"source\": \"%s\"}, "
             "{\"label\": \"TinyLlama 1.1B\", \"source\": \"%s\"}], \"per_layer\": 1}",
             tiny_path, gpt2_path, llama_path);
    const char *extras[] = {"", "--size 3.3in", "--theme dark", "--size 20in"};
    for (size_t i = 0; i < sizeof extras / sizeof extras[0]; i++) {
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf, spec, extras[i], &img, &l) == 0))
            continue;
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    with \"%s\"\n", extras[i]);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    write_configs();
    RUN(shares_counts_and_colours);
    RUN(counts_as_lengths);
    RUN(layer_by_layer);
    RUN(checkpoint_buffers_left_out);
    RUN(text_fits_at_every_size);
    unlink(gpt2_path);
    unlink(llama_path);
    unlink(tiny_path);
    probe_cleanup(&pf);
    return check_summary();
}

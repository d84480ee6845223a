/* bench: where vizgen's time goes. In one run: whole `vizgen` processes (wall time, peak RSS,
 * PNG size) for each default figure, `vizgen all`, heatmaps from .npy at growing sizes and
 * `vizgen stats` on the 2048x2048 one, training curves from a million-step log and, beside
 * both training-curves rows, the same plot from a matplotlib script, `vizgen params` on a 13 GB
 * sharded checkpoint's headers; then each default figure's
 * phases in-process, and the floor — encoding a finished pixel buffer alone. Prints a table, and
 * JSON with --json. Not a test: it asserts nothing. Run from the source tree:
 * build/tests/bench/bench build/vizgen (it re-renders out/ from data/ along the way). */
#define _DEFAULT_SOURCE /* wait4 */
#include "vizgen/draw.h"
#include "vizgen/figure.h"

#include "npy_header.h"
#include "probe.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_RUNS = 101 };

struct series {
    double v[MAX_RUNS];
    int n;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(struct series *s)
{
    qsort(s->v, (size_t)s->n, sizeof s->v[0], cmp_double);
    return s->n ? s->v[s->n / 2] : 0;
}

/* Half the distance between the 25th and 75th percentiles (call after median). */
static double spread(const struct series *s)
{
    return s->n ? (s->v[s->n * 3 / 4] - s->v[s->n / 4]) / 2 : 0;
}

static FILE *json;
static int json_first = 1;

/* One line of the table (and of the JSON); rss_mib and png_kib are left out when 0. */
static void report(const char *what, const char *phase, struct series *s, double rss_mib,
                   double png_kib)
{
    double med = median(s);
    printf("%-38s %-10s %9.2f ms  ±%6.2f", what, phase, med, spread(s));
    if (rss_mib > 0)
        printf("  %7.1f MiB", rss_mib);
    else if (png_kib > 0)
        printf("  %11s", "");
    if (png_kib > 0)
        printf("  %6.1f KiB", png_kib);
    putchar('\n');
    if (json) {
        fprintf(json, "%s{\"what\":\"%s\",\"phase\":\"%s\",\"median_ms\":%.3f,\"spread_ms\":%.3f",
                json_first ? "" : ",\n", what, phase, med, spread(s));
        if (rss_mib > 0)
            fprintf(json, ",\"peak_rss_mib\":%.1f", rss_mib);
        if (png_kib > 0)
            fprintf(json, ",\"png_kib\":%.1f", png_kib);
        fputc('}', json);
        json_first = 0;
    }
}

/* One figure, loaded and drawn, ready to rasterize and encode. */
struct prepared {
    const struct figure_kind *kind;
    void *fig;
    struct figure_common c;
    struct canvas cv;
};

static void load(const char *spec, struct prepared *p)
{
    struct diag d;
    diag_init(&d);
    if (figure_load(spec, NULL, 0, &p->kind, &p->fig, &p->c, &d) != VZ_OK) {
        diag_print(&d, stderr);
        exit(1);
    }
}

static void draw(struct prepared *p)
{
    struct diag d;
    diag_init(&d);
    struct canvas_opts co = {p->c.width, p->c.scale, p->c.theme, false, false};
    canvas_init(&p->cv, &co, &d);
    p->kind->render(p->fig, &p->c, &p->cv, &d);
}

static void release(struct prepared *p)
{
    canvas_free(&p->cv);
    figure_free(p->kind, p->fig);
    figure_common_free(&p->c);
}

/* The pipeline of figure_render_file, phase by phase. */
static void in_process(const char *spec, int runs)
{
    struct series parse = {0}, paint = {0}, raster = {0}, encode = {0}, total = {0};
    for (int r = 0; r < runs; r++) {
        struct diag d;
        diag_init(&d);
        struct prepared p;
        cairo_surface_t *img;
        double t0 = now_ms();
        load(spec, &p);
        double t1 = now_ms();
        draw(&p);
        double t2 = now_ms();
        probe_rasterize(&p.cv, &img, &d);
        double t3 = now_ms();
        FILE *f = fopen("/tmp/vizgen-bench.png", "wb");
        probe_png_encode(img, f, "bench", p.c.dpi, NULL, 0, &d);
        fclose(f);
        double t4 = now_ms();
        parse.v[parse.n++] = t1 - t0;
        paint.v[paint.n++] = t2 - t1;
        raster.v[raster.n++] = t3 - t2;
        encode.v[encode.n++] = t4 - t3;
        total.v[total.n++] = t4 - t0;
        cairo_surface_destroy(img);
        release(&p);
    }
    report(spec, "parse", &parse, 0, 0);
    report(spec, "draw", &paint, 0, 0);
    report(spec, "rasterize", &raster, 0, 0);
    report(spec, "encode", &encode, 0, 0);
    report(spec, "total", &total, 0, 0);
}

/* Runs argv once as a process: adds its wall time to wall and keeps the largest peak RSS (KiB). */
static void run_once(const char *what, char *const argv[], struct series *wall, long *max_rss)
{
    fflush(stdout); /* or the child inherits unwritten lines and prints them again */
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    wall->v[wall->n++] = now_ms() - t0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "bench: %s failed (%s)\n", what, argv[0]);
        exit(1);
    }
    if (ru.ru_maxrss > *max_rss)
        *max_rss = ru.ru_maxrss;
}

/* Runs argv as a process `runs` times; reports median wall time, the largest peak RSS and, when
 * png is not NULL, the size of the file it wrote. */
static void whole_process(const char *what, char *const argv[], int runs, const char *png)
{
    struct series wall = {0};
    long max_rss = 0;
    for (int r = 0; r < runs; r++)
        run_once(what, argv, &wall, &max_rss);
    struct stat st;
    double kib = png && stat(png, &st) == 0 ? (double)st.st_size / 1024 : 0;
    report(what, "process", &wall, (double)max_rss / 1024, kib);
}

/* Another program against this one on the same figure — an older build, or a matplotlib script
 * (`other` names it) — their runs alternating so that the machine's moods fall on both alike;
 * reports each median and this build's time over the other's. */
static void side_by_side(const char *what, const char *other, char *const argv[],
                         char *const old_argv[], int runs)
{
    struct series wall = {0}, old = {0};
    long rss = 0, old_rss = 0;
    for (int r = 0; r < runs; r++) {
        run_once(what, old_argv, &old, &old_rss);
        run_once(what, argv, &wall, &rss);
    }
    report(what, other, &old, (double)old_rss / 1024, 0);
    report(what, "this", &wall, (double)rss / 1024, 0);
    double ratio = median(&wall) / median(&old);
    /* This build's time over the other's, and the other way round: 0.03 says too little. */
    printf("%-38s %-10s %9.3f x  (%s takes %.1f x as long)\n", what, "ratio", ratio, other,
           1 / ratio);
    if (json)
        fprintf(json, ",\n{\"what\":\"%s\",\"phase\":\"ratio\",\"ratio\":%.3f}", what, ratio);
}

/* A causal n x n matrix of random rows, written a row at a time: this program's own memory
 * would count in its children's peak RSS. */
static void write_npy(const char *path, int n)
{
    FILE *f = fopen(path, "wb");
    size_t shape[2] = {(size_t)n, (size_t)n};
    npy_header_write(f, shape, 2);
    float *row = malloc((size_t)n * sizeof *row);
    uint64_t s = 1;
    for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            row[j] = j <= i ? (float)((s >> 40) + 1) : 0;
            sum += row[j];
        }
        for (int j = 0; j <= i; j++)
            row[j] = (float)(row[j] / sum);
        fwrite(row, sizeof *row, (size_t)n, f);
    }
    free(row);
    fclose(f);
}

/* The floor: encode the default heatmap's finished pixels again and again. */
static void floor_encode(const char *spec, int runs)
{
    struct diag d;
    diag_init(&d);
    struct prepared p;
    cairo_surface_t *img;
    load(spec, &p);
    draw(&p);
    probe_rasterize(&p.cv, &img, &d);
    struct series enc = {0};
    for (int r = 0; r < runs; r++) {
        double t0 = now_ms();
        FILE *f = fopen("/tmp/vizgen-bench.png", "wb");
        probe_png_encode(img, f, "bench", 144, NULL, 0, &d);
        fclose(f);
        enc.v[enc.n++] = now_ms() - t0;
    }
    report(spec, "floor", &enc, 0, 0);
    cairo_surface_destroy(img);
    release(&p);
}

/* The cases where work once grew with the input rather than with what is drawn: inline
 * weights (quadratic parsing), one head of a 1 GiB array (read whole), and a very large
 * letter diagram (the whole image in memory). */
static void bounded_work(char *vizgen, int runs)
{
    const char *out = "/tmp/vizgen-bench.png";
    FILE *f = fopen("/tmp/vizgen-bench-inline.json", "w");
    fputs("{\"figure\": \"attention-heatmap\", \"head\": 0, \"weights\": [", f);
    for (int h = 0; h < 80000; h++)
        fputs(h ? ",[[0.5,0.5],[0.5,0.5]]" : "[[0.5,0.5],[0.5,0.5]]", f);
    fputs("]}\n", f);
    fclose(f);
    char *inl[] = {vizgen, "render", "/tmp/vizgen-bench-inline.json", "-o", (char *)out, NULL};
    whole_process("80,000 inline 2x2 heads, one shown", inl, runs, NULL);
    /* A sparse 1 GiB file: [4][16][2048][2048] float32, zeros but for the header. */
    const char dict[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 16, 2048, 2048), }";
    size_t hlen = 118;
    f = fopen("/tmp/vizgen-bench-4d.npy", "wb");
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)hlen, 0};
    fwrite(pre, 1, 10, f);
    fprintf(f, "%-117s\n", dict);
    fflush(f);
    if (ftruncate(fileno(f), (off_t)(10 + hlen + (size_t)4 * 16 * 2048 * 2048 * 4)) != 0)
        perror("bench: ftruncate");
    fclose(f);
    f = fopen("/tmp/vizgen-bench-4d.json", "w");
    fputs("{\"figure\": \"attention-heatmap\", \"npy\": \"vizgen-bench-4d.npy\", \"layer\": 1, "
          "\"head\": 3, \"mask\": \"causal\"}\n",
          f);
    fclose(f);
    char *big[] = {vizgen, "render", "/tmp/vizgen-bench-4d.json", "-o", (char *)out, NULL};
    whole_process("one head of a 1 GiB [4][16][2048][2048] .npy", big, (runs + 1) / 2, NULL);
    f = fopen("/tmp/vizgen-bench-letters.json", "w");
    fputs("{\"figure\": \"letter-counting\", \"text\": \"", f);
    const char *t = "the quick brown fox jumps over the lazy dog and keeps on running ";
    for (int i = 0; i < 2000; i++)
        fputc(t[i % 64], f);
    fputs("\", \"arcs\": \"all\"}\n", f); /* every arc: the stroking workload */
    fclose(f);
    char *wide[] = {vizgen, "render",    "/tmp/vizgen-bench-letters.json",
                    "-o",   (char *)out, "--size",
                    "40in", "--scale",   "4",
                    NULL};
    whole_process("2000 letters, every arc, at --size 40in --scale 4", wide, 3, NULL);
    unlink("/tmp/vizgen-bench-inline.json");
    unlink("/tmp/vizgen-bench-4d.npy");
    unlink("/tmp/vizgen-bench-4d.json");
    unlink("/tmp/vizgen-bench-letters.json");
}

/* The training-curves figure beside the same plot from a matplotlib script (tests/bench/
 * mpl_training.py, when `python` has matplotlib): the default figure, and a log of a million
 * steps. */
static void training_rows(char *vizgen, char *python, int runs)
{
    const char *out = "/tmp/vizgen-bench.png", *csv = "/tmp/vizgen-bench-train.csv",
               *spec = "/tmp/vizgen-bench-train.json";
    FILE *f = fopen(csv, "w");
    fputs("step,loss\n", f);
    unsigned long long x = 88172645463325252ULL; /* xorshift: the same noise every run */
    for (int i = 0; i < 1000000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        fprintf(f, "%d,%.5g\n", i, 3 * exp(-i / 2e5) + 0.1 + (double)(x % 1000) / 4000);
    }
    fclose(f);
    f = fopen(spec, "w");
    fprintf(f,
            "{\"figure\": \"training-curves\", \"runs\": [{\"file\": \"%s\"}], "
            "\"panels\": [{\"metrics\": [\"loss\"], \"y_scale\": \"log\"}]}\n",
            csv);
    fclose(f);
    char *big[] = {vizgen, "render", (char *)spec, "-o", (char *)out, NULL};
    whole_process("training-curves, 10^6-step CSV log", big, runs, out);
    char check[512];
    snprintf(check, sizeof check, "%s -c 'import matplotlib' 2>/dev/null", python);
    if (system(check) != 0) {
        printf("(no matplotlib for %s: the matplotlib rows are left out)\n", python);
    } else {
        char *av[] = {vizgen, "render", "data/training.json", "-o", (char *)out, NULL};
        char *mpl[] = {python, "tests/bench/mpl_training.py",
                       "data/letter-counting/trainer_state.json", "/tmp/vizgen-bench-mpl.png",
                       NULL};
        side_by_side("data/training.json", "matplotlib", av, mpl, (runs + 1) / 2);
        char *mpl_big[] = {python, "tests/bench/mpl_training.py", (char *)csv,
                           "/tmp/vizgen-bench-mpl.png", NULL};
        side_by_side("training-curves, 10^6-step CSV log", "matplotlib", big, mpl_big,
                     (runs + 1) / 2);
        unlink("/tmp/vizgen-bench-mpl.png");
    }
    unlink(csv);
    unlink(spec);
}

/* Appends a float16 tensor's entry to the header at *at, its data at *off. */
static void tensor(char **at, const char *name, int rows, int cols, unsigned long long *off)
{
    unsigned long long bytes = 2ULL * (unsigned long long)rows * (unsigned long long)cols;
    *at +=
        sprintf(*at, ",\"%s\":{\"dtype\":\"F16\",\"shape\":[%d,%d],\"data_offsets\":[%llu,%llu]}",
                name, rows, cols, *off, *off + bytes);
    *off += bytes;
}

/* One shard of a Llama-2-7B-shaped float16 checkpoint: the header, then a hole as long as its
 * tensors (sparse: no disk is used). Layers [first, last); the embedding with the first shard,
 * the final norm and head with the last. */
static void write_shard(const char *path, int first, int last, bool head, bool tail)
{
    char *h = malloc(1 << 20), *at = h, name[96];
    unsigned long long off = 0;
    at += sprintf(at, "{\"__metadata__\":{\"format\":\"pt\"}");
    if (head)
        tensor(&at, "model.embed_tokens.weight", 32000, 4096, &off);
    const char *attn[] = {"q_proj", "k_proj", "v_proj", "o_proj"};
    const char *mlp[] = {"gate_proj", "up_proj", "down_proj"};
    for (int l = first; l < last; l++) {
        for (int k = 0; k < 4; k++) {
            snprintf(name, sizeof name, "model.layers.%d.self_attn.%s.weight", l, attn[k]);
            tensor(&at, name, 4096, 4096, &off);
        }
        for (int k = 0; k < 3; k++) {
            snprintf(name, sizeof name, "model.layers.%d.mlp.%s.weight", l, mlp[k]);
            tensor(&at, name, k == 2 ? 4096 : 11008, k == 2 ? 11008 : 4096, &off);
        }
        snprintf(name, sizeof name, "model.layers.%d.input_layernorm.weight", l);
        tensor(&at, name, 1, 4096, &off);
        snprintf(name, sizeof name, "model.layers.%d.post_attention_layernorm.weight", l);
        tensor(&at, name, 1, 4096, &off);
    }
    if (tail) {
        tensor(&at, "model.norm.weight", 1, 4096, &off);
        tensor(&at, "lm_head.weight", 32000, 4096, &off);
    }
    at += sprintf(at, "}");
    unsigned long long n = (unsigned long long)(at - h);
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 8; i++)
        fputc((int)(n >> (8 * i)) & 0xff, f);
    fwrite(h, 1, n, f);
    fflush(f);
    if (ftruncate(fileno(f), (off_t)(8 + n + off)) != 0)
        perror("bench: ftruncate");
    fclose(f);
    free(h);
}

/* `vizgen params` on the headers of a 13 GB two-shard checkpoint: time and peak RSS. */
static void checkpoint_rows(char *vizgen, int runs)
{
    write_shard("/tmp/vizgen-bench-00001.safetensors", 0, 16, true, false);
    write_shard("/tmp/vizgen-bench-00002.safetensors", 16, 32, false, true);
    FILE *f = fopen("/tmp/vizgen-bench.index.json", "w");
    fputs("{\"weight_map\": {\"model.embed_tokens.weight\": \"vizgen-bench-00001.safetensors\"", f);
    const char *parts[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                           "self_attn.o_proj", "mlp.gate_proj",    "mlp.up_proj",
                           "mlp.down_proj",    "input_layernorm",  "post_attention_layernorm"};
    for (int l = 0; l < 32; l++)
        for (int k = 0; k < 9; k++)
            fprintf(f, ", \"model.layers.%d.%s.weight\": \"vizgen-bench-0000%d.safetensors\"", l,
                    parts[k], l < 16 ? 1 : 2);
    fputs(", \"model.norm.weight\": \"vizgen-bench-00002.safetensors\", \"lm_head.weight\": "
          "\"vizgen-bench-00002.safetensors\"}}\n",
          f);
    fclose(f);
    char *av[] = {vizgen, "params", "/tmp/vizgen-bench.index.json", NULL};
    whole_process("params: 13.5 GB two-shard checkpoint", av, runs, NULL);
    unlink("/tmp/vizgen-bench-00001.safetensors");
    unlink("/tmp/vizgen-bench-00002.safetensors");
    unlink("/tmp/vizgen-bench.index.json");
}

/* Random causal attention of `layers` x `heads` heads on n tokens, as a [layer][head][q][k] .npy
 * (a [head][q][k] one when layers is 0). */
static void write_heads_npy(const char *path, size_t layers, size_t heads, size_t n)
{
    FILE *f = fopen(path, "wb");
    size_t shape[4] = {layers, heads, n, n};
    int rank = layers ? 4 : 3;
    npy_header_write(f, layers ? shape : shape + 1, rank);
    float *row = malloc(n * sizeof *row);
    uint64_t s = 7;
    for (size_t m = 0; m < (layers ? layers : 1) * heads * n; m++) {
        size_t i = m % n;
        double sum = 0;
        for (size_t j = 0; j < n; j++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            /* Peaked like trained heads: most of a row's mass on a few keys. */
            double u = (double)(s >> 11) / 9007199254740992.0;
            row[j] = j <= i ? (float)(u * u * u * u * u * u) : 0;
            sum += row[j];
        }
        for (size_t j = 0; j <= i; j++)
            row[j] = sum > 0 ? (float)(row[j] / sum) : j == i;
        fwrite(row, sizeof *row, n, f);
    }
    free(row);
    fclose(f);
}

/* A 12-layer, 12-head model's attention on 128 tokens (9 MiB): the attention-summary figure,
 * the heatmap of its rollout and `vizgen stats`, which adds rollout, each a whole process. */
static void summary_rows(char *vizgen, int runs)
{
    const char *npy = "/tmp/vizgen-bench-heads.npy", *spec = "/tmp/vizgen-bench-heads.json",
               *roll = "/tmp/vizgen-bench-rollout.json";
    write_heads_npy(npy, 12, 12, 128);
    FILE *f = fopen(spec, "w");
    fprintf(f, "{\"figure\": \"attention-summary\", \"npy\": \"%s\"}\n", npy);
    fclose(f);
    f = fopen(roll, "w");
    fprintf(f, "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"combine\": \"rollout\"}\n",
            npy);
    fclose(f);
    char *fig[] = {vizgen, "render", (char *)spec, "-o", "/tmp/vizgen-bench.png", NULL};
    whole_process("attention-summary of 12x12 heads, 128 tokens", fig, runs,
                  "/tmp/vizgen-bench.png");
    char *heat[] = {vizgen, "render", (char *)roll, "-o", "/tmp/vizgen-bench.png", NULL};
    whole_process("heatmap of the same's rollout", heat, runs, "/tmp/vizgen-bench.png");
    char *stats[] = {vizgen, "stats", (char *)spec, "--json", NULL};
    whole_process("stats --json of the same, with rollout", stats, runs, NULL);
    unlink(npy);
    unlink(spec);
    unlink(roll);
}

/* The head view of a layer's 12 heads on 128 and 512 tokens, as PNG and as SVG. */
static void lines_rows(char *vizgen, int runs)
{
    const char *npy = "/tmp/vizgen-bench-layer.npy", *spec = "/tmp/vizgen-bench-lines.json";
    FILE *f = fopen(spec, "w");
    fprintf(f, "{\"figure\": \"attention-lines\", \"npy\": \"%s\"}\n", npy);
    fclose(f);
    for (size_t n = 128; n <= 512; n *= 4) {
        write_heads_npy(npy, 0, 12, n);
        char what[96];
        const char *outs[] = {"/tmp/vizgen-bench.png", "/tmp/vizgen-bench.svg"};
        for (int o = 0; o < 2; o++) {
            snprintf(what, sizeof what, "lines: 12 heads, %zu tokens, %s", n, o ? "SVG" : "PNG");
            char *av[] = {vizgen, "render", (char *)spec, "-o", (char *)outs[o], NULL};
            whole_process(what, av, runs, outs[o]);
        }
    }
    unlink("/tmp/vizgen-bench.svg");
    unlink(npy);
    unlink(spec);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench PATH-TO-VIZGEN [--runs N] [--json FILE] [--max-npy N]\n"
                        "             [--baseline OTHER-VIZGEN [--baseline-data DIR]]\n"
                        "             [--python PYTHON-WITH-MATPLOTLIB]\n");
        return 2;
    }
    char *vizgen = argv[1], *baseline = NULL, *baseline_data = "data", *python = "/usr/bin/python3";
    int runs = 21, max_npy = 4096;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--json") == 0)
            json = fopen(argv[i + 1], "w");
        else if (strcmp(argv[i], "--max-npy") == 0)
            max_npy = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--baseline") == 0)
            baseline = argv[i + 1];
        else if (strcmp(argv[i], "--baseline-data") == 0)
            baseline_data = argv[i + 1];
        else if (strcmp(argv[i], "--python") == 0)
            python = argv[i + 1];
    }
    if (runs < 1 || runs > MAX_RUNS)
        runs = 21;
    if (json)
        fputs("{\"results\":[\n", json);
    const char *names[] = {"compression.json", "attention.json", "letter-counting.json"};
    const char *specs[] = {"data/compression.json",     "data/attention.json",
                           "data/letter-counting.json", "data/training.json",
                           "data/params.json",          "data/attention-summary.json",
                           "data/attention-lines.json", "data/activations.json"};
    const char *out = "/tmp/vizgen-bench.png";
    printf("%-38s %-10s %12s  %7s  %11s  %s\n", "what", "phase", "median", "spread", "peak RSS",
           "PNG");
    /* Whole processes first: Linux counts a forked child's memory from before its exec in the
     * child's peak RSS, so once the in-process runs below have grown this program, every child
     * would report at least that much. */
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
        char *av[] = {vizgen, "render", (char *)specs[i], "-o", (char *)out, NULL};
        whole_process(specs[i], av, runs, out);
    }
    if (baseline) {
        /* An older build may not read today's specs: --baseline-data names copies it does. */
        for (int i = 0; i < 3; i++) {
            char old_spec[512];
            snprintf(old_spec, sizeof old_spec, "%s/%s", baseline_data, names[i]);
            char *av[] = {vizgen, "render", (char *)specs[i], "-o", (char *)out, NULL};
            char *old_av[] = {baseline, "render", old_spec, "-o", "/tmp/vizgen-bench-old.png",
                              NULL};
            side_by_side(specs[i], "baseline", av, old_av, runs);
        }
    }
    char *all[] = {vizgen, "all", "data", "--force", NULL};
    whole_process("vizgen all data --force", all, runs, NULL);
    for (int n = 256; n <= max_npy; n *= 2) {
        if (n == 512)
            continue;
        char npy[64], spec[64], what[64];
        snprintf(npy, sizeof npy, "/tmp/vizgen-bench-%d.npy", n);
        snprintf(spec, sizeof spec, "/tmp/vizgen-bench-%d.json", n);
        write_npy(npy, n);
        FILE *f = fopen(spec, "w");
        fprintf(f, "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"mask\": \"causal\"}\n",
                npy);
        fclose(f);
        snprintf(what, sizeof what, "heatmap %dx%d float32 .npy", n, n);
        char *av[] = {vizgen, "render", spec, "-o", (char *)out, NULL};
        int r = n >= 2048 ? (runs + 1) / 2 : runs;
        whole_process(what, av, r, NULL);
        if (n == 2048) {
            /* The statistics of the attention lab over raw scores, as `vizgen stats` reports them.
             */
            f = fopen(spec, "w");
            fprintf(f,
                    "{\"figure\": \"attention-heatmap\", \"npy\": \"%s\", \"normalize\": "
                    "\"softmax\"}\n",
                    npy);
            fclose(f);
            char *sv[] = {vizgen, "stats", spec, "--json", NULL};
            whole_process("vizgen stats --json 2048x2048, softmax", sv, r, NULL);
        }
        unlink(npy);
        unlink(spec);
    }
    bounded_work(vizgen, runs);
    training_rows(vizgen, python, runs);
    summary_rows(vizgen, runs);
    lines_rows(vizgen, runs);
    checkpoint_rows(vizgen, runs);
    for (int i = 0; i < 4; i++)
        in_process(specs[i], runs);
    floor_encode("data/attention.json", runs);
    unlink("/tmp/vizgen-bench.png");
    if (json) {
        fputs("\n]}\n", json);
        fclose(json);
    }
    return 0;
}

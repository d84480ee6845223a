/* probe: PNG decoding with libpng and layout reading with cJSON, for the render tests only, and
 * whole-image rasterizing and encoding for the kit tests and the benchmark. */
#include "probe.h"

#include "npy_header.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int probe_rasterize(struct canvas *cv, cairo_surface_t **out, struct diag *d)
{
    long w, h;
    canvas_pixel_size(cv, &w, &h);
    cairo_surface_t *img = canvas_strip_create(cv, (int)h);
    if (!img)
        return diag_oom(d);
    int rc = canvas_rasterize_rows(cv, img, 0, d);
    if (rc) {
        cairo_surface_destroy(img);
        return rc;
    }
    *out = img;
    return VZ_OK;
}

/* Each row copied out of the image and prepared as the encoder asks for it. */
struct whole_image {
    const unsigned char *data;
    size_t stride;
    int w;
    bool alpha;
    unsigned char *rows[2]; /* the row asked for and the one above it, each `stride` bytes */
    unsigned char filter;
};

static struct png_row image_row(void *ctx, int y)
{
    struct whole_image *im = ctx;
    unsigned char *cur = im->rows[y % 2], *prev = y > 0 ? im->rows[(y + 1) % 2] : NULL;
    memcpy(cur, im->data + (size_t)y * im->stride, im->stride);
    png_prepare_rows(cur, im->stride, 1, im->w, im->alpha, prev, &im->filter);
    return (struct png_row){cur, im->filter};
}

int probe_png_encode(cairo_surface_t *img, FILE *f, const char *name, double dpi,
                     const struct png_text *texts, int n_texts, struct diag *d)
{
    cairo_surface_flush(img);
    struct whole_image im = {cairo_image_surface_get_data(img),
                             (size_t)cairo_image_surface_get_stride(img),
                             cairo_image_surface_get_width(img),
                             cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32,
                             {NULL, NULL},
                             0};
    im.rows[0] = malloc(2 * im.stride);
    if (!im.rows[0])
        return diag_oom(d);
    im.rows[1] = im.rows[0] + im.stride;
    int rc = png_encode_rows(f, name, im.w, cairo_image_surface_get_height(img), im.alpha,
                             image_row, &im, dpi, texts, n_texts, d);
    free(im.rows[0]);
    return rc;
}

int probe_run(const char *vizgen, const char *args, const char *err_path)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>%s", vizgen, args,
             err_path ? err_path : "/dev/null");
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int probe_png_load(const char *path, struct png_image *img)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&pi, path))
        return -1;
    img->has_alpha = (pi.format & PNG_FORMAT_FLAG_ALPHA) != 0;
    pi.format = PNG_FORMAT_RGBA;
    unsigned char *buf = malloc(PNG_IMAGE_SIZE(pi));
    if (!buf || !png_image_finish_read(&pi, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&pi);
        return -1;
    }
    img->width = (int)pi.width;
    img->height = (int)pi.height;
    size_t n = (size_t)img->width * (size_t)img->height;
    img->rgb = malloc(n * sizeof *img->rgb);
    img->alpha = malloc(n);
    for (size_t i = 0; i < n; i++) {
        img->rgb[i] = (uint32_t)buf[4 * i] << 16 | (uint32_t)buf[4 * i + 1] << 8 | buf[4 * i + 2];
        img->alpha[i] = buf[4 * i + 3];
    }
    free(buf);
    return 0;
}

void probe_png_free(struct png_image *img)
{
    free(img->rgb);
    free(img->alpha);
    img->rgb = NULL;
    img->alpha = NULL;
}

int probe_alpha(const struct png_image *img, double x, double y)
{
    int xi = (int)x, yi = (int)y;
    if (xi < 0 || yi < 0 || xi >= img->width || yi >= img->height)
        return -1;
    return img->alpha[(size_t)yi * (size_t)img->width + (size_t)xi];
}

uint32_t probe_pixel(const struct png_image *img, double x, double y)
{
    int xi = (int)x, yi = (int)y;
    if (xi < 0 || yi < 0 || xi >= img->width || yi >= img->height)
        return 0xffffffff;
    return img->rgb[(size_t)yi * (size_t)img->width + (size_t)xi];
}

cJSON *probe_json_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    return j;
}

cJSON *probe_layout_load(const char *path)
{
    cJSON *j = probe_json_load(path);
    const cJSON *scale = cJSON_GetObjectItem(j, "scale");
    if (!cJSON_IsNumber(scale))
        return j;
    /* Layout units to PNG pixels, once, so that tests compare boxes with pixels directly. */
    double px = scale->valuedouble;
    static const char *const geometry[] = {"x", "y", "w", "h"};
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(j, "marks"))
    {
        for (size_t k = 0; k < 4; k++) {
            cJSON *v = cJSON_GetObjectItem(m, geometry[k]);
            if (cJSON_IsNumber(v))
                cJSON_SetNumberValue(v, v->valuedouble * px);
        }
    }
    for (size_t k = 0; k < 2; k++) {
        cJSON *v = cJSON_GetObjectItem(j, k ? "height" : "width");
        if (cJSON_IsNumber(v))
            cJSON_SetNumberValue(v, v->valuedouble * px);
    }
    cJSON_AddNumberToObject(j, "unit_px", px);
    cJSON_SetNumberValue(cJSON_GetObjectItem(j, "scale"), 1);
    return j;
}

const cJSON *probe_mark(const cJSON *layout, const char *role, int n)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(layout, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, role) == 0 && n-- == 0)
            return m;
    }
    return NULL;
}

int probe_count(const cJSON *layout, const char *role)
{
    int n = 0;
    while (probe_mark(layout, role, n))
        n++;
    return n;
}

double probe_num(const cJSON *mark, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(mark, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int probe_text_ok(const cJSON *layout)
{
    const cJSON *marks = cJSON_GetObjectItem(layout, "marks");
    double W = probe_num(layout, "width"), H = probe_num(layout, "height");
    int n = cJSON_GetArraySize(marks), bad = 0;
    for (int i = 0; i < n; i++) {
        const cJSON *a = cJSON_GetArrayItem(marks, i);
        if (strcmp(cJSON_GetObjectItem(a, "kind")->valuestring, "text") != 0)
            continue;
        double ax = probe_num(a, "x"), ay = probe_num(a, "y"), aw = probe_num(a, "w"),
               ah = probe_num(a, "h");
        if (ax < -0.5 || ay < -0.5 || ax + aw > W + 0.5 || ay + ah > H + 0.5) {
            fprintf(stderr, "    text outside the canvas: \"%s\"\n",
                    cJSON_GetObjectItem(a, "text")->valuestring);
            bad++;
        }
        for (int j = i + 1; j < n; j++) {
            const cJSON *b = cJSON_GetArrayItem(marks, j);
            if (strcmp(cJSON_GetObjectItem(b, "kind")->valuestring, "text") != 0)
                continue;
            double bx = probe_num(b, "x"), by = probe_num(b, "y"), bw = probe_num(b, "w"),
                   bh = probe_num(b, "h");
            if (ax + 0.01 < bx + bw && bx + 0.01 < ax + aw && ay + 0.01 < by + bh &&
                by + 0.01 < ay + ah) {
                if (bad < 5)
                    fprintf(stderr, "    overlapping text: \"%s\" and \"%s\"\n",
                            cJSON_GetObjectItem(a, "text")->valuestring,
                            cJSON_GetObjectItem(b, "text")->valuestring);
                bad++;
            }
        }
    }
    return bad == 0;
}

void probe_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
}

const char *probe_tmp(const char *name, char *buf, size_t size)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(buf, size, "%s/vizgen-render-%d-%s", dir, (int)getpid(), name);
    return buf;
}

int probe_same_file(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int diff = !fa || !fb;
    while (!diff) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            diff = 1;
        if (ca == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return diff;
}

static double lin(double c)
{
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double probe_luminance(uint32_t rgb)
{
    return 0.2126 * lin(((rgb >> 16) & 255) / 255.0) + 0.7152 * lin(((rgb >> 8) & 255) / 255.0) +
           0.0722 * lin((rgb & 255) / 255.0);
}

double probe_invert(enum colormap_id cm, uint32_t rgb)
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

void probe_write_npy(const char *path, const size_t *shape, int rank, const float *data)
{
    size_t count = 1;
    for (int i = 0; i < rank; i++)
        count *= shape[i];
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    npy_header_write(f, shape, rank);
    fwrite(data, sizeof *data, count, f);
    fclose(f);
}

static double grey(uint32_t rgb)
{
    return 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
}

int probe_hatched(const struct png_image *img, double x, double y, double w, double h)
{
    int n = 0, W = (int)w, H = (int)h;
    double *g = malloc((size_t)(W * H) * sizeof *g);
    if (!g)
        return 0;
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++)
            g[n++] = grey(probe_pixel(img, x + i + 0.5, y + j + 0.5));
    int ok = n > 0;
    for (int cm = 0; colormap_names[cm] && ok; cm++)
        for (int e = 0; e < 256 && ok; e++) {
            double c = grey(colormap_table((enum colormap_id)cm)[e]);
            int far = 0;
            for (int k = 0; k < n; k++)
                far += fabs(g[k] - c) >= 40;
            ok = far * 6 >= n;
        }
    free(g);
    return ok;
}

void probe_setup(struct probe_files *pf, const char *vizgen)
{
    pf->vizgen = vizgen;
    probe_tmp("spec.json", pf->spec, sizeof pf->spec);
    probe_tmp("out.png", pf->png, sizeof pf->png);
    probe_tmp("layout.json", pf->lay, sizeof pf->lay);
    probe_tmp("stderr.txt", pf->err, sizeof pf->err);
    probe_tmp("data.json", pf->data, sizeof pf->data);
}

int probe_args(struct probe_files *pf, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-VIZGEN\n", argv[0]);
        return -1;
    }
    probe_setup(pf, argv[1]);
    return 0;
}

void probe_cleanup(const struct probe_files *pf)
{
    unlink(pf->spec);
    unlink(pf->png);
    unlink(pf->lay);
    unlink(pf->err);
    unlink(pf->data);
}

int probe_render(const struct probe_files *pf, const char *spec_text, const char *extra,
                 struct png_image *img, cJSON **layout)
{
    probe_write(pf->spec, spec_text);
    char args[1024];
    snprintf(args, sizeof args, "render %s -o %s --dump-layout %s %s", pf->spec, pf->png, pf->lay,
             extra ? extra : "");
    int rc = probe_run(pf->vizgen, args, pf->err);
    if (rc != 0) {
        char line[1024] = "";
        FILE *f = fopen(pf->err, "r");
        if (f && fgets(line, sizeof line, f))
            line[strcspn(line, "\n")] = '\0';
        if (f)
            fclose(f);
        fprintf(stderr, "probe_render: vizgen exited %d: %s\n", rc, line);
        return -1;
    }
    if (probe_png_load(pf->png, img) != 0) {
        fprintf(stderr, "probe_render: %s is not a PNG libpng can read\n", pf->png);
        return -1;
    }
    if (!(*layout = probe_layout_load(pf->lay))) {
        fprintf(stderr, "probe_render: cannot read the layout dump %s\n", pf->lay);
        probe_png_free(img);
        return -1;
    }
    return 0;
}

int probe_render_data(const struct probe_files *pf, const char *spec_text, const char *extra,
                      struct png_image *img, cJSON **layout, cJSON **data)
{
    char args[1024];
    snprintf(args, sizeof args, "--dump-data %s %s", pf->data, extra ? extra : "");
    if (probe_render(pf, spec_text, args, img, layout) != 0)
        return -1;
    if (!(*data = probe_json_load(pf->data))) {
        fprintf(stderr, "probe_render_data: cannot read the data dump %s\n", pf->data);
        probe_png_free(img);
        cJSON_Delete(*layout);
        return -1;
    }
    return 0;
}

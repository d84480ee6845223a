/* probe: what render tests need to read a figure back — run vizgen, decode its PNG, load its
 * layout dump, and look marks up by role. */
#ifndef VIZGEN_TEST_PROBE_H
#define VIZGEN_TEST_PROBE_H

#include "vizgen/canvas.h"
#include "vizgen/colormap.h"
#include "vizgen/png.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The whole figure replayed into one image (vizgen itself draws it in strips); the caller
 * destroys *out. */
int probe_rasterize(struct canvas *cv, cairo_surface_t **out, struct diag *d);
/* A whole Cairo image encoded into f through png_encode_rows, the image left as it was. */
int probe_png_encode(cairo_surface_t *img, FILE *f, const char *name, double dpi,
                     const struct png_text *texts, int n_texts, struct diag *d);

struct png_image {
    int width, height;
    int has_alpha;
    uint32_t *rgb;  /* 0xRRGGBB per pixel, row-major */
    uint8_t *alpha; /* per pixel; 255 everywhere when the PNG has no alpha */
};

/* Runs `VIZGEN ARGS` through the shell with stderr sent to err_path (may be NULL); returns the
 * exit status. */
int probe_run(const char *vizgen, const char *args, const char *err_path);
int probe_png_load(const char *path, struct png_image *img); /* 0 on success */
void probe_png_free(struct png_image *img);
uint32_t probe_pixel(const struct png_image *img, double x, double y);
int probe_alpha(const struct png_image *img, double x, double y);
/* A JSON file (a --dump-data output), or NULL. */
cJSON *probe_json_load(const char *path);
/* A layout dump with every box in PNG pixels ("scale" becomes 1; "unit_px" keeps the pixels per
 * layout unit, and "unit_pt" and each text's "font" stay in layout units). */
cJSON *probe_layout_load(const char *path);
/* The n-th mark (0-based) with the given role, or NULL. */
const cJSON *probe_mark(const cJSON *layout, const char *role, int n);
int probe_count(const cJSON *layout, const char *role);
double probe_num(const cJSON *mark, const char *key);
/* Every pair of text marks is disjoint and each lies within the canvas; prints offenders. */
int probe_text_ok(const cJSON *layout);
/* Writes text to a new file. */
void probe_write(const char *path, const char *text);
/* A per-process scratch path for name. */
const char *probe_tmp(const char *name, char *buf, size_t size);
/* 0 if files a and b have the same bytes. */
int probe_same_file(const char *a, const char *b);
double probe_luminance(uint32_t rgb);
/* The weight a colour stands for in cm: the index of the nearest colormap entry over 255. */
double probe_invert(enum colormap_id cm, uint32_t rgb);

/* A little-endian float32 .npy of the given shape (rank at most 4), C order. */
void probe_write_npy(const char *path, const size_t *shape, int rank, const float *data);
/* Whether the w x h region at (x, y) is hatched, as masked cells are: whatever single colour
 * of any colormap a reader compares it with, at least a sixth of its pixels differ from it by
 * 40 or more grey levels, which no flat cell does. */
int probe_hatched(const struct png_image *img, double x, double y, double w, double h);

/* The files one render test works with, per process, and the vizgen under test. */
struct probe_files {
    const char *vizgen;
    char spec[256], png[256], lay[256], err[256], data[256];
};
void probe_setup(struct probe_files *pf, const char *vizgen);
/* probe_setup from a render test's command line (its one argument is the vizgen under test);
 * -1 after printing the usage when it is not there. */
int probe_args(struct probe_files *pf, int argc, char **argv);
void probe_cleanup(const struct probe_files *pf); /* removes the files */
/* Writes spec_text, renders it with `render SPEC -o PNG --dump-layout LAYOUT EXTRA`, and loads
 * the PNG and the layout. Returns 0, or -1 after printing why (vizgen's stderr included). */
int probe_render(const struct probe_files *pf, const char *spec_text, const char *extra,
                 struct png_image *img, cJSON **layout);

/* probe_render with --dump-data too, read into *data. */
int probe_render_data(const struct probe_files *pf, const char *spec_text, const char *extra,
                      struct png_image *img, cJSON **layout, cJSON **data);

#endif

/* matrix: one attention matrix as a block of cells — the cell under each device pixel, pooled
 * when there are more cells than pixels, hatched where masked, parted by thin paper lines when
 * cells are large, annotated where numbers fit — with its null key as a column of its own. */
#include "vizgen/kit.h"

#include "vizgen/jsonw.h"
#include "vizgen/raster.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Units: logical pixels. Cells smaller than LINES_MIN would be covered by the lines that part
 * them rather than parted. */
enum { NULL_MIN_W = 10, LINES_MIN = 12, PAD_X = 6, PAD_Y = 4 };

static const struct font number_font = {FONT_SMALL, false};

double matrix_null_width(double cell, double max)
{
    return fmin(fmax(cell, NULL_MIN_W), max);
}

double matrix_pooling(const struct canvas *cv, const struct attn *a, double side)
{
    double px = round(side * cv->scale);
    return (double)a->rows > px ? (double)a->rows / px : 0;
}

/* a's cells over a w x h box at (x, y), whole device pixels. Cells at least a pixel are one
 * image pixel each, enlarged by nearest sampling at replay: the same pixels as filling the
 * block here, without a megabyte of them to copy. */
static int draw_cells(struct canvas *cv, const struct attn *a, const struct matrix_style *st,
                      double x, double y, double w, double h, const char *role, struct diag *d)
{
    int pw = (int)lround(w * cv->scale), ph = (int)lround(h * cv->scale);
    int iw = a->cols <= (size_t)pw ? (int)a->cols : pw;
    int ih = a->rows <= (size_t)ph ? (int)a->rows : ph;
    struct image img;
    int rc = image_init_masked(&img, iw, ih, d);
    if (rc)
        return rc;
    if (raster_heatmap(a, st->cmap, st->pool, canvas_color(cv, MASKED), iw, ih, img.pixels,
                       img.stride, img.mask, img.mask_stride)) {
        image_free(&img);
        return diag_oom(d);
    }
    img.any_masked = memchr(img.mask, 255, (size_t)img.mask_stride * (size_t)ih) != NULL;
    draw_image(cv, &img, x, y, pw / cv->scale, ph / cv->scale, role, (long)a->rows, (long)a->cols);
    image_free(&img);
    return VZ_OK;
}

static void part_cells(struct canvas *cv, size_t rows, size_t cols, double x, double y,
                       double cell_w, double cell_h)
{
    if (fmin(cell_w, cell_h) < LINES_MIN)
        return;
    for (size_t j = 1; j < cols; j++)
        draw_line(cv, x + (double)j * cell_w, y, x + (double)j * cell_w, y + (double)rows * cell_h,
                  1, PAPER, false, NULL);
    for (size_t i = 1; i < rows; i++)
        draw_line(cv, x, y + (double)i * cell_h, x + (double)cols * cell_w, y + (double)i * cell_h,
                  1, PAPER, false, NULL);
}

/* Each unmasked weight printed in its cell, in black or white against the cell's colour; none
 * when the widest number would not fit a cell with some room around it. */
static void annotate(struct canvas *cv, const struct attn *a, const struct matrix_style *st,
                     double x, double y, double cell_w, double cell_h, const char *role)
{
    char buf[64];
    struct text_metrics m;
    snprintf(buf, sizeof buf, st->format, 0.88);
    draw_measure(cv, buf, number_font, &m);
    if (m.width + PAD_X > cell_w || m.ascent + m.descent + PAD_Y > cell_h)
        return;
    for (size_t i = 0; i < a->rows; i++)
        for (size_t j = 0; j < a->cols; j++) {
            float v = a->w[i * a->cols + j];
            if (attn_masked(v))
                continue;
            snprintf(buf, sizeof buf, st->format, v);
            struct rgb bg = rgb_hex(colormap_color(st->cmap, v));
            draw_text(cv, buf, x + ((double)j + 0.5) * cell_w, y + ((double)i + 0.5) * cell_h,
                      number_font, ALIGN_CENTER, ALIGN_MIDDLE, rgb_to_hex(rgb_text_on(bg)), role,
                      (long)(i * a->cols + j));
        }
}

int matrix_draw(struct canvas *cv, const struct attn *a, const struct matrix_style *st, double x,
                double y, double side, double null_w, struct diag *d)
{
    double cell = side / (double)a->rows;
    if (cv->data) { /* the weights as given to the cells, before any pooling */
        jsonw_begin_object(cv->data, NULL);
        jsonw_put_number(cv->data, "rows", (double)a->rows);
        jsonw_put_number(cv->data, "cols", (double)a->cols);
        jsonw_put_number(cv->data, "cells_per_pixel", matrix_pooling(cv, a, side));
        jsonw_put_floats(cv->data, "weights", a->w, a->rows * a->cols);
        if (a->sink)
            jsonw_put_floats(cv->data, "null_key", a->sink, a->rows);
        jsonw_end_object(cv->data);
    }
    int rc = draw_cells(cv, a, st, x, y, side, side, "heatmap", d);
    if (rc)
        return rc;
    part_cells(cv, a->rows, a->cols, x, y, cell, cell);
    if (st->format)
        annotate(cv, a, st, x, y, cell, cell, "annotation");
    if (!a->sink)
        return VZ_OK;
    /* The null key: a one-column matrix of its own, set apart from the positions. */
    struct attn col = {a->rows, 1, a->sink, NULL};
    double nx = canvas_snap(cv, x - MATRIX_NULL_GAP - null_w);
    if ((rc = draw_cells(cv, &col, st, nx, y, null_w, side, "null-key", d)))
        return rc;
    part_cells(cv, a->rows, 1, nx, y, null_w, cell);
    if (st->format)
        annotate(cv, &col, st, nx, y, null_w, cell, "null-annotation");
    return VZ_OK;
}

int matrix_draw_grid(struct canvas *cv, const struct attn *a, const struct matrix_style *st,
                     struct box b, const char *role, struct diag *d)
{
    int rc = draw_cells(cv, a, st, b.x, b.y, b.w, b.h, role, d);
    if (rc == VZ_OK)
        part_cells(cv, a->rows, a->cols, b.x, b.y, b.w / (double)a->cols, b.h / (double)a->rows);
    return rc;
}

/* raster: a separable resampler (columns, then rows) that averages weights, not colours, and
 * tracks how much of each pixel is masked. */
#include "vizgen/raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One output pixel's sources along an axis: cells [first, first + count) with their weights
 * stored from `at` in a shared weight array. */
struct span {
    size_t first, count, at;
};

/* Builds the spans mapping n cells onto p pixels. Returns the weights array (caller frees). */
static float *make_spans(size_t n, int p, struct span *spans)
{
    size_t total = 0;
    double step = (double)n / p;
    for (int i = 0; i < p; i++) {
        if ((double)n <= (double)p) {
            spans[i].first = (size_t)((i + 0.5) * step); /* nearest: the cell under the centre */
            spans[i].count = 1;
        } else {
            size_t a = (size_t)floor(i * step), b = (size_t)ceil((i + 1) * step);
            spans[i].first = a;
            spans[i].count = (b > n ? n : b) - a;
        }
        if (spans[i].first >= n)
            spans[i].first = n - 1;
        spans[i].at = total;
        total += spans[i].count;
    }
    float *w = malloc(total * sizeof *w);
    if (!w)
        return NULL;
    for (int i = 0; i < p; i++) {
        if (spans[i].count == 1) {
            w[spans[i].at] = 1;
            continue;
        }
        double lo = i * step, hi = (i + 1) * step;
        for (size_t k = 0; k < spans[i].count; k++) {
            double c0 = (double)(spans[i].first + k), c1 = c0 + 1;
            double overlap = fmin(hi, c1) - fmax(lo, c0);
            w[spans[i].at + k] = (float)(overlap / step);
        }
    }
    return w;
}

int raster_heatmap(const struct attn *a, enum colormap_id cmap, unsigned mask_rgb, int pw, int ph,
                   uint32_t *pixels, int stride)
{
    struct span *xs = malloc((size_t)pw * sizeof *xs), *ys = malloc((size_t)ph * sizeof *ys);
    float *xw = NULL, *yw = NULL, *sum = NULL, *cov = NULL;
    int rc = -1;
    if (!xs || !ys || !(xw = make_spans(a->cols, pw, xs)) || !(yw = make_spans(a->rows, ph, ys)))
        goto done;
    /* Pass 1: every source row resampled to pw columns (value sum and unmasked coverage). */
    sum = malloc(a->rows * (size_t)pw * sizeof *sum);
    cov = malloc(a->rows * (size_t)pw * sizeof *cov);
    if (!sum || !cov)
        goto done;
    for (size_t r = 0; r < a->rows; r++) {
        const float *src = a->w + r * a->cols;
        for (int x = 0; x < pw; x++) {
            double s = 0, c = 0;
            for (size_t k = 0; k < xs[x].count; k++) {
                float v = src[xs[x].first + k];
                if (!attn_masked(v)) {
                    s += xw[xs[x].at + k] * v;
                    c += xw[xs[x].at + k];
                }
            }
            sum[r * (size_t)pw + (size_t)x] = (float)s;
            cov[r * (size_t)pw + (size_t)x] = (float)c;
        }
    }
    /* Pass 2: rows, then colour. A pixel more than half masked shows as masked. */
    for (int y = 0; y < ph; y++) {
        uint32_t *out = pixels + (size_t)y * (size_t)stride;
        if (y > 0 && ys[y].count == 1 && ys[y - 1].count == 1 && ys[y].first == ys[y - 1].first) {
            /* Same source row as the pixel row above (cells taller than a pixel): copy it. */
            memcpy(out, out - stride, (size_t)pw * sizeof *out);
            continue;
        }
        for (int x = 0; x < pw; x++) {
            double s = 0, c = 0;
            for (size_t k = 0; k < ys[y].count; k++) {
                size_t at = (ys[y].first + k) * (size_t)pw + (size_t)x;
                s += yw[ys[y].at + k] * sum[at];
                c += yw[ys[y].at + k] * cov[at];
            }
            out[x] = c < 0.5 ? mask_rgb : colormap_color(cmap, s / c);
        }
    }
    rc = 0;
done:
    free(xs);
    free(ys);
    free(xw);
    free(yw);
    free(sum);
    free(cov);
    return rc;
}

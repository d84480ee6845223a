/* raster: a separable resampler (columns, then rows) that pools weights, not colours, and keeps
 * track of which pixels have no unmasked cell under them. */
#include "vizgen/raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const raster_pool_names[] = {"max", "mean", NULL};

/* One output pixel's sources along an axis: cells [first, first + count) with their area
 * weights stored from `at` in a shared weight array. */
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

/* The largest unmasked value of a span, NaN when all are masked. A NaN never compares greater,
 * so masked cells drop out without a test of their own. */
static float pool_max(const float *v, size_t stride, const struct span *s)
{
    float best = -INFINITY;
    for (size_t k = 0; k < s->count; k++) {
        float x = v[(s->first + k) * stride];
        if (x > best)
            best = x;
    }
    return best > -INFINITY ? best : NAN;
}

/* The area-weighted sum of a span's unmasked values; *cover is their share of the area. */
static float pool_sum(const float *v, size_t stride, const struct span *s, const float *w,
                      float *cover)
{
    double acc = 0, c = 0;
    for (size_t k = 0; k < s->count; k++) {
        float x = v[(s->first + k) * stride];
        if (!attn_masked(x)) {
            acc += w[s->at + k] * x;
            c += w[s->at + k];
        }
    }
    *cover = (float)c;
    return (float)acc;
}

int raster_heatmap(const struct attn *a, enum colormap_id cmap, enum raster_pool mode,
                   unsigned mask_rgb, int pw, int ph, uint32_t *pixels, int stride, uint8_t *masked,
                   int mstride)
{
    struct span *xs = malloc((size_t)pw * sizeof *xs), *ys = malloc((size_t)ph * sizeof *ys);
    float *xw = NULL, *yw = NULL, *val = NULL, *cov = NULL;
    int rc = -1;
    if (!xs || !ys || !(xw = make_spans(a->cols, pw, xs)) || !(yw = make_spans(a->rows, ph, ys)))
        goto done;
    /* Pass 1: every source row pooled to pw columns (and, for the mean, unmasked coverage). */
    val = malloc(a->rows * (size_t)pw * sizeof *val);
    if (!val || (mode == POOL_MEAN && !(cov = malloc(a->rows * (size_t)pw * sizeof *cov))))
        goto done;
    for (size_t r = 0; r < a->rows; r++)
        for (int x = 0; x < pw; x++) {
            /* Mean keeps the area-weighted sum here; pass 2 divides by the coverage. */
            size_t at = r * (size_t)pw + (size_t)x;
            if (mode == POOL_MAX)
                val[at] = pool_max(a->w + r * a->cols, 1, &xs[x]);
            else
                val[at] = pool_sum(a->w + r * a->cols, 1, &xs[x], xw, &cov[at]);
        }
    /* Pass 2: rows, then colour. Max: a pixel is masked only when every cell under it is.
     * Mean: when more than half of its area is. */
    for (int y = 0; y < ph; y++) {
        uint32_t *out = pixels + (size_t)y * (size_t)stride;
        uint8_t *mout = masked ? masked + (size_t)y * (size_t)mstride : NULL;
        if (y > 0 && ys[y].count == 1 && ys[y - 1].count == 1 && ys[y].first == ys[y - 1].first) {
            /* Same source row as the pixel row above (cells taller than a pixel): copy it. */
            memcpy(out, out - stride, (size_t)pw * sizeof *out);
            if (mout)
                memcpy(mout, mout - mstride, (size_t)pw);
            continue;
        }
        for (int x = 0; x < pw; x++) {
            bool hidden;
            double v;
            if (mode == POOL_MAX) {
                v = pool_max(val + x, (size_t)pw, &ys[y]);
                hidden = isnan(v);
            } else {
                double s = 0, c = 0;
                for (size_t k = 0; k < ys[y].count; k++) {
                    size_t at = (ys[y].first + k) * (size_t)pw + (size_t)x;
                    s += yw[ys[y].at + k] * val[at];
                    c += yw[ys[y].at + k] * cov[at];
                }
                hidden = c < 0.5;
                v = c > 0 ? s / c : 0;
            }
            out[x] = hidden ? mask_rgb : colormap_color(cmap, v);
            if (mout)
                mout[x] = hidden ? 255 : 0;
        }
    }
    rc = 0;
done:
    free(xs);
    free(ys);
    free(xw);
    free(yw);
    free(val);
    free(cov);
    return rc;
}

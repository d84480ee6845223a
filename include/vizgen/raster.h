/* raster: turning an attention matrix into colour pixels at a given size — the cell under each
 * pixel when cells are at least a pixel, pooled when there are more cells than pixels: by the
 * largest weight (so a one-hot head stays one-hot and a sink stays bright) or by the mean.
 * Pure arithmetic on caller buffers: no Cairo, so big matrices never become millions of shapes. */
#ifndef VIZGEN_RASTER_H
#define VIZGEN_RASTER_H

#include "vizgen/attention.h"
#include "vizgen/colormap.h"

#include <stdint.h>

enum raster_pool { POOL_MAX, POOL_MEAN };
extern const char *const raster_pool_names[]; /* "max", "mean", NULL */

/* Fills a pw x ph block of 32-bit 0x00RRGGBB pixels (row stride in pixels) with a's weights
 * coloured by cmap. A pixel with no unmasked cell under it (max), or more than half masked
 * (mean), gets mask_rgb and, when masked is not NULL, 255 in masked (row stride mstride), else
 * 0. Returns -1 when out of memory, else 0. */
int raster_heatmap(const struct attn *a, enum colormap_id cmap, enum raster_pool mode,
                   unsigned mask_rgb, int pw, int ph, uint32_t *pixels, int stride, uint8_t *masked,
                   int mstride);

#endif

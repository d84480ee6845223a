/* raster: turning an attention matrix into colour pixels at a given size — nearest cell when
 * cells are at least a pixel, area-averaged weights when there are more cells than pixels.
 * Pure arithmetic on caller buffers: no Cairo, so big matrices never become millions of shapes. */
#ifndef VIZGEN_RASTER_H
#define VIZGEN_RASTER_H

#include "vizgen/attention.h"
#include "vizgen/colormap.h"

#include <stdint.h>

/* Fills a pw x ph block of 32-bit 0x00RRGGBB pixels (row stride in pixels) with a's weights
 * coloured by cmap; pixels that are mostly masked cells get mask_rgb. Returns -1 when out of
 * memory, else 0. */
int raster_heatmap(const struct attn *a, enum colormap_id cmap, unsigned mask_rgb, int pw, int ph,
                   uint32_t *pixels, int stride);

#endif

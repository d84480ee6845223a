/* colormap: named sequential colormaps (matplotlib's published 256-entry tables) and lookup.
 * Pure data and arithmetic; no drawing. */
#ifndef VIZGEN_COLORMAP_H
#define VIZGEN_COLORMAP_H

enum colormap_id { CMAP_VIRIDIS, CMAP_PLASMA, CMAP_MAGMA, CMAP_INFERNO, CMAP_CIVIDIS };

extern const char *const colormap_names[]; /* indexed by enum colormap_id, NULL-terminated */

/* The 256 entries as 0xRRGGBB. */
const unsigned *colormap_table(enum colormap_id id);

/* Colour of v in [0, 1] (clamped): entry round(v * 255), as matplotlib picks it. */
unsigned colormap_color(enum colormap_id id, double v);

#endif

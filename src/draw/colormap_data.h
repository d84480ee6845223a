/* colormap_data: the generated tables behind colormap.c. */
#ifndef VIZGEN_COLORMAP_DATA_H
#define VIZGEN_COLORMAP_DATA_H

extern const unsigned colormap_viridis[256], colormap_plasma[256], colormap_magma[256],
    colormap_inferno[256], colormap_cividis[256];

#endif

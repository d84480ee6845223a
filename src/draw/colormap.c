/* colormap: lookup into the generated tables of colormap_data.c. */
#include "vizgen/colormap.h"

#include "colormap_data.h"

#include <math.h>
#include <stddef.h>

const char *const colormap_names[] = {"viridis", "plasma", "magma", "inferno", "cividis", NULL};

const unsigned *colormap_table(enum colormap_id id)
{
    static const unsigned *const tables[] = {colormap_viridis, colormap_plasma, colormap_magma,
                                             colormap_inferno, colormap_cividis};
    return tables[id];
}

unsigned colormap_color(enum colormap_id id, double v)
{
    if (!(v > 0))
        v = 0;
    if (v > 1)
        v = 1;
    return colormap_table(id)[(int)lround(v * 255)];
}

/* panels: small multiples — n square panels in a grid, each under a one-line header, sized to
 * fill the area given, centred in it, on whole device pixels. */
#include "vizgen/kit.h"

#include <math.h>

void panels_layout(struct canvas *cv, struct panel_grid *g, size_t n, size_t cols, struct box area,
                   double gap, double header, size_t cells)
{
    if (cols == 0)
        cols = (size_t)ceil(sqrt((double)n));
    if (cols > n)
        cols = n;
    g->n = n;
    g->cols = cols;
    g->rows = (n + cols - 1) / cols;
    g->gap = gap;
    g->header = header;
    g->scale = cv->scale;
    double side = fmin((area.w - (double)(cols - 1) * gap) / (double)cols, area.h);
    if (cells > 0 && (double)cells <= side)
        side = (double)cells * floor(side / (double)cells); /* equal whole-pixel cells */
    g->w = g->h = side;
    g->x = canvas_snap(cv, area.x + (area.w - ((double)cols * (side + gap) - gap)) / 2);
    g->y = area.y;
}

size_t panels_max(double area_w, double gap, double min_side)
{
    double cols = floor((area_w + gap) / (min_side + gap));
    return cols < 1 ? 0 : (size_t)(cols * cols);
}

struct box panels_cell(const struct panel_grid *g, size_t i)
{
    double x = g->x + (double)(i % g->cols) * (g->w + g->gap);
    double y = g->y + (double)(i / g->cols) * (g->h + g->header + g->gap) + g->header;
    struct box b = {round(x * g->scale) / g->scale, round(y * g->scale) / g->scale, g->w, g->h};
    return b;
}

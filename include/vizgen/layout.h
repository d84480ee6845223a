/* layout: the record of every mark a figure draws, in logical units — boxes, roles, colours,
 * values. No Cairo here, so tests read the same numbers the figure drew.
 * Ownership: a layout owns its marks and their strings; layout_free releases them. */
#ifndef VIZGEN_LAYOUT_H
#define VIZGEN_LAYOUT_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct box {
    double x, y, w, h;
};

enum mark_kind { MARK_TEXT, MARK_RECT, MARK_LINE, MARK_IMAGE, MARK_PATH };

/* One drawn thing, in logical units (multiply by the layout's scale for pixels). */
struct mark {
    enum mark_kind kind;
    struct box box;
    const char *role; /* static string naming what it is: "title", "bar", "cell", "tick-label"... */
    long index;       /* which bar/row/char it belongs to, or -1 */
    double value;     /* the datum it shows, or NaN */
    long rows, cols;  /* for images: the grid of cells they show */
    unsigned rgb;     /* fill or ink colour as 0xRRGGBB */
    char *text;       /* for text marks, owned copy; else NULL */
    double font;      /* for text marks, the font size in layout units; else 0 */
    double alpha;     /* the opacity it was drawn with; 0 (unset) and 1 are opaque */
};

struct layout {
    struct mark *marks;
    size_t n, cap;
    double width, height, scale;
    double unit_pt; /* points per layout unit on the page, or 0 where that is not known */
};

void layout_init(struct layout *l);
void layout_free(struct layout *l);
/* Appends a copy of m (its text duplicated). Returns VZ_EIO when out of memory. */
int layout_add(struct layout *l, const struct mark *m);
#endif

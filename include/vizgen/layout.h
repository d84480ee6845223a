/* layout: the pure-number side of drawing — boxes, the record of every mark a figure draws,
 * "nice" axis ticks and linear scales. No Cairo here, so tests and figures share the same numbers.
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
};

struct layout {
    struct mark *marks;
    size_t n, cap;
    double width, height, scale;
};

void layout_init(struct layout *l);
void layout_free(struct layout *l);
/* Appends a copy of m (its text duplicated). Returns VZ_EIO when out of memory. */
int layout_add(struct layout *l, const struct mark *m);
/* Writes the layout as JSON to path atomically. */
int layout_write_json(const struct layout *l, const char *path, struct diag *d);

/* Axis ticks at 1, 2 or 5 times a power of ten, covering [lo, hi] with about `target` steps. */
struct ticks {
    double lo, hi, step;
    int n;
    double v[64];
};
void ticks_nice(double lo, double hi, int target, struct ticks *t);
/* Formats v with as many decimals as the tick step needs. */
void ticks_format(const struct ticks *t, double v, char *buf, size_t size);

/* Maps [d0, d1] linearly onto [r0, r1]. */
struct scale {
    double d0, d1, r0, r1;
};
double scale_map(struct scale s, double v);

/* Formats v with at most `decimals` decimals, trailing zeros removed ("72.11", "38"). */
void format_trimmed(double v, int decimals, char *buf, size_t size);

#endif

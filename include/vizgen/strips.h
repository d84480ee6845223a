/* strips: a figure's pixel rows drawn a strip at a time, as the encoder asks for them or on a
 * thread of their own ahead of it, so that memory stays at a few strips whatever the figure's
 * size. */
#ifndef VIZGEN_STRIPS_H
#define VIZGEN_STRIPS_H

#include "vizgen/canvas.h"
#include "vizgen/diag.h"

#include <stdbool.h>
#include <stddef.h>

struct strips;

/* The strips in memory at once when drawn ahead: the drawing thread runs up to this many strips
 * ahead, so that a strip slow to draw (one full of text) and one slow to compress need not wait
 * on each other. */
enum { STRIPS_HELD = 4 };

/* Work on each strip once it is drawn, on the thread that drew it, before its rows are handed out:
 * the n rows from pixel row y0 at data, stride bytes apart. prev is the row above y0 as this
 * hook left it, NULL for the figure's first row. */
struct strip_hook {
    void (*fn)(void *ctx, unsigned char *data, size_t stride, int y0, int n,
               const unsigned char *prev);
    void *ctx;
};

/* Starts drawing cv in strips of `rows` pixel rows, each passed through hook: `ahead`, on a
 * thread of their own (cv belongs to it until strips_finish); else, or when no thread can be had,
 * each strip when its first row is asked for. */
int strips_start(struct strips **out, struct canvas *cv, int rows, bool ahead,
                 struct strip_hook hook, struct diag *d);

/* Row y, rows asked for in order from 0; valid until a row of a later strip is asked for.
 * NULL when drawing failed. */
const unsigned char *strips_row(struct strips *s, int y);

/* Stops the drawing (whether or not every row was asked for), frees s, and returns the drawing's
 * status, its error in d. */
int strips_finish(struct strips *s, struct diag *d);

#endif

/* text: the one door text goes through — fonts, measuring, placing (horizontal or reading
 * upwards), shortening with an ellipsis, and the title block. Every text mark is recorded with
 * its box and string. */
#ifndef VIZGEN_TEXT_H
#define VIZGEN_TEXT_H

#include "vizgen/canvas.h"

struct font {
    double size;
    bool bold;
};

struct text_metrics {
    double width, ascent, descent; /* ascent/descent are the font's, so lines align */
};

enum halign { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };
enum valign { ALIGN_TOP, ALIGN_MIDDLE, ALIGN_BASELINE, ALIGN_BOTTOM };

enum { FONT_TITLE = 24, FONT_SUBTITLE = 16, FONT_LABEL = 15, FONT_TICK = 13, FONT_SMALL = 12 };
extern const char DRAW_FONT_FAMILY[];

/* Loads the pinned fonts into the canvas (canvas_init does); a missing file falls back to the
 * family name. text_unload releases them. */
void text_load(struct canvas *cv);
void text_unload(struct canvas *cv);

void draw_measure(struct canvas *cv, const char *text, struct font f, struct text_metrics *m);
/* The height of a line of text in f: ascent plus descent. */
double text_line_height(struct canvas *cv, struct font f);
/* Draws text anchored at (x, y) and records its box; the vertical form reads bottom to top,
 * centred on (x, y). */
struct box draw_text(struct canvas *cv, const char *text, double x, double y, struct font f,
                     enum halign ha, enum valign va, unsigned rgb, const char *role, long index);
struct box draw_text_vertical(struct canvas *cv, const char *text, double x, double y,
                              struct font f, unsigned rgb, const char *role, long index);
/* A copy of text shortened with "…" to fit max_width (malloc'd; caller frees; NULL on OOM). */
char *draw_ellipsize(struct canvas *cv, const char *text, struct font f, double max_width);

/* Draws text as lines no wider than max_width, broken between words, from (x, y) down; each
 * line is recorded as `role` with its number. Returns the y below the last line. */
double draw_paragraph(struct canvas *cv, const char *text, double x, double y, double max_width,
                      struct font f, unsigned rgb, const char *role);

/* Title (bold) and optional subtitle, left-aligned at the margin; returns the y below them. */
double draw_title_block(struct canvas *cv, const char *title, const char *subtitle, double margin);

#endif

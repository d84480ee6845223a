/* text: the one door text goes through — fonts, shaping, measuring, placing (horizontal or
 * reading upwards), wrapping, shortening with an ellipsis, and the title block. Every line of
 * text drawn is recorded as a mark with its box and string. Pango shapes the text in the pinned
 * DejaVu Sans, and in the system's fonts for what DejaVu lacks; characters no installed font
 * has are collected on the canvas (canvas_missing) for the caller to report. */
#ifndef VIZGEN_TEXT_H
#define VIZGEN_TEXT_H

#include "vizgen/canvas.h"

struct font {
    double size; /* logical units */
    bool bold;
};

struct text_metrics {
    double width, ascent, descent; /* ascent/descent are the font's, so lines align */
};

enum halign { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };
enum valign { ALIGN_TOP, ALIGN_MIDDLE, ALIGN_BASELINE, ALIGN_BOTTOM };

enum { FONT_TITLE = 24, FONT_SUBTITLE = 16, FONT_LABEL = 15, FONT_TICK = 13, FONT_SMALL = 12 };
extern const char DRAW_FONT_FAMILY[];

/* Sets up and releases a canvas's text machinery (canvas_init and canvas_free call them).
 * text_open returns VZ_OK or fills d. */
int text_open(struct canvas *cv, struct diag *d);
void text_close(struct canvas *cv);

/* Warnings for the characters no installed font had (canvas_note_missing), one per Debian font
 * package that would give them one. */
void text_report_missing(const struct canvas *cv, struct diag *d);

/* The width of text on one line, and the font's ascent and descent. */
void draw_measure(struct canvas *cv, const char *text, struct font f, struct text_metrics *m);
/* The height of a line of text in f: ascent plus descent. */
double text_line_height(struct canvas *cv, struct font f);
/* Draws text on one line anchored at (x, y) and records its box; the vertical form reads bottom
 * to top, centred on (x, y). */
struct box draw_text(struct canvas *cv, const char *text, double x, double y, struct font f,
                     enum halign ha, enum valign va, unsigned rgb, const char *role, long index);
struct box draw_text_vertical(struct canvas *cv, const char *text, double x, double y,
                              struct font f, unsigned rgb, const char *role, long index);
/* Vertical text wrapped, centred line by line, to at most max_lines lines of max_length (0: no
 * limit), centred on (x, y); recorded as one box. */
struct box draw_block_vertical(struct canvas *cv, const char *text, double x, double y,
                               struct font f, double max_length, int max_lines, unsigned rgb,
                               const char *role, long index);
/* A copy of text shortened with "…" to fit max_width, cut between characters as a reader sees
 * them (malloc'd; caller frees; NULL on OOM). */
char *draw_ellipsize(struct canvas *cv, const char *text, struct font f, double max_width);

/* Text broken into lines no wider than max_width (between words, or within a word too long
 * for a line), at most max_lines of them (0: any number), the last shortened with "…" when
 * more would be needed. */
struct text_block {
    double width, height; /* of the lines as laid out */
    int lines;
    bool shortened; /* the text did not fit max_lines */
};
void measure_block(struct canvas *cv, const char *text, struct font f, double max_width,
                   int max_lines, struct text_block *b);
/* Draws such a block with its box anchored at (x, y) by ha and va (ALIGN_BASELINE: the first
 * line's baseline), each line aligned by ha; each line is recorded as `role` #index. Returns
 * the block's box. */
struct box draw_block(struct canvas *cv, const char *text, double x, double y, struct font f,
                      enum halign ha, enum valign va, double max_width, int max_lines, unsigned rgb,
                      const char *role, long index);
/* A paragraph from (x, y) down, lines numbered from 0 as `role`. Returns the y below it. */
double draw_paragraph(struct canvas *cv, const char *text, double x, double y, double max_width,
                      struct font f, unsigned rgb, const char *role);

/* Title (bold) and optional subtitle, left-aligned at the margin and wrapped to the width
 * between margins; returns the y below them. */
double draw_title_block(struct canvas *cv, const char *title, const char *subtitle, double margin);

#endif

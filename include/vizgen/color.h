/* color: colours as the figures use them — RGB arithmetic and contrast, the themes that resolve
 * colour roles, and the program's one categorical palette. Pure data and arithmetic. */
#ifndef VIZGEN_COLOR_H
#define VIZGEN_COLOR_H

#include <stdbool.h>
#include <stddef.h>

struct rgb {
    double r, g, b;
};
struct rgb rgb_hex(unsigned hex);
unsigned rgb_to_hex(struct rgb c);
struct rgb rgb_mix(struct rgb a, struct rgb b, double t); /* t=0 -> a, t=1 -> b */
double rgb_luminance(struct rgb c);                       /* WCAG relative luminance */
double rgb_contrast(struct rgb a, struct rgb b);          /* WCAG contrast ratio, 1 to 21 */
struct rgb rgb_text_on(struct rgb bg); /* black or white, whichever contrasts more (>= 4.5:1) */
/* c moved toward `toward` in tenths until it contrasts with bg at least ratio:1 (or reaches it):
 * a line that keeps its hue yet stays visible on the page. */
struct rgb rgb_with_contrast(struct rgb c, struct rgb toward, struct rgb bg, double ratio);

/* Colours are passed as 0xRRGGBB, or as one of these roles, which the canvas's theme resolves,
 * so one figure draws correctly on a light page and on a dark one. */
enum color_role {
    INK = 0x1000000, /* titles, labels */
    MUTED,           /* subtitles, tick labels, annotations */
    FAINT,           /* axis lines, dimmed marks */
    GRIDLINE,
    PAPER,  /* the background */
    MASKED, /* cells and points that have no value to show */
};

struct theme {
    const char *name;
    unsigned ink, muted, faint, gridline, paper, masked;
    bool dark;
};
extern const struct theme *const themes[]; /* light first (the default), NULL-terminated */
extern const char *const theme_names[];    /* the same order */

/* The 0xRRGGBB a colour or role stands for under theme t. */
unsigned theme_color(const struct theme *t, unsigned ref);

/* The categorical palette: Okabe and Ito's colourblind-safe set (without black, yellow last as
 * it is faint on white), then Paul Tol's muted colours. Colour i, cycling. */
enum { PALETTE_SIZE = 14 };
unsigned palette_color(size_t i);

#endif

/* color: RGB arithmetic, WCAG contrast, themes and the categorical palette. */
#include "vizgen/color.h"

#include <math.h>

static const struct theme light = {"light",  0x1f2933, 0x52606d, 0x9aa5b1,
                                   0xe4e7eb, 0xffffff, 0xe3e6ea, false};
/* GitHub's dark page colour, so README figures sit on it without a visible box. */
static const struct theme dark = {"dark",   0xe6edf3, 0xa8b3bf, 0x6e7681,
                                  0x30363d, 0x0d1117, 0x4a525c, true};
const struct theme *const themes[] = {&light, &dark, NULL};
const char *const theme_names[] = {"light", "dark", NULL};

static const unsigned PALETTE[PALETTE_SIZE] = {0xE69F00, 0x56B4E9, 0x009E73, 0x0072B2, 0xD55E00,
                                               0xCC79A7, 0xF0E442, 0xCC6677, 0x332288, 0x44AA99,
                                               0x882255, 0x999933, 0x88CCEE, 0xDDCC77};

unsigned palette_color(size_t i)
{
    return PALETTE[i % PALETTE_SIZE];
}

struct rgb rgb_hex(unsigned hex)
{
    struct rgb c = {((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                    (hex & 0xff) / 255.0};
    return c;
}

static unsigned channel(double v)
{
    return (unsigned)lround(fmin(fmax(v, 0), 1) * 255);
}

unsigned rgb_to_hex(struct rgb c)
{
    return channel(c.r) << 16 | channel(c.g) << 8 | channel(c.b);
}

struct rgb rgb_mix(struct rgb a, struct rgb b, double t)
{
    struct rgb c = {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
    return c;
}

static double linear(double v)
{
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double rgb_luminance(struct rgb c)
{
    return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

double rgb_contrast(struct rgb a, struct rgb b)
{
    double la = rgb_luminance(a), lb = rgb_luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

struct rgb rgb_text_on(struct rgb bg)
{
    /* Pure black, not the theme's ink: between them black and white reach WCAG's 4.5:1 against
     * every colour, where a softer near-black leaves mid-tones that neither reads well on. */
    struct rgb white = rgb_hex(0xffffff), black = rgb_hex(0x000000);
    return rgb_contrast(bg, white) > rgb_contrast(bg, black) ? white : black;
}

struct rgb rgb_with_contrast(struct rgb c, struct rgb toward, struct rgb bg, double ratio)
{
    for (int k = 0; k < 20 && rgb_contrast(c, bg) < ratio; k++)
        c = rgb_mix(c, toward, 0.1);
    return c;
}

unsigned theme_color(const struct theme *t, unsigned ref)
{
    switch (ref) {
    case INK:
        return t->ink;
    case MUTED:
        return t->muted;
    case FAINT:
        return t->faint;
    case GRIDLINE:
        return t->gridline;
    case PAPER:
        return t->paper;
    case MASKED:
        return t->masked;
    default:
        return ref & 0xffffff;
    }
}

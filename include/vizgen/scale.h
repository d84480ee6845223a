/* scale: the arithmetic of axes — mapping data to positions (linear or log), ticks at round
 * values, and numbers formatted for people. Pure functions on plain values: no drawing, so
 * the chart kit and the tests share the same numbers. */
#ifndef VIZGEN_SCALE_H
#define VIZGEN_SCALE_H

#include <stdbool.h>
#include <stddef.h>

enum scale_type { SCALE_LINEAR, SCALE_LOG };

/* Maps the domain [d0, d1] onto the range [r0, r1] (logical pixels); a log scale needs
 * 0 < d0 < d1. */
struct scale {
    enum scale_type type;
    double d0, d1, r0, r1;
};

/* The position of v, or NaN when v has none (not finite, or not positive on a log scale). */
double scale_map(const struct scale *s, double v);

enum { TICKS_MAX = 64 };

struct tick {
    double v;
    bool major; /* decades on a log axis; every tick on a linear one */
    bool label; /* gets a label (minor log ticks mostly do not) */
};

struct ticks {
    struct tick t[TICKS_MAX];
    int n;
    double lo, hi; /* the span the ticks cover */
    double step;   /* linear: the distance between ticks; log: 0 */
};

/* Ticks at 1, 2 or 5 times a power of ten covering [lo, hi] with about `target` steps; lo and
 * hi are widened to the ticks at or beyond them. Always at least two ticks. */
void ticks_linear(double lo, double hi, int target, struct ticks *t);

/* Ticks of a log axis over [lo, hi] (0 < lo < hi): decades are major; the 2..9 multiples
 * between them are minor. With two or more decades in range only decades are labelled (every
 * k-th when there are more than `target`); with fewer, 2 and 5 are labelled too, then every
 * multiple, and a range too narrow for two labels gets linear ticks instead. Never fewer than
 * two labels. */
void ticks_log(double lo, double hi, int target, struct ticks *t);

/* v > 0 rounded down (or up) to 1, 2 or 5 times a power of ten: where a log axis over data
 * should end, so that both its ends carry a label. */
double scale_round_125(double v, bool up);

/* How numbers are written. Grouped: 12,345.6. Suffix: 12.3K, 4.5M, 1.2B (counts of things).
 * SI: 12.3k, 4.5M, 1.2G, 3m, 4µ (units). */
enum num_style { NUM_PLAIN, NUM_GROUPED, NUM_SUFFIX, NUM_SI };

/* v with exactly `decimals` decimals (in the suffix's unit for SUFFIX and SI), in style. */
void format_number(double v, int decimals, enum num_style style, char *buf, size_t size);
/* The same with trailing zeros and a bare point removed ("72.11", "38", "1.5K"). */
void format_trimmed(double v, int decimals, enum num_style style, char *buf, size_t size);

/* A number of bytes in decimal units (1 kB = 1000 B, as disks and model hubs count) with a
 * space before the unit and at most `decimals` decimals: "497.8 MB", "1.1 GB", "512 B". */
void format_bytes(double v, int decimals, char *buf, size_t size);
/* v as m×10ᵏ with `decimals` decimals in m ("1.2×10⁷", "10⁶" when m is 1): for numbers whose
 * plain digits would be long or past what a double holds exactly. */
void format_power(double v, int decimals, char *buf, size_t size);

/* A tick's label: as many decimals as the step needs (linear), or a power of ten written with
 * superscripts when plain digits would be long (log: "10⁶", "2×10⁻⁴"). */
void ticks_label(const struct ticks *t, double v, enum num_style style, char *buf, size_t size);

#endif

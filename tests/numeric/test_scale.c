/* Unit tests of the axis arithmetic: scales map as they should, ticks are round and never fewer
 * than two labels (over thousands of random ranges too), and numbers read like numbers. */
#include "check.h"

#include "vizgen/scale.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int labels(const struct ticks *t)
{
    int n = 0;
    for (int i = 0; i < t->n; i++)
        n += t->t[i].label;
    return n;
}

/* Whether v is 1, 2 or 5 times a power of ten times an integer multiple of the step. */
static bool on_step(double v, double step)
{
    double k = v / step;
    return fabs(k - round(k)) < 1e-6;
}

static bool round_step(double step)
{
    double m = step / pow(10, floor(log10(step) + 1e-12));
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9 || fabs(m - 10) < 1e-9;
}

static void scales_map_linearly_and_by_logarithm(void)
{
    struct scale lin = {SCALE_LINEAR, 0, 10, 100, 200};
    CHECK_NEAR(scale_map(&lin, 2.5), 125, 1e-12);
    CHECK_NEAR(scale_map(&lin, -10), 0, 1e-12); /* outside the domain still maps */
    struct scale log = {SCALE_LOG, 1, 100, 0, 300};
    CHECK_NEAR(scale_map(&log, 10), 150, 1e-9);
    CHECK(isnan(scale_map(&log, 0)) && isnan(scale_map(&log, -1)));
    CHECK(isnan(scale_map(&lin, NAN)) && isnan(scale_map(&lin, INFINITY)));
    struct scale up = {SCALE_LINEAR, 0, 1, 500, 100}; /* a y axis: range runs upwards */
    CHECK_NEAR(scale_map(&up, 0.25), 400, 1e-12);
}

static void linear_ticks_cover_the_range_at_round_steps(void)
{
    struct ticks t;
    ticks_linear(0, 72.11, 6, &t);
    CHECK(t.step == 20 && t.lo == 0 && t.hi == 80 && t.n == 5); /* the bar chart's 0..80 */
    ticks_linear(0, 1, 5, &t);
    CHECK(t.step == 0.2 && t.n == 6);
    CHECK(t.t[2].v == 0.4 || fabs(t.t[2].v - 0.4) < 1e-12);
    ticks_linear(-3.7, 12.2, 4, &t);
    CHECK(t.step == 5 && t.lo == -5 && t.hi == 15);
    ticks_linear(4, 4, 5, &t); /* a single value still gets an axis */
    CHECK(labels(&t) >= 2 && t.lo <= 4 && t.hi > 4);
    ticks_linear(1e300, 1.7e300, 5, &t);
    CHECK(t.n >= 2 && t.n <= TICKS_MAX);
    ticks_linear(0, 1e9, 1000, &t); /* more steps than the table holds */
    CHECK(t.n <= TICKS_MAX && t.hi >= 1e9);
}

static void log_ticks_label_decades_and_never_just_one(void)
{
    struct ticks t;
    ticks_log(1, 1e6, 8, &t);
    int decades = 0;
    for (int i = 0; i < t.n; i++) {
        decades += t.t[i].major;
        CHECK(t.t[i].label == t.t[i].major); /* 7 decades: only decades labelled */
    }
    CHECK(decades == 7 && t.n == 7 + 6 * 8);
    ticks_log(1, 1e6, 3, &t); /* too many for 3: every 3rd decade, on exponents 0, 3, 6 */
    for (int i = 0; i < t.n; i++)
        if (t.t[i].label)
            CHECK(lround(log10(t.t[i].v)) % 3 == 0);
    CHECK(labels(&t) == 3);
    ticks_log(2, 50, 5, &t); /* one decade inside: 2, 5, 10, 20, 50 */
    CHECK(labels(&t) == 5);
    for (int i = 0; i < t.n; i++)
        if (t.t[i].label) {
            double m = t.t[i].v / pow(10, floor(log10(t.t[i].v) + 1e-12));
            CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9);
        }
    ticks_log(3.1, 3.6, 5, &t); /* narrower than one mantissa step: linear ticks inside */
    CHECK(labels(&t) >= 2 && t.step > 0);
    for (int i = 0; i < t.n; i++)
        CHECK(t.t[i].v >= 3.1 - 1e-12 && t.t[i].v <= 3.6 + 1e-12);
    ticks_log(1e-300, 1e300, 6, &t);
    CHECK(t.n <= TICKS_MAX && labels(&t) >= 2);
}

/* Thousands of ranges: at least two labels, every label inside the range (log) or on the step
 * (linear), steps of 1, 2 or 5 times a power of ten. */
static void random_ranges_always_get_two_round_labels(void)
{
    uint64_t s = 12345;
    int bad = 0;
    for (int i = 0; i < 5000 && bad < 5; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double a = pow(10, (double)((s >> 33) % 2000) / 100.0 - 10);
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double b = a * (1 + (double)((s >> 33) % 100000) / 100.0);
        struct ticks t;
        ticks_linear(a, b, 2 + i % 8, &t);
        bool ok = labels(&t) >= 2 && round_step(t.step) && t.lo <= a && t.hi >= b;
        for (int k = 0; k < t.n; k++)
            ok = ok && on_step(t.t[k].v, t.step);
        ticks_log(a, b, 2 + i % 8, &t);
        ok = ok && labels(&t) >= 2;
        for (int k = 0; k < t.n; k++)
            ok = ok && t.t[k].v >= a * (1 - 1e-9) && t.t[k].v <= b * (1 + 1e-9);
        if (!CHECK(ok)) {
            fprintf(stderr, "    range %.17g to %.17g\n", a, b);
            bad++;
        }
    }
}

static bool formats(double v, int decimals, enum num_style style, const char *want, bool trim)
{
    char buf[64];
    if (trim)
        format_trimmed(v, decimals, style, buf, sizeof buf);
    else
        format_number(v, decimals, style, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "    %.17g with %d decimals: got \"%s\", want \"%s\"\n", v, decimals, buf,
                want);
    return strcmp(buf, want) == 0;
}

static bool bytes(double v, const char *want)
{
    char buf[64];
    format_bytes(v, 1, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "    %.17g bytes: got \"%s\", want \"%s\"\n", v, buf, want);
    return strcmp(buf, want) == 0;
}

static void numbers_are_grouped_suffixed_and_trimmed(void)
{
    CHECK(bytes(124439808.0 * 4, "497.8 MB"));
    CHECK(bytes(512, "512 B"));
    CHECK(bytes(1100048384.0 * 2, "2.2 GB"));
    CHECK(bytes(999960, "1 MB"));
    CHECK(bytes(413184, "413.2 kB"));
    CHECK(formats(10000000, 0, NUM_GROUPED, "10,000,000", false));
    CHECK(formats(-1234.5, 1, NUM_GROUPED, "-1,234.5", false));
    CHECK(formats(999, 0, NUM_GROUPED, "999", false));
    CHECK(formats(124439808, 1, NUM_SUFFIX, "124.4M", false));
    CHECK(formats(6738415616, 2, NUM_SUFFIX, "6.74B", false));
    CHECK(formats(1500, 2, NUM_SUFFIX, "1.5K", true));
    CHECK(formats(999960, 1, NUM_SUFFIX, "1M", true)); /* rounds up into the next unit */
    CHECK(formats(999, 1, NUM_SUFFIX, "999", true));
    CHECK(formats(0.003, 0, NUM_SI, "3m", false));
    CHECK(formats(0.0000025, 1, NUM_SI, "2.5\xc2\xb5", false));
    CHECK(formats(2.5e9, 1, NUM_SI, "2.5G", false));
    CHECK(formats(-0.0001, 2, NUM_PLAIN, "0.00", false)); /* never "-0.00" */
    CHECK(formats(72.110, 2, NUM_PLAIN, "72.11", true));
    CHECK(formats(38.0, 2, NUM_PLAIN, "38", true));
    CHECK(formats(NAN, 2, NUM_PLAIN, "NaN", false));
}

static bool labels_as(const struct ticks *t, double v, enum num_style style, const char *want)
{
    char buf[64];
    ticks_label(t, v, style, buf, sizeof buf);
    if (strcmp(buf, want) != 0)
        fprintf(stderr, "    tick %.17g: got \"%s\", want \"%s\"\n", v, buf, want);
    return strcmp(buf, want) == 0;
}

static void tick_labels_have_the_decimals_their_step_needs(void)
{
    struct ticks t;
    ticks_linear(0, 1, 5, &t);
    CHECK(labels_as(&t, 0.4, NUM_PLAIN, "0.4") && labels_as(&t, 1, NUM_PLAIN, "1.0"));
    ticks_linear(0, 1.4e6, 7, &t); /* step 200,000 */
    CHECK(t.step == 200000);
    CHECK(labels_as(&t, 200000, NUM_SUFFIX, "200K") && labels_as(&t, 1e6, NUM_SUFFIX, "1M"));
    CHECK(labels_as(&t, 1200000, NUM_SUFFIX, "1.2M"));
    CHECK(labels_as(&t, 600000, NUM_GROUPED, "600,000"));
    ticks_linear(0, 0.1, 4, &t); /* step 0.025 is not 1-2-5; 0.02 or 0.05 is */
    CHECK(t.step == 0.02 || t.step == 0.05);
    struct ticks quarter = t;
    quarter.step = 0.25; /* a step in another unit, as SI writes 250m */
    CHECK(labels_as(&quarter, 0.75, NUM_PLAIN, "0.75"));
    ticks_log(1e-6, 1e7, 8, &t);
    CHECK(labels_as(&t, 1e6, NUM_PLAIN, "10\xe2\x81\xb6"));
    CHECK(labels_as(&t, 2e-5, NUM_PLAIN,
                    "2\xc3\x97"
                    "10\xe2\x81\xbb\xe2\x81\xb5"));
    /* One rule per axis: an axis that needs powers anywhere uses them everywhere, not 1000
     * beside 10⁶; one whose labels all have few digits keeps plain numbers. */
    CHECK(labels_as(&t, 1000, NUM_PLAIN, "10\xc2\xb3") &&
          labels_as(&t, 0.01, NUM_PLAIN, "10\xe2\x81\xbb\xc2\xb2"));
    CHECK(labels_as(&t, 1e6, NUM_SUFFIX, "1M") && labels_as(&t, 1e-3, NUM_SI, "1m"));
    ticks_log(0.01, 10000, 8, &t);
    CHECK(labels_as(&t, 1000, NUM_PLAIN, "1000") && labels_as(&t, 0.01, NUM_PLAIN, "0.01"));
    CHECK(labels_as(&t, 10000, NUM_GROUPED, "10,000"));
}

/* A log axis ends on 1, 2 or 5 times a power of ten at or beyond the data, exact values kept. */
static void log_ends_round_to_one_two_five(void)
{
    CHECK(scale_round_125(5.6, true) == 10 && scale_round_125(5.6, false) == 5);
    CHECK(scale_round_125(0.00019, false) == 0.0001 && scale_round_125(0.00019, true) == 0.0002);
    CHECK(scale_round_125(1.1, true) == 2 && scale_round_125(1.1, false) == 1);
    CHECK(scale_round_125(2, true) == 2 && scale_round_125(500, false) == 500);
    CHECK(scale_round_125(7300, true) == 10000 && scale_round_125(7300, false) == 5000);
}

int main(void)
{
    RUN(log_ends_round_to_one_two_five);
    RUN(scales_map_linearly_and_by_logarithm);
    RUN(linear_ticks_cover_the_range_at_round_steps);
    RUN(log_ticks_label_decades_and_never_just_one);
    RUN(random_ranges_always_get_two_round_labels);
    RUN(numbers_are_grouped_suffixed_and_trimmed);
    RUN(tick_labels_have_the_decimals_their_step_needs);
    return check_summary();
}

/* scale: scales, ticks and number formatting — arithmetic only. */
#include "vizgen/scale.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double scale_map(const struct scale *s, double v)
{
    if (!isfinite(v))
        return NAN;
    double a = s->d0, b = s->d1;
    if (s->type == SCALE_LOG) {
        if (!(v > 0) || !(a > 0) || !(b > 0))
            return NAN;
        v = log10(v), a = log10(a), b = log10(b);
    }
    if (b == a)
        return s->r0;
    return s->r0 + (v - a) / (b - a) * (s->r1 - s->r0);
}

static void add_tick(struct ticks *t, double v, bool major, bool label)
{
    if (t->n < TICKS_MAX)
        t->t[t->n++] = (struct tick){v, major, label};
}

void ticks_linear(double lo, double hi, int target, struct ticks *t)
{
    if (!isfinite(lo) || !isfinite(hi))
        lo = 0, hi = 1;
    if (!(hi > lo))
        hi = lo + (lo != 0 ? fabs(lo) : 1);
    double raw = (hi - lo) / (target > 0 ? target : 1);
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
    /* Never more ticks than fit: a step so fine that lo + i*step stops moving is no step. */
    while ((hi - lo) / step > TICKS_MAX - 1)
        step *= 2;
    t->step = step;
    t->lo = floor(lo / step + 1e-9) * step;
    t->hi = ceil(hi / step - 1e-9) * step;
    t->n = 0;
    for (int i = 0; t->n < TICKS_MAX; i++) {
        double v = t->lo + i * step;
        if (v > t->hi + step * 1e-9)
            break;
        add_tick(t, fabs(v) < step * 1e-9 ? 0 : v, true, true);
    }
}

/* The exponent of the largest power of ten at or below v (v > 0), exact at powers of ten. */
static int decade_of(double v)
{
    int k = (int)floor(log10(v));
    if (pow(10, k + 1) <= v * (1 + 1e-12))
        k++;
    else if (pow(10, k) > v * (1 + 1e-12))
        k--;
    return k;
}

static int count_labels(const struct ticks *t)
{
    int n = 0;
    for (int i = 0; i < t->n; i++)
        n += t->t[i].label;
    return n;
}

/* Labels the ticks whose mantissa is in `mantissas` (a string of digits). */
static void label_mantissas(struct ticks *t, const char *mantissas)
{
    for (int i = 0; i < t->n; i++) {
        double m = t->t[i].v / pow(10, decade_of(t->t[i].v));
        char digit = (char)('0' + (int)lround(m));
        if (strchr(mantissas, digit))
            t->t[i].label = true;
    }
}

void ticks_log(double lo, double hi, int target, struct ticks *t)
{
    if (!(lo > 0) || !(hi > lo) || !isfinite(hi))
        lo = 1, hi = 10;
    t->n = 0;
    t->step = 0;
    t->lo = lo;
    t->hi = hi;
    int k0 = decade_of(lo), k1 = decade_of(hi), decades = k1 - k0 + 1;
    /* Wide ranges: minors would crowd and the table is finite, so decades only, every k-th. */
    bool minors = decades * 9 <= TICKS_MAX;
    int every = decades > TICKS_MAX ? (decades + TICKS_MAX - 1) / TICKS_MAX : 1;
    for (int k = k0; k <= k1; k++) {
        if ((k - k0) % every)
            continue;
        for (int m = 1; m <= (minors ? 9 : 1); m++) {
            double v = m * pow(10, k);
            if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                add_tick(t, v, m == 1, false);
        }
    }
    int n_dec = 0;
    for (int i = 0; i < t->n; i++)
        n_dec += t->t[i].major;
    if (n_dec >= 2) {
        /* Label every k-th decade, on exponents that are multiples of k, so labels read
         * 10⁰, 10³, 10⁶ rather than starting wherever the data does. */
        int label_every = target > 0 && n_dec > target ? (n_dec + target - 1) / target : 1;
        for (int i = 0; i < t->n; i++)
            if (t->t[i].major && decade_of(t->t[i].v) % label_every == 0)
                t->t[i].label = true;
        if (count_labels(t) < 2)
            for (int i = 0; i < t->n; i++)
                t->t[i].label = t->t[i].major;
        if (n_dec == 2)
            label_mantissas(t, "25");
        return;
    }
    label_mantissas(t, "125");
    if (count_labels(t) < 3)
        label_mantissas(t, "123456789");
    if (count_labels(t) >= 2)
        return;
    /* Less than one step of the mantissas wide (3.1 to 3.6): round linear values inside it,
     * finer until at least two fall inside. */
    for (int tgt = target > 2 ? target : 2; tgt <= 4 * TICKS_MAX; tgt *= 2) {
        struct ticks lin;
        ticks_linear(lo, hi, tgt, &lin);
        t->n = 0;
        for (int i = 0; i < lin.n; i++)
            if (lin.t[i].v >= lo * (1 - 1e-12) && lin.t[i].v <= hi * (1 + 1e-12))
                add_tick(t, lin.t[i].v, true, true);
        t->step = lin.step;
        if (t->n >= 2)
            break;
    }
}

/* --- numbers --- */

static const char *const SUFFIXES[] = {"", "K", "M", "B", "T"};
static const char *const SI_UP[] = {"", "k", "M", "G", "T", "P"};
static const char *const SI_DOWN[] = {"", "m", "\xc2\xb5", "n", "p"};

/* Inserts thousands separators into the digits before the point of a formatted number. */
static void group_digits(const char *in, char *out, size_t size)
{
    const char *start = in + (in[0] == '-'), *dot = strchr(start, '.');
    size_t digits = dot ? (size_t)(dot - start) : strlen(start), used = 0;
    if (in[0] == '-' && used + 1 < size)
        out[used++] = '-';
    for (size_t i = 0; i < digits && used + 2 < size; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            out[used++] = ',';
        out[used++] = start[i];
    }
    snprintf(out + used, size - used, "%s", dot ? dot : "");
}

/* The power of 1000 a suffix style writes v in, and the suffix. */
static int unit_power(double v, enum num_style style, int decimals)
{
    double a = fabs(v);
    int p = 0;
    if (style == NUM_SUFFIX || style == NUM_SI) {
        int top = style == NUM_SUFFIX ? 4 : 5;
        while (p < top && a >= 1000 * pow(1000, p) * (1 - 0.5 * pow(10, -decimals) / 1000))
            p++;
        if (style == NUM_SI && a > 0 && a < 1)
            while (p > -4 && a < pow(1000, p) * (1 - 0.5 * pow(10, -decimals)))
                p--;
    }
    return p;
}

void format_number(double v, int decimals, enum num_style style, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "NaN" : v > 0 ? "\xe2\x88\x9e" : "-\xe2\x88\x9e");
        return;
    }
    int p = unit_power(v, style, decimals);
    const char *suffix = p > 0   ? (style == NUM_SUFFIX ? SUFFIXES[p] : SI_UP[p])
                         : p < 0 ? SI_DOWN[-p]
                                 : "";
    char num[400];
    snprintf(num, sizeof num, "%.*f", decimals, v / pow(1000, p));
    if (strcmp(num, "-0") == 0 || (num[0] == '-' && strspn(num + 1, "0.") == strlen(num + 1)))
        memmove(num, num + 1, strlen(num)); /* no "-0.00" */
    if (style == NUM_GROUPED) {
        char grouped[520];
        group_digits(num, grouped, sizeof grouped);
        snprintf(buf, size, "%s", grouped);
    } else {
        snprintf(buf, size, "%s%s", num, suffix);
    }
}

void format_trimmed(double v, int decimals, enum num_style style, char *buf, size_t size)
{
    format_number(v, decimals, style, buf, size);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = dot + 1;
    while (*end >= '0' && *end <= '9')
        end++;
    char *cut = end;
    while (cut > dot + 1 && cut[-1] == '0')
        cut--;
    if (cut == dot + 1)
        cut = dot;
    memmove(cut, end, strlen(end) + 1);
}

/* Writes k as superscript digits (with a superscript minus). */
static size_t superscript(int k, char *out, size_t size)
{
    static const char *const digits[] = {
        "\xe2\x81\xb0", "\xc2\xb9",     "\xc2\xb2",     "\xc2\xb3",     "\xe2\x81\xb4",
        "\xe2\x81\xb5", "\xe2\x81\xb6", "\xe2\x81\xb7", "\xe2\x81\xb8", "\xe2\x81\xb9"};
    char plain[16];
    snprintf(plain, sizeof plain, "%d", k);
    size_t used = 0;
    out[0] = '\0';
    for (const char *c = plain; *c && used < size; c++)
        used += (size_t)snprintf(out + used, size - used, "%s",
                                 *c == '-' ? "\xe2\x81\xbb" : digits[*c - '0']);
    return used;
}

void ticks_label(const struct ticks *t, double v, enum num_style style, char *buf, size_t size)
{
    if (t->step > 0) {
        /* Linear: the decimals the step needs, in the unit the value is written in. */
        double unit = pow(1000, unit_power(v, style, 0));
        double step = t->step / (style == NUM_SUFFIX || style == NUM_SI ? unit : 1);
        /* The fewest decimals that write the step exactly: 0.2 needs one, 0.25 two. */
        int decimals = 0;
        while (decimals < 12 && fabs(step * pow(10, decimals) - round(step * pow(10, decimals))) >
                                    1e-6 * step * pow(10, decimals))
            decimals++;
        if (style == NUM_SUFFIX || style == NUM_SI)
            format_trimmed(v, decimals, style, buf, size);
        else
            format_number(v, decimals, style, buf, size);
        return;
    }
    /* Log: plain digits while every label of the axis has few of them, else powers of ten for
     * all, not 10000 beside 10⁶. */
    int k = decade_of(v);
    bool plain = decade_of(t->lo) >= -3 && decade_of(t->hi) <= 4;
    if (style == NUM_SUFFIX || style == NUM_SI)
        format_trimmed(v, k < 0 ? -k : 2, style, buf, size);
    else if (plain)
        format_number(v, k < 0 ? -k : 0, style, buf, size);
    else
        format_power(v, 0, buf, size);
}

void format_bytes(double v, int decimals, char *buf, size_t size)
{
    char num[64];
    format_trimmed(v, decimals, NUM_SI, num, sizeof num);
    size_t n = strlen(num);
    bool prefixed = n > 0 && strchr("kMGTP", num[n - 1]) != NULL;
    char prefix[2] = {prefixed ? num[n - 1] : 0, 0};
    if (prefixed)
        num[n - 1] = 0;
    snprintf(buf, size, "%s %sB", num, prefix);
}

void format_power(double v, int decimals, char *buf, size_t size)
{
    if (!isfinite(v) || v == 0) {
        format_number(v, decimals, NUM_PLAIN, buf, size);
        return;
    }
    int k = decade_of(fabs(v));
    double m = v / pow(10, k);
    char mant[64], sup[64];
    format_trimmed(m, decimals, NUM_PLAIN, mant, sizeof mant);
    if (strcmp(mant, "10") == 0 || strcmp(mant, "-10") == 0) { /* 9.96 rounded up */
        k++;
        format_trimmed(m / 10, decimals, NUM_PLAIN, mant, sizeof mant);
    }
    superscript(k, sup, sizeof sup);
    if (strcmp(mant, "1") == 0)
        snprintf(buf, size, "10%s", sup);
    else
        snprintf(buf, size,
                 "%s\xc3\x97"
                 "10%s",
                 mant, sup);
}

double scale_round_125(double v, bool up)
{
    double decade = pow(10, floor(log10(v))), m = v / decade;
    const double steps[4] = {1, 2, 5, 10};
    for (int i = up ? 0 : 3; up ? i < 4 : i >= 0; i += up ? 1 : -1)
        if (up ? steps[i] >= m * (1 - 1e-12) : steps[i] <= m * (1 + 1e-12))
            return steps[i] * decade;
    return v;
}

/* trainlog_impl: what the log readers share inside io/. */
#ifndef VIZGEN_TRAINLOG_IMPL_H
#define VIZGEN_TRAINLOG_IMPL_H

#include "vizgen/trainlog.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The column called name (len bytes), created empty when there is none; NULL with d filled. */
struct trainlog_column *tl_column(struct trainlog *log, const char *name, size_t len,
                                  struct diag *d);
/* Appends v to c, which has room. */
static inline void tl_store(struct trainlog_column *c, double v)
{
    c->nonfinite |= !isfinite(v);
    c->unordered |= c->nonfinite || (c->n && v < c->v[c->n - 1]);
    c->lo = v < c->lo ? v : c->lo; /* a NaN is never less, nor greater */
    c->hi = v > c->hi ? v : c->hi;
    c->v[c->n++] = v;
}
/* tl_put when the column must grow, or keep rows. */
int tl_put_slow(struct trainlog_column *c, size_t row, double v, struct diag *d);
/* Appends a value of `row` (rows only ever grow). Inline, as a million-row table puts millions
 * of values, nearly all into columns with room and a value in every row. */
static inline int tl_put(struct trainlog_column *c, size_t row, double v, struct diag *d)
{
    if (c->n == c->cap || c->row || row != c->n)
        return tl_put_slow(c, row, v, d);
    tl_store(c, v);
    return VZ_OK;
}
/* Notes a value that is not a number, if it is the column's first. */
int tl_bad(struct trainlog_column *c, long line, long col, const char *path, const char *text,
           size_t len, struct diag *d);
/* tl_row when the rows' lines must be kept. */
int tl_row_slow(struct trainlog *log, long line, struct diag *d);
/* Starts a row on `line`; inline, as tl_put. */
static inline int tl_row(struct trainlog *log, long line, struct diag *d)
{
    if (!log->n_rows || log->row_line || line != log->first_line + (long)log->n_rows)
        return tl_row_slow(log, line, d);
    log->n_rows++;
    return VZ_OK;
}
/* Empties log of rows and values, keeping its columns and the room they have. */
void tl_reset_rows(struct trainlog *log);
/* Appends the rows of tail, a log of the same columns read from a later part of the same file,
 * whose lines are numbered `lines` short; takes tail's bad values. */
int tl_append(struct trainlog *log, struct trainlog *tail, long lines, struct diag *d);

/* The plain decimal number s starts with ("0.4821", "-3e-05", "1200"), when it converts
 * exactly the fast way: its length in bytes, the number in *out; else 0, and tl_value decides.
 * With at most 15 significant digits the digits are a double as they are, and scaling by a
 * power of ten up to 1e22 (itself exact) rounds once, correctly (Clinger's fast path). A
 * million-row log is mostly such numbers. Unbounded, s's n is not looked at: a byte that ends
 * the number (a line end, say) must follow it, and sparing the check on every byte reads a
 * plain table a tenth faster. Always inlined, so that `bounded` is settled where it is called:
 * a call per cell cost a tenth of reading too. */
static inline bool tl_within(bool bounded, size_t i, size_t n)
{
    return !bounded || i < n;
}
__attribute__((always_inline)) static inline size_t tl_number(const char *s, size_t n, bool bounded,
                                                              double *out)
{
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    bool neg = tl_within(bounded, i, n) && s[i] == '-';
    i += tl_within(bounded, i, n) && (s[i] == '-' || s[i] == '+');
    /* The digits, each one step (a 16th significant digit makes no difference until the end:
     * by then the number is refused). */
    uint64_t m = 0;
    size_t whole = i;
    for (; tl_within(bounded, i, n) && (unsigned)(s[i] - '0') < 10; i++)
        m = m * 10 + (uint64_t)(s[i] - '0');
    size_t digits = i - whole, fraction = 0;
    if (tl_within(bounded, i, n) && s[i] == '.') {
        size_t start = ++i;
        for (; tl_within(bounded, i, n) && (unsigned)(s[i] - '0') < 10; i++)
            m = m * 10 + (uint64_t)(s[i] - '0');
        fraction = i - start;
        digits += fraction;
    }
    if (digits == 0)
        return 0;
    if (digits > 15) { /* leading zeros are no significant digits: "0.0000000000012345" */
        size_t zeros = 0;
        for (size_t k = whole; k < i && (s[k] == '0' || s[k] == '.'); k++)
            zeros += s[k] == '0';
        if (digits - zeros > 15)
            return 0;
    }
    int exp10 = -(int)(fraction < 100 ? fraction : 100);
    if (tl_within(bounded, i, n) && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = tl_within(bounded, i, n) && s[i] == '-';
        i += tl_within(bounded, i, n) && (s[i] == '-' || s[i] == '+');
        int e = 0, edigits = 0;
        for (; tl_within(bounded, i, n) && (unsigned)(s[i] - '0') < 10 && edigits < 4;
             i++, edigits++)
            e = e * 10 + (s[i] - '0');
        if (edigits == 0)
            return 0;
        exp10 += eneg ? -e : e;
    }
    if (exp10 < -22 || exp10 > 22)
        return 0;
    double v = (double)m;
    v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
    *out = neg ? -v : v;
    return i;
}

/* The number at s, within n bytes. */
static inline size_t tl_number_at(const char *s, size_t n, double *out)
{
    return tl_number(s, n, true, out);
}

enum tl_value { TL_NUMBER, TL_MISSING, TL_BAD };
/* A cell's text: a decimal number, NaN or an infinity as Python, NumPy and R write them, a
 * duration H:MM:SS as seconds (LLaMA-Factory's elapsed_time), or missing (empty, Keras' NA). */
enum tl_value tl_value(const char *s, size_t n, double *out);

/* A table's rows of this many bytes or more are read in chunks by two threads, and a file this
 * long is never read whole. */
enum { TL_SPLIT_BYTES = 1 << 20 };
int tl_read_table(struct trainlog *log, char *buf, size_t len, char sep, struct diag *d);
/* The same from a file of `size` bytes (when opened), read a chunk at a time. */
int tl_read_table_file(struct trainlog *log, int fd, size_t size, char sep, struct diag *d);
int tl_read_trainer_state(struct trainlog *log, char *buf, size_t len, struct diag *d);
int tl_read_jsonl(struct trainlog *log, char *buf, size_t len, struct diag *d);

#endif

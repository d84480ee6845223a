/* trainlog_impl: what the log readers share inside io/. */
#ifndef VIZGEN_TRAINLOG_IMPL_H
#define VIZGEN_TRAINLOG_IMPL_H

#include "vizgen/trainlog.h"

#include <math.h>
#include <stddef.h>

/* The column called name (len bytes), created empty when there is none; NULL with d filled. */
struct trainlog_column *tl_column(struct trainlog *log, const char *name, size_t len,
                                  struct diag *d);
/* Appends v to c, which has room. */
static inline void tl_store(struct trainlog_column *c, double v)
{
    c->unordered |= !isfinite(v) || (c->n && v < c->v[c->n - 1]);
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
/* Appends the rows of tail, a log of the same columns read from a later part of the same file,
 * whose lines are numbered `lines` short; takes tail's bad values. */
int tl_append(struct trainlog *log, struct trainlog *tail, long lines, struct diag *d);

/* The plain decimal number s starts with ("0.4821", "-3e-05"), when it converts exactly the
 * fast way: its length in bytes, the number in *out; else 0, and tl_value decides. */
size_t tl_number_at(const char *s, size_t n, double *out);

enum tl_value { TL_NUMBER, TL_MISSING, TL_BAD };
/* A cell's text: a decimal number, NaN or an infinity as Python, NumPy and R write them, a
 * duration H:MM:SS as seconds (LLaMA-Factory's elapsed_time), or missing (empty, Keras' NA). */
enum tl_value tl_value(const char *s, size_t n, double *out);

int tl_read_table(struct trainlog *log, char *buf, size_t len, char sep, struct diag *d);
int tl_read_trainer_state(struct trainlog *log, char *buf, size_t len, struct diag *d);
int tl_read_jsonl(struct trainlog *log, char *buf, size_t len, struct diag *d);

#endif

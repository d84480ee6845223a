/* trainlog: the logs training already writes, read as they are written — Hugging Face's
 * trainer_state.json, CSV and TSV tables (PyTorch Lightning's metrics.csv, Keras' CSVLogger, any
 * table with a header) and JSON lines (LLaMA-Factory, detectron2) — into one model: rows, and
 * columns that each hold the rows where they have a value. A missing value (an empty cell,
 * Keras' NA, a key an entry lacks) is no point; NaN and infinities are points, kept as such.
 * Ownership: a trainlog owns its columns; trainlog_free releases them. */
#ifndef VIZGEN_TRAINLOG_H
#define VIZGEN_TRAINLOG_H

#include "vizgen/diag.h"
#include "vizgen/series.h"

#include <stdbool.h>
#include <stddef.h>

enum trainlog_format {
    TRAINLOG_AUTO,          /* by content */
    TRAINLOG_TRAINER_STATE, /* a JSON object whose log_history is an array of entries */
    TRAINLOG_CSV,
    TRAINLOG_TSV,
    TRAINLOG_JSONL, /* one JSON object per line */
};
/* The names specs use, in enum order, NULL-terminated. */
extern const char *const trainlog_format_names[];

enum { TRAINLOG_MAX_BYTES = 1 << 30, TRAINLOG_MAX_COLUMNS = 4096 };

/* Where a value is that is not a number, kept until the column is asked for: a table may hold
 * text columns nobody plots. */
struct trainlog_bad {
    long line, col; /* 1-based; col 0 when the reader knows only the line */
    char path[96];  /* JSON readers: the value's path ("log_history[3].loss"), else "" */
    char text[48];  /* what was there, shortened */
};

struct trainlog_column {
    char *name;
    double *v;   /* the values, in row order; NULL while they are even (below) */
    size_t *row; /* the row of each value; NULL while the column has had a value in every row,
                  * value i being row i's: a plain table's column needs no more */
    size_t n, cap;
    /* Value i is series_even_at(first, step, i), bit for bit, and is not stored (cap is n): a
     * long table's step column mostly counts so, and its million values were 2 ms of page
     * faults. Only a long table's chunks, appended, make a column even, and step is never 0; a
     * value off the spacing makes it an array again. */
    bool even;
    double first, step;
    /* Some value is not finite, or less than the one before: false for a column that can be x
     * as it stands, known without another pass over a million values. */
    bool unordered;
    /* The least and the greatest value, NaN aside (lo > hi: none), and whether some value is not
     * finite: a line's range, kept the same way. */
    double lo, hi;
    bool nonfinite;
    struct trainlog_bad *bad; /* the first value that is not a number, or NULL */
};

struct trainlog {
    char *file; /* for messages */
    enum trainlog_format format;
    struct trainlog_column *cols;
    size_t n_cols, cap_cols;
    size_t n_rows, cap_rows;
    /* The line each row is on (JSON entries: where the entry starts, or 0): row_line[r], or
     * first_line + r while every row has been on the line after the one before. */
    long *row_line, first_line;
    size_t skipped; /* trainer_state.json: summary entries (train_runtime...) that are no point */
};

/* Reads the log at path. On error d names the file, with line and column where they are known;
 * nothing is left to release. */
int trainlog_load(const char *path, enum trainlog_format format, struct trainlog *log,
                  struct diag *d);
/* The same from memory (tests, fuzzing); buf is modified. name stands for the file. */
int trainlog_parse(const char *name, char *buf, size_t len, enum trainlog_format format,
                   struct trainlog *log, struct diag *d);
void trainlog_free(struct trainlog *log);

/* The column called name, or NULL. */
const struct trainlog_column *trainlog_find(const struct trainlog *log, const char *name);
/* The column that counts progress when the spec names none: step, global_step, current_steps,
 * iteration, epoch, in that order; NULL when there is none. */
const char *trainlog_default_x(const struct trainlog *log);
/* Column `y` against column `x`: one point per row that has a y, sorted by x (stably: a
 * resumed run's repeated steps keep their order). Fails, naming what is wrong, on a column that
 * does not exist (with the nearest name), a value that is not a number, or a y whose row has no
 * x. `path` is the spec key that named them, for that message. Free *out with curve_free; it
 * may borrow the log's columns, so the log must outlive it. */
int trainlog_curve(const struct trainlog *log, const char *x, const char *y, const char *path,
                   struct curve *out, struct diag *d);

#endif

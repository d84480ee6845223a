/* trainlog_table: CSV and TSV logs with a header line, quoted as RFC 4180 and Python's csv
 * module quote them. Lightning's metrics.csv leaves the cells of metrics not logged in a row
 * empty; Keras' CSVLogger writes NA. */
#include "trainlog_impl.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Rows past this many bytes are read in two halves at once. */
enum { SPLIT_BYTES = 1 << 20 };

struct cursor {
    char *s;
    size_t len, i;
    size_t line_start; /* offset of the current line */
    long line;
};

static long column_of(const struct cursor *c, size_t at)
{
    long col = 1;
    for (size_t i = c->line_start; i < at; i++)
        col += ((unsigned char)c->s[i] & 0xC0) != 0x80;
    return col;
}

static bool eol_at(const struct cursor *c, size_t i)
{
    return i >= c->len || c->s[i] == '\n' ||
           (c->s[i] == '\r' && (i + 1 >= c->len || c->s[i + 1] == '\n'));
}

static bool at_eol(const struct cursor *c)
{
    return eol_at(c, c->i);
}

static void next_line(struct cursor *c)
{
    if (c->i < c->len && c->s[c->i] == '\r')
        c->i++;
    if (c->i < c->len && c->s[c->i] == '\n')
        c->i++;
    c->line++;
    c->line_start = c->i;
}

/* One field from c->i: its text (unquoted in place) at *start, *n bytes, and where it began. */
static int field(struct cursor *c, char sep, const char *file, char **start, size_t *n,
                 size_t *began, struct diag *d)
{
    *began = c->i;
    if (c->i < c->len && c->s[c->i] == '"') {
        long line = c->line;
        size_t line_start = c->line_start, open = c->i++;
        char *w = c->s + c->i;
        *start = w;
        for (;;) {
            if (c->i >= c->len) {
                struct cursor at = {c->s, c->len, open, line_start, line};
                return diag_pos(d, VZ_EINPUT, file, line, column_of(&at, open),
                                "unterminated quoted field");
            }
            char ch = c->s[c->i++];
            if (ch == '"') {
                if (c->i < c->len && c->s[c->i] == '"') {
                    c->i++;
                } else {
                    break;
                }
            } else if (ch == '\n') {
                c->line++;
                c->line_start = c->i;
            }
            *w++ = ch;
        }
        *n = (size_t)(w - *start);
        if (!at_eol(c) && c->s[c->i] != sep)
            return diag_pos(d, VZ_EINPUT, file, c->line, column_of(c, c->i),
                            "expected '%s' or the end of the line after a quoted field",
                            sep == '\t' ? "\\t" : ",");
        return VZ_OK;
    }
    *start = c->s + c->i;
    while (!at_eol(c) && c->s[c->i] != sep)
        c->i++;
    *n = (size_t)(c->s + c->i - *start);
    return VZ_OK;
}

/* Whether the line at c holds nothing but spaces; if so, c moves to its end. */
static bool blank_line(struct cursor *c)
{
    size_t i = c->i;
    while (i < c->len && (c->s[i] == ' ' || c->s[i] == '\t'))
        i++;
    if (i < c->len && c->s[i] != '\n' && c->s[i] != '\r')
        return false;
    c->i = i;
    return true;
}

static int header(struct cursor *c, char sep, struct trainlog *log, struct diag *d)
{
    for (;;) {
        char *name;
        size_t n, began;
        int rc = field(c, sep, log->file, &name, &n, &began, d);
        if (rc)
            return rc;
        while (n && (name[n - 1] == ' ' || name[n - 1] == '\r'))
            n--;
        char unnamed[32];
        if (n == 0) { /* pandas writes its index column with no name */
            n = (size_t)snprintf(unnamed, sizeof unnamed, "#%zu", log->n_cols + 1);
            name = unnamed;
        }
        size_t before = log->n_cols;
        if (!tl_column(log, name, n, d))
            return d->status;
        if (log->n_cols == before)
            return diag_pos(d, VZ_EINPUT, log->file, c->line, column_of(c, began),
                            "column \"%.*s\" appears twice in the header", (int)n, name);
        if (at_eol(c))
            break;
        c->i++; /* the separator */
    }
    next_line(c);
    return VZ_OK;
}

/* The rows from c on, to c->len. */
static int read_rows(struct cursor *c, char sep, struct trainlog *log, struct diag *d)
{
    int rc = VZ_OK;
    while (!rc && c->i < c->len) {
        if (blank_line(c)) {
            next_line(c);
            continue;
        }
        long line = c->line;
        if ((rc = tl_row(log, line, d)))
            break;
        size_t row = log->n_rows - 1, k = 0;
        for (;; k++) {
            /* Most cells are a plain number and its separator: read where they stand. */
            double v;
            size_t at = c->i, used = k < log->n_cols ? tl_number_at(c->s + at, c->len - at, &v) : 0;
            if (used && (eol_at(c, at + used) || c->s[at + used] == sep)) {
                c->i += used;
                if ((rc = tl_put(&log->cols[k], row, v, d)) || at_eol(c))
                    break;
                c->i++;
                continue;
            }
            char *text;
            size_t n, began;
            if ((rc = field(c, sep, log->file, &text, &n, &began, d)))
                break;
            if (k >= log->n_cols) {
                rc = diag_pos(d, VZ_EINPUT, log->file, c->line, column_of(c, began),
                              "this row has more than the header's %zu fields", log->n_cols);
                break;
            }
            struct trainlog_column *col = &log->cols[k];
            switch (tl_value(text, n, &v)) {
            case TL_NUMBER:
                rc = tl_put(col, row, v, d);
                break;
            case TL_BAD:
                rc = tl_bad(col, c->line, column_of(c, began), NULL, text, n, d);
                break;
            case TL_MISSING:
                break;
            }
            if (rc || at_eol(c))
                break;
            c->i++;
        }
        if (!rc && k + 1 < log->n_cols)
            rc = diag_pos(d, VZ_EINPUT, log->file, c->line, column_of(c, c->i),
                          "this row has %zu fields, the header %zu", k + 1, log->n_cols);
        if (!rc)
            next_line(c);
    }
    return rc;
}

/* A long table's rows after `split`, read by a thread of their own into a log of their own,
 * numbering its lines from 1. */
struct half {
    struct cursor c;
    char sep;
    struct trainlog log;
    struct diag d;
    int rc;
};

static void *read_half(void *arg)
{
    struct half *h = arg;
    h->rc = read_rows(&h->c, h->sep, &h->log, &h->d);
    return NULL;
}

/* Where a table's rows from `from` can be cut in two, each half read by a thread: after the line
 * that ends past the middle. 0 when they are too few to be worth it, or when they hold a quote
 * (a quoted field may hold a line break: only a reading from the start tells). */
static size_t split_at(const char *buf, size_t from, size_t len)
{
    size_t rest = len - from;
    if (rest < SPLIT_BYTES || memchr(buf + from, '"', rest))
        return 0;
    const char *nl = memchr(buf + from + rest / 2, '\n', rest - rest / 2);
    return nl && (size_t)(nl + 1 - buf) < len ? (size_t)(nl + 1 - buf) : 0;
}

/* The rows from c on, in two halves at once when the table is long, so a million-step log's
 * numbers are parsed on two cores. What the halves make is the same as one reading makes, and
 * a second half that fails is read again after the first, for its message's line. */
static int read_rows_split(struct cursor *c, char sep, struct trainlog *log, struct diag *d)
{
    size_t split = split_at(c->s, c->i, c->len);
    struct half *h = split ? calloc(1, sizeof *h) : NULL;
    if (h) {
        h->c = (struct cursor){c->s, c->len, split, split, 1};
        h->sep = sep;
        h->log.file = log->file; /* borrowed, for messages */
        diag_init(&h->d);
        h->log.cols = calloc(log->n_cols, sizeof *h->log.cols);
        h->log.n_cols = h->log.cap_cols = log->n_cols;
    }
    pthread_t thread;
    bool threaded = h && h->log.cols && pthread_create(&thread, NULL, read_half, h) == 0;
    struct cursor first = *c;
    if (threaded)
        first.len = split;
    int rc = read_rows(&first, sep, log, d);
    if (threaded) {
        pthread_join(thread, NULL);
        c->i = split;
        c->line_start = first.line_start;
        c->line = first.line;
        if (!rc && !h->rc)
            rc = tl_append(log, &h->log, first.line - 1, d);
        else if (!rc)
            rc = read_rows(c, sep, log, d);
    } else {
        *c = first;
    }
    if (h) {
        h->log.file = NULL;
        trainlog_free(&h->log);
        free(h);
    }
    return rc;
}

int tl_read_table(struct trainlog *log, char *buf, size_t len, char sep, struct diag *d)
{
    struct cursor c = {buf, len, 0, 0, 1};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        c.i = c.line_start = 3;
    while (c.i < c.len && blank_line(&c))
        next_line(&c);
    int rc = header(&c, sep, log, d);
    return rc ? rc : read_rows_split(&c, sep, log, d);
}

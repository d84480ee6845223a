/* trainlog_table: CSV and TSV logs with a header line, quoted as RFC 4180 and Python's csv
 * module quote them. Lightning's metrics.csv leaves the cells of metrics not logged in a row
 * empty; Keras' CSVLogger writes NA. */
#include "trainlog_impl.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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

static bool at_eol(const struct cursor *c)
{
    return c->i >= c->len || c->s[c->i] == '\n' ||
           (c->s[c->i] == '\r' && (c->i + 1 >= c->len || c->s[c->i + 1] == '\n'));
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

int tl_read_table(struct trainlog *log, char *buf, size_t len, char sep, struct diag *d)
{
    struct cursor c = {buf, len, 0, 0, 1};
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        c.i = c.line_start = 3;
    while (c.i < c.len && blank_line(&c))
        next_line(&c);
    int rc = header(&c, sep, log, d);
    while (!rc && c.i < c.len) {
        if (blank_line(&c)) {
            next_line(&c);
            continue;
        }
        long line = c.line;
        if ((rc = tl_row(log, line, d)))
            break;
        size_t row = log->n_rows - 1, k = 0;
        for (;; k++) {
            char *text;
            size_t n, began;
            if ((rc = field(&c, sep, log->file, &text, &n, &began, d)))
                break;
            if (k >= log->n_cols) {
                rc = diag_pos(d, VZ_EINPUT, log->file, c.line, column_of(&c, began),
                              "this row has more than the header's %zu fields", log->n_cols);
                break;
            }
            struct trainlog_column *col = &log->cols[k];
            double v;
            switch (tl_value(text, n, &v)) {
            case TL_NUMBER:
                rc = tl_put(col, row, v, d);
                break;
            case TL_BAD:
                rc = tl_bad(col, c.line, column_of(&c, began), NULL, text, n, d);
                break;
            case TL_MISSING:
                break;
            }
            if (rc || at_eol(&c))
                break;
            c.i++;
        }
        if (!rc && k + 1 < log->n_cols)
            rc = diag_pos(d, VZ_EINPUT, log->file, c.line, column_of(&c, c.i),
                          "this row has %zu fields, the header %zu", k + 1, log->n_cols);
        if (!rc)
            next_line(&c);
    }
    return rc;
}

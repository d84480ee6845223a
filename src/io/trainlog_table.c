/* trainlog_table: CSV and TSV logs with a header line, quoted as RFC 4180 and Python's csv
 * module quote them. Lightning's metrics.csv leaves the cells of metrics not logged in a row
 * empty; Keras' CSVLogger writes NA. */
#include "trainlog_impl.h"

#include "vizgen/pages.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file is read this much at a time: a chunk that stays in the cache as it is parsed. */
enum { CHUNK_BYTES = 256 << 10 };

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

/* Where a table's bytes are: in memory, or in a file, read a chunk at a time and never whole
 * (reading a 15 MB log into fresh memory took 7-9 ms here, in chunks that stay in the cache
 * 2 ms, and the log's size no longer decides the memory it takes). */
struct feed {
    const char *file; /* for messages */
    int fd;           /* the file, or -1 */
    char *mem;        /* or the bytes */
    size_t len;       /* mem's length, or the file's size when opened (it may grow) */
};

/* Up to n bytes of f's file from `at` into buf: fewer only at its end; -1 when reading fails. */
static long read_at(const struct feed *f, char *buf, size_t n, size_t at)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(f->fd, buf + got, n - got, (off_t)(at + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long)got;
}

static int read_failed(const struct feed *f, size_t at, struct diag *d)
{
    if (at > TRAINLOG_MAX_BYTES)
        return diag_in(d, VZ_EINPUT, f->file, "log exceeds %d bytes", TRAINLOG_MAX_BYTES);
    return diag_in(d, VZ_EINPUT, f->file, "read failed: %s", strerror(errno));
}

/* f's bytes from `from` to its end, at *out: in mem, or read into *owned (the caller frees). */
static int feed_rest(const struct feed *f, size_t from, char **out, size_t *len, char **owned,
                     struct diag *d)
{
    *owned = NULL;
    if (f->fd < 0) {
        *out = f->mem + from;
        *len = f->len - from;
        return VZ_OK;
    }
    /* Room for one byte past the limit tells a file that is over it. */
    size_t limit = TRAINLOG_MAX_BYTES + 1 - from, n = 0;
    size_t cap = (f->len > from ? f->len - from : 0) + CHUNK_BYTES;
    char *buf = NULL;
    for (;;) {
        cap = cap < limit ? cap : limit;
        char *grown = realloc(buf, cap);
        if (!grown) {
            free(buf);
            return diag_oom(d);
        }
        buf = grown;
        pages_prefault(buf + n, cap - n);
        long got = read_at(f, buf + n, cap - n, from + n);
        n += got > 0 ? (size_t)got : 0;
        if (got < 0 || from + n > TRAINLOG_MAX_BYTES) {
            free(buf);
            return read_failed(f, from + n, d);
        }
        if (n < cap)
            break;
        cap *= 2;
    }
    *out = *owned = buf;
    *len = n;
    return VZ_OK;
}

/* The rows of f from `from`, on `line`, read as one, whatever is quoted. */
static int read_rest(const struct feed *f, size_t from, long line, char sep, struct trainlog *log,
                     struct diag *d)
{
    char *s = NULL, *owned = NULL;
    size_t n = 0;
    int rc = feed_rest(f, from, &s, &n, &owned, d);
    if (rc)
        return rc;
    struct cursor c = {s, n, 0, 0, line};
    rc = read_rows(&c, sep, log, d);
    free(owned);
    return rc;
}

/* A part of a table's rows, [from, to) (to SIZE_MAX: to the end), read by one thread into a log
 * of its own. A part holding a '"' is left (quoted): a quoted field may hold a line end, and
 * only a reading from the start knows which line ends are in one. */
struct part {
    const struct feed *feed;
    size_t from, to;
    long line; /* the line `from` is on; once read, the line after the part */
    char sep;
    struct trainlog *log;
    struct diag *d;
    int rc;
    bool quoted;
};

/* Whole lines of the part, n bytes at s. */
static int part_lines(struct part *p, char *s, size_t n)
{
    if (memchr(s, '"', n)) {
        p->quoted = true;
        return VZ_OK;
    }
    struct cursor c = {s, n, 0, 0, p->line};
    int rc = read_rows(&c, p->sep, p->log, p->d);
    p->line = c.line;
    return rc;
}

static void *read_part(void *arg)
{
    struct part *p = arg;
    const struct feed *f = p->feed;
    if (f->fd < 0) {
        p->rc = part_lines(p, f->mem + p->from, (p->to < f->len ? p->to : f->len) - p->from);
        return NULL;
    }
    /* A chunk at a time, each up to its last line end, the rest carried to the next; a line
     * longer than the chunk makes it longer. */
    size_t cap = CHUNK_BYTES, have = 0, at = p->from;
    char *buf = malloc(cap);
    if (!buf) {
        p->rc = diag_oom(p->d);
        return NULL;
    }
    for (;;) {
        size_t want = p->to - at < cap - have ? p->to - at : cap - have;
        long got = read_at(f, buf + have, want, at);
        if (got < 0 || at + (size_t)got > TRAINLOG_MAX_BYTES) {
            p->rc = read_failed(f, got < 0 ? at : at + (size_t)got, p->d);
            break;
        }
        at += (size_t)got;
        have += (size_t)got;
        bool end = at == p->to || (size_t)got < want;
        size_t lines = have;
        while (!end && lines > 0 && buf[lines - 1] != '\n')
            lines--;
        if (lines == 0 && !end) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                p->rc = diag_oom(p->d);
                break;
            }
            buf = grown;
            cap *= 2;
            continue;
        }
        if ((p->rc = part_lines(p, buf, lines)) || p->quoted || end)
            break;
        memmove(buf, buf + lines, have - lines);
        have -= lines;
    }
    free(buf);
    return NULL;
}

/* Where the rows from `from` are cut in two, each part read by a thread: after the first line
 * end past their middle; 0 when they are too few to be worth it, or no line ends there. */
static size_t split_at(const struct feed *f, size_t from)
{
    if (f->len < from || f->len - from < TL_SPLIT_BYTES)
        return 0;
    size_t mid = from + (f->len - from) / 2;
    if (f->fd < 0) {
        const char *nl = memchr(f->mem + mid, '\n', f->len - mid);
        return nl && (size_t)(nl + 1 - f->mem) < f->len ? (size_t)(nl + 1 - f->mem) : 0;
    }
    char window[4096];
    for (size_t at = mid; at < f->len; at += sizeof window) {
        long got = read_at(f, window, sizeof window, at);
        const char *nl = got > 0 ? memchr(window, '\n', (size_t)got) : NULL;
        if (nl)
            return at + (size_t)(nl - window) + 1 < f->len ? at + (size_t)(nl - window) + 1 : 0;
        if (got < (long)sizeof window)
            break;
    }
    return 0;
}

/* The second part's reading, into a log of its own (the same columns, unnamed) with a diag of
 * its own. */
struct tail {
    struct part p;
    struct trainlog log;
    struct diag d;
};

/* The rows of f from `from` (on `line`), in two parts at once when they are long, so a
 * million-step log is read and parsed on two cores. What the parts make is what one reading
 * makes: a part that met a quote has the rows read again as one, and a second part that failed
 * is read again after the first, for its message's line. */
static int read_rows_from(const struct feed *f, size_t from, long line, char sep,
                          struct trainlog *log, struct diag *d)
{
    size_t split = split_at(f, from);
    struct part head = {f, from, split ? split : SIZE_MAX, line, sep, log, d, VZ_OK, false};
    struct tail *t = split ? calloc(1, sizeof *t) : NULL;
    if (t) {
        t->log.file = log->file; /* borrowed, for messages */
        diag_init(&t->d);
        t->log.cols = calloc(log->n_cols, sizeof *t->log.cols);
        t->log.n_cols = t->log.cap_cols = log->n_cols;
        t->p = (struct part){f, split, SIZE_MAX, 1, sep, &t->log, &t->d, VZ_OK, false};
    }
    pthread_t thread;
    bool threaded = t && t->log.cols && pthread_create(&thread, NULL, read_part, &t->p) == 0;
    if (!threaded)
        head.to = SIZE_MAX;
    read_part(&head);
    if (threaded)
        pthread_join(thread, NULL);
    int rc = head.rc; /* the rows before it hold no quote: one reading fails there too */
    if (!rc && (head.quoted || (threaded && t->p.quoted))) {
        tl_clear_rows(log);
        rc = read_rest(f, from, line, sep, log, d);
    } else if (!rc && threaded) {
        rc = t->p.rc ? read_rest(f, split, head.line, sep, log, d)
                     : tl_append(log, &t->log, head.line - 1, d);
    }
    if (t) {
        t->log.file = NULL;
        trainlog_free(&t->log);
        free(t);
    }
    return rc;
}

/* Past a byte-order mark and blank lines, the header. */
static int read_header(struct cursor *c, char sep, struct trainlog *log, struct diag *d)
{
    if (c->len >= 3 && memcmp(c->s, "\xEF\xBB\xBF", 3) == 0)
        c->i = c->line_start = 3;
    while (c->i < c->len && blank_line(c))
        next_line(c);
    return header(c, sep, log, d);
}

int tl_read_table(struct trainlog *log, char *buf, size_t len, char sep, struct diag *d)
{
    struct cursor c = {buf, len, 0, 0, 1};
    int rc = read_header(&c, sep, log, d);
    struct feed f = {log->file, -1, buf, len};
    return rc ? rc : read_rows_from(&f, c.i, c.line, sep, log, d);
}

int tl_read_table_file(struct trainlog *log, int fd, size_t size, char sep, struct diag *d)
{
    struct feed f = {log->file, fd, NULL, size};
    /* The header from a first window that holds its line: up to the first line end with an
     * even number of quotes before it. */
    size_t cap = CHUNK_BYTES, n = 0, end = 0, quotes = 0;
    char *w = NULL;
    int rc = VZ_OK;
    for (bool done = false; !done;) {
        cap = cap < TRAINLOG_MAX_BYTES + 1 ? cap : TRAINLOG_MAX_BYTES + 1;
        char *grown = realloc(w, cap);
        if (!grown) {
            rc = diag_oom(d);
            break;
        }
        w = grown;
        long got = read_at(&f, w + n, cap - n, n);
        if (got < 0 || n + (size_t)got > TRAINLOG_MAX_BYTES) {
            rc = read_failed(&f, got < 0 ? n : n + (size_t)got, d);
            break;
        }
        for (; end < n + (size_t)got && !done; end++) {
            quotes += w[end] == '"';
            done = w[end] == '\n' && quotes % 2 == 0;
        }
        n += (size_t)got;
        done = done || n < cap;
        cap *= 2;
    }
    struct cursor c = {w, end, 0, 0, 1};
    if (!rc)
        rc = read_header(&c, sep, log, d);
    free(w);
    return rc ? rc : read_rows_from(&f, c.i, c.line, sep, log, d);
}

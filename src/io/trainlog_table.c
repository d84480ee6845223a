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

/* A long table is read and parsed this much at a time: a chunk that stays in the cache, with
 * the values parsed from it, until they are appended. */
enum { CHUNK_BYTES = 64 << 10 };

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

/* Plain rows read the short way: the cells of a long log are nearly always numbers, one to a
 * column, in columns that have a value in every row. */
enum { PLAIN_COLUMNS = 16 };

/* Reads rows of plain numbers from c, as many as the columns have room for, each cell a number
 * and its separator, the last one's the line's end: into columns that hold a value in every row
 * and rows that follow their lines. Stops before a row that is anything else (a blank line, a
 * quote, an empty cell, a word, CRLF), which the general reading then takes. c must end with a
 * line end: every number ends before c does, and is read without bounds. The columns' ends and
 * their last values are kept here, not in the columns, while the rows are read: stored through
 * the columns, each value cost five loads and stores more than the number itself. */
static void plain_rows(struct cursor *c, char sep, struct trainlog *log)
{
    size_t n_cols = log->n_cols, room = SIZE_MAX, rows = log->n_rows;
    if (n_cols > PLAIN_COLUMNS || !n_cols || log->row_line || !rows ||
        c->line != log->first_line + (long)rows)
        return;
    double *dst[PLAIN_COLUMNS], last[PLAIN_COLUMNS], lo[PLAIN_COLUMNS], hi[PLAIN_COLUMNS];
    for (size_t k = 0; k < n_cols; k++) {
        const struct trainlog_column *col = &log->cols[k];
        if (col->row || col->n != rows || col->even)
            return;
        room = col->cap - col->n < room ? col->cap - col->n : room;
        dst[k] = col->v;
        last[k] = col->n ? col->v[col->n - 1] : -INFINITY;
        lo[k] = col->lo;
        hi[k] = col->hi;
    }
    /* Bit k: column k went down. tl_number's numbers are all finite (at most 15 digits, scaled
     * by at most 1e22). */
    uint32_t unordered = 0;
    const char *s = c->s;
    size_t i = c->i, read = 0;
    for (double v[PLAIN_COLUMNS]; read < room && i < c->len; read++) {
        size_t at = i;
        for (size_t k = 0; k < n_cols; k++) {
            size_t used = tl_number(s + at, 0, false, &v[k]);
            if (!used || s[at + used] != (k + 1 < n_cols ? sep : '\n'))
                goto stop;
            at += used + 1;
        }
        for (size_t k = 0; k < n_cols; k++) {
            unordered |= (uint32_t)(v[k] < last[k]) << k;
            lo[k] = v[k] < lo[k] ? v[k] : lo[k];
            hi[k] = v[k] > hi[k] ? v[k] : hi[k];
            dst[k][rows + read] = last[k] = v[k];
        }
        i = at;
    }
stop:
    for (size_t k = 0; k < n_cols; k++) {
        log->cols[k].n += read;
        log->cols[k].unordered |= (unordered >> k) & 1;
        log->cols[k].lo = lo[k];
        log->cols[k].hi = hi[k];
    }
    log->n_rows += read;
    c->i = c->line_start = i;
    c->line += (long)read;
}

/* The rows from c on, to c->len. */
static int read_rows(struct cursor *c, char sep, struct trainlog *log, struct diag *d)
{
    int rc = VZ_OK;
    bool ended = c->len > c->i && c->s[c->len - 1] == '\n';
    while (!rc && c->i < c->len) {
        if (ended) {
            plain_rows(c, sep, log);
            if (c->i == c->len)
                break;
        }
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

/* A long table's rows are read as chunks of CHUNK_BYTES, taken in turn by two threads. Each is
 * parsed into a small log of its own, and the chunks are appended to the table's log in order by
 * whichever thread finds the next one ready. Chunk k holds the lines that start in its bytes
 * (a line starts at `from` or just past a line end), so the chunks share no line. The columns
 * are written once, by appending: there are no halves to join, and a thread that finishes
 * early takes the next chunk.
 *
 * What the chunks make is what one reading makes. A chunk holding a '"' stops them all and the
 * rows are read again as one: a quoted field may hold a line end, and only a reading from the
 * start knows which line ends are in one. A chunk that failed has the rows from it read again
 * when its turn comes, so that its message names the right line. */
enum { SLOTS = 8 }; /* chunks taken and not yet appended */
enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
    _Alignas(64) struct trainlog log; /* the chunk's rows, its lines numbered from 1 */
    struct diag d;                    /* its own, as a failed chunk is read again */
    char *buf;                        /* the chunk read from a file */
    size_t cap;
    size_t k, start; /* which chunk, and the offset of its first byte */
    long lines;      /* the line ends in it */
    int rc;
    enum slot_state state;
};

struct chunks {
    const struct feed *f;
    size_t from, n; /* the rows' first byte, and how many chunks */
    char sep;
    struct trainlog *log;
    struct diag *d;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t taken, appended;
    long line; /* the line the next chunk to append starts on */
    bool appending, quoted;
    size_t failed; /* the offset to read from again, or SIZE_MAX */
    int rc;
    struct slot slot[SLOTS];
};

/* The offset just past the first line end at or after `at`, searching n bytes at s, which hold
 * the file from `base`; SIZE_MAX when there is none. */
static size_t line_after(const char *s, size_t n, size_t base, size_t at)
{
    if (at - base >= n)
        return SIZE_MAX;
    const char *nl = memchr(s + (at - base), '\n', n - (at - base));
    return nl ? base + (size_t)(nl - s) + 1 : SIZE_MAX;
}

/* Chunk s->k's bytes at *out: the lines starting in [b, b + CHUNK_BYTES) for
 * b = from + k * CHUNK_BYTES, the last chunk's to the end of the file. */
static int chunk_bytes(const struct chunks *r, struct slot *s, char **out, size_t *n)
{
    const struct feed *f = r->f;
    size_t b = r->from + s->k * CHUNK_BYTES, end_at = b + CHUNK_BYTES - 1;
    bool last = s->k + 1 == r->n;
    if (f->fd < 0) {
        size_t start = s->k ? line_after(f->mem, f->len, 0, b - 1) : b;
        size_t end = last ? f->len : line_after(f->mem, f->len, 0, end_at);
        start = start < f->len ? start : f->len;
        end = end < f->len ? end : f->len;
        *out = f->mem + start;
        *n = end - start;
        s->start = start;
        return VZ_OK;
    }
    /* s->buf holds the file from `base`: the byte before b, whose line end starts a line at b. */
    size_t base = s->k ? b - 1 : b, have = 0, start = s->k ? SIZE_MAX : b, end = SIZE_MAX;
    for (bool eof = false; end == SIZE_MAX;) {
        if (eof) {
            start = start < base + have ? start : base + have;
            end = base + have;
            break;
        }
        /* The chunk and, mostly, the end of its last line; more only for a line that long. */
        size_t want = have ? CHUNK_BYTES : CHUNK_BYTES + CHUNK_BYTES / 8;
        if (s->cap - have < want) {
            size_t cap = s->cap * 2 > have + want ? s->cap * 2 : have + want;
            char *grown = realloc(s->buf, cap);
            if (!grown)
                return diag_oom(&s->d);
            s->buf = grown;
            s->cap = cap;
        }
        long got = read_at(f, s->buf + have, want, base + have);
        if (got < 0 || base + have + (size_t)got > TRAINLOG_MAX_BYTES)
            return read_failed(f, got < 0 ? base + have : base + have + (size_t)got, &s->d);
        eof = (size_t)got < want;
        have += (size_t)got;
        if (start == SIZE_MAX)
            start = line_after(s->buf, have, base, b - 1);
        if (start != SIZE_MAX && !last)
            end = line_after(s->buf, have, base, end_at > start ? end_at : start - 1);
    }
    *out = s->buf + (start - base);
    *n = end - start;
    s->start = start;
    return VZ_OK;
}

/* Reads chunk s->k into s->log; true when it holds a '"'. */
static bool read_chunk(const struct chunks *r, struct slot *s)
{
    tl_reset_rows(&s->log);
    s->lines = 0;
    char *bytes = NULL;
    size_t n = 0;
    if ((s->rc = chunk_bytes(r, s, &bytes, &n)))
        return false;
    if (memchr(bytes, '"', n))
        return true;
    struct cursor c = {bytes, n, 0, 0, 1};
    s->rc = read_rows(&c, r->sep, &s->log, &s->d);
    s->lines = c.line - 1;
    return false;
}

static struct slot *slot_of(struct chunks *r, size_t k, enum slot_state state)
{
    for (int i = 0; i < SLOTS; i++)
        if (r->slot[i].state == state && (state == SLOT_FREE || r->slot[i].k == k))
            return &r->slot[i];
    return NULL;
}

static bool stopped(const struct chunks *r)
{
    return r->quoted || r->rc || r->failed != SIZE_MAX;
}

/* Appends the chunks that are ready, in order, unless another thread is at it (it comes to them
 * before it stops). Called, and returns, with the lock held. */
static void append_ready(struct chunks *r)
{
    if (r->appending)
        return;
    r->appending = true;
    struct slot *s;
    while (!stopped(r) && (s = slot_of(r, r->appended, SLOT_READY))) {
        pthread_mutex_unlock(&r->lock);
        int rc = s->rc ? VZ_OK : tl_append(r->log, &s->log, r->line - 1, r->d);
        pthread_mutex_lock(&r->lock);
        if (s->rc) {
            r->failed = s->start;
        } else {
            r->rc = rc;
            r->line += s->lines;
        }
        r->appended++;
        s->state = SLOT_FREE;
        pthread_cond_broadcast(&r->changed);
    }
    r->appending = false;
}

static void *chunk_worker(void *arg)
{
    struct chunks *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!stopped(r) && r->taken < r->n) {
        struct slot *s = slot_of(r, 0, SLOT_FREE);
        if (!s) {
            pthread_cond_wait(&r->changed, &r->lock);
            continue;
        }
        s->k = r->taken++;
        s->state = SLOT_BUSY;
        pthread_mutex_unlock(&r->lock);
        bool quoted = read_chunk(r, s);
        pthread_mutex_lock(&r->lock);
        s->state = SLOT_READY;
        r->quoted = r->quoted || quoted;
        append_ready(r);
        pthread_cond_broadcast(&r->changed);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* The rows of f from `from` (on `line`): a long table's in chunks on two threads. */
static int read_rows_from(const struct feed *f, size_t from, long line, char sep,
                          struct trainlog *log, struct diag *d)
{
    if (f->len < from || f->len - from < TL_SPLIT_BYTES)
        return read_rest(f, from, line, sep, log, d);
    struct chunks *r = calloc(1, sizeof *r);
    if (!r)
        return diag_oom(d);
    *r = (struct chunks){.f = f,
                         .from = from,
                         .n = (f->len - from + CHUNK_BYTES - 1) / CHUNK_BYTES,
                         .sep = sep,
                         .log = log,
                         .d = d,
                         .line = line,
                         .failed = SIZE_MAX};
    int rc = VZ_OK;
    for (int i = 0; i < SLOTS && !rc; i++) {
        struct slot *s = &r->slot[i];
        diag_init(&s->d);
        s->log.file = log->file; /* borrowed, for messages */
        size_t bytes = (log->n_cols * sizeof *s->log.cols + 63) / 64 * 64;
        s->log.cols = aligned_alloc(64, bytes);
        if (s->log.cols)
            memset(s->log.cols, 0, bytes);
        s->log.n_cols = s->log.cap_cols = log->n_cols;
        rc = s->log.cols ? VZ_OK : diag_oom(d);
    }
    if (!rc) {
        pthread_mutex_init(&r->lock, NULL);
        pthread_cond_init(&r->changed, NULL);
        pthread_t thread;
        bool threaded = pthread_create(&thread, NULL, chunk_worker, r) == 0;
        chunk_worker(r);
        if (threaded)
            pthread_join(thread, NULL);
        pthread_cond_destroy(&r->changed);
        pthread_mutex_destroy(&r->lock);
        rc = r->rc;
        if (!rc && r->quoted) {
            tl_reset_rows(log);
            rc = read_rest(f, from, line, sep, log, d);
        } else if (!rc && r->failed != SIZE_MAX) {
            rc = read_rest(f, r->failed, r->line, sep, log, d);
        }
    }
    for (int i = 0; i < SLOTS; i++) {
        r->slot[i].log.file = NULL;
        trainlog_free(&r->slot[i].log);
        free(r->slot[i].buf);
    }
    free(r);
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

/* trainlog: the column model, format detection, loading, and curves out of columns. The
 * readers of each format are trainlog_table.c and trainlog_json.c. */
#include "trainlog_impl.h"

#include "vizgen/input.h"
#include "vizgen/pages.h"
#include "vizgen/spec.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const trainlog_format_names[] = {"auto", "trainer-state", "csv", "tsv", "jsonl", NULL};

void trainlog_free(struct trainlog *log)
{
    for (size_t i = 0; i < log->n_cols; i++) {
        free(log->cols[i].name);
        free(log->cols[i].v);
        free(log->cols[i].row);
        free(log->cols[i].bad);
    }
    free(log->cols);
    free(log->row_line);
    free(log->file);
    memset(log, 0, sizeof *log);
}

struct trainlog_column *tl_column(struct trainlog *log, const char *name, size_t len,
                                  struct diag *d)
{
    for (size_t i = 0; i < log->n_cols; i++)
        if (strlen(log->cols[i].name) == len && memcmp(log->cols[i].name, name, len) == 0)
            return &log->cols[i];
    if (log->n_cols == TRAINLOG_MAX_COLUMNS) {
        diag_in(d, VZ_EINPUT, log->file, "more than %d columns", TRAINLOG_MAX_COLUMNS);
        return NULL;
    }
    if (log->n_cols == log->cap_cols) {
        size_t cap = log->cap_cols ? log->cap_cols * 2 : 16;
        struct trainlog_column *c = realloc(log->cols, cap * sizeof *c);
        if (!c) {
            diag_oom(d);
            return NULL;
        }
        log->cols = c;
        log->cap_cols = cap;
    }
    struct trainlog_column *c = &log->cols[log->n_cols];
    *c = (struct trainlog_column){.lo = INFINITY, .hi = -INFINITY};
    if (!(c->name = strndup(name, len))) {
        diag_oom(d);
        return NULL;
    }
    log->n_cols++;
    return c;
}

/* The capacity an array of `cap` elements grows to so as to hold `need`: doubled, from 64. */
static size_t grown(size_t cap, size_t need)
{
    size_t to = cap ? cap : 64;
    while (to < need)
        to *= 2;
    return to;
}

/* Column c's values grown to `cap`, the new part prefaulted, as it is about to be filled; an
 * even column's values stored from now. */
static int grow_values(struct trainlog_column *c, size_t cap, struct diag *d)
{
    double *nv = realloc(c->v, cap * sizeof *nv);
    if (!nv)
        return diag_oom(d);
    if (c->even)
        for (size_t i = 0; i < c->n; i++)
            nv[i] = series_even_at(c->first, c->step, i);
    c->even = false;
    pages_prefault(nv + c->cap, (cap - c->cap) * sizeof *nv);
    c->v = nv;
    c->cap = cap;
    return VZ_OK;
}

static double column_at(const struct trainlog_column *c, size_t i)
{
    return c->even ? series_even_at(c->first, c->step, i) : c->v[i];
}

/* Whether values t go on evenly from c's n values, as series_even_at(first, step, c->n + i), bit
 * for bit (-0 is no 0). One pass with no early way out: a chunk's values are in the cache. */
static bool goes_on_evenly(const struct trainlog_column *c, const struct trainlog_column *t,
                           double first, double step)
{
    uint64_t off = 0;
    for (size_t i = 0; i < t->n; i++) {
        double want = series_even_at(first, step, c->n + i);
        uint64_t a, b;
        memcpy(&a, &want, sizeof a);
        memcpy(&b, &t->v[i], sizeof b);
        off |= a ^ b;
    }
    return off == 0;
}

/* Appends t's values to c, both with a value in every row: c even while they are, else a copy. */
static int append_values(struct trainlog_column *c, const struct trainlog_column *t, struct diag *d)
{
    /* c has no values, nor room for them. A value repeated stays stored: that is a y (a constant
     * learning rate), which a curve borrows only as an array. */
    bool start = c->cap == 0 && t->n >= 2 && t->v[1] != t->v[0];
    double first = start ? t->v[0] : c->first, step = start ? t->v[1] - t->v[0] : c->step;
    if ((start || c->even) && goes_on_evenly(c, t, first, step)) {
        c->even = true;
        c->first = first;
        c->step = step;
        c->n = c->cap = c->n + t->n;
        return VZ_OK;
    }
    int rc = c->cap < c->n + t->n ? grow_values(c, grown(c->cap, c->n + t->n), d) : VZ_OK;
    if (rc)
        return rc;
    if (t->n)
        memcpy(c->v + c->n, t->v, t->n * sizeof *t->v);
    c->n += t->n;
    return VZ_OK;
}

int tl_put_slow(struct trainlog_column *c, size_t row, double v, struct diag *d)
{
    if (c->n == c->cap) {
        size_t cap = grown(c->cap, c->n + 1);
        if (c->row) {
            size_t *nr = realloc(c->row, cap * sizeof *nr);
            if (!nr)
                return diag_oom(d);
            c->row = nr;
        }
        int rc = grow_values(c, cap, d);
        if (rc)
            return rc;
    }
    if (!c->row && row != c->n) { /* the first row without a value: rows are kept from now */
        if (!(c->row = malloc(c->cap * sizeof *c->row)))
            return diag_oom(d);
        for (size_t i = 0; i < c->n; i++)
            c->row[i] = i;
    }
    if (c->row)
        c->row[c->n] = row;
    tl_store(c, v);
    return VZ_OK;
}

int tl_bad(struct trainlog_column *c, long line, long col, const char *path, const char *text,
           size_t len, struct diag *d)
{
    if (c->bad)
        return VZ_OK;
    if (!(c->bad = calloc(1, sizeof *c->bad)))
        return diag_oom(d);
    c->bad->line = line;
    c->bad->col = col;
    snprintf(c->bad->path, sizeof c->bad->path, "%s", path ? path : "");
    if (len > 40)
        snprintf(c->bad->text, sizeof c->bad->text, "%.37s...", text);
    else
        snprintf(c->bad->text, sizeof c->bad->text, "%.*s", (int)len, text);
    return VZ_OK;
}

int tl_row_slow(struct trainlog *log, long line, struct diag *d)
{
    if (log->n_rows == 0)
        log->first_line = line;
    bool follows = line == log->first_line + (long)log->n_rows;
    if ((log->row_line && log->n_rows == log->cap_rows) || (!log->row_line && !follows)) {
        size_t cap = grown(log->cap_rows, log->n_rows + 1);
        long *l = realloc(log->row_line, cap * sizeof *l);
        if (!l)
            return diag_oom(d);
        if (!log->row_line) /* the first row off the pattern: lines are kept from now */
            for (size_t r = 0; r < log->n_rows; r++)
                l[r] = log->first_line + (long)r;
        log->row_line = l;
        log->cap_rows = cap;
    }
    if (log->row_line)
        log->row_line[log->n_rows] = line;
    log->n_rows++;
    return VZ_OK;
}

static size_t column_row(const struct trainlog_column *c, size_t i)
{
    return c->row ? c->row[i] : i;
}

static long row_line(const struct trainlog *log, size_t row)
{
    return log->row_line ? log->row_line[row] : log->first_line + (long)row;
}

void tl_reset_rows(struct trainlog *log)
{
    for (size_t k = 0; k < log->n_cols; k++) {
        struct trainlog_column *c = &log->cols[k];
        free(c->row);
        free(c->bad);
        c->row = NULL;
        c->bad = NULL;
        c->cap = c->even ? 0 : c->cap; /* an even column has no room */
        c->n = 0;
        c->unordered = c->nonfinite = c->even = false;
        c->lo = INFINITY;
        c->hi = -INFINITY;
    }
    free(log->row_line);
    log->row_line = NULL;
    log->n_rows = log->cap_rows = 0;
    log->first_line = 0;
}

int tl_append(struct trainlog *log, struct trainlog *tail, long lines, struct diag *d)
{
    size_t rows = log->n_rows;
    if (rows && !log->row_line && !tail->row_line &&
        tail->first_line + lines == log->first_line + (long)rows) {
        log->n_rows += tail->n_rows; /* the lines still follow one another */
    } else {
        for (size_t r = 0; r < tail->n_rows; r++) {
            int rc = tl_row(log, row_line(tail, r) + lines, d);
            if (rc)
                return rc;
        }
    }
    for (size_t k = 0; k < log->n_cols; k++) {
        struct trainlog_column *c = &log->cols[k], *t = &tail->cols[k];
        c->unordered |= t->unordered || (c->n && t->n && t->v[0] < column_at(c, c->n - 1));
        c->nonfinite |= t->nonfinite;
        c->lo = t->lo < c->lo ? t->lo : c->lo;
        c->hi = t->hi > c->hi ? t->hi : c->hi;
        if (!c->bad && t->bad) {
            c->bad = t->bad;
            c->bad->line += lines;
            t->bad = NULL;
        }
        if (!c->row && !t->row && c->n == rows) {
            int rc = append_values(c, t, d);
            if (rc)
                return rc;
            continue;
        }
        for (size_t i = 0; i < t->n; i++) {
            int rc = tl_put(c, rows + column_row(t, i), t->v[i], d);
            if (rc)
                return rc;
        }
    }
    return VZ_OK;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

/* "H:MM:SS" or "MM:SS", with optional fractional seconds, as seconds. */
static bool duration_value(const char *s, size_t n, double *out)
{
    double total = 0;
    size_t parts = 0, i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && s[j] != ':')
            j++;
        bool last = j == n;
        size_t digits = j - i;
        if (last) { /* seconds may carry a fraction */
            const char *dot = memchr(s + i, '.', digits);
            if (dot) {
                size_t whole = (size_t)(dot - (s + i));
                if (!all_digits(s + i, whole) || !all_digits(dot + 1, digits - whole - 1))
                    return false;
            } else if (!all_digits(s + i, digits)) {
                return false;
            }
        } else if (!all_digits(s + i, digits) || digits > 6) {
            return false;
        }
        char buf[32];
        if (digits >= sizeof buf)
            return false;
        memcpy(buf, s + i, digits);
        buf[digits] = '\0';
        total = total * 60 + strtod(buf, NULL);
        parts++;
        i = j + 1;
    }
    if (parts < 2 || parts > 3)
        return false;
    *out = total;
    return true;
}

static bool word_is(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncmp(s, w, n) == 0;
}

enum tl_value tl_value(const char *s, size_t n, double *out)
{
    if (n && tl_number_at(s, n, out) == n) /* most cells: no spaces, no words */
        return TL_NUMBER;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || word_is(s, n, "NA"))
        return TL_MISSING;
    static const char *const nan_words[] = {"nan", "NaN", "NAN", "-nan", NULL};
    static const char *const inf_words[] = {"inf", "+inf", "Infinity", "+Infinity", "INF", NULL};
    for (const char *const *w = nan_words; *w; w++)
        if (word_is(s, n, *w)) {
            *out = NAN;
            return TL_NUMBER;
        }
    for (const char *const *w = inf_words; *w; w++) {
        if (word_is(s, n, *w)) {
            *out = INFINITY;
            return TL_NUMBER;
        }
        if (n > 1 && s[0] == '-' && word_is(s + 1, n - 1, *w + (**w == '+'))) {
            *out = -INFINITY;
            return TL_NUMBER;
        }
    }
    char buf[64];
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        char *end;
        double v = strtod(buf, &end);
        /* strtod takes "0x1p3" and "infinity" too; a log's numbers are decimal. */
        if (end == buf + n && !strpbrk(buf, "xXiInN")) {
            *out = v;
            return TL_NUMBER;
        }
    }
    return duration_value(s, n, out) ? TL_NUMBER : TL_BAD;
}

/* Past a byte-order mark and white space. */
static size_t content_start(const char *buf, size_t len)
{
    size_t i = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < len && strchr(" \t\r\n", buf[i]))
        i++;
    return i;
}

/* JSON lines start with an object that ends on its first line; trainer_state.json is one
 * object over many lines, or, minified, one line that holds log_history and nothing after. */
static enum trainlog_format detect(const char *buf, size_t len)
{
    size_t i = content_start(buf, len);
    if (i < len && buf[i] == '{') {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len, last = end;
        while (last > i && strchr(" \t\r", buf[last - 1]))
            last--;
        if (buf[last - 1] != '}')
            return TRAINLOG_TRAINER_STATE;
        bool alone = content_start(buf + end, len - end) == len - end;
        const char *key = "\"log_history\"";
        bool history = false;
        for (size_t k = i; !history && k + strlen(key) <= end; k++)
            history = memcmp(buf + k, key, strlen(key)) == 0;
        return alone && history ? TRAINLOG_TRAINER_STATE : TRAINLOG_JSONL;
    }
    if (i < len && buf[i] == '[')
        return TRAINLOG_TRAINER_STATE; /* its reader says what is wrong */
    const char *nl = memchr(buf + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - buf) : len;
    return memchr(buf + i, '\t', end - i) ? TRAINLOG_TSV : TRAINLOG_CSV;
}

/* What every reading ends with: a log with no entries is an error; a failed one is freed. */
static int finish(struct trainlog *log, int rc, struct diag *d)
{
    if (!rc && (log->n_rows == 0 || log->n_cols == 0)) /* "{}" lines are entries of nothing */
        rc = diag_in(d, VZ_EINPUT, log->file, "empty log: no entries with values");
    if (rc)
        trainlog_free(log);
    return rc;
}

int trainlog_parse(const char *name, char *buf, size_t len, enum trainlog_format format,
                   struct trainlog *log, struct diag *d)
{
    memset(log, 0, sizeof *log);
    if (!(log->file = strdup(name)))
        return diag_oom(d);
    if (content_start(buf, len) == len) {
        trainlog_free(log);
        return diag_in(d, VZ_EINPUT, name, "empty log: no header and no values");
    }
    log->format = format == TRAINLOG_AUTO ? detect(buf, len) : format;
    int rc;
    switch (log->format) {
    case TRAINLOG_CSV:
    case TRAINLOG_TSV:
        rc = tl_read_table(log, buf, len, log->format == TRAINLOG_TSV ? '\t' : ',', d);
        break;
    case TRAINLOG_JSONL:
        rc = tl_read_jsonl(log, buf, len, d);
        break;
    default:
        rc = tl_read_trainer_state(log, buf, len, d);
        break;
    }
    return finish(log, rc, d);
}

/* A long table, read from the file a chunk at a time rather than whole: VZ_OK or an error when
 * it was, *streamed false when the file is no such table (its first line tells). */
static int stream_table(FILE *f, const char *path, size_t size, enum trainlog_format format,
                        struct trainlog *log, bool *streamed, struct diag *d)
{
    *streamed = false;
    char first[4096];
    size_t n = fread(first, 1, sizeof first, f), i = content_start(first, n);
    if (size < TL_SPLIT_BYTES || size > TRAINLOG_MAX_BYTES || !memchr(first + i, '\n', n - i))
        return VZ_OK; /* read whole, whose reading says what is wrong */
    if (format == TRAINLOG_AUTO)
        format = detect(first, n);
    if (format != TRAINLOG_CSV && format != TRAINLOG_TSV)
        return VZ_OK;
    *streamed = true;
    if (!(log->file = strdup(path)))
        return diag_oom(d);
    log->format = format;
    int rc = tl_read_table_file(log, fileno(f), size, format == TRAINLOG_TSV ? '\t' : ',', d);
    return finish(log, rc, d);
}

int trainlog_load(const char *path, enum trainlog_format format, struct trainlog *log,
                  struct diag *d)
{
    memset(log, 0, sizeof *log);
    struct stat st;
    FILE *f = input_open(path, "a training log", &st, d);
    if (!f)
        return d->status;
    bool streamed;
    int rc = stream_table(f, path, (size_t)st.st_size, format, log, &streamed, d);
    fclose(f);
    if (streamed)
        return rc;
    char *buf;
    size_t len;
    rc = input_read(path, "a training log", "log", TRAINLOG_MAX_BYTES, &buf, &len, d);
    if (rc)
        return rc;
    rc = trainlog_parse(path, buf, len, format, log, d);
    free(buf);
    return rc;
}

const struct trainlog_column *trainlog_find(const struct trainlog *log, const char *name)
{
    for (size_t i = 0; i < log->n_cols; i++)
        if (strcmp(log->cols[i].name, name) == 0)
            return &log->cols[i];
    return NULL;
}

const char *trainlog_default_x(const struct trainlog *log)
{
    static const char *const names[] = {"step",      "global_step", "current_steps",
                                        "iteration", "epoch",       NULL};
    for (const char *const *n = names; *n; n++)
        if (trainlog_find(log, *n))
            return *n;
    return NULL;
}

/* "is not in FILE (did you mean "X"?)", or the columns there are when none is close. */
static int no_column(const struct trainlog *log, const char *name, const char *path, struct diag *d)
{
    const char **names = calloc(log->n_cols + 1, sizeof *names);
    if (!names)
        return diag_oom(d);
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < log->n_cols; i++) {
        names[i] = log->cols[i].name;
        if (used < sizeof list - 1)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                     log->cols[i].name);
    }
    if (used >= sizeof list - 1)
        strcpy(list + sizeof list - 4, "...");
    const char *const *lists[] = {names, NULL};
    const char *hint = spec_nearest(name, lists);
    if (hint)
        diag_at(d, VZ_EINPUT, path, "\"%s\" is not in %s (did you mean \"%s\"?)", name, log->file,
                hint);
    else
        diag_at(d, VZ_EINPUT, path, "\"%s\" is not in %s, which has: %s", name, log->file, list);
    free(names);
    return d->status;
}

static int bad_value(const struct trainlog *log, const struct trainlog_column *c, struct diag *d)
{
    const struct trainlog_bad *b = c->bad;
    if (b->path[0]) {
        diag_at(d, VZ_EINPUT, b->path, "expected a number, got %s", b->text);
        if (b->line > 0) {
            d->err.line = b->line;
            d->err.col = b->col;
        }
        diag_locate(d, log->file);
        return d->status;
    }
    return diag_pos(d, VZ_EINPUT, log->file, b->line, b->col,
                    "column \"%s\": expected a number, got \"%s\"", c->name, b->text);
}

struct point {
    double x, y;
    size_t seq;
};

static int by_x(const void *a, const void *b)
{
    const struct point *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/* Sorts a curve by x, stably, in arrays of its own. */
static int sort_curve(struct curve *c, struct diag *d)
{
    size_t n = c->n;
    struct point *p = malloc(n * sizeof *p);
    for (size_t i = 0; p && i < n; i++)
        p[i] = (struct point){c->x[i], c->y[i], i};
    if (p && c->borrowed)
        *c = (struct curve){.x = malloc(n * sizeof *c->x), .y = malloc(n * sizeof *c->y), .n = n};
    if (!p || !c->x || !c->y) {
        free(p);
        curve_free(c);
        return diag_oom(d);
    }
    qsort(p, c->n, sizeof *p, by_x);
    for (size_t i = 0; i < c->n; i++) {
        c->x[i] = p[i].x;
        c->y[i] = p[i].y;
    }
    free(p);
    return VZ_OK;
}

/* c's y holds y's values, in whatever order: its extremes are y's. */
static void keep_extremes(struct curve *c, const struct trainlog_column *y)
{
    c->y_known = true;
    c->y_finite = !y->nonfinite;
    c->y_lo = y->lo;
    c->y_hi = y->hi;
}

int trainlog_curve(const struct trainlog *log, const char *x, const char *y, const char *path,
                   struct curve *out, struct diag *d)
{
    memset(out, 0, sizeof *out);
    const struct trainlog_column *cx = trainlog_find(log, x), *cy = trainlog_find(log, y);
    if (!cy)
        return no_column(log, y, path, d);
    if (!cx)
        return no_column(log, x, path, d);
    if (cy->bad)
        return bad_value(log, cy, d);
    if (cx->bad)
        return bad_value(log, cx, d);
    if (!cx->row && !cy->row && cy->n && cy->n <= cx->n && !cy->even &&
        !(cx->even && cx->unordered)) {
        /* x and y in every row y reaches: the columns themselves */
        *out = (struct curve){.x = cx->v,
                              .x_first = cx->first,
                              .x_step = cx->step,
                              .y = cy->v,
                              .n = cy->n,
                              .borrowed = true};
    } else {
        size_t n = cy->n ? cy->n : 1; /* a column of no values is an empty curve, not none */
        out->x = malloc(n * sizeof *out->x);
        out->y = malloc(n * sizeof *out->y);
        if (!out->x || !out->y) {
            curve_free(out);
            return diag_oom(d);
        }
        size_t k = 0; /* walks x's values, which are in row order like y's */
        for (size_t i = 0; i < cy->n; i++) {
            size_t row = column_row(cy, i);
            while (k < cx->n && column_row(cx, k) < row)
                k++;
            if (k == cx->n || column_row(cx, k) != row) {
                curve_free(out);
                return diag_pos(d, VZ_EINPUT, log->file, row_line(log, row), 0,
                                "\"%s\" has a value but \"%s\" has none", y, x);
            }
            out->x[i] = column_at(cx, k);
            out->y[i] = column_at(cy, i);
        }
    }
    if (out->borrowed && !cx->unordered) { /* x's first values, which are in order */
        out->n = cy->n;
        keep_extremes(out, cy);
        return VZ_OK;
    }
    bool sorted = true;
    for (size_t i = 0; i < cy->n; i++) {
        if (!isfinite(out->x[i])) {
            long line = row_line(log, column_row(cy, i));
            curve_free(out);
            return diag_pos(d, VZ_EINPUT, log->file, line, 0,
                            "\"%s\" has a value but \"%s\" is not a finite number", y, x);
        }
        sorted = sorted && (i == 0 || out->x[i] >= out->x[i - 1]);
    }
    out->n = cy->n;
    int rc = sorted ? VZ_OK : sort_curve(out, d);
    if (!rc)
        keep_extremes(out, cy);
    return rc;
}

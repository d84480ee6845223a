/* Unit tests of reading a long table a chunk at a time on two threads, from its file and from
 * memory: whatever the file holds (quotes, line breaks in quotes, lines longer than a chunk,
 * CRLF, defects early and late, chunk seams anywhere in a line), the log, or the error line, is
 * the one a reading of the same bytes in memory makes, and the rows are the ones written. */
#include "check.h"

#include "vizgen/trainlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROWS = 150000, LONG_CELL = 300000 };

/* What a row may hold besides numbers; a test puts one kind at chosen rows. */
enum odd { PLAIN, BAD_NUMBER, TOO_LONG, NO_STEP, QUOTED, QUOTED_BREAK, HUGE_CELL };

/* A table of ROWS rows under `header` (step, loss, lr, note; blank lines now and then, lr in
 * some rows and NA in others) with `odd` rows from row `from` to `to`, lines ended by eol.
 * Caller frees. */
static char *table(const char *header, enum odd odd, int from, int to, const char *eol)
{
    char *text = malloc((size_t)ROWS * 48 + (size_t)(to - from) * (LONG_CELL + 64)), *w = text;
    w += sprintf(w, "%s%s", header, eol);
    for (int i = 0; i < ROWS; i++) {
        if (i % 7000 == 3500)
            w += sprintf(w, "%s", eol);
        enum odd o = i >= from && i < to ? odd : PLAIN;
        char step[16] = "", loss[16] = "abc", lr[16] = "";
        if (o != NO_STEP)
            snprintf(step, sizeof step, "%d", i);
        if (o != BAD_NUMBER)
            snprintf(loss, sizeof loss, "%.6g", 3.0 / (1 + i));
        if (i % 11 == 0)
            strcpy(lr, "NA");
        else if (i % 3 == 0)
            snprintf(lr, sizeof lr, "%.4g", 1e-3 * (1 + i % 100));
        w += sprintf(w, "%s,%s,%s,", step, loss, lr);
        if (o == QUOTED) {
            w += sprintf(w, "\"a, \"\"b\"\"\"");
        } else if (o == QUOTED_BREAK) {
            w += sprintf(w, "\"two%slines\"", eol);
        } else if (o == HUGE_CELL) {
            memset(w, 'x', LONG_CELL);
            w += LONG_CELL;
        } else {
            w += sprintf(w, "ok");
        }
        w += sprintf(w, "%s%s", o == TOO_LONG ? ",9" : "", eol);
    }
    *w = '\0';
    return text;
}

/* The curve of y against step, or its error line, as text. */
static char *curve_text(const struct trainlog *log, const char *y)
{
    struct curve c;
    struct diag d;
    diag_init(&d);
    size_t size = 64;
    char *out;
    if (trainlog_curve(log, "step", y, "metrics[0]", &c, &d) != VZ_OK)
        return strdup(diag_text(&d));
    size += c.n * 48;
    char *w = out = malloc(size);
    w += sprintf(w, "%zu:", c.n);
    for (size_t i = 0; i < c.n; i++)
        w += sprintf(w, " %.17g@%.17g", c.y[i], curve_x(&c, i));
    curve_free(&c);
    return out;
}

/* Reads text from a file and from memory and finds the same: the same error line, or the same
 * rows, lines and curves. */
static void same_as_memory(const char *what, char *text)
{
    char path[] = "/tmp/vizgen-test-log-XXXXXX";
    int fd = mkstemp(path);
    size_t len = strlen(text);
    if (!CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len)) {
        free(text);
        return;
    }
    close(fd);
    struct trainlog mem, file;
    struct diag dm, df;
    diag_init(&dm);
    diag_init(&df);
    int rm = trainlog_parse(path, text, len, TRAINLOG_AUTO, &mem, &dm);
    int rf = trainlog_load(path, TRAINLOG_AUTO, &file, &df);
    unlink(path);
    free(text);
    int differ = rm != rf || (rm && strcmp(diag_text(&dm), diag_text(&df)) != 0);
    if (!rm && !rf) {
        differ += mem.n_rows != file.n_rows || mem.n_cols != file.n_cols;
        for (size_t r = 0; !differ && r < mem.n_rows; r++)
            differ += (mem.row_line ? mem.row_line[r] : mem.first_line + (long)r) !=
                      (file.row_line ? file.row_line[r] : file.first_line + (long)r);
        const char *ys[] = {"loss", "lr", "note", "step"};
        for (size_t k = 0; !differ && k < 4; k++) {
            char *a = curve_text(&mem, ys[k]), *b = curve_text(&file, ys[k]);
            differ += strcmp(a, b) != 0;
            free(a);
            free(b);
        }
    }
    if (!CHECK(!differ))
        fprintf(stderr, "    %s: memory \"%s\", file \"%s\"\n", what, rm ? diag_text(&dm) : "ok",
                rf ? diag_text(&df) : "ok");
    if (!rm)
        trainlog_free(&mem);
    if (!rf)
        trainlog_free(&file);
}

static void plain_and_crlf(void)
{
    same_as_memory("plain", table("step,loss,lr,note", PLAIN, 0, 0, "\n"));
    same_as_memory("crlf", table("step,loss,lr,note", PLAIN, 0, 0, "\r\n"));
    same_as_memory("tsv-less header", table("step,loss,lr,\"note, quoted\"", PLAIN, 0, 0, "\n"));
}

/* Each defect a quarter in and three quarters in. */
static void defects_in_each_part(void)
{
    const enum odd defects[] = {BAD_NUMBER, TOO_LONG, NO_STEP};
    const int rows[] = {ROWS / 4, ROWS * 3 / 4};
    for (int k = 0; k < 3; k++)
        for (int r = 0; r < 2; r++)
            same_as_memory("defect",
                           table("step,loss,lr,note", defects[k], rows[r], rows[r] + 1, "\n"));
}

/* Quotes send the reading back to the start; a line break in quotes over a chunk's seam would
 * otherwise cut a row in two. */
static void quotes_anywhere(void)
{
    same_as_memory("quoted late",
                   table("step,loss,lr,note", QUOTED, ROWS * 3 / 4, ROWS * 3 / 4 + 1, "\n"));
    same_as_memory("quoted early", table("step,loss,lr,note", QUOTED, 10, 11, "\n"));
    same_as_memory("break over the middle",
                   table("step,loss,lr,note", QUOTED_BREAK, ROWS / 2 - 200, ROWS / 2 + 200, "\n"));
    same_as_memory("break in the header", table("step,\"lo\nss\",lr,note", PLAIN, 0, 0, "\n"));
}

/* A line longer than a chunk, early and late: the chunks it covers hold no line of their own. */
static void lines_longer_than_a_chunk(void)
{
    same_as_memory("huge early",
                   table("step,loss,lr,note", HUGE_CELL, ROWS / 4, ROWS / 4 + 1, "\n"));
    same_as_memory("huge late",
                   table("step,loss,lr,note", HUGE_CELL, ROWS * 3 / 4, ROWS * 3 / 4 + 2, "\n"));
}

/* Reads `text` from a file and from memory; the readings must have `rows` rows on the lines after
 * the header, step i and loss i % 1000 / 1000 in row i. */
static void rows_as_written(const char *what, const char *text, size_t rows)
{
    char path[] = "/tmp/vizgen-test-log-XXXXXX";
    int fd = mkstemp(path);
    size_t len = strlen(text);
    if (!CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len))
        return;
    close(fd);
    char *copy = strdup(text);
    for (int from_file = 0; from_file < 2; from_file++) {
        struct trainlog log;
        struct diag d;
        diag_init(&d);
        int rc = from_file ? trainlog_load(path, TRAINLOG_AUTO, &log, &d)
                           : trainlog_parse(path, copy, len, TRAINLOG_AUTO, &log, &d);
        if (!CHECK(rc == VZ_OK)) {
            fprintf(stderr, "    %s: %s\n", what, diag_text(&d));
            continue;
        }
        struct curve c;
        size_t wrong = 0;
        if (CHECK(trainlog_curve(&log, "step", "loss", "metrics[0]", &c, &d) == VZ_OK)) {
            for (size_t i = 0; i < c.n; i++)
                wrong += curve_x(&c, i) != (double)i || c.y[i] != (double)(i % 1000) / 1000;
            wrong += c.n != rows;
            curve_free(&c);
        }
        wrong += log.n_rows != rows || log.row_line != NULL || log.first_line != 2;
        if (!CHECK(wrong == 0))
            fprintf(stderr, "    %s (%s): %zu rows, %zu wrong\n", what,
                    from_file ? "file" : "memory", log.n_rows, wrong);
        trainlog_free(&log);
    }
    unlink(path);
    free(copy);
}

/* Rows all L bytes long, the header too: where L divides the chunk every seam falls at a line's
 * start, elsewhere at each offset within a line in turn. */
static void seams_anywhere(void)
{
    const int lengths[] = {16, 17, 19, 23, 32, 64};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        int l = lengths[k];
        size_t rows = (size_t)(3 << 20) / (size_t)l;
        char *text = malloc((rows + 1) * (size_t)l + 1), *w = text;
        w += sprintf(w, "%-*s\n", l - 1, "step,loss");
        for (size_t i = 0; i < rows; i++)
            w += sprintf(w, "%0*zu,%.3f\n", l - 7, i, (double)(i % 1000) / 1000);
        char what[32];
        snprintf(what, sizeof what, "rows of %d bytes", l);
        rows_as_written(what, text, rows);
        free(text);
    }
}

/* How a long table's step column counts, row by row. */
enum steps { COUNT, HALVES, TENTHS, JUMP_LATE, GAP_LATE, DOWN, SAME };

/* Row i's step as written: counting from 0, by halves, by tenths (0.3 is no 0 + 3 * 0.1 in
 * binary), counting with a jump three quarters in, with an empty cell there, down, and one value
 * in every row. */
static void step_text(enum steps how, int i, char *buf, size_t size)
{
    if (how == SAME)
        snprintf(buf, size, "7");
    else if (how == HALVES || how == TENTHS)
        snprintf(buf, size, "%.1f", i * (how == HALVES ? 0.5 : 0.1));
    else if ((how == JUMP_LATE || how == GAP_LATE) && i == ROWS * 3 / 4)
        snprintf(buf, size, "%s", how == JUMP_LATE ? "999999" : "");
    else
        snprintf(buf, size, "%d",
                 how == DOWN ? ROWS - i : i + (how == JUMP_LATE && i > ROWS * 3 / 4) * 999999);
}

/* A step column read a chunk at a time is stored only when its values are not evenly spaced, or
 * all the same; either way the curve has the steps written: each as strtod reads it, in order. */
static void steps_stored_only_when_uneven(void)
{
    const enum steps hows[] = {COUNT, HALVES, TENTHS, JUMP_LATE, GAP_LATE, DOWN, SAME};
    const bool even[] = {true, true, false, false, false, true, false};
    char *text = malloc((size_t)ROWS * 40 + 16);
    double *want = malloc(ROWS * sizeof *want), *loss = malloc(ROWS * sizeof *loss);
    if (!CHECK(text && want && loss))
        goto done;
    for (int k = 0; k < 7; k++) {
        char *w = text + sprintf(text, "step,loss\n");
        size_t n = 0;
        for (int i = 0; i < ROWS; i++) {
            char step[16], value[16];
            step_text(hows[k], i, step, sizeof step);
            snprintf(value, sizeof value, "%.6g", 3.0 / (1 + i));
            if (step[0]) {
                loss[n] = strtod(value, NULL);
                want[n++] = strtod(step, NULL);
            }
            w += sprintf(w, "%s,%s\n", step, value);
        }
        if (hows[k] == DOWN) /* the curve is in step order */
            for (size_t i = 0; i < n / 2; i++) {
                double t = want[i], u = loss[i];
                want[i] = want[n - 1 - i];
                want[n - 1 - i] = t;
                loss[i] = loss[n - 1 - i];
                loss[n - 1 - i] = u;
            }
        struct trainlog log;
        struct diag d;
        diag_init(&d);
        if (!CHECK(trainlog_parse("steps.csv", text, (size_t)(w - text), TRAINLOG_AUTO, &log, &d) ==
                   VZ_OK))
            continue;
        struct curve c;
        size_t wrong = trainlog_find(&log, "step")->even != even[k];
        /* step against itself: every row with a step, the gap's row aside */
        if (CHECK(trainlog_curve(&log, "step", "step", "metrics[0]", &c, &d) == VZ_OK)) {
            wrong += c.n != n;
            for (size_t i = 0; i < c.n && i < n; i++)
                wrong += curve_x(&c, i) != want[i] || c.y[i] != want[i];
            curve_free(&c);
        }
        /* loss against step: the columns themselves, x not stored when it is even and in order */
        if (hows[k] != GAP_LATE &&
            CHECK(trainlog_curve(&log, "step", "loss", "metrics[0]", &c, &d) == VZ_OK)) {
            wrong += c.n != n || (c.x == NULL) != (even[k] && hows[k] != DOWN);
            for (size_t i = 0; i < c.n && i < n; i++)
                wrong += curve_x(&c, i) != want[i] || c.y[i] != loss[i];
            curve_free(&c);
        }
        if (!CHECK(wrong == 0))
            fprintf(stderr, "    steps %d: %zu wrong\n", k, wrong);
        trainlog_free(&log);
    }
done:
    free(text);
    free(want);
    free(loss);
}

int main(void)
{
    RUN(seams_anywhere);
    RUN(steps_stored_only_when_uneven);
    RUN(plain_and_crlf);
    RUN(defects_in_each_part);
    RUN(quotes_anywhere);
    RUN(lines_longer_than_a_chunk);
    return check_summary();
}

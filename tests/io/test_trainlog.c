/* Unit tests of the training-log readers, each on a faithful sample of what its tool writes, and
 * of the error line each kind of bad log gets. */
#include "check.h"

#include "vizgen/series.h"
#include "vizgen/spec.h"
#include "vizgen/trainlog.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Parses text (copied: readers write into their buffer) as `name`. */
static int parse(const char *name, const char *text, enum trainlog_format fmt, struct trainlog *log,
                 struct diag *d)
{
    diag_init(d);
    char *buf = strdup(text);
    int rc = trainlog_parse(name, buf, strlen(buf), fmt, log, d);
    free(buf);
    return rc;
}

/* The curve of y against x; its extremes, kept as the log was read, must be the ones a pass
 * over it finds. */
static void curve(const struct trainlog *log, const char *x, const char *y, struct curve *c)
{
    struct diag d;
    diag_init(&d);
    if (!CHECK(trainlog_curve(log, x, y, "metrics[0]", c, &d) == VZ_OK)) {
        fprintf(stderr, "    %s\n", diag_text(&d));
        return;
    }
    double lo, hi;
    bool finite = series_extremes(c->y, c->n, &lo, &hi);
    if (!CHECK(c->y_known && c->y_finite == finite && c->y_lo == lo && c->y_hi == hi))
        fprintf(stderr, "    %s: kept %g..%g%s, a pass finds %g..%g%s\n", y, c->y_lo, c->y_hi,
                c->y_finite ? "" : " with non-finite values", lo, hi,
                finite ? "" : " with non-finite values");
}

/* As Trainer writes it with json.dumps(indent=2): a diverging run's bare NaN and Infinity, an
 * eval entry at a step with no train entry, and the summary entry at the end. */
static const char trainer_state[] =
    "{\n  \"best_metric\": null,\n  \"epoch\": 0.3,\n  \"global_step\": 30,\n"
    "  \"log_history\": [\n"
    "    {\n      \"epoch\": 0.1,\n      \"grad_norm\": 1.25,\n      \"learning_rate\": 5e-05,\n"
    "      \"loss\": 2.5,\n      \"step\": 10\n    },\n"
    "    {\n      \"epoch\": 0.15,\n      \"eval_accuracy\": 0.41,\n      \"eval_loss\": 2.25,\n"
    "      \"eval_runtime\": 1.5,\n      \"step\": 15\n    },\n"
    "    {\n      \"epoch\": 0.2,\n      \"grad_norm\": NaN,\n      \"learning_rate\": 4e-05,\n"
    "      \"loss\": Infinity,\n      \"step\": 20\n    },\n"
    "    {\n      \"epoch\": 0.3,\n      \"grad_norm\": -Infinity,\n      \"learning_rate\": "
    "3e-05,\n"
    "      \"loss\": 1.75,\n      \"step\": 30\n    },\n"
    "    {\n      \"epoch\": 0.3,\n      \"step\": 30,\n      \"total_flos\": 1234.0,\n"
    "      \"train_loss\": 2.1,\n      \"train_runtime\": 12.5,\n"
    "      \"train_samples_per_second\": 80.0\n    }\n"
    "  ],\n  \"max_steps\": 30\n}\n";

static void test_trainer_state(void)
{
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("trainer_state.json", trainer_state, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(log.format == TRAINLOG_TRAINER_STATE);
    CHECK(log.n_rows == 4);
    CHECK(log.skipped == 1);
    CHECK(trainlog_find(&log, "train_runtime") == NULL); /* the summary is no point */
    CHECK(strcmp(trainlog_default_x(&log), "step") == 0);
    struct curve c;
    curve(&log, "step", "loss", &c);
    CHECK(c.n == 3);
    if (c.n == 3) {
        CHECK(curve_x(&c, 0) == 10 && curve_x(&c, 1) == 20 && curve_x(&c, 2) == 30);
        CHECK(c.y[0] == 2.5 && isinf(c.y[1]) && c.y[1] > 0 && c.y[2] == 1.75);
    }
    CHECK(c.y_lo == 1.75 && c.y_hi == INFINITY && !c.y_finite);
    curve_free(&c);
    curve(&log, "step", "grad_norm", &c);
    CHECK(c.n == 3 && c.y[0] == 1.25 && isnan(c.y[1]) && isinf(c.y[2]) && c.y[2] < 0);
    CHECK(c.y_lo == -INFINITY && c.y_hi == 1.25 && !c.y_finite);
    curve_free(&c);
    curve(&log, "step", "eval_loss", &c);
    CHECK(c.n == 1 && curve_x(&c, 0) == 15 && c.y[0] == 2.25);
    curve_free(&c);
    curve(&log, "epoch", "learning_rate", &c);
    CHECK(c.n == 3 && curve_x(&c, 1) == 0.2 && c.y[1] == 4e-05);
    curve_free(&c);
    trainlog_free(&log);

    /* Minified on one line, it is still trainer_state.json, not one line of JSON lines. */
    CHECK(parse("s.json", "{\"log_history\": [{\"loss\": 1, \"step\": 1}]}", TRAINLOG_AUTO, &log,
                &d) == VZ_OK);
    CHECK(log.format == TRAINLOG_TRAINER_STATE && log.n_rows == 1);
    trainlog_free(&log);
}

/* PyTorch Lightning's CSVLogger: columns in alphabetical order, one row per log call with the
 * other metrics' cells empty, validation and the LearningRateMonitor on rows of their own. */
static const char lightning[] = "epoch,lr-Adam,step,train_loss_epoch,train_loss_step,val_loss\n"
                                ",0.001,0,,,\n"
                                "0,,49,,0.9120,\n"
                                "0,,99,,0.7311,\n"
                                "0,,99,,,0.6502\n"
                                "0,,99,0.8015,,\n"
                                ",0.0005,100,,,\n"
                                "1,,149,,nan,\n";

static void test_lightning(void)
{
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("metrics.csv", lightning, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(log.format == TRAINLOG_CSV && log.n_rows == 7 && log.n_cols == 6);
    struct curve c;
    curve(&log, "step", "train_loss_step", &c);
    CHECK(c.n == 3 && curve_x(&c, 0) == 49 && c.y[1] == 0.7311 && isnan(c.y[2]));
    curve_free(&c);
    curve(&log, "step", "lr-Adam", &c);
    CHECK(c.n == 2 && curve_x(&c, 1) == 100 && c.y[1] == 0.0005);
    curve_free(&c);
    curve(&log, "step", "val_loss", &c);
    CHECK(c.n == 1 && curve_x(&c, 0) == 99 && c.y[0] == 0.6502);
    curve_free(&c);
    trainlog_free(&log);
}

/* Keras' CSVLogger: epoch first, NA where a metric has no value, Windows line ends. */
static void test_keras(void)
{
    const char *text = "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                       "0,0.51,1.2,NA,NA\r\n"
                       "1,0.72,0.8,0.70,0.85\r\n"
                       "2,0.80,0.6,0.74,0.79\r\n";
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("training.log", text, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(strcmp(trainlog_default_x(&log), "epoch") == 0);
    struct curve c;
    curve(&log, "epoch", "val_loss", &c);
    CHECK(c.n == 2 && curve_x(&c, 0) == 1 && c.y[0] == 0.85 && c.y[1] == 0.79);
    curve_free(&c);
    /* A column with a value in every row is drawn from where it is, not copied. */
    curve(&log, "epoch", "loss", &c);
    CHECK(c.n == 3 && c.borrowed && c.x == trainlog_find(&log, "epoch")->v &&
          c.y == trainlog_find(&log, "loss")->v);
    curve_free(&c);
    trainlog_free(&log);
}

/* A plain TSV with quoted names, a text column nobody plots, and steps out of order (a resumed
 * run): the points are sorted by step, repeated steps in the order written. */
static void test_tsv(void)
{
    const char *text = "\"step\"\tnote\t\"loss, smoothed\"\n"
                       "3\tresumed\t0.3\n"
                       "1\tstart\t0.9\n"
                       "3\tagain\t0.25\n"
                       "2\t\"a \"\"quoted\"\"\ttab\"\t0.5\n";
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("log.tsv", text, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(log.format == TRAINLOG_TSV && log.n_rows == 4);
    struct curve c;
    curve(&log, "step", "loss, smoothed", &c);
    CHECK(c.n == 4 && curve_x(&c, 0) == 1 && curve_x(&c, 1) == 2 && curve_x(&c, 2) == 3 &&
          curve_x(&c, 3) == 3);
    CHECK(c.y[2] == 0.3 && c.y[3] == 0.25);
    /* Sorted in arrays of its own: the log keeps the order it was written in. */
    const struct trainlog_column *step = trainlog_find(&log, "step");
    CHECK(!c.borrowed && c.x != step->v && step->v[0] == 3 && step->v[1] == 1);
    curve_free(&c);
    /* The text column is an error only when it is drawn, and then at its first bad cell. */
    diag_init(&d);
    CHECK(trainlog_curve(&log, "step", "note", "metrics[0]", &c, &d) == VZ_EINPUT);
    CHECK(strcmp(diag_text(&d),
                 "log.tsv:2:3: error: column \"note\": expected a number, got \"resumed\"") == 0);
    trainlog_free(&log);
}

/* LLaMA-Factory's trainer_log.jsonl (elapsed time as H:MM:SS) and detectron2's metrics.json
 * (train and eval lines with different keys). */
static void test_jsonl(void)
{
    const char *llama =
        "{\"current_steps\": 10, \"total_steps\": 30, \"loss\": 1.5, \"lr\": 4.5e-05, "
        "\"epoch\": 0.33, \"percentage\": 33.33, \"elapsed_time\": \"0:00:05\", "
        "\"remaining_time\": \"0:00:10\"}\n"
        "{\"current_steps\": 20, \"total_steps\": 30, \"loss\": 1.1, \"lr\": 2.5e-05, "
        "\"epoch\": 0.67, \"percentage\": 66.67, \"elapsed_time\": \"0:01:10.5\", "
        "\"remaining_time\": \"0:00:05\"}\n";
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("trainer_log.jsonl", llama, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(log.format == TRAINLOG_JSONL && log.n_rows == 2);
    CHECK(strcmp(trainlog_default_x(&log), "current_steps") == 0);
    struct curve c;
    curve(&log, "elapsed_time", "loss", &c);
    CHECK(c.n == 2 && curve_x(&c, 0) == 5 && curve_x(&c, 1) == 70.5 && c.y[1] == 1.1);
    curve_free(&c);
    trainlog_free(&log);

    const char *detectron = "{\"data_time\": 0.002, \"iteration\": 19, \"loss_cls\": 0.61, "
                            "\"lr\": 0.0002, \"time\": 0.31}\n"
                            "\n"
                            "{\"data_time\": 0.002, \"iteration\": 39, \"loss_cls\": NaN, "
                            "\"lr\": 0.0004, \"time\": 0.30}\n"
                            "{\"bbox/AP\": 12.5, \"iteration\": 39}\n";
    if (!CHECK(parse("metrics.json", detectron, TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    CHECK(log.format == TRAINLOG_JSONL && log.n_rows == 3);
    CHECK(strcmp(trainlog_default_x(&log), "iteration") == 0);
    curve(&log, "iteration", "loss_cls", &c);
    CHECK(c.n == 2 && isnan(c.y[1]));
    curve_free(&c);
    curve(&log, "iteration", "bbox/AP", &c);
    CHECK(c.n == 1 && curve_x(&c, 0) == 39 && c.y[0] == 12.5);
    curve_free(&c);
    trainlog_free(&log);
}

/* Lines of nothing but spaces are skipped wherever they are (the fuzzer found a reader that
 * waited on one forever), and empty columns are kept. */
static void test_blank_lines(void)
{
    struct trainlog log;
    struct diag d;
    if (!CHECK(parse("b.csv", "  \nstep,loss\n \t \n1,2\n\t\n2,3\n   ", TRAINLOG_AUTO, &log, &d) ==
               VZ_OK))
        return;
    CHECK(log.n_rows == 2 && log.n_cols == 2);
    trainlog_free(&log);
    /* A column with no value at all is a curve of no points (the fuzzer's find: its values
     * array is NULL). */
    if (!CHECK(parse("e.csv", "step,loss,acc\n1,0.5,\n2,0.4,\n", TRAINLOG_AUTO, &log, &d) == VZ_OK))
        return;
    struct curve c;
    curve(&log, "step", "acc", &c);
    CHECK(c.n == 0);
    curve_free(&c);
    trainlog_free(&log);
}

/* Every number reads as strtod reads it, to the bit: short ones by the fast path, long or
 * far-out ones by strtod itself. */
static void test_numbers_exact(void)
{
    char *text = malloc(40 * 20001 + 16), *at = text;
    double want[20000];
    unsigned long long x = 0x9E3779B97F4A7C15ULL;
    at += sprintf(at, "step,v\n");
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int digits = 1 + (int)(x % 19), exp = (int)((x >> 8) % 60) - 30, form = (int)(x >> 20) % 4;
        char num[40];
        unsigned long long m = (x >> 24) % 10000000000000000000ULL;
        if (form == 0)
            snprintf(num, sizeof num, "%.*e", digits - 1, (double)m * pow(10, exp - 18));
        else if (form == 1)
            snprintf(num, sizeof num, "%.*f", digits % 12, (double)m * pow(10, exp % 8 - 16));
        else if (form == 2)
            snprintf(num, sizeof num, "-%llu", m % 100000000000000000ULL);
        else
            snprintf(num, sizeof num, "%.*g", digits, -(double)m * pow(10, exp - 10));
        want[i] = strtod(num, NULL);
        at += sprintf(at, "%d,%s\n", i, num);
    }
    struct trainlog log;
    struct diag d;
    if (CHECK(parse("n.csv", text, TRAINLOG_CSV, &log, &d) == VZ_OK)) {
        struct curve c;
        curve(&log, "step", "v", &c);
        int wrong = 0;
        for (size_t i = 0; i < c.n; i++)
            wrong += memcmp(&c.y[i], &want[i], sizeof want[i]) != 0;
        CHECK(c.n == 20000 && wrong == 0);
        curve_free(&c);
        trainlog_free(&log);
    }
    free(text);
}

/* Each bad log and its one line. */
static void expect_error(const char *name, const char *text, enum trainlog_format fmt,
                         const char *y, const char *line)
{
    struct trainlog log;
    struct diag d;
    int rc = parse(name, text, fmt, &log, &d);
    if (rc == VZ_OK) {
        struct curve c;
        diag_init(&d);
        rc = trainlog_curve(&log, "step", y, "panels[0].metrics[0]", &c, &d);
        diag_locate(&d, "spec.json");
        curve_free(&c);
        trainlog_free(&log);
    }
    CHECK(rc == VZ_EINPUT);
    if (!CHECK(strcmp(diag_text(&d), line) == 0))
        fprintf(stderr, "    got      %s\n    expected %s\n", diag_text(&d), line);
}

/* A table over a megabyte, its rows read in chunks on two threads: of 120000 rows with a blank
 * line every 5000 (so rows and lines part), "lr" only in even rows and NA in every seventh, and
 * at row `at` a defect: 0 none, 1 "abc" for acc, 2 a row too long, 3 no step. The defect's line
 * and column (of its last field) go to *line and *col. */
enum { LONG_ROWS = 120000 };
static char *long_table(int defect, int at, long *line, int *col)
{
    char *text = malloc((size_t)LONG_ROWS * 64), *w = text;
    w += sprintf(w, "step,loss,lr,acc\n");
    long l = 1;
    for (int i = 0; i < LONG_ROWS; i++) {
        if (i % 5000 == 2500) {
            w += sprintf(w, "\n");
            l++;
        }
        l++;
        if (i == at)
            *line = l;
        char lr[32] = "";
        if (i % 7 == 0)
            strcpy(lr, "NA");
        else if (i % 2 == 0)
            snprintf(lr, sizeof lr, "%.4g", 1e-3 * (1 + i % 100));
        char *row = w;
        if (i == at && defect == 3)
            w += sprintf(w, ",%.5g,%s,0.5\n", 3.0 / (1 + i), lr);
        else
            w +=
                sprintf(w, "%d,%.5g,%s,%s%s\n", i, 3.0 / (1 + i), lr,
                        i == at && defect == 1 ? "abc" : "0.5", i == at && defect == 2 ? ",9" : "");
        if (i == at)
            *col = (int)(strrchr(row, ',') - row) + 2;
    }
    return text;
}

static void test_long_table_chunks(void)
{
    long line = 0;
    int col = 0;
    char *text = long_table(0, -1, &line, &col);
    struct trainlog log;
    struct diag d;
    if (CHECK(parse("big.csv", text, TRAINLOG_CSV, &log, &d) == VZ_OK)) {
        CHECK(log.n_rows == LONG_ROWS);
        struct curve c;
        curve(&log, "step", "loss", &c);
        int wrong = 0;
        for (size_t i = 0; i < c.n; i++) {
            char num[32];
            snprintf(num, sizeof num, "%.5g", 3.0 / (1 + (double)i));
            wrong += curve_x(&c, i) != (double)i || c.y[i] != strtod(num, NULL);
        }
        CHECK(c.n == LONG_ROWS && wrong == 0);
        curve_free(&c);
        curve(&log, "step", "lr", &c);
        size_t n = 0;
        wrong = 0;
        for (int i = 0; i < LONG_ROWS; i++)
            if (i % 2 == 0 && i % 7 != 0) {
                char num[32];
                snprintf(num, sizeof num, "%.4g", 1e-3 * (1 + i % 100));
                wrong += n >= c.n || curve_x(&c, n) != i || c.y[n] != strtod(num, NULL);
                n++;
            }
        CHECK(c.n == n && wrong == 0);
        curve_free(&c);
        trainlog_free(&log);
    }
    free(text);
    /* Each defect, early and late: the line one reading would name. */
    const int rows[2] = {LONG_ROWS / 4, LONG_ROWS * 3 / 4};
    for (int at = 0; at < 2; at++) {
        char want[160];
        text = long_table(1, rows[at], &line, &col);
        snprintf(want, sizeof want,
                 "big.csv:%ld:%d: error: column \"acc\": expected a number, got \"abc\"", line,
                 col);
        expect_error("big.csv", text, TRAINLOG_CSV, "acc", want);
        free(text);
        text = long_table(2, rows[at], &line, &col);
        snprintf(want, sizeof want,
                 "big.csv:%ld:%d: error: this row has more than the header's 4 fields", line, col);
        expect_error("big.csv", text, TRAINLOG_CSV, "loss", want);
        free(text);
        text = long_table(3, rows[at], &line, &col);
        snprintf(want, sizeof want,
                 "big.csv:%ld: error: \"loss\" has a value but \"step\" has none", line);
        expect_error("big.csv", text, TRAINLOG_CSV, "loss", want);
        free(text);
    }
}

/* Whether x is in order is known from reading, without a pass over the curve: a step that goes
 * back (a resumed run) wherever it is, at the seam of two chunks too, has the curve sorted.
 * Rows and header are all 10 bytes, so the seams of the 64 KiB chunks fall before rows 6554 and
 * 13108: the step goes back at each of the rows around them. */
static void test_order_across_chunks(void)
{
    char *text = malloc((size_t)LONG_ROWS * 32);
    int unsorted = 0, failed = 0;
    const int seams[] = {6554, 13108};
    for (int s = 0; s < 2; s++)
        for (int back = seams[s] - 5; back <= seams[s] + 5; back++) {
            char *w = text + sprintf(text, "step,loss\n");
            for (int i = 0; i < LONG_ROWS; i++)
                w += sprintf(w, "%07d,%d\n", i == back ? 2 * i - 3 : 2 * i, i % 10);
            struct trainlog log;
            struct diag d;
            if (parse("big.csv", text, TRAINLOG_CSV, &log, &d) != VZ_OK) {
                failed++;
                continue;
            }
            struct curve c;
            curve(&log, "step", "loss", &c);
            for (size_t i = 1; i < c.n; i++)
                unsorted += curve_x(&c, i) < curve_x(&c, i - 1);
            failed += c.n != LONG_ROWS || c.borrowed;
            curve_free(&c);
            trainlog_free(&log);
        }
    CHECK(failed == 0 && unsorted == 0);
    free(text);
}

/* Plain rows are read the short way and the others the general way, switching back and forth:
 * every 7th row has a space before its loss, every 13th ends in CRLF, every 5000th is "NA"
 * for acc (so acc stops holding a value in every row) and there is a blank line every 9001.
 * Every row must come out as written, on its line. */
static void test_plain_and_general_rows_agree(void)
{
    char *text = malloc((size_t)LONG_ROWS * 40), *w = text;
    w += sprintf(w, "step,loss,acc\n");
    long line = 2, wrong = 0;
    long *lines = malloc((size_t)LONG_ROWS * sizeof *lines);
    for (int i = 0; i < LONG_ROWS; i++) {
        if (i % 9001 == 9000) {
            w += sprintf(w, "\n");
            line++;
        }
        lines[i] = line++;
        w += sprintf(w, "%d,%s%.3f,", i, i % 7 == 3 ? " " : "", (i % 1000) / 1000.0);
        w += i % 5000 == 4999 ? sprintf(w, "NA") : sprintf(w, "%d", i % 11);
        w += sprintf(w, "%s", i % 13 == 5 ? "\r\n" : "\n");
    }
    struct trainlog log;
    struct diag d;
    if (CHECK(parse("big.csv", text, TRAINLOG_CSV, &log, &d) == VZ_OK)) {
        CHECK(log.n_rows == LONG_ROWS);
        for (size_t r = 0; r < log.n_rows && r < LONG_ROWS; r++)
            wrong += (log.row_line ? log.row_line[r] : log.first_line + (long)r) != lines[r];
        struct curve c;
        curve(&log, "step", "loss", &c);
        for (size_t i = 0; i < c.n; i++)
            wrong += curve_x(&c, i) != (double)i || c.y[i] != (double)(i % 1000) / 1000;
        wrong += c.n != LONG_ROWS;
        curve_free(&c);
        curve(&log, "step", "acc", &c);
        size_t n = 0;
        for (int i = 0; i < LONG_ROWS; i++)
            if (i % 5000 != 4999) {
                wrong += n >= c.n || curve_x(&c, n) != i || c.y[n] != i % 11;
                n++;
            }
        wrong += c.n != n;
        curve_free(&c);
        CHECK(wrong == 0);
        trainlog_free(&log);
    }
    free(lines);
    free(text);
}

/* A line's range is kept as the log is read, whichever chunk a value is in and whichever way it
 * is read: the lowest a plain row in the first third, the greatest a cell read the general way
 * (a space before it, and past Clinger's exponents) in the middle, then a NaN and an infinity in
 * the last third. */
static void test_extremes_kept(void)
{
    char *text = malloc((size_t)LONG_ROWS * 32);
    const char *odd[] = {"-7.25", " 1e30", "nan", "inf"};
    const int at[] = {LONG_ROWS / 5, LONG_ROWS / 2, LONG_ROWS * 2 / 3, LONG_ROWS * 4 / 5};
    for (int defects = 2; defects <= 4; defects++) {
        char *w = text + sprintf(text, "step,loss\n");
        for (int i = 0; i < LONG_ROWS; i++) {
            int k = 0;
            while (k < defects && at[k] != i)
                k++;
            if (k < defects)
                w += sprintf(w, "%d,%s\n", i, odd[k]);
            else
                w += sprintf(w, "%d,%.3f\n", i, (i % 1000) / 1000.0);
        }
        struct trainlog log;
        struct diag d;
        if (!CHECK(parse("big.csv", text, TRAINLOG_CSV, &log, &d) == VZ_OK))
            continue;
        struct curve c;
        curve(&log, "step", "loss", &c);
        CHECK(c.n == LONG_ROWS && c.y_lo == -7.25);
        CHECK(c.y_hi == (defects < 4 ? 1e30 : INFINITY) && c.y_finite == (defects == 2));
        curve_free(&c);
        trainlog_free(&log);
    }
    free(text);
}

static void test_bad_logs(void)
{
    expect_error("m.csv", "step,loss\n1,0.5\n2,0.4,9\n", TRAINLOG_AUTO, "loss",
                 "m.csv:3:7: error: this row has more than the header's 2 fields");
    expect_error("m.csv", "step,loss,acc\n1,0.5,1\n2,0.4\n", TRAINLOG_AUTO, "loss",
                 "m.csv:3:6: error: this row has 2 fields, the header 3");
    expect_error("m.csv", "step,loss\n1,0.5\n2,abc\n", TRAINLOG_AUTO, "loss",
                 "m.csv:3:3: error: column \"loss\": expected a number, got \"abc\"");
    expect_error("m.csv", "step,loss\n1,0.5\nnan,0.4\n", TRAINLOG_AUTO, "loss",
                 "m.csv:3: error: \"loss\" has a value but \"step\" is not a finite number");
    expect_error("m.csv", "step,loss\n1,0.5\n", TRAINLOG_AUTO, "los",
                 "spec.json: error: panels[0].metrics[0]: \"los\" is not in m.csv (did you mean "
                 "\"loss\"?)");
    expect_error("m.csv", "step,loss\n1,0.5\n", TRAINLOG_AUTO, "accuracy",
                 "spec.json: error: panels[0].metrics[0]: \"accuracy\" is not in m.csv, which "
                 "has: step, loss");
    expect_error("m.csv", " \n\n", TRAINLOG_AUTO, "loss",
                 "m.csv: error: empty log: no header and no values");
    expect_error("m.csv", "step,loss\n", TRAINLOG_AUTO, "loss",
                 "m.csv: error: empty log: no entries with values");
    /* Entries of nothing (the fuzzer's find, a byte-order mark first). */
    expect_error("l.jsonl", "\xEF\xBB\xBF{}\n{}\n", TRAINLOG_AUTO, "loss",
                 "l.jsonl: error: empty log: no entries with values");
    expect_error("m.csv", "step,\"loss\n1,2\n", TRAINLOG_AUTO, "loss",
                 "m.csv:1:6: error: unterminated quoted field");
    expect_error("m.csv", "step,step\n1,2\n", TRAINLOG_AUTO, "loss",
                 "m.csv:1:6: error: column \"step\" appears twice in the header");
    expect_error("m.csv", "step,loss\n,0.5\n", TRAINLOG_AUTO, "loss",
                 "m.csv:2: error: \"loss\" has a value but \"step\" has none");
    expect_error("s.json", "{\n  \"global_step\": 3\n}\n", TRAINLOG_AUTO, "loss",
                 "s.json: error: no \"log_history\": not a Hugging Face trainer_state.json (set "
                 "\"format\" if it is another kind of log)");
    expect_error("s.json", "{\n  \"log_history\": [\n    {\"loss\": nan}\n  ]\n}\n", TRAINLOG_AUTO,
                 "loss", "s.json:3:14: error: expected a value");
    expect_error("s.json", "{\n  \"log_history\": [\n    {\"loss\": \"x\", \"step\": 1}\n  ]\n}\n",
                 TRAINLOG_AUTO, "loss",
                 "s.json: error: log_history[0].loss: expected a number, got \"x\"");
    expect_error("s.json", "{\n  \"log_history\": [\n    3\n  ]\n}\n", TRAINLOG_AUTO, "loss",
                 "s.json: error: log_history[0]: expected an object, got 3");
    expect_error("l.jsonl", "{\"step\": 1, \"loss\": 2}\n{\"step\": 2, \"loss\": 2}\n{\"step\": 3,",
                 TRAINLOG_AUTO, "loss", "l.jsonl:3:12: error: unexpected end of input");
    expect_error("l.jsonl", "{\"step\": 1, \"loss\": 2}\n[1]\n", TRAINLOG_JSONL, "loss",
                 "l.jsonl:2:1: error: expected a JSON object on each line");
    expect_error("l.jsonl", "{\"step\": 1, \"loss\": 2}\n{\"step\": 2, \"loss\": true}\n",
                 TRAINLOG_AUTO, "loss", "l.jsonl:2: error: loss: expected a number, got a boolean");
}

/* Specs stay strict JSON: Python's NaN is for data files only. */
static void test_specs_refuse_nan(void)
{
    struct spec *s;
    struct diag d;
    diag_init(&d);
    const char *text = "{\"value\": NaN}";
    CHECK(spec_parse("spec.json", text, strlen(text), &s, &d) == VZ_EINPUT);
    CHECK(strcmp(diag_text(&d),
                 "spec.json:1:11: error: NaN and Infinity are not valid JSON numbers") == 0);
}

int main(void)
{
    RUN(test_trainer_state);
    RUN(test_lightning);
    RUN(test_keras);
    RUN(test_tsv);
    RUN(test_jsonl);
    RUN(test_numbers_exact);
    RUN(test_blank_lines);
    RUN(test_long_table_chunks);
    RUN(test_order_across_chunks);
    RUN(test_plain_and_general_rows_agree);
    RUN(test_extremes_kept);
    RUN(test_bad_logs);
    RUN(test_specs_refuse_nan);
    return check_summary();
}

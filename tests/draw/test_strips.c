/* Unit tests of strips, drawn ahead on a thread and as asked for: rows come out in order as drawn
 * and as the hook left them, the hook sees every strip once with the row above it, and a failed
 * drawing or an encoder that stops early ends cleanly. */
#include "check.h"

#include "vizgen/kit.h"
#include "vizgen/strips.h"

#include <stdlib.h>
#include <string.h>

enum { ROWS = 7, MAX_STRIPS = 64 };

static struct canvas cv;
static bool ahead; /* the mode the tests run in, set by main */

static void draw_something(double height)
{
    struct diag d;
    diag_init(&d);
    struct canvas_opts o = {1200, 1, themes[0], false, false};
    CHECK(canvas_init(&cv, &o, &d) == VZ_OK);
    cv.height = height;
    draw_text(&cv, "Rows drawn ahead of the encoder", 40, 12, (struct font){FONT_TITLE, true},
              ALIGN_LEFT, ALIGN_TOP, INK, "title", -1);
    for (int i = 0; i < 12; i++)
        draw_line(&cv, 10, 5 + i * 17, 1190, 200 - i * 13, 1.5, palette_color((size_t)i), true,
                  "line");
}

/* What the hook saw, checked on the test's thread afterwards: the hook runs on the drawing one. */
struct seen {
    int y0[MAX_STRIPS], n[MAX_STRIPS], strips;
    bool prev_right; /* each prev was NULL at the top, else the last row the hook left */
    size_t row_bytes;
    unsigned char *last; /* the last row the hook left */
};

/* Marks every byte (so rows handed out can be told from rows merely drawn) and keeps the last row.
 */
static void mark_strip(void *ctx, unsigned char *data, size_t stride, int y0, int n,
                       const unsigned char *prev)
{
    struct seen *s = ctx;
    if (s->strips < MAX_STRIPS) {
        s->y0[s->strips] = y0;
        s->n[s->strips] = n;
    }
    s->strips++;
    bool right = y0 == 0 ? prev == NULL : prev && memcmp(prev, s->last, s->row_bytes) == 0;
    s->prev_right = s->prev_right && right;
    for (int i = 0; i < n; i++)
        for (size_t b = 0; b < s->row_bytes; b++)
            data[(size_t)i * stride + b] ^= 0x5a;
    memcpy(s->last, data + (size_t)(n - 1) * stride, s->row_bytes);
}

static void rows_come_in_order_as_drawn_and_prepared(void)
{
    draw_something(200); /* 200 rows: 28 strips of 7 and one of 4 */
    struct diag d;
    diag_init(&d);
    /* The rows drawn on this thread first: while strips run, cv is the drawing thread's. */
    struct seen s = {.prev_right = true, .row_bytes = 1200 * 4};
    unsigned char *want = malloc(200 * s.row_bytes);
    cairo_surface_t *ref = canvas_strip_create(&cv, ROWS);
    s.last = malloc(s.row_bytes);
    if (!CHECK(want && ref && s.last))
        return;
    for (int y = 0; y < 200; y++) {
        if (y % ROWS == 0)
            canvas_rasterize_rows(&cv, ref, y, &d);
        memcpy(want + (size_t)y * s.row_bytes,
               cairo_image_surface_get_data(ref) +
                   (size_t)(y % ROWS) * (size_t)cairo_image_surface_get_stride(ref),
               s.row_bytes);
    }
    struct strips *st;
    if (!CHECK(strips_start(&st, &cv, ROWS, ahead, (struct strip_hook){mark_strip, &s}, &d) ==
               VZ_OK))
        return;
    int wrong = 0;
    for (int y = 0; y < 200; y++) {
        const unsigned char *row = strips_row(st, y);
        if (!CHECK(row))
            break;
        for (size_t b = 0; b < s.row_bytes; b++)
            wrong += (row[b] ^ 0x5a) != want[(size_t)y * s.row_bytes + b];
    }
    CHECK(strips_finish(st, &d) == VZ_OK);
    CHECK(wrong == 0);
    CHECK(s.strips == 29);
    for (int k = 0; k < 29 && k < s.strips; k++)
        CHECK(s.y0[k] == k * ROWS && s.n[k] == (k < 28 ? ROWS : 4));
    CHECK(s.prev_right);
    free(want);
    free(s.last);
    cairo_surface_destroy(ref);
    canvas_free(&cv);
}

/* An encoder that fails after a few rows stops the drawing: finish returns, nothing leaks. */
static void an_encoder_may_stop_early(void)
{
    draw_something(2000);
    struct diag d;
    diag_init(&d);
    struct strips *st;
    if (!CHECK(strips_start(&st, &cv, ROWS, ahead, (struct strip_hook){NULL, NULL}, &d) == VZ_OK))
        return;
    CHECK(strips_row(st, 0) && strips_row(st, 1) && strips_row(st, ROWS));
    CHECK(strips_finish(st, &d) == VZ_OK);
    canvas_free(&cv);
}

/* A figure that could not be drawn gives no rows, and its error. */
static void a_failed_drawing_gives_no_rows_and_its_error(void)
{
    draw_something(100);
    cv.oom = 1;
    struct diag d;
    diag_init(&d);
    struct strips *st;
    if (!CHECK(strips_start(&st, &cv, ROWS, ahead, (struct strip_hook){NULL, NULL}, &d) == VZ_OK))
        return;
    CHECK(strips_row(st, 0) == NULL);
    CHECK(strips_finish(st, &d) == VZ_EIO);
    CHECK(strcmp(d.err.msg, "out of memory while drawing") == 0);
    cv.oom = 0;
    canvas_free(&cv);
}

int main(void)
{
    for (int mode = 0; mode < 2; mode++) {
        ahead = mode == 1;
        printf("strips drawn %s:\n", ahead ? "ahead on a thread" : "as asked for");
        RUN(rows_come_in_order_as_drawn_and_prepared);
        RUN(an_encoder_may_stop_early);
        RUN(a_failed_drawing_gives_no_rows_and_its_error);
    }
    return check_summary();
}

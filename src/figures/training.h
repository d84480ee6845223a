/* training: what fig_training.c (keys, logs, smoothing) hands training_draw.c (layout and
 * drawing): panels of lines, each a series as logged and as shown. */
#ifndef VIZGEN_TRAINING_H
#define VIZGEN_TRAINING_H

#include "vizgen/figure.h"
#include "vizgen/layout.h"
#include "vizgen/schedule.h"
#include "vizgen/series.h"
#include "vizgen/trainlog.h"

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

struct tc_inline {
    char *name;
    double *x, *y;
    size_t nx, ny;
};

struct tc_run {
    char *file, *label;
    int format; /* enum trainlog_format */
    struct tc_inline *series;
    size_t n_series;
};

struct tc_schedule {
    int kind; /* enum schedule_kind */
    double lr, num_cycles, min_lr_rate, gamma;
    long warmup_steps, total_steps, timescale, step_size;
    char *label;
};

enum { TC_MIN, TC_MAX };

struct tc_panel {
    char **metrics;
    size_t n_metrics;
    char *title, *y_label, *best;
    int y_scale, best_mode;
    struct tc_schedule *schedules;
    size_t n_schedules;
};

/* What the layout asks of a line's values, found in one pass when the line is made: a
 * million-point line walked once per question took longer than drawing it. */
struct tc_facts {
    double lo, hi;          /* of the raw and shown values the panel's axis shows; lo > hi: none */
    size_t nan, pinf, ninf; /* raw values that are not finite */
    size_t nonpos;          /* finite raw values a log axis cannot show */
    double first_nonfinite; /* the x of the first NaN or infinity, else NaN */
    long best;              /* the index of its best point, or -1 (no best, or none shown) */
};

/* One line of a panel: a metric of a run, or a computed schedule. */
struct tc_line {
    size_t panel;
    long run;         /* -1: a schedule */
    const char *name; /* the metric, or the schedule's label (borrowed) */
    bool validation;  /* drawn dashed */
    bool best;        /* its best point is marked */

    size_t colour;         /* index into the palette */
    struct curve raw;      /* as logged (or computed) */
    double *smooth_y;      /* raw.n values smoothed, shown over raw drawn faint; NULL: as logged */
    struct tc_facts facts; /* set by tc_line_facts once raw and smooth_y are */
};

enum { TC_EMA, TC_MOVING_AVERAGE };

struct training {
    /* keys */
    struct tc_run *runs;
    size_t n_runs;
    struct tc_panel *panels;
    size_t n_panels;
    char *x, *x_label;
    double smoothing;
    int smoothing_method;
    long window;
    /* derived */
    const char *x_name;    /* the column along x */
    struct trainlog *logs; /* one per run (zeroed for inline series); lines borrow columns */
    struct tc_line *lines;
    size_t n_lines;
    size_t n_entries_skipped; /* summary entries of trainer_state.json logs */
};

int training_render(const void *fig, const struct figure_common *c, struct canvas *cv,
                    struct diag *d);

/* What a line shows: its smoothed values, else its raw ones. */
static inline const double *tc_shown_y(const struct tc_line *l)
{
    return l->smooth_y ? l->smooth_y : l->raw.y;
}

/* --- training_lines.c --- */

struct axis;

/* Room for the longest line's points and what is worked out from them. */
struct tc_scratch {
    size_t *keep;
    double *px, *py, *kx, *ky;
    double *ox, *oy; /* every point drawn in the panel, for the best labels to avoid */
    size_t n_obs, cap_obs;
    bool *in_header; /* per line: its best point's label went to the panel's heading */
};
int tc_scratch_init(struct tc_scratch *s, const struct training *t, struct diag *d);
void tc_scratch_free(struct tc_scratch *s);

/* A line's name in legends and notes: the metric, or "run · metric" when there are runs. */
void tc_line_name(const struct training *t, const struct tc_line *l, char *buf, size_t size);
/* Whether v can be drawn on a y axis of that scale (0 linear, 1 log); inline, as it is asked of
 * every point of a million-step series. */
static inline bool tc_on_axis(int y_scale, double v)
{
    return isfinite(v) && (y_scale == 0 || v > 0);
}
/* Finds l->facts. */
void tc_line_facts(const struct training *t, struct tc_line *l);
/* "best eval_loss 0.42 at step 1.2K". */
void tc_best_text(const struct training *t, const struct tc_line *l, long best, char *buf,
                  size_t size);
/* Whether the label of line's best point finds a place in the plot that covers no data. */
bool tc_best_fits(struct canvas *cv, const struct training *t, size_t line, const struct axis *xa,
                  const struct axis *ya, struct box plot, struct tc_scratch *s);
/* Draws the lines of panel p over plot, their best points (labelled unless in_header says the
 * heading has the label), and their non-finite points; writes them to --dump-data. */
void tc_draw_lines(struct canvas *cv, const struct training *t, size_t p, const struct axis *xa,
                   const struct axis *ya, struct box plot, struct tc_scratch *s);

#endif

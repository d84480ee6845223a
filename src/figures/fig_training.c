/* fig_training: training curves — loss, validation, learning rate, gradient norm — read from the
 * logs training wrote (trainlog.h) or given inline, smoothed as TensorBoard smooths, beside
 * learning-rate schedules the core computes. This file reads the keys and turns them into
 * lines; training_draw.c lays the panels out and draws them. */
#include "training.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scale_names[] = {"linear", "log", NULL};
static const char *const mode_names[] = {"min", "max", NULL};
static const char *const smoothing_names[] = {"ema", "moving-average", NULL};

#define SER(f) offsetof(struct tc_inline, f)
static const struct key series_keys[] = {
    {"name", KEY_STRING, SER(name), .min = 1, .max = 200, .flags = KEY_REQUIRED,
     .help = "the metric's name, as panels' \"metrics\" name it"},
    {"x", KEY_NUMBERS, SER(x), .min = 1, .max = 1000000, .flags = KEY_REQUIRED,
     .count_offset = SER(nx), .item_min = -INFINITY, .item_max = INFINITY,
     .help = "x of each point, ascending"},
    {"y", KEY_NUMBERS, SER(y), .min = 1, .max = 1000000, .flags = KEY_REQUIRED,
     .count_offset = SER(ny), .item_min = -INFINITY, .item_max = INFINITY,
     .help = "y of each point, as many as x"},
};
#undef SER
static const struct key_set series_set = {"runs[].series[]", series_keys,
                                          sizeof series_keys / sizeof series_keys[0],
                                          sizeof(struct tc_inline)};

#define RUN(f) offsetof(struct tc_run, f)
static const struct key run_keys[] = {
    {"file", KEY_PATH, RUN(file), .flags = KEY_NO_DEFAULT,
     .help = "a training log: trainer_state.json, a CSV or TSV with a header, or JSON lines"},
    {"format", KEY_CHOICE, RUN(format), .choices = trainlog_format_names, .dstr = "auto",
     .help = "the log's format; auto tells them apart by content"},
    {"series", KEY_OBJECTS, RUN(series), .max = 32, .flags = KEY_NO_DEFAULT, .fields = &series_set,
     .count_offset = RUN(n_series), .help = "metrics given inline instead of a file"},
    {"label", KEY_STRING, RUN(label), .min = 1, .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the run's name in legends (default: the log's folder, or \"run N\")"},
};
#undef RUN
static const struct key_set run_set = {"runs[]", run_keys, sizeof run_keys / sizeof run_keys[0],
                                       sizeof(struct tc_run)};

#define SCH(f) offsetof(struct tc_schedule, f)
static const struct key schedule_keys[] = {
    {"kind", KEY_CHOICE, SCH(kind), .choices = schedule_kind_names, .flags = KEY_REQUIRED,
     .help = "Hugging Face's constant, linear, cosine or inverse-sqrt schedule with warmup, or "
             "PyTorch's StepLR"},
    {"lr", KEY_NUMBER, SCH(lr), .min = 0, .max = 1e6, .flags = KEY_REQUIRED | KEY_MIN_OPEN,
     .help = "the optimizer's peak learning rate"},
    {"warmup_steps", KEY_INT, SCH(warmup_steps), .min = 0, .max = 1e12,
     .help = "steps of linear warmup from 0"},
    {"total_steps", KEY_INT, SCH(total_steps), .min = 1, .max = 1e12, .flags = KEY_REQUIRED,
     .help = "num_training_steps: where the schedule is drawn to (and linear and cosine end)"},
    {"num_cycles", KEY_NUMBER, SCH(num_cycles), .min = 0, .max = 1e6, .dnum = 0.5,
     .flags = KEY_MIN_OPEN, .help = "cosine: half-waves in 2s, 0.5 is one decay to the floor"},
    {"min_lr_rate", KEY_NUMBER, SCH(min_lr_rate), .min = 0, .max = 1,
     .help = "cosine: the floor as a fraction of lr"},
    {"timescale", KEY_INT, SCH(timescale), .min = 0, .max = 1e12,
     .help = "inverse-sqrt: 0 means warmup_steps, or 10000 without warmup"},
    {"step_size", KEY_INT, SCH(step_size), .min = 1, .max = 1e12, .dnum = 1,
     .help = "step: steps between decays"},
    {"gamma", KEY_NUMBER, SCH(gamma), .min = 0, .max = 1, .dnum = 0.1, .flags = KEY_MIN_OPEN,
     .help = "step: the factor at each decay"},
    {"label", KEY_STRING, SCH(label), .min = 1, .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "its name in the legend (default: \"KIND schedule\")"},
};
#undef SCH
static const struct key_set schedule_set = {"panels[].schedules[]", schedule_keys,
                                            sizeof schedule_keys / sizeof schedule_keys[0],
                                            sizeof(struct tc_schedule)};

#define PAN(f) offsetof(struct tc_panel, f)
static const struct key panel_keys[] = {
    {"metrics", KEY_STRINGS, PAN(metrics), .max = 12, .count_offset = PAN(n_metrics),
     .help = "the columns drawn, each from every run that has it"},
    {"title", KEY_STRING, PAN(title), .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the panel's heading (default: its metrics)"},
    {"y_label", KEY_STRING, PAN(y_label), .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the y axis's title (default: none)"},
    {"y_scale", KEY_CHOICE, PAN(y_scale), .choices = scale_names, .dstr = "linear",
     .help = "log for losses and gradient norms that span decades"},
    {"best", KEY_STRING, PAN(best), .min = 1, .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the metric whose best point is marked and labelled (default: a validation loss "
             "in the panel; \"none\" for none)"},
    {"best_mode", KEY_CHOICE, PAN(best_mode), .choices = mode_names, .dstr = "min",
     .help = "whether best is the lowest or the highest value"},
    {"schedules", KEY_OBJECTS, PAN(schedules), .max = 6, .fields = &schedule_set,
     .count_offset = PAN(n_schedules), .help = "learning-rate schedules computed and drawn"},
};
#undef PAN
static const struct key_set panel_set = {
    "panels[]", panel_keys, sizeof panel_keys / sizeof panel_keys[0], sizeof(struct tc_panel)};

#define KEY(f) offsetof(struct training, f)
static const struct key keys[] = {
    {"runs", KEY_OBJECTS, KEY(runs), .max = 12, .fields = &run_set, .count_offset = KEY(n_runs),
     .help = "the runs drawn, one colour each when there are several"},
    {"panels", KEY_OBJECTS, KEY(panels), .min = 1, .max = 8, .flags = KEY_REQUIRED,
     .fields = &panel_set, .count_offset = KEY(n_panels),
     .help = "panels top to bottom, sharing the x axis"},
    {"x", KEY_STRING, KEY(x), .min = 1, .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the column along x (default: step, global_step, current_steps, iteration or "
             "epoch, the first the logs have)"},
    {"x_label", KEY_STRING, KEY(x_label), .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the x axis's title (default: the column's name)"},
    {"smoothing", KEY_NUMBER, KEY(smoothing), .min = 0, .max = 0.999,
     .help = "TensorBoard's smoothing weight (0.6 is its default; 0: none); the raw series "
             "stays faint behind; validation metrics and learning rates are drawn as logged"},
    {"smoothing_method", KEY_CHOICE, KEY(smoothing_method), .choices = smoothing_names,
     .dstr = "ema",
     .help = "ema: TensorBoard's debiased moving average; moving-average: a "
             "trailing window"},
    {"window", KEY_INT, KEY(window), .min = 1, .max = 1000000, .dnum = 10,
     .help = "moving-average: points in the window"},
};
#undef KEY
static const struct key_set key_set = {"training-curves", keys, sizeof keys / sizeof keys[0], 0};

/* The parts of a metric's name that say validation: Trainer's eval_, Lightning's val_, Keras'
 * val_, and slash-separated groups such as val/loss. */
static bool is_validation(const char *name)
{
    return strncmp(name, "eval_", 5) == 0 || strncmp(name, "val_", 4) == 0 ||
           strncmp(name, "val/", 4) == 0 || strncmp(name, "eval/", 5) == 0 ||
           strncmp(name, "validation", 10) == 0 || strstr(name, "_val_") != NULL;
}

/* The name without its validation prefix or Lightning's _step/_epoch suffix, so that loss and
 * eval_loss share a colour. */
static size_t family(const char *name, char *buf, size_t size)
{
    const char *prefixes[] = {"eval_", "val_", "val/", "eval/", "validation_", "train_", "train/"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
            name += strlen(prefixes[i]);
            break;
        }
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, "_step") == 0)
        n -= 5;
    else if (n > 6 && strcmp(name + n - 6, "_epoch") == 0)
        n -= 6;
    return (size_t)snprintf(buf, size, "%.*s", (int)n, name);
}

/* Learning rates follow a schedule, not noise: smoothed, a warmup would seem to lag. */
static bool is_learning_rate(const char *name)
{
    size_t n = strlen(name);
    return strstr(name, "learning_rate") || strcmp(name, "lr") == 0 ||
           strncmp(name, "lr-", 3) == 0 || strncmp(name, "lr_", 3) == 0 ||
           strncmp(name, "lr/", 3) == 0 || (n > 3 && strcmp(name + n - 3, "_lr") == 0) ||
           (n > 3 && strcmp(name + n - 3, "/lr") == 0);
}

static int add_line(struct training *t, const struct tc_line *l, struct diag *d)
{
    struct tc_line *grown = realloc(t->lines, (t->n_lines + 1) * sizeof *grown);
    if (!grown)
        return diag_oom(d);
    t->lines = grown;
    t->lines[t->n_lines] = *l;
    tc_line_facts(t, &t->lines[t->n_lines++]);
    return VZ_OK;
}

/* A schedule's learning rate at every step to total_steps (at most a million points, evenly
 * spaced, beyond that: still far more than pixel columns). */
static int schedule_curve(const struct tc_schedule *k, const char *path, struct curve *c,
                          struct diag *d)
{
    struct schedule s = {(enum schedule_kind)k->kind,
                         k->lr,
                         k->warmup_steps,
                         k->total_steps,
                         k->num_cycles,
                         k->min_lr_rate,
                         k->timescale,
                         k->step_size,
                         k->gamma};
    int rc = schedule_check(&s, d);
    if (rc) {
        diag_nest(d, path); /* schedule_check names the key alone */
        return rc;
    }
    size_t n = k->total_steps < 1000000 ? (size_t)k->total_steps + 1 : 1000001;
    c->x = malloc(n * sizeof *c->x);
    c->y = malloc(n * sizeof *c->y);
    if (!c->x || !c->y) {
        curve_free(c);
        return diag_oom(d);
    }
    for (size_t i = 0; i < n; i++) {
        long step = (long)llround((double)i * (double)k->total_steps / (double)(n - 1));
        c->x[i] = (double)step;
        c->y[i] = schedule_lr(&s, step);
    }
    c->n = n;
    return VZ_OK;
}

static int smooth(const struct training *t, struct tc_line *l, struct diag *d)
{
    /* Smoothing is for per-batch noise: a validation point is already a mean over its set, a
     * learning rate follows its schedule, and smoothed either would lag what happened. */
    if (t->smoothing <= 0 || l->run < 0 || l->validation || is_learning_rate(l->name))
        return VZ_OK;
    if (!(l->smooth_y = malloc((l->raw.n ? l->raw.n : 1) * sizeof *l->smooth_y)))
        return diag_oom(d);
    if (t->smoothing_method == TC_EMA)
        series_ema(l->raw.y, l->raw.n, t->smoothing, l->smooth_y);
    else
        series_moving_average(l->raw.y, l->raw.n, (size_t)t->window, l->smooth_y);
    return VZ_OK;
}

/* A run's curve of `metric`: from its log, or from its inline series. */
static int run_curve(const struct training *t, const struct tc_run *r, const struct trainlog *log,
                     const char *metric, struct curve *c, struct diag *d)
{
    if (log) {
        if (!trainlog_find(log, metric))
            return VZ_OK; /* this run did not log it; another may have */
        return trainlog_curve(log, t->x_name, metric, "", c, d);
    }
    for (size_t i = 0; i < r->n_series; i++) {
        const struct tc_inline *s = &r->series[i];
        if (strcmp(s->name, metric) != 0)
            continue;
        c->x = malloc(s->nx * sizeof *c->x);
        c->y = malloc(s->nx * sizeof *c->y);
        if (!c->x || !c->y) {
            curve_free(c);
            return diag_oom(d);
        }
        memcpy(c->x, s->x, s->nx * sizeof *c->x);
        memcpy(c->y, s->y, s->nx * sizeof *c->y);
        c->n = s->nx;
    }
    return VZ_OK;
}

/* The best metric of panel p: the one named, or the first validation loss, or none. */
static const char *best_metric(const struct tc_panel *p)
{
    if (p->best)
        return strcmp(p->best, "none") == 0 ? NULL : p->best;
    for (size_t m = 0; m < p->n_metrics; m++)
        if (is_validation(p->metrics[m]) && strstr(p->metrics[m], "loss"))
            return p->metrics[m];
    return NULL;
}

static int check_runs(const struct training *t, struct diag *d)
{
    char path[128];
    for (size_t i = 0; i < t->n_runs; i++) {
        const struct tc_run *r = &t->runs[i];
        snprintf(path, sizeof path, "runs[%zu]", i);
        if (!r->file == !r->series)
            return diag_at(d, VZ_EINPUT, path, "expected \"file\" or \"series\", %s",
                           r->file ? "got both" : "got neither");
        for (size_t k = 0; k < r->n_series; k++) {
            const struct tc_inline *s = &r->series[k];
            snprintf(path, sizeof path, "runs[%zu].series[%zu].y", i, k);
            if (s->ny != s->nx)
                return diag_at(d, VZ_EINPUT, path, "expected %zu numbers (one per x), got %zu",
                               s->nx, s->ny);
            for (size_t j = 1; j < s->nx; j++)
                if (s->x[j] < s->x[j - 1]) {
                    snprintf(path, sizeof path, "runs[%zu].series[%zu].x[%zu]", i, k, j);
                    return diag_at(d, VZ_EINPUT, path, "expected x ascending, got %g after %g",
                                   s->x[j], s->x[j - 1]);
                }
            for (size_t j = 0; j < k; j++)
                if (strcmp(r->series[j].name, s->name) == 0) {
                    snprintf(path, sizeof path, "runs[%zu].series[%zu].name", i, k);
                    return diag_at(d, VZ_EINPUT, path, "\"%s\" is given twice", s->name);
                }
        }
    }
    return VZ_OK;
}

/* A run's name in legends: the label, else the folder its log is in, else "run N". */
static int default_label(struct tc_run *r, size_t i, struct diag *d)
{
    if (r->label)
        return VZ_OK;
    char buf[256];
    const char *slash = r->file ? strrchr(r->file, '/') : NULL;
    const char *start = slash;
    while (start && start > r->file && start[-1] != '/')
        start--;
    if (slash && start < slash)
        snprintf(buf, sizeof buf, "%.*s", (int)(slash - start), start);
    else
        snprintf(buf, sizeof buf, "run %zu", i + 1);
    return (r->label = strdup(buf)) ? VZ_OK : diag_oom(d);
}

/* The column along x: the spec's, or the first log's usual one, which every log must have. */
static int choose_x(struct training *t, const struct trainlog *logs, struct diag *d)
{
    t->x_name = t->x;
    for (size_t i = 0; i < t->n_runs && !t->x_name; i++)
        if (t->runs[i].file)
            t->x_name = trainlog_default_x(&logs[i]);
    if (!t->x_name) {
        for (size_t i = 0; i < t->n_runs; i++)
            if (t->runs[i].file)
                return diag_at(d, VZ_EINPUT, "x",
                               "%s has none of step, global_step, current_steps, iteration "
                               "and epoch: name the column along x",
                               logs[i].file);
        t->x_name = "step";
    }
    for (size_t i = 0; i < t->n_runs; i++)
        if (t->runs[i].file && !trainlog_find(&logs[i], t->x_name)) {
            char path[32] = "x";
            if (!t->x)
                snprintf(path, sizeof path, "runs[%zu].file", i);
            struct curve none;
            return trainlog_curve(&logs[i], t->x_name, t->x_name, path, &none, d);
        }
    return VZ_OK;
}

static int panel_lines(struct training *t, size_t p, const struct trainlog *logs, struct diag *d)
{
    const struct tc_panel *pn = &t->panels[p];
    char path[96];
    if (pn->n_metrics == 0 && pn->n_schedules == 0) {
        snprintf(path, sizeof path, "panels[%zu]", p);
        return diag_at(d, VZ_EINPUT, path, "expected \"metrics\" or \"schedules\", got neither");
    }
    const char *best = best_metric(pn);
    bool best_found = best == NULL;
    char families[12][64];
    size_t n_families = 0;
    for (size_t m = 0; m < pn->n_metrics; m++) {
        const char *metric = pn->metrics[m];
        best_found = best_found || strcmp(metric, best) == 0;
        char fam[64];
        family(metric, fam, sizeof fam);
        size_t f = 0;
        while (f < n_families && strcmp(families[f], fam) != 0)
            f++;
        if (f == n_families)
            snprintf(families[n_families++], sizeof families[0], "%s", fam);
        size_t found = 0;
        for (size_t r = 0; r < t->n_runs; r++) {
            const struct trainlog *log = t->runs[r].file ? &logs[r] : NULL;
            struct tc_line l = {.panel = p,
                                .run = (long)r,
                                .name = metric,
                                .validation = is_validation(metric),
                                .best = best && strcmp(metric, best) == 0,
                                .colour = t->n_runs > 1 ? r : f};
            int rc = run_curve(t, &t->runs[r], log, metric, &l.raw, d);
            if (!rc && l.raw.n == 0 && !l.raw.x)
                continue; /* not in this run */
            if (rc || (rc = smooth(t, &l, d)) || (rc = add_line(t, &l, d))) {
                curve_free(&l.raw);
                free(l.smooth_y);
                if (!d->err.path[0] && !d->err.file[0]) /* else the log is at fault */
                    snprintf(d->err.path, sizeof d->err.path, "panels[%zu].metrics[%zu]", p, m);
                return rc;
            }
            found++;
        }
        if (found == 0) {
            snprintf(path, sizeof path, "panels[%zu].metrics[%zu]", p, m);
            for (size_t r = 0; r < t->n_runs; r++)
                if (t->runs[r].file) {
                    struct curve none;
                    return trainlog_curve(&logs[r], t->x_name, metric, path, &none, d);
                }
            return diag_at(d, VZ_EINPUT, path, "no run has a series \"%s\"", metric);
        }
    }
    if (!best_found) {
        snprintf(path, sizeof path, "panels[%zu].best", p);
        return diag_at(d, VZ_EINPUT, path, "\"%s\" is not one of the panel's metrics", best);
    }
    for (size_t k = 0; k < pn->n_schedules; k++) {
        snprintf(path, sizeof path, "panels[%zu].schedules[%zu]", p, k);
        if (strcmp(t->x_name, "epoch") == 0 || strstr(t->x_name, "time"))
            return diag_at(d, VZ_EINPUT, path, "a schedule is drawn against steps, but x is \"%s\"",
                           t->x_name);
        struct tc_schedule *s = &pn->schedules[k];
        if (!s->label) {
            char buf[64];
            snprintf(buf, sizeof buf, "%s schedule", schedule_kind_names[s->kind]);
            if (!(s->label = strdup(buf)))
                return diag_oom(d);
        }
        struct tc_line l = {.panel = p,
                            .run = -1,
                            .name = s->label,
                            .colour = (t->n_runs > 1 ? t->n_runs : n_families) + k};
        int rc = schedule_curve(s, path, &l.raw, d);
        if (rc || (rc = smooth(t, &l, d)) || (rc = add_line(t, &l, d))) {
            curve_free(&l.raw);
            free(l.smooth_y);
            return rc;
        }
    }
    return VZ_OK;
}

static void training_free(void *p)
{
    struct training *t = p;
    for (size_t i = 0; i < t->n_lines; i++) {
        curve_free(&t->lines[i].raw);
        free(t->lines[i].smooth_y);
    }
    free(t->lines);
    t->lines = NULL;
    t->n_lines = 0;
    for (size_t i = 0; t->logs && i < t->n_runs; i++)
        trainlog_free(&t->logs[i]);
    free(t->logs);
    t->logs = NULL;
}

static int training_parse(struct spec_node root, const struct figure_common *common, void *p,
                          struct diag *d)
{
    (void)root;
    (void)common;
    struct training *t = p;
    int rc = check_runs(t, d);
    if (rc)
        return rc;
    struct trainlog *logs = t->logs = calloc(t->n_runs ? t->n_runs : 1, sizeof *logs);
    if (!logs)
        return diag_oom(d);
    for (size_t i = 0; !rc && i < t->n_runs; i++) {
        struct tc_run *r = &t->runs[i];
        rc = default_label(r, i, d);
        if (!rc && r->file) {
            rc = trainlog_load(r->file, (enum trainlog_format)r->format, &logs[i], d);
            t->n_entries_skipped += logs[i].skipped;
        }
    }
    if (!rc)
        rc = choose_x(t, logs, d);
    for (size_t i = 0; !rc && i < t->n_panels; i++)
        rc = panel_lines(t, i, logs, d);
    if (rc)
        training_free(t);
    return rc;
}

const struct figure_kind fig_training_kind = {
    .name = "training-curves",
    .summary = "loss, validation, learning rate and gradient norm from training logs, in panels",
    .default_output = "training-curves.png",
    .default_title = "Training Curves",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct training),
    .parse = training_parse,
    .render = training_render,
    .free = training_free,
};

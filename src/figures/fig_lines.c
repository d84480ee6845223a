/* fig_lines: the attention-lines figure — bertviz's head view as a static image. Queries in a
 * column on the left, keys on the right, a line from each query to each key it attends to, its
 * opacity the weight divided by the heads shown, one colour per head. Lines under a threshold
 * are left out, and the figure says how many, so a 512-token view is a figure of the lines that
 * carry attention, not a grey sheet of 262,144 invisible ones. */
#include "vizgen/attn_source.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/kit.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: layout units (the body text is FONT_LABEL). */
enum {
    LEVELS = 255,        /* opacities a line can have: 8-bit alpha */
    MAX_HEADS = 64,      /* heads one figure draws */
    MAX_LINES = 1000000, /* lines one figure draws: more is a grey sheet, and slow */
    LEGEND_GAP = 14,     /* under the legend */
    HEADER_GAP = 6,      /* under the column titles */
    MIN_SPAN = 200,      /* the lines' run between the columns, at least... */
    NOTE_GAP = 18,       /* between the columns and the note */
};
static const double SPAN_SHARE = 0.42;  /* ...and at most this share of the width */
static const double TALLEST = 1.25;     /* columns at most this many widths tall */
static const double FAINT_SHARE = 0.15; /* other queries' lines beside a focused one */
static const struct font small_f = {FONT_SMALL, false};

static const char *const pair_names[] = {"all", "a-a", "a-b", "b-a", "b-b", NULL};
enum { PAIR_ALL, PAIR_AA, PAIR_AB, PAIR_BA, PAIR_BB };

struct lines {
    /* keys */
    struct attn_keys attn;
    long *heads;
    size_t n_heads;
    long query, b_start;
    double threshold;
    int pair;
    /* derived by lines_parse */
    struct attn_source src;
    size_t shown[MAX_HEADS]; /* panels drawn, in legend order */
    size_t n_shown;
    size_t q0, q1, k0, k1; /* the queries and keys `pair` keeps */
    bool focus, split;     /* "query" and "sentence_b_start" were given */
    size_t drawn, omitted; /* lines at or over the threshold, and under it */
    char title[96];
};

#define KEY(f) offsetof(struct lines, f)
static const struct key keys[] = {
    {"heads", KEY_INTS, KEY(heads), .min = 1, .max = MAX_HEADS, .item_min = 0,
     .item_max = 9007199254740991.0, .flags = KEY_NO_DEFAULT, .count_offset = KEY(n_heads),
     .help = "the heads of the layer to draw (default: all), each in its palette colour"},
    {"threshold", KEY_NUMBER, KEY(threshold), .min = 0, .max = 1, .dnum = 0.02,
     .help = "lines of weights under this are left out, and the figure says how many"},
    {"query", KEY_INT, KEY(query), .min = 0, .max = 9007199254740991.0, .flags = KEY_NO_DEFAULT,
     .help = "a query to focus on: its lines as they are, the others' faint"},
    {"sentence_b_start", KEY_INT, KEY(b_start), .min = 1, .max = 9007199254740991.0,
     .flags = KEY_NO_DEFAULT,
     .help = "the position where the second sentence of a pair starts, marked across the columns"},
    {"pair", KEY_CHOICE, KEY(pair), .choices = pair_names, .dstr = "all",
     .help = "with sentence_b_start: only the lines from one sentence's queries to one "
             "sentence's keys, as a-b (first to second) and so on"},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_source_keys},
    {"", KEY_GROUP, KEY(attn), .fields = &attn_combine_keys},
};
#undef KEY
static const struct key_set key_set = {"attention-lines", keys, sizeof keys / sizeof keys[0], 0};

static int pick_heads(struct lines *s, struct diag *d)
{
    const struct attn_source *src = &s->src;
    if (!s->n_heads) {
        if (src->n_panels > MAX_HEADS)
            return diag_at(d, VZ_EINPUT, "heads",
                           "the layer has %zu heads, more than the %d one figure draws: pick "
                           "some",
                           src->n_panels, MAX_HEADS);
        for (size_t i = 0; i < src->n_panels; i++)
            s->shown[s->n_shown++] = i;
        return VZ_OK;
    }
    if (src->panels[0].head < 0)
        return diag_at(d, VZ_EINPUT, "heads", "%s",
                       src->rollout     ? "rollout averages the heads: remove \"heads\""
                       : src->synthetic ? "synthetic attention is one matrix: remove \"heads\""
                                        : "the weights have no head axis");
    for (size_t i = 0; i < s->n_heads; i++) {
        char path[32];
        snprintf(path, sizeof path, "heads[%zu]", i);
        if ((size_t)s->heads[i] >= src->n_panels)
            return diag_at(d, VZ_EINPUT, path, "expected a head from 0 to %zu, got %ld",
                           src->n_panels - 1, s->heads[i]);
        for (size_t j = 0; j < i; j++)
            if (s->heads[j] == s->heads[i])
                return diag_at(d, VZ_EINPUT, path, "head %ld is listed twice", s->heads[i]);
        s->shown[s->n_shown++] = (size_t)s->heads[i];
    }
    return VZ_OK;
}

/* The positions "query" and "sentence_b_start" name, and the ranges "pair" keeps. */
static int pick_positions(struct spec_node root, struct lines *s, struct diag *d)
{
    size_t n = s->src.n_labels;
    s->focus = spec_has(root, "query");
    s->split = spec_has(root, "sentence_b_start");
    if (s->focus && (size_t)s->query >= n)
        return diag_at(d, VZ_EINPUT, "query", "expected a position from 0 to %zu, got %ld", n - 1,
                       s->query);
    if (s->split && (size_t)s->b_start >= n)
        return diag_at(d, VZ_EINPUT, "sentence_b_start",
                       "expected a position from 1 to %zu (the second sentence needs a token), "
                       "got %ld",
                       n - 1, s->b_start);
    if (s->pair != PAIR_ALL && !s->split)
        return diag_at(d, VZ_EINPUT, "pair", "needs \"sentence_b_start\" to know the sentences");
    size_t b = s->split ? (size_t)s->b_start : n;
    bool qa = s->pair == PAIR_AA || s->pair == PAIR_AB,
         ka = s->pair == PAIR_AA || s->pair == PAIR_BA;
    s->q0 = s->pair == PAIR_ALL || qa ? 0 : b;
    s->q1 = s->pair == PAIR_ALL || !qa ? n : b;
    s->k0 = s->pair == PAIR_ALL || ka ? 0 : b;
    s->k1 = s->pair == PAIR_ALL || !ka ? n : b;
    return VZ_OK;
}

enum fate { LINE_NONE, LINE_OMITTED, LINE_DRAWN };

/* Whether the line from query q to key k (k == cols: the null key) is one the view shows, and
 * if so whether its weight *w clears the threshold. */
static enum fate line_fate(const struct lines *s, const struct attn *a, size_t q, size_t k,
                           float *w)
{
    bool null_key = k == a->cols;
    *w = 0;
    if (null_key ? s->pair != PAIR_ALL : k < s->k0 || k >= s->k1)
        return LINE_NONE;
    *w = null_key ? a->sink[q] : a->w[q * a->cols + k];
    return attn_masked(*w) ? LINE_NONE : *w < s->threshold ? LINE_OMITTED : LINE_DRAWN;
}

static size_t n_keys(const struct attn *a)
{
    return a->cols + (a->sink ? 1 : 0);
}

/* Counts the lines to draw before anything is drawn: over MAX_LINES is refused, not drawn for
 * minutes as a grey sheet. */
static int count_lines(struct lines *s, struct diag *d)
{
    for (size_t i = 0; i < s->n_shown; i++) {
        const struct attn *a = &s->src.panels[s->shown[i]].a;
        for (size_t q = s->q0; q < s->q1; q++)
            for (size_t k = 0; k < n_keys(a); k++) {
                float w;
                enum fate f = line_fate(s, a, q, k, &w);
                s->drawn += f == LINE_DRAWN;
                s->omitted += f == LINE_OMITTED;
            }
    }
    if (s->drawn <= MAX_LINES)
        return VZ_OK;
    char th[32];
    format_trimmed(s->threshold, 4, NUM_PLAIN, th, sizeof th);
    return diag_at(d, VZ_EINPUT, "threshold",
                   "%zu weights are %s or more, and at most %d lines are drawn: raise the "
                   "threshold or pick \"heads\"",
                   s->drawn, th, MAX_LINES);
}

static int lines_parse(struct spec_node root, const struct figure_common *common, void *p,
                       struct diag *d)
{
    struct lines *s = p;
    if (spec_has(root, "head"))
        return diag_at(d, VZ_EINPUT, "head", "the head view takes \"heads\": [%ld]", s->attn.head);
    struct attn_request req = {
        .all_heads = true, .one_layer = true, .max_cells = common->max_cells};
    int rc = attn_source_build(root, &s->attn, &req, &s->src, d);
    if (rc || (rc = pick_heads(s, d)) || (rc = pick_positions(root, s, d)) ||
        (rc = count_lines(s, d)))
        return rc;
    const struct attn_panel *p0 = &s->src.panels[0];
    if (s->src.synthetic)
        snprintf(s->title, sizeof s->title, "Synthetic Letter-Counting Attention, Line by Line");
    else if (s->src.rollout)
        snprintf(s->title, sizeof s->title, "Attention Rollout through Layers 0\xE2\x80\x93%ld",
                 p0->layer);
    else if (p0->layer >= 0)
        snprintf(s->title, sizeof s->title, "Attention by Head, Layer %ld", p0->layer);
    else
        snprintf(s->title, sizeof s->title, "Attention by Head");
    return VZ_OK;
}

static void lines_free(void *p)
{
    attn_source_free(&((struct lines *)p)->src);
}

static const char *lines_title(const void *p)
{
    return ((const struct lines *)p)->title;
}

static const struct attn_source *lines_attention(const void *p)
{
    return &((const struct lines *)p)->src;
}

/* --- layout --- */

struct plan {
    struct label_column col;
    struct label_plan lp;
    double x0, w;    /* the columns and the lines between them */
    double xl, xr;   /* the query column's axis and the key column's */
    double top;      /* of the first token's row */
    double slot;     /* a row's height */
    double lw;       /* a line's width */
    double overhang; /* of the first and last labels beyond the rows */
    bool null_row;   /* the null key has a row above the tokens */
};

static void plan_columns(struct canvas *cv, const struct lines *s, double y, struct plan *pl)
{
    const struct attn_source *src = &s->src;
    double margin = canvas_margin(cv), avail = cv->width - 2 * margin;
    struct font f =
        src->chars.ids ? (struct font){FONT_LABEL, true} : (struct font){FONT_TICK, false};
    pl->col = (struct label_column){src->labels, src->n_labels, f, false, avail * 0.2, 1, false};
    pl->null_row = src->panels[0].a.sink != NULL;
    /* Every label legible when the column is no taller than TALLEST widths; past that the
     * rows shrink and the label column thins its labels. */
    double rows = (double)src->n_labels + (pl->null_row ? 1 : 0),
           want = text_line_height(cv, f) + 4;
    pl->slot = fmin(want, fmax(avail * TALLEST, 12 * want) / rows);
    labels_plan(cv, &pl->col, pl->slot, false, &pl->lp);
    double ext = pl->lp.gap + pl->lp.extent;
    double span = fmin(avail - 2 * ext, fmax(MIN_SPAN, SPAN_SHARE * avail));
    pl->w = 2 * ext + span;
    pl->x0 = margin + (avail - pl->w) / 2;
    pl->xl = pl->x0 + ext;
    pl->xr = pl->xl + span;
    /* Rows thinner than a label: the first and last labels reach past their rows. */
    pl->overhang =
        fmax(0, (text_line_height(cv, pl->lp.mode == LABELS_TICKS ? small_f : f) - pl->slot) / 2);
    pl->top = y + pl->overhang + (pl->null_row ? pl->slot : 0);
    pl->lw = fmax(0.4, fmin(2, pl->slot * 0.35));
}

static double row_y(const struct plan *pl, size_t i)
{
    return pl->top + ((double)i + 0.5) * pl->slot;
}

/* A line of head `h`, query q, key k (k == cols: the null key) in the layout dump's index. */
static long line_index(const struct attn *a, size_t h, size_t q, size_t k)
{
    return (long)((h * a->rows + q) * (a->cols + 1) + k);
}

/* One head's lines, bucketed by their opacity in 1/255 steps and drawn a bucket at a time,
 * faintest first, so the strong lines are on top. level has a byte per line of the head, seg
 * room for every line drawn. */
static void draw_head(struct canvas *cv, const struct lines *s, const struct plan *pl, size_t which,
                      struct segment *seg, unsigned char *level)
{
    const struct attn_panel *p = &s->src.panels[s->shown[which]];
    const struct attn *a = &p->a;
    size_t head = p->head < 0 ? 0 : (size_t)p->head, nk = n_keys(a), count[LEVELS + 1] = {0};
    for (size_t q = s->q0; q < s->q1; q++)
        for (size_t k = 0; k < nk; k++) {
            float w;
            unsigned char *lv = &level[q * nk + k];
            *lv = 0;
            if (line_fate(s, a, q, k, &w) != LINE_DRAWN)
                continue;
            double alpha = w / (double)s->n_shown;
            if (s->focus && q != (size_t)s->query)
                alpha *= FAINT_SHARE;
            long l = lround(alpha * LEVELS);
            *lv = (unsigned char)(l < 1 ? 1 : l > LEVELS ? LEVELS : l);
            count[*lv]++;
        }
    size_t start[LEVELS + 2] = {0}, fill[LEVELS + 1];
    for (int l = 1; l <= LEVELS; l++)
        start[l + 1] = start[l] + count[l];
    memcpy(fill, start, sizeof fill);
    for (size_t q = s->q0; q < s->q1; q++)
        for (size_t k = 0; k < nk; k++) {
            unsigned char lv = level[q * nk + k];
            if (!lv)
                continue;
            float w;
            line_fate(s, a, q, k, &w);
            double yk = k == a->cols ? pl->top - pl->slot / 2 : row_y(pl, k);
            seg[fill[lv]++] =
                (struct segment){pl->xl, row_y(pl, q), pl->xr, yk, line_index(a, head, q, k), w};
        }
    for (int l = 1; l <= LEVELS; l++) {
        struct stroke st = {palette_color(head), pl->lw, false, (double)l / LEVELS, 0};
        draw_segments(cv, seg + start[l], count[l], &st, "line");
    }
    for (size_t i = 0; cv->data && i < start[LEVELS + 1]; i++) {
        size_t idx = (size_t)seg[i].index;
        jsonw_begin_object(cv->data, NULL);
        jsonw_put_number(cv->data, "head", (double)head);
        jsonw_put_number(cv->data, "query", (double)(idx / (a->cols + 1) % a->rows));
        jsonw_put_number(cv->data, "key", (double)(idx % (a->cols + 1)));
        jsonw_put_number(cv->data, "weight", seg[i].value);
        jsonw_end_object(cv->data);
    }
}

static void head_name(const struct lines *s, size_t which, char *buf, size_t size)
{
    const struct attn_panel *p = &s->src.panels[s->shown[which]];
    if (p->head >= 0)
        snprintf(buf, size, "head %ld", p->head);
    else if (s->src.rollout)
        snprintf(buf, size, "rollout, heads averaged");
    else if (p->layer >= 0)
        snprintf(buf, size, "layer %ld, heads averaged", p->layer);
    else
        snprintf(buf, size, "attention");
}

static double draw_legend(struct canvas *cv, const struct lines *s, double y)
{
    char names[MAX_HEADS][48];
    struct legend_entry e[MAX_HEADS];
    for (size_t i = 0; i < s->n_shown; i++) {
        head_name(s, i, names[i], sizeof names[i]);
        long head = s->src.panels[s->shown[i]].head;
        e[i] = (struct legend_entry){names[i], palette_color(head < 0 ? 0 : (size_t)head),
                                     LEGEND_LINE};
    }
    struct legend lg = {e, s->n_shown, 0, 0};
    double margin = canvas_margin(cv), avail = cv->width - 2 * margin;
    double h = legend_row_measure(cv, &lg, avail);
    legend_row_draw(cv, &lg, margin, y, avail);
    return y + h + LEGEND_GAP;
}

static void draw_columns(struct canvas *cv, const struct lines *s, const struct plan *pl,
                         double header_y)
{
    const struct attn *a = &s->src.panels[0].a;
    struct label_column right = pl->col;
    right.right = true;
    draw_text(cv, "query", pl->xl - pl->lp.gap, header_y, small_f, ALIGN_RIGHT, ALIGN_TOP, MUTED,
              "column-title", 0);
    draw_text(cv, "key", pl->xr + pl->lp.gap, header_y, small_f, ALIGN_LEFT, ALIGN_TOP, MUTED,
              "column-title", 1);
    if (s->focus)
        draw_rect(
            cv,
            (struct box){pl->x0, pl->top + (double)s->query * pl->slot, pl->xl - pl->x0, pl->slot},
            GRIDLINE, "focus", s->query, NAN);
    labels_draw(cv, &pl->col, &pl->lp, pl->top, pl->slot, pl->xl, false, INK, "query-label",
                "query-index");
    labels_draw(cv, &right, &pl->lp, pl->top, pl->slot, pl->xr, false, INK, "key-label",
                "key-index");
    if (pl->null_row)
        draw_text(cv, "\xE2\x88\x85", pl->xr + pl->lp.gap, pl->top - pl->slot / 2, pl->col.font,
                  ALIGN_LEFT, ALIGN_MIDDLE, INK, "key-label", (long)a->cols);
    if (s->split) {
        double y = pl->top + (double)s->b_start * pl->slot;
        draw_line(cv, pl->x0, y, pl->x0 + pl->w, y, 1, MUTED, true, "sentence-split");
    }
}

/* Under the figure: what opacity means, what was left out, and what the weights are. */
static double draw_note(struct canvas *cv, const struct lines *s, double y)
{
    char buf[900], th[32], drawn[32], all[32];
    size_t used = 0;
    format_trimmed(s->threshold, 4, NUM_PLAIN, th, sizeof th);
    format_number((double)s->drawn, 0, NUM_GROUPED, drawn, sizeof drawn);
    format_number((double)(s->drawn + s->omitted), 0, NUM_GROUPED, all, sizeof all);
    used += (size_t)snprintf(
        buf + used, sizeof buf - used,
        "Each line joins a query (left) to a key (right); its opacity is the weight%s%s. Lines "
        "of weights under %s are left out: %s of %s drawn.",
        s->n_shown > 1 ? " divided by the heads shown" : "",
        s->n_shown > 1 ? ", a colour each" : "", th, drawn, all);
    if (s->focus && used < sizeof buf) {
        char label[64];
        snprintf(label, sizeof label, "%s", s->src.labels[s->query]);
        used += (size_t)snprintf(buf + used, sizeof buf - used,
                                 " Query %ld (\xE2\x80\x9C%s\xE2\x80\x9D) is in focus; other "
                                 "queries' lines are drawn at %.0f%% of their opacity.",
                                 s->query, label, FAINT_SHARE * 100);
    }
    if (s->split && used < sizeof buf) {
        static const char *const shown[] = {
            "", " Only A's queries to A's keys.", " Only A's queries to B's keys.",
            " Only B's queries to A's keys.", " Only B's queries to B's keys."};
        used += (size_t)snprintf(buf + used, sizeof buf - used,
                                 " The dashed line ends sentence A; B starts at position %ld.%s",
                                 s->b_start, shown[s->pair]);
    }
    if (s->src.synthetic && used < sizeof buf)
        used += (size_t)snprintf(buf + used, sizeof buf - used,
                                 " Synthetic letter-counting weights computed from the text, not "
                                 "a trained model.");
    if (s->src.rollout && used < sizeof buf)
        snprintf(buf + used, sizeof buf - used, " %s", attn_rollout_note);
    double margin = canvas_margin(cv);
    return draw_paragraph(cv, buf, margin, y, cv->width - 2 * margin, small_f, MUTED, "note");
}

static int lines_render(const void *p, const struct figure_common *c, struct canvas *cv,
                        struct diag *d)
{
    const struct lines *s = p;
    const struct attn *a0 = &s->src.panels[0].a;
    struct segment *seg = malloc((s->drawn ? s->drawn : 1) * sizeof *seg);
    unsigned char *level = malloc(a0->rows * (a0->cols + 1));
    if (!seg || !level) {
        free(seg);
        free(level);
        return diag_oom(d);
    }
    double margin = canvas_margin(cv);
    double y = draw_title_block(cv, c->title, c->subtitle, margin) + 16;
    y = draw_legend(cv, s, y);
    double header_y = y;
    y += text_line_height(cv, small_f) + HEADER_GAP;
    struct plan pl;
    plan_columns(cv, s, y, &pl);
    if (cv->data) {
        jsonw_put_number(cv->data, "layer", (double)s->src.panels[0].layer);
        jsonw_put_number(cv->data, "threshold", s->threshold);
        jsonw_put_number(cv->data, "opacity_divisor", (double)s->n_shown);
        jsonw_begin_array(cv->data, "lines");
    }
    struct canvas_layer layer;
    canvas_layer_begin(cv,
                       (struct box){pl.xl - pl.lw, pl.top - pl.slot - pl.lw,
                                    pl.xr - pl.xl + 2 * pl.lw,
                                    (double)(s->src.n_labels + 1) * pl.slot + 2 * pl.lw},
                       &layer);
    for (size_t i = 0; i < s->n_shown; i++)
        draw_head(cv, s, &pl, i, seg, level);
    canvas_layer_end(cv, &layer);
    if (cv->data) {
        jsonw_end_array(cv->data);
        jsonw_put_number(cv->data, "omitted", (double)s->omitted);
    }
    free(seg);
    free(level);
    draw_columns(cv, s, &pl, header_y);
    y = pl.top + (double)s->src.n_labels * pl.slot + pl.overhang + NOTE_GAP;
    y = draw_note(cv, s, y);
    cv->height = ceil(fmax(y + margin * 0.75, c->height));
    return VZ_OK;
}

const struct figure_kind fig_lines_kind = {
    .name = "attention-lines",
    .summary = "bertviz's head view as a figure: a line from each query to each key, its opacity "
               "the weight, a colour per head",
    .default_output = "attention-lines.png",
    .default_title = "Attention by Head",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct lines),
    .parse = lines_parse,
    .render = lines_render,
    .title = lines_title,
    .free = lines_free,
    .attention = lines_attention,
};

/* fig_letters: the letter-counting task diagram — each character in a box, its position and count
 * below, arcs back to the earlier occurrences it should attend to. Counts and arcs come from the
 * attention core, never from the spec. */
#include "vizgen/attention.h"
#include "vizgen/colormap.h"
#include "vizgen/draw.h"
#include "vizgen/figure.h"
#include "vizgen/graphemes.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: logical pixels. */
enum { MARGIN = 40, MIN_PITCH = 34, MAX_BOX = 64, ARC_MIN = 16, ARC_MAX = 150, ROW_GAP = 26 };

static const char *const arcs_names[] = {"all", "nearest", "none", NULL};
static const char *const task_names[] = {"before", "before-after", NULL};
enum arcs_mode { ARCS_ALL, ARCS_NEAREST, ARCS_NONE };
enum task { TASK_BEFORE, TASK_BEFORE_AFTER };

struct letters {
    /* keys */
    char *text;
    long cap;
    int arcs, task;
    long *highlighted;
    size_t n_highlighted;
    long attention_query;
    double sharpness;
    /* derived by letters_parse */
    struct graphemes chars; /* the text as a reader's characters */
    uint32_t *ids;          /* chars.ids: equal exactly when the characters are */
    size_t n;
    int *counts;
    bool *highlight;  /* n flags, or NULL when nothing is highlighted */
    long query;       /* position whose attention row is shown as a strip, or -1 */
    float *strip;     /* that row: n weights from the core, NaN where masked */
    float strip_null; /* and its weight on the null key */
};

enum { MAX_CHARS = 2000 };

#define KEY(f) offsetof(struct letters, f)
static const struct key keys[] = {
    {"text", KEY_STRING, KEY(text), .min = 1, .max = MAX_CHARS, .flags = KEY_REQUIRED,
     .help = "the input string; one box per character"},
    {"cap", KEY_INT, KEY(cap), .min = 0, .max = 1000, .dnum = 2,
     .help = "counts at or above it show as \"N+\"; 0 for no cap"},
    {"arcs", KEY_CHOICE, KEY(arcs), .choices = arcs_names, .dstr = "all",
     .help = "arcs to every earlier occurrence, to the nearest only, or none"},
    {"task", KEY_CHOICE, KEY(task), .choices = task_names, .dstr = "before",
     .help = "count occurrences before each position, or on both sides"},
    {"highlight", KEY_INTS, KEY(highlighted), .max = MAX_CHARS, .item_min = 0,
     .item_max = MAX_CHARS - 1, .count_offset = KEY(n_highlighted),
     .help = "positions to emphasise; everything else is dimmed"},
    {"attention_query", KEY_INT, KEY(attention_query), .min = 0, .max = MAX_CHARS - 1,
     .flags = KEY_NO_DEFAULT,
     .help = "a position whose synthetic attention row is drawn as a viridis strip under the "
             "boxes"},
    {"sharpness", KEY_NUMBER, KEY(sharpness), .min = 0, .max = 50, .dnum = 6,
     .help = "the strip's score for a matching character"},
};
#undef KEY
static const struct key_set key_set = {"letter-counting", keys, sizeof keys / sizeof keys[0], 0};

static void letters_free(void *p)
{
    struct letters *l = p;
    graphemes_free(&l->chars);
    free(l->counts);
    free(l->highlight);
    free(l->strip);
}

/* A position key must name one of the characters there are. */
static int position_ok(const char *path, long pos, size_t n, struct diag *d)
{
    if (pos >= (long)n)
        return diag_at(d, VZ_EINPUT, path, "expected an integer from 0 to %zu, got %ld", n - 1,
                       pos);
    return VZ_OK;
}

static int parse_highlight(struct letters *l, struct diag *d)
{
    if (!l->n_highlighted)
        return VZ_OK;
    l->highlight = calloc(l->n, sizeof *l->highlight);
    if (!l->highlight)
        return diag_oom(d);
    for (size_t i = 0; i < l->n_highlighted; i++) {
        char path[48];
        snprintf(path, sizeof path, "highlight[%zu]", i);
        int rc = position_ok(path, l->highlighted[i], l->n, d);
        if (rc)
            return rc;
        l->highlight[l->highlighted[i]] = true;
    }
    return VZ_OK;
}

/* The attention strip: the synthetic letter-counting row of one query, from the core, with the
 * mask the task implies (earlier keys only, or both sides). */
static int parse_strip(struct spec_node root, struct letters *l, struct diag *d)
{
    l->query = -1;
    if (!spec_has(root, "attention_query")) {
        if (spec_has(root, "sharpness"))
            return diag_at(d, VZ_EINPUT, "sharpness", "only applies with \"attention_query\"");
        return VZ_OK;
    }
    int rc = position_ok("attention_query", l->attention_query, l->n, d);
    if (rc)
        return rc;
    l->query = l->attention_query;
    /* The heatmap's model, null key included: a first occurrence's mass goes there, not to
     * unrelated characters. */
    struct attn a;
    if (attn_init(&a, l->n, l->n) != 0 || attn_add_sink(&a) != 0) {
        attn_free(&a);
        return diag_oom(d);
    }
    attn_letter_counting(&a, l->ids, l->task == TASK_BEFORE_AFTER ? MASK_NONE : MASK_CAUSAL_STRICT,
                         l->sharpness, 0, 1);
    l->strip = malloc(l->n * sizeof *l->strip);
    l->strip_null = a.sink[l->query];
    if (l->strip)
        memcpy(l->strip, a.w + (size_t)l->query * l->n, l->n * sizeof *l->strip);
    attn_free(&a);
    return l->strip ? VZ_OK : diag_oom(d);
}

static int letters_parse(struct spec_node root, const struct figure_common *common, void *p,
                         struct diag *d)
{
    (void)common;
    struct letters *l = p;
    int rc;
    if (graphemes_split(l->text, &l->chars) != 0)
        return diag_oom(d);
    l->ids = l->chars.ids;
    l->n = l->chars.n;
    if ((rc = parse_highlight(l, d)) || (rc = parse_strip(root, l, d)))
        return rc;
    l->counts = malloc(l->n * sizeof *l->counts);
    if (!l->counts ||
        letter_counts(l->ids, l->n, (int)l->cap, l->task == TASK_BEFORE_AFTER, l->counts) != 0)
        return diag_oom(d);
    return VZ_OK;
}

/* Repeated characters take the palette first, in order of appearance, so the colours that are
 * easiest to tell apart go to the characters whose pattern matters. */
static void assign_colours(const struct letters *l, unsigned *colour)
{
    int *total = calloc(l->n, sizeof *total);
    size_t next = 0;
    if (total)
        letter_counts(l->ids, l->n, 0, true, total);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < l->n; i++) {
            bool repeated = total && total[i] > 0;
            if (repeated != (pass == 0))
                continue;
            size_t first = i;
            for (size_t j = 0; j < i; j++)
                if (l->ids[j] == l->ids[i]) {
                    first = j;
                    break;
                }
            colour[i] = first < i ? colour[first] : palette_color(next++);
        }
    free(total);
}

struct geometry {
    size_t per_row;
    double pitch, box, x0;
    bool full_count; /* "Count: N" fits under a box; otherwise just N, with a row header */
};

static void count_text(const struct letters *l, size_t i, bool full, char *buf, size_t size)
{
    const char *plus = l->cap > 0 && l->counts[i] >= l->cap ? "+" : "";
    snprintf(buf, size, full ? "Count: %d%s" : "%d%s", l->counts[i], plus);
}

static void plan(struct canvas *cv, const struct letters *l, struct geometry *g)
{
    double avail = cv->width - 2 * MARGIN;
    struct font cf = {FONT_SMALL, false};
    struct text_metrics m;
    char buf[32];
    snprintf(buf, sizeof buf, "Count: %ld+", l->cap > 0 ? l->cap : 99);
    draw_measure(cv, buf, cf, &m);
    g->pitch = fmax(avail / (double)l->n, MIN_PITCH);
    g->full_count = m.width + 6 <= g->pitch && g->pitch >= MIN_PITCH;
    if (!g->full_count) {
        avail -= 56; /* the row header column */
        g->pitch = fmax(avail / (double)l->n, MIN_PITCH);
    }
    g->per_row = (size_t)floor(avail / g->pitch);
    if (g->per_row > l->n)
        g->per_row = l->n;
    g->pitch = fmin(avail / (double)g->per_row, MAX_BOX / 0.82);
    g->box = g->pitch * 0.82;
    double used = g->pitch * (double)g->per_row;
    g->x0 = cv->width - MARGIN - avail + (avail - used) / 2;
}

static bool dimmed(const struct letters *l, size_t i)
{
    return l->highlight && !l->highlight[i];
}

/* Farther arcs rise higher, so nested arcs never sit on top of each other. */
static double arc_height(double dist, double max_dist)
{
    return ARC_MIN + (ARC_MAX - ARC_MIN) * (max_dist > 1 ? (dist - 1) / (max_dist - 1) : 0);
}

/* Arcs from each query back to its earlier occurrences (or only the latest), within one row;
 * for the before-after task each pair is drawn once with a head at both ends. */
static void draw_row_arcs(struct canvas *cv, const struct letters *l, const struct geometry *g,
                          const unsigned *colour, size_t first, size_t last, double y,
                          double max_dist, bool dim_pass)
{
    for (size_t i = first; i < last; i++) {
        for (size_t jj = i; jj-- > first;) {
            size_t j = jj;
            if (l->ids[j] != l->ids[i])
                continue;
            bool dim = dimmed(l, i) && (l->task == TASK_BEFORE || dimmed(l, j));
            if (dim != dim_pass)
                continue;
            struct rgb c = rgb_hex(colour[i]);
            if (dim)
                c = rgb_mix(c, canvas_rgb(cv, PAPER), 0.75);
            double xi = g->x0 + ((double)(i - first) + 0.5) * g->pitch;
            double xj = g->x0 + ((double)(j - first) + 0.5) * g->pitch;
            draw_arc(cv, xi, xj, y, arc_height((double)(i - j), max_dist), dim ? 1.5 : 2.2,
                     rgb_to_hex(c), l->task == TASK_BEFORE_AFTER, true, (long)i, (long)j);
            if (l->arcs == ARCS_NEAREST)
                break;
        }
    }
}

/* The largest distance of an arc that stays within row [first, last). */
static double row_max_dist(const struct letters *l, size_t first, size_t last)
{
    double best = 0;
    for (size_t i = first; i < last; i++) {
        double farthest = 0;
        for (size_t j = i; j-- > first;)
            if (l->ids[j] == l->ids[i]) {
                farthest = (double)(i - j);
                if (l->arcs == ARCS_NEAREST)
                    break;
            }
        best = fmax(best, farthest);
    }
    return best;
}

/* One row's part of the attention strip: a cell per key shaded by the query's weight on it. */
static double draw_strip(struct canvas *cv, const struct letters *l, const struct geometry *g,
                         size_t first, size_t last, double y)
{
    struct font f = {FONT_SMALL, false};
    double h = 16;
    if (!g->full_count)
        draw_text(cv, "attention", g->x0 - 10, y + h / 2, f, ALIGN_RIGHT, ALIGN_MIDDLE, MUTED,
                  "row-header", (long)first);
    for (size_t j = first; j < last; j++) {
        struct box b = {g->x0 + (double)(j - first) * g->pitch + 1, y, g->pitch - 2, h};
        float w = l->strip[j];
        if (attn_masked(w))
            draw_masked(cv, b, "strip-cell", (long)j);
        else
            draw_rect(cv, b, colormap_color(CMAP_VIRIDIS, w), "strip-cell", (long)j, w);
        if ((long)j == l->query)
            draw_rect_outline(cv, b, 2, INK);
    }
    char ch[64], buf[320];
    graphemes_visible(&l->chars, (size_t)l->query, ch, sizeof ch);
    snprintf(buf, sizeof buf,
             "Synthetic attention of position %ld ('%s') over the keys, 0 to 1 in viridis; the "
             "null key \xE2\x88\x85 (attention with nowhere to go) takes %.2f; hatched keys are "
             "masked.",
             l->query, ch, l->strip_null);
    return draw_paragraph(cv, buf, g->x0, y + h + 6, cv->width - MARGIN - g->x0, f, MUTED,
                          "strip-caption");
}

static int letters_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                          struct diag *d)
{
    const struct letters *l = p;
    unsigned *colour = malloc(l->n * sizeof *colour);
    if (!colour)
        return diag_oom(d);
    assign_colours(l, colour);
    struct geometry g;
    plan(cv, l, &g);
    struct font charf = {fmin(22, g.box * 0.5), true}, small = {FONT_SMALL, false},
                countf = {FONT_SMALL, true};
    struct text_metrics m;
    draw_measure(cv, "Ag", small, &m);
    double line_h = m.ascent + m.descent;
    double y = draw_title_block(cv, fc->title, fc->subtitle, MARGIN) + 18;
    for (size_t first = 0; first < l->n; first += g.per_row) {
        size_t last = first + g.per_row < l->n ? first + g.per_row : l->n;
        double max_dist = l->arcs == ARCS_NONE ? 0 : row_max_dist(l, first, last);
        double arcs_h = max_dist > 0 ? arc_height(max_dist, max_dist) + 8 : 0;
        double box_y = canvas_snap(cv, y + arcs_h);
        /* Dimmed arcs first, so highlighted ones are drawn over them. */
        if (l->arcs != ARCS_NONE) {
            draw_row_arcs(cv, l, &g, colour, first, last, box_y - 2, max_dist, true);
            draw_row_arcs(cv, l, &g, colour, first, last, box_y - 2, max_dist, false);
        }
        if (!g.full_count) {
            draw_text(cv, "index", g.x0 - 10, box_y + g.box + 6, small, ALIGN_RIGHT, ALIGN_TOP,
                      MUTED, "row-header", (long)first);
            draw_text(cv, "count", g.x0 - 10, box_y + g.box + 10 + line_h, small, ALIGN_RIGHT,
                      ALIGN_TOP, MUTED, "row-header", (long)first);
        }
        for (size_t i = first; i < last; i++) {
            double cx = g.x0 + ((double)(i - first) + 0.5) * g.pitch;
            struct rgb c = rgb_hex(colour[i]);
            bool dim = dimmed(l, i);
            struct rgb fill = rgb_mix(c, canvas_rgb(cv, PAPER), dim ? 0.9 : 0.72);
            struct rgb edge = dim ? rgb_mix(c, canvas_rgb(cv, PAPER), 0.6) : c;
            struct box b = {cx - g.box / 2, box_y, g.box, g.box};
            draw_rect(cv, b, rgb_to_hex(fill), "box", (long)i, l->ids[i]);
            draw_rect_outline(cv, b, l->highlight && !dim ? 3 : 1.5, rgb_to_hex(edge));
            char ch[64], buf[32];
            graphemes_visible(&l->chars, i, ch, sizeof ch);
            draw_text(cv, ch, cx, box_y + g.box / 2, charf, ALIGN_CENTER, ALIGN_MIDDLE,
                      dim ? FAINT : INK, "char", (long)i);
            snprintf(buf, sizeof buf, "%zu", i);
            draw_text(cv, buf, cx, box_y + g.box + 6, small, ALIGN_CENTER, ALIGN_TOP, MUTED,
                      "index", (long)i);
            count_text(l, i, g.full_count, buf, sizeof buf);
            struct box cb = draw_text(cv, buf, cx, box_y + g.box + 10 + line_h, countf,
                                      ALIGN_CENTER, ALIGN_TOP, dim ? FAINT : INK, "count", (long)i);
            y = cb.y + cb.h;
        }
        if (l->strip)
            y = draw_strip(cv, l, &g, first, last, y + 10);
        y += ROW_GAP;
    }
    cv->height = ceil(y - ROW_GAP + MARGIN * 0.75);
    free(colour);
    return VZ_OK;
}

const struct figure_kind fig_letters_kind = {
    .name = "letter-counting",
    .summary = "the letter-counting task: characters, their counts and arcs to earlier occurrences",
    .default_output = "letter-counting-example.png",
    .default_title = "Transformer Letter Counting Task",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct letters),
    .parse = letters_parse,
    .render = letters_render,
    .free = letters_free,
};

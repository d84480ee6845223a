/* fig_letters: the letter-counting task diagram — each character in a box, its position and count
 * below, arcs back to the earlier occurrences it should attend to. Counts and arcs come from the
 * attention core, never from the spec. */
#include "vizgen/attention.h"
#include "vizgen/colormap.h"
#include "vizgen/draw.h"
#include "vizgen/figure.h"
#include "vizgen/graphemes.h"
#include "vizgen/jsonw.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Units: logical pixels. */
enum { MIN_PITCH = 34, MAX_BOX = 64, ARC_MIN = 16, ARC_MAX = 150, ROW_GAP = 26 };
/* "auto" draws every arc up to this many characters, only the nearest beyond: 60 characters
 * with every arc are a tangle. */
enum { AUTO_ALL_MAX = 30 };

static const char *const arcs_names[] = {"auto", "all", "nearest", "none", NULL};
static const char *const task_names[] = {"before", "before-after", NULL};
enum arcs_mode { ARCS_AUTO, ARCS_ALL, ARCS_NEAREST, ARCS_NONE };
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
    {"arcs", KEY_CHOICE, KEY(arcs), .choices = arcs_names, .dstr = "auto",
     .help = "arcs to every earlier occurrence (between rows, the nearest), to the nearest only, "
             "or none; auto: all up to 30 characters, else nearest"},
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
    if (l->arcs == ARCS_AUTO)
        l->arcs = l->n <= AUTO_ALL_MAX ? ARCS_ALL : ARCS_NEAREST;
    if ((rc = parse_highlight(l, d)) || (rc = parse_strip(root, l, d)))
        return rc;
    l->counts = malloc(l->n * sizeof *l->counts);
    if (!l->counts ||
        letter_counts(l->ids, l->n, (int)l->cap, l->task == TASK_BEFORE_AFTER, l->counts) != 0)
        return diag_oom(d);
    return VZ_OK;
}

/* For characters that repeat: Paul Tol's "bright" scheme, made to stay apart for colour-blind
 * readers too, and his indigo. Few, so that no two are near: more repeated characters than
 * colours share them. */
static const unsigned REPEAT_COLOURS[] = {0x4477AA, 0xEE6677, 0x228833, 0xCCBB44,
                                          0x66CCEE, 0xAA3377, 0x332288};
enum { N_REPEAT = sizeof REPEAT_COLOURS / sizeof REPEAT_COLOURS[0] };
enum { SINGLE = N_REPEAT }; /* the slot of characters that occur once: neutral grey */

/* Each character's colour slot. A repeated character's slot comes from a hash of the character,
 * so it keeps its colour from figure to figure; when two repeated characters of one text hash
 * to the same slot, the later takes the next free one. What occurs once is grey: colour is
 * spent only where the pattern is. */
static void assign_colours(const struct letters *l, int *slot)
{
    int *total = calloc(l->n, sizeof *total);
    bool used[N_REPEAT] = {false};
    size_t n_used = 0;
    if (total)
        letter_counts(l->ids, l->n, 0, true, total);
    for (size_t i = 0; i < l->n; i++) {
        slot[i] = SINGLE;
        if (!total || total[i] == 0)
            continue;
        size_t first = i;
        for (size_t j = 0; j < i && first == i; j++)
            if (l->ids[j] == l->ids[i])
                first = j;
        if (first < i) {
            slot[i] = slot[first];
            continue;
        }
        int k = (int)(graphemes_hash(&l->chars, i) % N_REPEAT);
        while (n_used < N_REPEAT && used[k])
            k = (k + 1) % N_REPEAT;
        used[k] = true;
        n_used++;
        slot[i] = k;
    }
    free(total);
}

static struct rgb slot_colour(struct canvas *cv, int slot)
{
    return slot == SINGLE ? canvas_rgb(cv, MUTED) : rgb_hex(REPEAT_COLOURS[slot]);
}

/* A slot's border and arc colour on this page, at least 3:1 against the paper. */
static struct rgb slot_edge(struct canvas *cv, int slot)
{
    return rgb_with_contrast(slot_colour(cv, slot), canvas_rgb(cv, INK), canvas_rgb(cv, PAPER), 3);
}

struct geometry {
    size_t per_row;
    double pitch, box, x0;
    double arc_max;  /* the tallest arc: in proportion to the boxes, at most ARC_MAX */
    double edge;     /* how far past a row's end, in pitches, an arc between rows crosses it */
    bool full_count; /* "Count: N" fits under a box; otherwise just N, with a row header */
};

static void count_text(const struct letters *l, size_t i, bool full, char *buf, size_t size)
{
    const char *plus = l->cap > 0 && l->counts[i] >= l->cap ? "+" : "";
    snprintf(buf, size, full ? "Count: %d%s" : "%d%s", l->counts[i], plus);
}

static void plan(struct canvas *cv, const struct letters *l, struct geometry *g)
{
    double avail = cv->width - 2 * canvas_margin(cv);
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
    /* Rows as even as they can be: 7, 6, 6 rather than 9, 9, 1. */
    size_t rows = (l->n + g->per_row - 1) / g->per_row;
    g->per_row = (l->n + rows - 1) / rows;
    g->pitch = fmin(avail / (double)g->per_row, MAX_BOX / 0.82);
    g->box = g->pitch * 0.82;
    g->arc_max = fmin(ARC_MAX, fmax(3 * g->pitch, ARC_MIN + 20));
    g->edge = fmin(0.6, 0.7 * canvas_margin(cv) / g->pitch); /* within the margin */
    double used = g->pitch * (double)g->per_row;
    g->x0 = cv->width - canvas_margin(cv) - avail + (avail - used) / 2;
}

static bool dimmed(const struct letters *l, size_t i)
{
    return l->highlight && !l->highlight[i];
}

/* Farther arcs rise higher, so nested arcs never sit on top of each other. */
static double arc_height(const struct geometry *g, double dist, double max_dist)
{
    return ARC_MIN + (g->arc_max - ARC_MIN) * (max_dist > 1 ? (dist - 1) / (max_dist - 1) : 0);
}

/* Where each character occurs before and after: prev[i] and next[i], or SIZE_MAX for none. */
struct occurrences {
    size_t *prev, *next;
};

static int occurrences_find(const struct letters *l, struct occurrences *o)
{
    o->prev = malloc(l->n * sizeof *o->prev);
    o->next = malloc(l->n * sizeof *o->next);
    if (!o->prev || !o->next)
        return -1;
    for (size_t i = 0; i < l->n; i++) {
        o->prev[i] = o->next[i] = SIZE_MAX;
        for (size_t j = i; j-- > 0;)
            if (l->ids[j] == l->ids[i]) {
                o->prev[i] = j;
                o->next[j] = i;
                break;
            }
    }
    return 0;
}

struct pair {
    size_t i, j; /* query i attends to its earlier occurrence j */
};

static bool pair_add(struct pair **out, size_t *n, size_t *cap, size_t i, size_t j)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 64;
        struct pair *p = realloc(*out, *cap * sizeof *p);
        if (!p)
            return false;
        *out = p;
    }
    (*out)[(*n)++] = (struct pair){i, j};
    return true;
}

/* The arcs that touch row [first, last): from its queries back to earlier occurrences in the
 * row (every one, or the nearest), and between rows from a query to its nearest earlier
 * occurrence only, leaving or arriving — every pair across rows would fan through the row's
 * edge. Returns how many, or SIZE_MAX when out of memory; *out is malloc'd. */
static size_t row_arcs(const struct letters *l, const struct occurrences *o, size_t first,
                       size_t last, struct pair **out)
{
    bool all = l->arcs == ARCS_ALL;
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t k = first; k < last; k++) {
        for (size_t at = o->prev[k]; at != SIZE_MAX; at = all ? o->prev[at] : SIZE_MAX) {
            if (at < first && at != o->prev[k])
                break;
            if (!pair_add(out, &n, &cap, k, at))
                return SIZE_MAX;
            if (at < first)
                break;
        }
        size_t later = o->next[k];
        if (later != SIZE_MAX && later >= last && !pair_add(out, &n, &cap, later, k))
            return SIZE_MAX;
    }
    return n;
}

/* An arc's span in pitches within row [first, last): an arc to an earlier row leaves through
 * the row's left edge, one from a later row arrives through its right edge. */
static double span_in_row(const struct geometry *g, struct pair p, size_t first, size_t last)
{
    if (p.i >= last)
        return (double)(last - p.j) - 0.5 + g->edge;
    if (p.j < first)
        return (double)(p.i - first) + 0.5 + g->edge;
    return (double)(p.i - p.j);
}

/* The row's arcs; for the before-after task each pair is drawn once with a head at both ends.
 * An arc between rows is drawn in both, as halves through the rows' edges. */
static void draw_row_arcs(struct canvas *cv, const struct letters *l, const struct geometry *g,
                          const int *slot, const struct pair *arcs, size_t n_arcs, size_t first,
                          size_t last, double y, double max_dist, bool dim_pass)
{
    double edge = g->edge * g->pitch;
    double left = g->x0 - edge, right = g->x0 + (double)(last - first) * g->pitch + edge;
    bool both = l->task == TASK_BEFORE_AFTER;
    for (size_t k = 0; k < n_arcs; k++) {
        size_t i = arcs[k].i, j = arcs[k].j;
        bool dim = dimmed(l, i) && (l->task == TASK_BEFORE || dimmed(l, j));
        if (dim != dim_pass)
            continue;
        struct rgb c = slot_edge(cv, slot[i]);
        if (dim)
            c = rgb_mix(c, canvas_rgb(cv, PAPER), 0.75);
        double xi = i < last ? g->x0 + ((double)(i - first) + 0.5) * g->pitch : right;
        double xj = j >= first ? g->x0 + ((double)(j - first) + 0.5) * g->pitch : left;
        bool whole = i < last && j >= first;
        struct arc_style st = {dim ? 1.5 : 2.2, rgb_to_hex(c), both && i < last, j >= first,
                               whole ? "arc" : "arc-part"};
        draw_arc(cv, xi, xj, y, arc_height(g, span_in_row(g, arcs[k], first, last), max_dist), &st,
                 (long)i, (long)j);
    }
}

static double max_span(const struct geometry *g, const struct pair *arcs, size_t n_arcs,
                       size_t first, size_t last)
{
    double best = 0;
    for (size_t k = 0; k < n_arcs; k++)
        best = fmax(best, span_in_row(g, arcs[k], first, last));
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
            draw_rect_outline(cv, b, 2, INK, NULL, -1);
    }
    char ch[64], buf[320];
    graphemes_visible(&l->chars, (size_t)l->query, ch, sizeof ch);
    snprintf(buf, sizeof buf,
             "Synthetic attention of position %ld ('%s') over the keys, 0 to 1 in viridis; the "
             "null key \xE2\x88\x85 (attention with nowhere to go) takes %.2f; hatched keys are "
             "masked.",
             l->query, ch, l->strip_null);
    return draw_paragraph(cv, buf, g->x0, y + h + 6, cv->width - canvas_margin(cv) - g->x0, f,
                          MUTED, "strip-caption");
}

static int letters_render(const void *p, const struct figure_common *fc, struct canvas *cv,
                          struct diag *d)
{
    const struct letters *l = p;
    if (cv->data) {
        jsonw_put_strings(cv->data, "characters", l->chars.text, l->n);
        jsonw_put_ints(cv->data, "counts", l->counts, l->n);
        if (l->strip)
            jsonw_put_floats(cv->data, "attention_row", l->strip, l->n);
    }
    int *slot = malloc(l->n * sizeof *slot);
    if (!slot)
        return diag_oom(d);
    assign_colours(l, slot);
    struct geometry g;
    plan(cv, l, &g);
    struct font charf = {fmin(22, g.box * 0.5), true}, small = {FONT_SMALL, false},
                countf = {FONT_SMALL, true};
    struct text_metrics m;
    draw_measure(cv, "Ag", small, &m);
    double line_h = m.ascent + m.descent;
    double y = draw_title_block(cv, fc->title, fc->subtitle, canvas_margin(cv)) + 18;
    struct occurrences occ = {NULL, NULL};
    int rc = VZ_OK;
    if (occurrences_find(l, &occ) != 0)
        rc = diag_oom(d);
    for (size_t first = 0; first < l->n && rc == VZ_OK; first += g.per_row) {
        size_t last = first + g.per_row < l->n ? first + g.per_row : l->n;
        struct pair *arcs = NULL;
        size_t n_arcs = l->arcs == ARCS_NONE ? 0 : row_arcs(l, &occ, first, last, &arcs);
        if (n_arcs == SIZE_MAX) {
            rc = diag_oom(d);
            break;
        }
        double max_dist = max_span(&g, arcs, n_arcs, first, last);
        double arcs_h = max_dist > 0 ? arc_height(&g, max_dist, max_dist) + 8 : 0;
        double box_y = canvas_snap(cv, y + arcs_h);
        /* Dimmed arcs first, so highlighted ones are drawn over them. */
        for (int pass = 1; pass >= 0; pass--)
            draw_row_arcs(cv, l, &g, slot, arcs, n_arcs, first, last, box_y - 2, max_dist, pass);
        free(arcs);
        if (!g.full_count) {
            draw_text(cv, "index", g.x0 - 10, box_y + g.box + 6, small, ALIGN_RIGHT, ALIGN_TOP,
                      MUTED, "row-header", (long)first);
            draw_text(cv, "count", g.x0 - 10, box_y + g.box + 10 + line_h, small, ALIGN_RIGHT,
                      ALIGN_TOP, MUTED, "row-header", (long)first);
        }
        for (size_t i = first; i < last; i++) {
            double cx = g.x0 + ((double)(i - first) + 0.5) * g.pitch;
            struct rgb edge = slot_edge(cv, slot[i]), paper = canvas_rgb(cv, PAPER);
            bool dim = dimmed(l, i);
            struct rgb fill = rgb_mix(slot_colour(cv, slot[i]), paper,
                                      dim                 ? 0.9
                                      : slot[i] == SINGLE ? 0.88
                                                          : 0.55);
            if (dim)
                edge = rgb_mix(edge, paper, 0.6);
            struct box b = {cx - g.box / 2, box_y, g.box, g.box};
            draw_rect(cv, b, rgb_to_hex(fill), "box", (long)i, l->ids[i]);
            draw_rect_outline(cv, b, l->highlight && !dim ? 3 : 1.5, rgb_to_hex(edge), "box-edge",
                              (long)i);
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
    cv->height = ceil(fmax(y - ROW_GAP + canvas_margin(cv) * 0.75, fc->height));
    free(slot);
    free(occ.prev);
    free(occ.next);
    return rc;
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

/* attn_source: from the attention keys to attention matrices; the numbers themselves come from
 * attention.c and npy.c. */
#include "vizgen/attn_source.h"

#include "vizgen/attn_heads.h"
#include "vizgen/npy.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const normalize_names[] = {"none", "softmax", NULL};
/* The spec's masks: attn_mask_names after "auto". */
static const char *const mask_names[] = {"auto", "causal-strict", "causal", "none", NULL};
enum { MASK_AUTO = 0 };
static const char *const leading_names[] = {"head", "layer", NULL};
enum { LEADING_HEAD, LEADING_LAYER };

#define KEY(f) offsetof(struct attn_keys, f)
static const struct key keys[] = {
    {"text", KEY_STRING, KEY(text), .min = 1, .max = ATTN_MAX_TEXT,
     .help = "a string whose characters label the axes; alone, it gives synthetic "
             "letter-counting weights"},
    {"tokens", KEY_STRINGS, KEY(tokens), .min = 1, .count_offset = KEY(n_tokens),
     .help = "labels of the positions, instead of 0, 1, 2..."},
    {"weights", KEY_TENSOR, KEY(weights),
     .help = "real weights inline: [query][key], [head][query][key] or "
             "[layer][head][query][key]"},
    {"npy", KEY_PATH, KEY(npy), .help = "real weights from a NumPy .npy file of such an array"},
    {"layer", KEY_INT, KEY(layer), .min = 0, .max = 9007199254740991.0, .flags = KEY_NO_DEFAULT,
     .help = "layer to show from a 4-D array, or a 3-D one whose leading_axis is layer "
             "(default 0)"},
    {"head", KEY_INT, KEY(head), .min = 0, .max = 9007199254740991.0, .flags = KEY_NO_DEFAULT,
     .help = "head to show from a 3-D or 4-D array (default 0)"},
    {"mask", KEY_CHOICE, KEY(mask), .choices = mask_names, .dstr = "auto",
     .help = "cells a query may not attend to; auto: causal-strict for synthetic weights, and "
             "for real ones causal when every weight above the diagonal is exactly 0"},
    {"leading_axis", KEY_CHOICE, KEY(leading_axis), .choices = leading_names, .dstr = "head",
     .help =
         "what the first axis of a 3-D array is: heads of one layer, or layers (head-averaged)"},
    {"null_key", KEY_BOOL, KEY(null_key), .dnum = 1,
     .help = "synthetic weights get a null key that takes the attention of a query with no "
             "earlier copy of its character"},
    {"normalize", KEY_CHOICE, KEY(normalize), .choices = normalize_names, .dstr = "none",
     .help = "softmax each row, for real weights given as raw scores"},
    {"sharpness", KEY_NUMBER, KEY(sharpness), .min = 0, .max = 50, .dnum = 6,
     .help = "synthetic score of a matching character"},
    {"noise", KEY_NUMBER, KEY(noise), .min = 0, .max = 10,
     .help = "amplitude of uniform noise added to synthetic scores"},
    {"seed", KEY_INT, KEY(seed), .min = 0, .max = 9007199254740991.0, .dnum = 1,
     .help = "seed of the synthetic noise"},
};
const struct key_set attn_source_keys = {"attention (synthetic from \"text\", or real from "
                                         "\"weights\" or \"npy\")",
                                         keys, sizeof keys / sizeof keys[0], 0};

static const char *const combine_names[] = {"none", "rollout", NULL};
enum { COMBINE_NONE, COMBINE_ROLLOUT };
static const struct key combine_keys[] = {
    {"combine", KEY_CHOICE, KEY(combine), .choices = combine_names, .dstr = "none",
     .help = "rollout: attention rollout (Abnar & Zuidema) through the layers, up to \"layer\" "
             "if given, in place of one layer's heads"},
};
#undef KEY
const struct key_set attn_combine_keys = {"attention rollout", combine_keys,
                                          sizeof combine_keys / sizeof combine_keys[0], 0};

void attn_source_free(struct attn_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_panels; i++)
        attn_free(&s->panels[i].a);
    free(s->panels);
    position_labels_free(s->labels, s->n_labels);
    graphemes_free(&s->chars);
    memset(s, 0, sizeof *s);
}

/* The real weights as given: inline floats or a mapped .npy, read a panel at a time. */
struct weights {
    int rank;
    size_t shape[TENSOR_MAX_RANK];
    struct tensor *inline_t;    /* or NULL */
    const struct npy_file *npy; /* or NULL */
    const char *file;           /* the .npy's path, for messages; NULL for inline */
    bool raw;                   /* scores to be normalised: any finite value is fine */
};

static void cell_name(const struct weights *w, size_t flat, char *buf, size_t size)
{
    size_t idx[TENSOR_MAX_RANK];
    for (int a = w->rank - 1; a >= 0; a--) {
        idx[a] = flat % w->shape[a];
        flat /= w->shape[a];
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < w->rank && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, "[%zu]", idx[a]);
}

/* A value that is no weight: reported where the user can find it (the .npy, or the JSON path
 * of the inline array). Never clamped: a figure would show a weight that was not there. */
static int bad_weight(const struct weights *w, size_t flat, float v, struct diag *d)
{
    char cell[96], got[64], path[128];
    cell_name(w, flat, cell, sizeof cell);
    if (isnan(v))
        snprintf(got, sizeof got, "NaN");
    else if (isinf(v))
        snprintf(got, sizeof got, "%sinfinity", v < 0 ? "-" : "");
    else
        snprintf(got, sizeof got, "%g", v);
    const char *want = isfinite(v) ? "a weight from 0 to 1" : "a finite weight";
    const char *hint = isfinite(v) ? " (set \"normalize\": \"softmax\" for raw scores)" : "";
    if (w->file)
        return diag_in(d, VZ_EINPUT, w->file, "value at %s: expected %s, got %s%s", cell, want, got,
                       hint);
    snprintf(path, sizeof path, "weights%s", cell);
    return diag_at(d, VZ_EINPUT, path, "expected %s, got %s%s", want, got, hint);
}

/* The index of the first value outside [lo, hi] (NaN included), or n. Blocks are tested with
 * a branch-free OR that the compiler vectorises; a 4096² panel is 16 M values. */
static size_t first_outside(const float *v, size_t n, float lo, float hi)
{
    enum { BLOCK = 1024 };
    for (size_t at = 0; at < n; at += BLOCK) {
        size_t end = n - at < BLOCK ? n : at + BLOCK;
        int out = 0;
        for (size_t i = at; i < end; i++)
            out |= !(v[i] >= lo) | !(v[i] <= hi);
        if (out)
            for (size_t i = at; i < end; i++)
                if (!(v[i] >= lo && v[i] <= hi))
                    return i;
    }
    return n;
}

/* Adds the q x k panel at offset, reading only that panel of the array. */
static int add_panel(struct attn_source *s, const struct weights *w, size_t offset, long layer,
                     long head, struct diag *d)
{
    size_t q = w->shape[w->rank - 2], k = w->shape[w->rank - 1];
    struct attn_panel *p = &s->panels[s->n_panels];
    p->layer = layer;
    p->head = head;
    if (w->inline_t && w->rank == 2) {
        /* The whole array is this one panel: take it rather than copy it. */
        p->a.rows = q;
        p->a.cols = k;
        p->a.w = w->inline_t->data;
        w->inline_t->data = NULL;
    } else {
        if (attn_init(&p->a, q, k) != 0)
            return diag_oom(d);
        if (w->inline_t)
            memcpy(p->a.w, w->inline_t->data + offset, q * k * sizeof *p->a.w);
        else {
            int rc = npy_read_range(w->npy, offset, q * k, p->a.w, d);
            if (rc) {
                attn_free(&p->a);
                return rc;
            }
        }
    }
    s->n_panels++;
    /* 1e-6 of slack: a softmax's float32 weights can reach a hair past 1. */
    float lo = w->raw ? -FLT_MAX : -1e-6f, hi = w->raw ? FLT_MAX : 1 + 1e-6f;
    size_t bad = first_outside(p->a.w, q * k, lo, hi);
    return bad < q * k ? bad_weight(w, offset + bad, p->a.w[bad], d) : VZ_OK;
}

/* An axis index the spec gave, within what the array has. */
static int axis_index(const char *key, long given, size_t n, long *out, struct diag *d)
{
    if (given >= (long)n)
        return diag_at(d, VZ_EINPUT, key, "expected an integer from 0 to %zu, got %ld", n - 1,
                       given);
    *out = given;
    return VZ_OK;
}

/* Picks the panels: one (layer, head), or every head of one layer, or every head of every
 * layer; refuses more than the figure has room for before reading any of them. */
static int select_panels(struct spec_node root, const struct attn_keys *k, const struct weights *w,
                         const struct attn_request *req, struct attn_source *s, struct diag *d)
{
    /* A 3-D array's first axis is heads unless the spec says layers (per-layer attention,
     * averaged over heads); a 4-D one is always [layer][head]. */
    bool by_layer = w->rank == 3 && k->leading_axis == LEADING_LAYER;
    bool layer_axis = w->rank == 4 || by_layer,
         head_axis = w->rank == 4 || (w->rank == 3 && !by_layer);
    size_t L = layer_axis ? w->shape[0] : 1, H = w->rank == 4 ? w->shape[1]
                                                 : head_axis  ? w->shape[0]
                                                              : 1;
    const char *axes = w->rank == 2 ? "2-D: [query][key]"
                       : by_layer   ? "3-D: [layer][query][key]"
                                    : "3-D: [head][query][key]";
    bool has_layer = spec_has(root, "layer"), has_head = spec_has(root, "head");
    if (spec_has(root, "leading_axis") && w->rank != 3)
        return diag_at(d, VZ_EINPUT, "leading_axis", "only applies to 3-D arrays, not %d-D",
                       w->rank);
    if (!layer_axis && has_layer)
        return diag_at(d, VZ_EINPUT, "layer", "the weights have no layer axis (%s)", axes);
    if (!head_axis && has_head)
        return diag_at(d, VZ_EINPUT, "head", "the weights have no head axis (%s)", axes);
    bool rollout = k->combine == COMBINE_ROLLOUT;
    if (rollout && !layer_axis)
        return diag_at(d, VZ_EINPUT, "combine",
                       "rollout multiplies layers, and the weights have no layer axis (%s)", axes);
    if ((req->all_heads || rollout) && has_head)
        return diag_at(d, VZ_EINPUT, "head", "%s every head; remove \"head\"",
                       rollout ? "rollout averages" : "a grid shows");
    s->by_layer = by_layer;
    long layer = rollout ? (long)L - 1 : 0, head = 0;
    int rc;
    if ((has_layer && (rc = axis_index("layer", k->layer, L, &layer, d))) ||
        (has_head && (rc = axis_index("head", k->head, H, &head, d))))
        return rc;
    size_t l0 = (size_t)layer, l1 = l0 + 1, h0 = (size_t)head, h1 = h0 + 1;
    if (req->all_heads || rollout) {
        h0 = 0, h1 = H;
        if (rollout || (!has_layer && !req->one_layer))
            l0 = 0;
        if (!rollout && !has_layer && !req->one_layer)
            l1 = L;
    }
    size_t count = (l1 - l0) * (h1 - h0);
    if (req->max_panels && !rollout && count > req->max_panels)
        return diag_at(d, VZ_EINPUT, "layout",
                       "a grid of %zu panels does not fit: at most %zu do at this width (pick a "
                       "\"layer\", or raise \"size\")",
                       count, req->max_panels);
    s->panels = calloc(count, sizeof *s->panels);
    if (!s->panels)
        return diag_oom(d);
    size_t panel = w->shape[w->rank - 2] * w->shape[w->rank - 1];
    for (size_t l = l0; l < l1; l++)
        for (size_t h = h0; h < h1; h++)
            if ((rc = add_panel(s, w, (l * H + h) * panel, layer_axis ? (long)l : -1,
                                head_axis ? (long)h : -1, d)))
                return rc;
    return VZ_OK;
}

static int load_real(struct spec_node root, struct attn_keys *k, const struct attn_request *req,
                     struct attn_source *s, struct diag *d)
{
    struct weights w = {.inline_t = k->weights.data ? &k->weights : NULL,
                        .file = k->weights.data ? NULL : k->npy,
                        .raw = k->normalize != 0};
    struct npy_file f = {0};
    const char *from = w.inline_t ? "weights" : "npy";
    if (w.inline_t && k->npy)
        return diag_at(d, VZ_EINPUT, "npy", "give either \"weights\" or \"npy\", not both");
    if (w.inline_t) {
        w.rank = k->weights.rank;
        memcpy(w.shape, k->weights.shape, sizeof w.shape);
    } else {
        /* The file may be larger than memory: only the panels drawn are read. */
        struct tensor_limits lim = {SIZE_MAX / 8, req->max_cells};
        int rc = npy_open(k->npy, &lim, &f, d);
        if (rc)
            return rc;
        w.npy = &f;
        w.rank = f.rank;
        memcpy(w.shape, f.shape, sizeof w.shape);
    }
    int rc = VZ_OK;
    if (w.rank < 2)
        rc = diag_at(d, VZ_EINPUT, from, "expected an array of 2 to 4 dimensions, got 1");
    else if (w.shape[w.rank - 2] != w.shape[w.rank - 1])
        rc = diag_at(d, VZ_EINPUT, from, "expected square attention matrices, got %zux%zu",
                     w.shape[w.rank - 2], w.shape[w.rank - 1]);
    else
        rc = select_panels(root, k, &w, req, s, d);
    npy_close(&f);
    return rc;
}

int position_labels(char *const *tokens, size_t n_tokens, const struct graphemes *chars, size_t n,
                    char ***out, struct diag *d)
{
    char **labels = calloc(n, sizeof *labels);
    if (!labels)
        return diag_oom(d);
    *out = labels;
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        const char *label = buf;
        if (n_tokens)
            label = tokens[i];
        else if (chars && chars->ids)
            graphemes_visible(chars, i, buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "%zu", i);
        if (!(labels[i] = strdup(label)))
            return diag_oom(d);
    }
    return VZ_OK;
}

void position_labels_free(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++)
        free(labels[i]);
    free(labels);
}

static int attn_labels(const struct attn_keys *k, struct attn_source *s, struct diag *d)
{
    size_t n = s->panels[0].a.rows;
    if (k->n_tokens && k->n_tokens != n)
        return diag_at(d, VZ_EINPUT, "tokens", "%zu tokens but the attention matrix is %zux%zu",
                       k->n_tokens, n, n);
    int rc = position_labels(k->tokens, k->n_tokens, &s->chars, n, &s->labels, d);
    if (s->labels)
        s->n_labels = n;
    return rc;
}

/* Keys that are valid but mean nothing for this kind of attention are errors, not ignored. */
static int reject_keys(struct spec_node root, const char *const *names, const char *only_for,
                       struct diag *d)
{
    for (; *names; names++)
        if (spec_has(root, *names))
            return diag_at(d, VZ_EINPUT, *names, "only applies to %s", only_for);
    return VZ_OK;
}

double *attn_source_rollout(const struct attn_source *s, size_t *layers)
{
    size_t heads, n = s->panels[0].a.rows;
    attn_source_grid(s, layers, &heads);
    const struct attn **mats = malloc(s->n_panels * sizeof *mats);
    double *out = malloc(n * n * sizeof *out);
    bool ok = mats && out && *layers * heads == s->n_panels;
    for (size_t i = 0; ok && i < s->n_panels; i++)
        mats[i] = &s->panels[i].a;
    ok = ok && attn_rollout(mats, *layers, heads, *layers, out) == 0;
    free(mats);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* Replaces the panels, every head of layers 0..L, by their rollout: one panel for layer L. The
 * product of causal layers is causal, and is masked as such unless the spec says otherwise. */
static int collapse_rollout(const struct attn_keys *k, struct attn_source *s, struct diag *d)
{
    size_t layers, n = s->panels[0].a.rows;
    double *out = attn_source_rollout(s, &layers);
    struct attn r = {0};
    if (!out || attn_init(&r, n, n) != 0) {
        free(out);
        return diag_oom(d);
    }
    for (size_t i = 0; i < n * n; i++)
        r.w[i] = (float)out[i];
    free(out);
    enum attn_mask mask = k->mask != MASK_AUTO  ? (enum attn_mask)(k->mask - 1)
                          : attn_upper_zero(&r) ? MASK_CAUSAL
                                                : MASK_NONE;
    attn_apply_mask(&r, mask);
    long last = s->panels[s->n_panels - 1].layer;
    for (size_t i = 0; i < s->n_panels; i++)
        attn_free(&s->panels[i].a);
    s->panels[0] = (struct attn_panel){r, last, -1};
    s->n_panels = 1;
    s->rollout = true;
    return VZ_OK;
}

/* Real weights: masked as given or as they show themselves; rows are checked to be
 * distributions. */
static int build_real(struct spec_node root, struct attn_keys *k, const struct attn_request *req,
                      struct attn_source *s, struct diag *d)
{
    static const char *const synthetic_only[] = {"sharpness", "noise", "seed", "null_key", NULL};
    int rc;
    if ((rc = reject_keys(root, synthetic_only, "synthetic attention (no \"weights\" or \"npy\")",
                          d)) ||
        (rc = load_real(root, k, req, s, d)))
        return rc;
    if (s->chars.ids && s->chars.n != s->panels[0].a.rows)
        return diag_at(d, VZ_EINPUT, "text", "%zu characters but the attention matrix is %zux%zu",
                       s->chars.n, s->panels[0].a.rows, s->panels[0].a.rows);
    bool warned = false; /* one warning says it; a line per panel would bury it */
    for (size_t i = 0; i < s->n_panels; i++) {
        struct attn *a = &s->panels[i].a;
        /* "auto": a matrix whose every weight above the diagonal is exactly 0 comes from a
         * causal model, and those cells are masked, not a triangle of dark 0.00s. */
        enum attn_mask mask = k->mask != MASK_AUTO                  ? (enum attn_mask)(k->mask - 1)
                              : !k->normalize && attn_upper_zero(a) ? MASK_CAUSAL
                                                                    : MASK_NONE;
        attn_apply_mask(a, mask);
        if (k->normalize)
            attn_softmax_rows(a);
        double sum;
        long bad = attn_first_unnormalized_row(a, 1e-3, &sum);
        if (bad < 0 || warned)
            continue;
        warned = true;
        const char *fmt = "row %ld of the attention sums to %.4g, not 1 (set \"normalize\": "
                          "\"softmax\" for raw scores)";
        if (k->npy)
            diag_warn_in(d, k->npy, fmt, bad, sum);
        else
            diag_warn(d, "weights", fmt, bad, sum);
    }
    return k->combine == COMBINE_ROLLOUT ? collapse_rollout(k, s, d) : VZ_OK;
}

static int build_synthetic(struct spec_node root, const struct attn_keys *k,
                           const struct attn_request *req, struct attn_source *s, struct diag *d)
{
    if (!s->chars.ids)
        return diag_at(d, VZ_EINPUT, "text",
                       "missing required key (synthetic attention is computed from a text; or "
                       "give \"weights\" or \"npy\")");
    static const char *const real_only[] = {"normalize",    "layer",   "head",
                                            "leading_axis", "combine", NULL};
    int rc = reject_keys(root, real_only, "real weights (\"weights\" or \"npy\")", d);
    if (rc)
        return rc;
    if (s->chars.n * s->chars.n > req->max_cells)
        return diag_at(d, VZ_EINPUT, "text",
                       "%zux%zu is %zu cells, over the limit of %zu per panel (raise it with "
                       "--max-cells)",
                       s->chars.n, s->chars.n, s->chars.n * s->chars.n, req->max_cells);
    s->synthetic = true;
    s->panels = calloc(1, sizeof *s->panels);
    if (!s->panels || attn_init(&s->panels[0].a, s->chars.n, s->chars.n) != 0)
        return diag_oom(d);
    s->n_panels = 1;
    s->panels[0].layer = s->panels[0].head = -1;
    if (k->null_key && attn_add_sink(&s->panels[0].a) != 0)
        return diag_oom(d);
    enum attn_mask mask = k->mask == MASK_AUTO ? MASK_CAUSAL_STRICT : (enum attn_mask)(k->mask - 1);
    attn_letter_counting(&s->panels[0].a, s->chars.ids, mask, k->sharpness, k->noise,
                         (uint64_t)k->seed);
    return VZ_OK;
}

int attn_source_build(struct spec_node root, struct attn_keys *k, const struct attn_request *req,
                      struct attn_source *s, struct diag *d)
{
    memset(s, 0, sizeof *s);
    int rc;
    if (k->text && k->n_tokens) {
        rc = diag_at(d, VZ_EINPUT, "tokens", "give either \"text\" or \"tokens\", not both");
        goto fail;
    }
    if (k->text && graphemes_split(k->text, &s->chars) != 0) {
        rc = diag_oom(d);
        goto fail;
    }
    bool real = k->weights.data || k->npy;
    if ((rc = real ? build_real(root, k, req, s, d) : build_synthetic(root, k, req, s, d)) ||
        (rc = attn_labels(k, s, d)))
        goto fail;
    return VZ_OK;
fail:
    attn_source_free(s);
    return rc;
}

void attn_source_grid(const struct attn_source *s, size_t *layers, size_t *heads)
{
    size_t h = 1;
    while (h < s->n_panels && s->panels[h].layer == s->panels[0].layer)
        h++;
    *heads = h;
    *layers = s->n_panels / h;
}

const char attn_rollout_note[] =
    "Attention rollout (Abnar & Zuidema, 2020): each layer's heads averaged, the identity added "
    "for the residual path and rows renormalised, then the layers multiplied; a weight is how much "
    "of the query's representation traces back to the key.";

void attn_panel_name(const struct attn_source *s, const struct attn_panel *p, char *buf,
                     size_t size)
{
    if (s->rollout)
        snprintf(buf, size,
                 "rollout L0\xE2\x80\x93"
                 "L%ld",
                 p->layer);
    else if (p->layer >= 0 && p->head >= 0)
        snprintf(buf, size, "L%ld H%ld", p->layer, p->head);
    else if (p->layer >= 0)
        snprintf(buf, size, "L%ld", p->layer);
    else if (p->head >= 0)
        snprintf(buf, size, "H%ld", p->head);
    else
        buf[0] = 0;
}

/* attn_source: from spec keys to attention matrices; the numbers themselves come from attention.c
 * and npy.c. */
#include "vizgen/attn_source.h"

#include "vizgen/figure.h"
#include "vizgen/npy.h"
#include "vizgen/utf8.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const attn_source_keys[] = {"text", "tokens",    "weights", "npy",  "layer",     "head",
                                        "mask", "sharpness", "noise",   "seed", "normalize", NULL};

static const char *const normalize_names[] = {"none", "softmax", NULL};

/* Largest array the loaders accept across all layers and heads: 2^28 floats (1 GiB), or one
 * panel's limit when that was raised above it. */
static size_t max_elems(const struct attn_request *req)
{
    return req->max_cells > ((size_t)1 << 28) ? req->max_cells : (size_t)1 << 28;
}

static int too_many_cells(const char *what, size_t q, size_t k, const struct attn_request *req,
                          struct diag *d)
{
    return diag_at(
        d, VZ_EINPUT, what,
        "%zux%zu is %zu cells, over the limit of %zu per panel (raise it with --max-cells)", q, k,
        q * k, req->max_cells);
}

void attn_source_free(struct attn_source *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_panels; i++)
        attn_free(&s->panels[i].a);
    free(s->panels);
    for (size_t i = 0; i < s->n_labels; i++)
        free(s->labels[i]);
    free(s->labels);
    free(s->cps);
    free(s->input_path);
    memset(s, 0, sizeof *s);
}

static int oom(struct diag *d)
{
    return diag_oom(d);
}

/* Fills t from nested JSON arrays: the shape is read along the first elements, then every
 * innermost row is checked to have that length as it is read. */
static int read_inline(struct spec_node n, const struct attn_request *req, struct tensor *t,
                       struct diag *d)
{
    memset(t, 0, sizeof *t);
    struct spec_node cur = n;
    while (spec_type_of(cur) == SPEC_ARRAY) {
        if (t->rank == TENSOR_MAX_RANK)
            return diag_at(d, VZ_EINPUT, n.path,
                           "expected an array of 2 to 4 dimensions, got more");
        size_t len = spec_len(cur);
        if (len == 0)
            return diag_at(d, VZ_EINPUT, cur.path, "expected a non-empty array");
        t->shape[t->rank++] = len;
        cur = spec_at(cur, 0);
    }
    if (t->rank < 2)
        return diag_at(d, VZ_EINPUT, n.path, "expected an array of 2 to 4 dimensions, got %d",
                       t->rank);
    size_t total = 1;
    for (int i = 0; i < t->rank; i++) {
        if (total > max_elems(req) / t->shape[i])
            return diag_at(d, VZ_EINPUT, n.path, "array too large");
        total *= t->shape[i];
    }
    size_t q = t->shape[t->rank - 2], k = t->shape[t->rank - 1];
    if (q * k > req->max_cells)
        return too_many_cells(n.path, q, k, req, d);
    t->data = malloc(total * sizeof *t->data);
    double *row = malloc(t->shape[t->rank - 1] * sizeof *row);
    if (!t->data || !row) {
        free(row);
        tensor_free(t);
        return oom(d);
    }
    size_t cols = t->shape[t->rank - 1], rows = total / cols;
    for (size_t r = 0; r < rows; r++) {
        /* Walk down to row r: its index along each outer axis. */
        struct spec_node node = n;
        size_t rem = r, stride = rows;
        int rc = VZ_OK;
        for (int ax = 0; ax < t->rank - 1 && !rc; ax++) {
            stride /= t->shape[ax];
            rc = spec_array(node, t->shape[ax], t->shape[ax], d);
            node = spec_at(node, rem / stride);
            rem %= stride;
        }
        if (!rc)
            rc = spec_numbers(node, row, cols, d);
        if (rc) {
            free(row);
            tensor_free(t);
            return rc;
        }
        for (size_t c = 0; c < cols; c++)
            t->data[r * cols + c] = (float)row[c];
    }
    free(row);
    return VZ_OK;
}

static void cell_name(const struct tensor *t, size_t flat, char *buf, size_t size)
{
    size_t idx[TENSOR_MAX_RANK];
    for (int a = t->rank - 1; a >= 0; a--) {
        idx[a] = flat % t->shape[a];
        flat /= t->shape[a];
    }
    size_t used = 0;
    buf[0] = '\0';
    for (int a = 0; a < t->rank && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, "[%zu]", idx[a]);
}

/* Adds the q x k panel at offset. file is the .npy the tensor came from, or NULL for inline
 * "weights", so that a bad value is reported where the user can find it. */
static int add_panel(struct attn_source *s, struct tensor *t, size_t offset, long layer, long head,
                     const char *file, struct diag *d)
{
    size_t q = t->shape[t->rank - 2], k = t->shape[t->rank - 1];
    for (size_t i = 0; i < q * k; i++)
        if (!isfinite(t->data[offset + i])) {
            char cell[96], path[128];
            const char *got = isnan(t->data[offset + i]) ? "NaN" : "infinity";
            cell_name(t, offset + i, cell, sizeof cell);
            if (file)
                return diag_in(d, VZ_EINPUT, file, "value at %s: expected a finite weight, got %s",
                               cell, got);
            snprintf(path, sizeof path, "weights%s", cell);
            return diag_at(d, VZ_EINPUT, path, "expected a finite weight, got %s", got);
        }
    struct attn_panel *p = &s->panels[s->n_panels];
    p->layer = layer;
    p->head = head;
    if (t->rank == 2) {
        /* The whole array is this one panel: take it rather than copy it. */
        p->a.rows = q;
        p->a.cols = k;
        p->a.w = t->data;
        t->data = NULL;
    } else {
        if (attn_init(&p->a, q, k) != 0)
            return oom(d);
        memcpy(p->a.w, t->data + offset, q * k * sizeof *p->a.w);
    }
    s->n_panels++;
    return VZ_OK;
}

/* Picks the panels: one (layer, head), or every head of one layer, or every head of every layer. */
static int select_panels(struct spec_node root, struct tensor *t, bool all_heads, const char *file,
                         struct attn_source *s, struct diag *d)
{
    size_t L = t->rank == 4 ? t->shape[0] : 1, H = t->rank >= 3 ? t->shape[t->rank - 3] : 1;
    const char *axes = t->rank == 2 ? "2-D: [query][key]" : "3-D: [head][query][key]";
    struct spec_node ln = spec_get(root, "layer"), hn = spec_get(root, "head");
    if (t->rank < 4 && ln.json)
        return diag_at(d, VZ_EINPUT, "layer", "the weights have no layer axis (%s)", axes);
    if (t->rank < 3 && hn.json)
        return diag_at(d, VZ_EINPUT, "head", "the weights have no head axis (%s)", axes);
    if (all_heads && hn.json)
        return diag_at(d, VZ_EINPUT, "head", "a grid shows every head; remove \"head\"");
    long layer = 0, head = 0;
    int rc;
    if ((rc = spec_opt_int(root, "layer", 0, (long)L - 1, &layer, d)) ||
        (rc = spec_opt_int(root, "head", 0, (long)H - 1, &head, d)))
        return rc;
    size_t l0 = layer, l1 = layer + 1, h0 = head, h1 = head + 1;
    if (all_heads) {
        h0 = 0, h1 = H;
        if (!ln.json)
            l0 = 0, l1 = L;
    }
    s->panels = calloc((l1 - l0) * (h1 - h0), sizeof *s->panels);
    if (!s->panels)
        return oom(d);
    size_t panel = t->shape[t->rank - 2] * t->shape[t->rank - 1];
    for (size_t l = l0; l < l1; l++)
        for (size_t h = h0; h < h1; h++)
            if ((rc = add_panel(s, t, (l * H + h) * panel, t->rank == 4 ? (long)l : -1,
                                t->rank >= 3 ? (long)h : -1, file, d)))
                return rc;
    return VZ_OK;
}

static int load_real(struct spec_node root, const struct attn_request *req, struct attn_source *s,
                     struct diag *d)
{
    struct tensor t;
    struct spec_node wn = spec_get(root, "weights"), nn = spec_get(root, "npy");
    int rc;
    if (wn.json) {
        if (nn.json)
            return diag_at(d, VZ_EINPUT, "npy", "give either \"weights\" or \"npy\", not both");
        if ((rc = read_inline(wn, req, &t, d)))
            return rc;
    } else {
        char *rel = NULL, *path;
        if ((rc = spec_string(nn, false, &rel, d)))
            return rc;
        path = figure_resolve_path(req->spec_path, rel);
        free(rel);
        if (!path)
            return oom(d);
        struct npy_limits lim = {max_elems(req), req->max_cells};
        rc = npy_load(path, &lim, &t, d);
        s->input_path = path;
        if (rc)
            return rc;
        if (t.rank < 2) {
            tensor_free(&t);
            return diag_at(d, VZ_EINPUT, "npy", "expected an array of 2 to 4 dimensions, got 1");
        }
    }
    size_t q = t.shape[t.rank - 2], k = t.shape[t.rank - 1];
    if (q != k)
        rc = diag_at(d, VZ_EINPUT, wn.json ? "weights" : "npy",
                     "expected square attention matrices, got %zux%zu", q, k);
    else
        rc = select_panels(root, &t, req->all_heads, s->input_path, s, d);
    tensor_free(&t);
    return rc;
}

static int make_labels(struct spec_node root, struct attn_source *s, size_t n, struct diag *d)
{
    struct spec_node tn = spec_get(root, "tokens");
    s->labels = calloc(n, sizeof *s->labels);
    if (!s->labels)
        return oom(d);
    s->n_labels = n;
    int rc;
    if (tn.json) {
        if ((rc = spec_array(tn, 1, SIZE_MAX, d)))
            return rc;
        if (spec_len(tn) != n)
            return diag_at(d, VZ_EINPUT, "tokens", "%zu tokens but the attention matrix is %zux%zu",
                           spec_len(tn), n, n);
        for (size_t i = 0; i < n; i++)
            if ((rc = spec_string(spec_at(tn, i), true, &s->labels[i], d)))
                return rc;
        return VZ_OK;
    }
    for (size_t i = 0; i < n; i++) {
        char buf[24];
        if (s->cps)
            utf8_visible(s->cps[i], buf);
        else
            snprintf(buf, sizeof buf, "%zu", i);
        if (!(s->labels[i] = strdup(buf)))
            return oom(d);
    }
    return VZ_OK;
}

static int parse_text(struct spec_node root, struct attn_source *s, struct diag *d)
{
    char *text = NULL;
    int rc = spec_opt_string(root, "text", false, &text, d);
    if (rc || !text)
        return rc;
    s->cps = utf8_decode(text, &s->n_cps);
    free(text);
    if (!s->cps)
        return oom(d);
    if (s->n_cps > ATTN_MAX_TEXT)
        return diag_at(d, VZ_EINPUT, "text", "expected at most %d characters, got %zu",
                       ATTN_MAX_TEXT, s->n_cps);
    return VZ_OK;
}

/* Keys that are valid but mean nothing for this kind of attention are errors, not ignored. */
static int reject_keys(struct spec_node root, const char *const *keys, const char *only_for,
                       struct diag *d)
{
    for (; *keys; keys++)
        if (spec_get(root, *keys).json)
            return diag_at(d, VZ_EINPUT, *keys, "only applies to %s", only_for);
    return VZ_OK;
}

int attn_source_parse(struct spec_node root, const struct attn_request *req, struct attn_source *s,
                      struct diag *d)
{
    memset(s, 0, sizeof *s);
    int rc;
    bool real = spec_get(root, "weights").json || spec_get(root, "npy").json;
    int mask = real ? MASK_NONE : MASK_CAUSAL_STRICT, normalize = 0;
    if ((rc = parse_text(root, s, d)) ||
        (rc = spec_opt_choice(root, "mask", attn_mask_names, &mask, d)))
        goto fail;
    if (s->cps && spec_get(root, "tokens").json) {
        rc = diag_at(d, VZ_EINPUT, "tokens", "give either \"text\" or \"tokens\", not both");
        goto fail;
    }
    if (real) {
        static const char *const synthetic_only[] = {"sharpness", "noise", "seed", NULL};
        if ((rc = reject_keys(root, synthetic_only,
                              "synthetic attention (no \"weights\" or \"npy\")", d)) ||
            (rc = spec_opt_choice(root, "normalize", normalize_names, &normalize, d)) ||
            (rc = load_real(root, req, s, d)))
            goto fail;
        if (s->cps && s->n_cps != s->panels[0].a.rows) {
            rc = diag_at(d, VZ_EINPUT, "text", "%zu characters but the attention matrix is %zux%zu",
                         s->n_cps, s->panels[0].a.rows, s->panels[0].a.rows);
            goto fail;
        }
        bool warned = false; /* one warning says it; a line per panel would bury it */
        for (size_t i = 0; i < s->n_panels; i++) {
            struct attn *a = &s->panels[i].a;
            attn_apply_mask(a, (enum attn_mask)mask);
            if (normalize)
                attn_softmax_rows(a);
            double sum;
            long bad = attn_first_unnormalized_row(a, 1e-3, &sum);
            if (bad < 0 || warned)
                continue;
            warned = true;
            const char *fmt = "row %ld of the attention sums to %.4g, not 1 (set \"normalize\": "
                              "\"softmax\" for raw scores)";
            if (s->input_path)
                diag_warn_in(d, s->input_path, fmt, bad, sum);
            else
                diag_warn(d, "weights", fmt, bad, sum);
        }
    } else {
        if (!s->cps) {
            rc = diag_at(d, VZ_EINPUT, "text",
                         "missing required key (synthetic attention is computed from a text; or "
                         "give \"weights\" or \"npy\")");
            goto fail;
        }
        static const char *const real_only[] = {"normalize", "layer", "head", NULL};
        if ((rc = reject_keys(root, real_only, "real weights (\"weights\" or \"npy\")", d)))
            goto fail;
        double sharpness = 6, noise = 0;
        long seed = 1;
        if ((rc = spec_opt_number(root, "sharpness", 0, 50, false, &sharpness, d)) ||
            (rc = spec_opt_number(root, "noise", 0, 10, false, &noise, d)) ||
            (rc = spec_opt_int(root, "seed", 0, 9007199254740991L, &seed, d)))
            goto fail;
        if (s->n_cps * s->n_cps > req->max_cells) {
            rc = too_many_cells("text", s->n_cps, s->n_cps, req, d);
            goto fail;
        }
        s->synthetic = true;
        s->panels = calloc(1, sizeof *s->panels);
        if (!s->panels || attn_init(&s->panels[0].a, s->n_cps, s->n_cps) != 0) {
            rc = oom(d);
            goto fail;
        }
        s->n_panels = 1;
        s->panels[0].layer = s->panels[0].head = -1;
        attn_letter_counting(&s->panels[0].a, s->cps, (enum attn_mask)mask, sharpness, noise,
                             (uint64_t)seed);
    }
    if ((rc = make_labels(root, s, s->panels[0].a.rows, d)))
        goto fail;
    return VZ_OK;
fail:
    attn_source_free(s);
    return rc;
}

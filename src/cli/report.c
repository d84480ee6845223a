/* report: formatting attention statistics for people (a table) and for scripts (JSON). */
#include "vizgen/report.h"

#include "vizgen/attn_heads.h"
#include "vizgen/attn_source.h"
#include "vizgen/figure.h"
#include "vizgen/jsonw.h"
#include "vizgen/utf8.h"

#include <math.h>
#include <stdlib.h>

/* How the null key is shown: the empty set, as on the heatmap. */
static const char NULL_KEY[] = "\xe2\x88\x85";

static void panel_name(const struct attn_source *s, const struct attn_panel *p, char *buf,
                       size_t size)
{
    attn_panel_name(s, p, buf, size);
    if (!buf[0])
        snprintf(buf, size, "single matrix");
}

static void cell(FILE *out, double v, int width)
{
    if (isnan(v))
        fprintf(out, " %*s", width, "-");
    else
        fprintf(out, " %*.3f", width, v);
}

static void table_panel(const struct attn_source *s, const struct attn_panel *p,
                        const struct report_opts *o, size_t *keys, FILE *out)
{
    const struct attn *a = &p->a;
    char name[64];
    panel_name(s, p, name, sizeof name);
    fprintf(out, "%s: %zux%zu, %s\n", name, a->rows, a->cols,
            s->synthetic ? "synthetic letter-counting attention" : "weights from the spec");
    fprintf(out, "%6s  %-12s %9s %9s %9s  top-%d keys (weight)\n", "query", "token", "entropy",
            "bits", "sparsity", o->k);
    char label[256], key[256];
    for (size_t i = 0; i < a->rows; i++) {
        /* A token's control characters reach the terminal only as pictures: an ESC in a token
         * must not recolour or rewrite the report. Padded by characters, not bytes. */
        utf8_printable(s->labels[i], label, sizeof label);
        size_t chars = utf8_length(label);
        if (chars > 12)
            fprintf(out, "%6zu  %.*s…", i, (int)utf8_prefix_bytes(label, 11), label);
        else
            fprintf(out, "%6zu  %s%*s", i, label, (int)(12 - chars), "");
        cell(out, attn_entropy(a, i, false), 9);
        cell(out, attn_entropy(a, i, true), 9);
        cell(out, attn_sparsity(a, i, o->threshold), 9);
        size_t n = attn_top_k(a, i, (size_t)o->k, keys);
        fputs(" ", out);
        for (size_t t = 0; t < n; t++) {
            if (keys[t] == a->cols) { /* the null key */
                fprintf(out, " %s (%.3f)", NULL_KEY, a->sink[i]);
                continue;
            }
            utf8_printable(s->labels[keys[t]], key, sizeof key);
            fprintf(out, " %zu %s (%.3f)", keys[t], key, a->w[i * a->cols + keys[t]]);
        }
        if (n == 0)
            fputs(" (fully masked)", out);
        if (s->chars.ids) {
            double m = attn_same_char_mass(a, s->chars.ids, i);
            if (!isnan(m))
                fprintf(out, "   same-char mass %.3f", m);
        }
        fputc('\n', out);
    }
    if (s->chars.ids)
        fprintf(out, "mean same-char mass over queries with an earlier occurrence: %.3f\n",
                attn_mean_same_char_mass(a, s->chars.ids));
    fprintf(out, "(entropy in nats; sparsity = fraction of unmasked weights below %g",
            o->threshold);
    if (a->sink)
        fprintf(out, "; %s = the null key, which takes attention with nowhere to go", NULL_KEY);
    fputs(")\n\n", out);
}

static void json_panel(const struct attn_source *s, const struct attn_panel *p,
                       const struct report_opts *o, size_t *keys, FILE *out)
{
    const struct attn *a = &p->a;
    fprintf(out, "{\"layer\":%ld,\"head\":%ld,\"rows\":%zu,\"cols\":%zu,\"queries\":[", p->layer,
            p->head, a->rows, a->cols);
    for (size_t i = 0; i < a->rows; i++) {
        fprintf(out, "%s{\"query\":%zu,\"token\":", i ? "," : "", i);
        jsonw_string(out, s->labels[i]);
        fputs(",\"entropy\":", out);
        jsonw_number(out, attn_entropy(a, i, false));
        fputs(",\"entropy_bits\":", out);
        jsonw_number(out, attn_entropy(a, i, true));
        fputs(",\"sparsity\":", out);
        jsonw_number(out, attn_sparsity(a, i, o->threshold));
        fputs(",\"top\":[", out);
        size_t n = attn_top_k(a, i, (size_t)o->k, keys);
        for (size_t t = 0; t < n; t++) {
            if (keys[t] == a->cols)
                fprintf(out, "%s{\"key\":null,\"weight\":", t ? "," : "");
            else
                fprintf(out, "%s{\"key\":%zu,\"weight\":", t ? "," : "", keys[t]);
            jsonw_number(out, attn_key_weight(a, i, keys[t]));
            fputc('}', out);
        }
        fputc(']', out);
        if (a->sink) {
            fputs(",\"null_key\":", out);
            jsonw_number(out, a->sink[i]);
        }
        if (s->chars.ids) {
            fputs(",\"same_char_mass\":", out);
            jsonw_number(out, attn_same_char_mass(a, s->chars.ids, i));
        }
        fputc('}', out);
    }
    fputc(']', out);
    if (s->chars.ids) {
        fputs(",\"mean_same_char_mass\":", out);
        jsonw_number(out, attn_mean_same_char_mass(a, s->chars.ids));
    }
    fputc('}', out);
}

/* Every head's statistics (attn_heads.h), a line each. */
static void table_heads(const struct attn_source *s, FILE *out)
{
    fprintf(out, "%-18s %8s %8s %8s %8s %8s %8s\n", "per head", "entropy", "first", "previous",
            "diagonal", "distance", "same-ch");
    for (size_t p = 0; p < s->n_panels; p++) {
        char name[64];
        panel_name(s, &s->panels[p], name, sizeof name);
        double v[HEAD_STATS];
        attn_head_stats(&s->panels[p].a, s->chars.ids, v);
        fprintf(out, "%-18s", name);
        for (int k = 0; k < HEAD_STATS; k++)
            cell(out, v[k], 8);
        fputc('\n', out);
    }
    fputs("(means over each head's queries: entropy in bits; weight on the first token, the "
          "previous token and the query's own position; weight-averaged distance in positions; "
          "mass on earlier same characters)\n",
          out);
}

static void json_heads(const struct attn_source *s, FILE *out)
{
    fputs(",\"heads\":[", out);
    for (size_t p = 0; p < s->n_panels; p++) {
        double v[HEAD_STATS];
        attn_head_stats(&s->panels[p].a, s->chars.ids, v);
        fprintf(out, "%s{\"layer\":%ld,\"head\":%ld", p ? "," : "", s->panels[p].layer,
                s->panels[p].head);
        for (int k = 0; k < HEAD_STATS; k++) {
            fprintf(out, ",\"%s\":", head_stat_names[k]);
            jsonw_number(out, v[k]);
        }
        fputc('}', out);
    }
    fputc(']', out);
}

static void report_rollout(const struct attn_source *s, const struct report_opts *o, size_t *keys,
                           FILE *out)
{
    /* Rollout multiplies layers: one layer has none to follow. */
    size_t n = s->panels[0].a.rows, layers, heads;
    attn_source_grid(s, &layers, &heads);
    double *r = layers >= 2 ? attn_source_rollout(s, &layers) : NULL;
    if (!r)
        return;
    if (o->json) {
        fprintf(out, ",\"rollout\":{\"layers\":%zu,\"weights\":[", layers);
        for (size_t i = 0; i < n; i++) {
            fputs(i ? ",[" : "[", out);
            for (size_t j = 0; j < n; j++) {
                if (j)
                    fputc(',', out);
                jsonw_number(out, r[i * n + j]);
            }
            fputc(']', out);
        }
        fputs("]}", out);
        free(r);
        return;
    }
    fprintf(out,
            "\nrollout through %zu layer%s (heads averaged, the residual path added): where each "
            "query's attention traces back to\n",
            layers, layers == 1 ? "" : "s");
    /* As an attention matrix, keys no path reaches masked, so attn_top_k ranks them. */
    struct attn ra;
    if (attn_init(&ra, n, n) == 0) {
        for (size_t c = 0; c < n * n; c++)
            ra.w[c] = r[c] > 0 ? (float)r[c] : NAN;
        char label[256], key[256];
        for (size_t i = 0; i < n; i++) {
            utf8_printable(s->labels[i], label, sizeof label);
            fprintf(out, "%6zu  %s", i, label);
            size_t got = attn_top_k(&ra, i, (size_t)o->k, keys);
            for (size_t t = 0; t < got; t++) {
                utf8_printable(s->labels[keys[t]], key, sizeof key);
                fprintf(out, "  %zu %s (%.3f)", keys[t], key, r[i * n + keys[t]]);
            }
            fputc('\n', out);
        }
        attn_free(&ra);
    }
    free(r);
}

int report_stats(const char *spec_path, const struct report_opts *o, FILE *out, struct diag *d)
{
    const struct figure_kind *kind;
    void *fig;
    struct figure_common common;
    int rc = figure_load(spec_path, NULL, o->max_cells, &kind, &fig, &common, d);
    if (rc)
        return rc;
    figure_common_free(&common);
    if (!kind->attention) {
        figure_free(kind, fig);
        return diag_in(d, VZ_EINPUT, spec_path,
                       "a %s spec has no attention matrix; stats need an attention-heatmap or "
                       "attention-summary spec",
                       kind->name);
    }
    const struct attn_source *s = kind->attention(fig);
    size_t *keys = malloc((size_t)o->k * sizeof *keys);
    if (!keys) {
        figure_free(kind, fig);
        return diag_oom(d);
    }
    if (o->json) {
        fputs("{\"panels\":[", out);
        for (size_t p = 0; p < s->n_panels; p++) {
            if (p)
                fputc(',', out);
            json_panel(s, &s->panels[p], o, keys, out);
        }
        fputc(']', out);
        if (s->n_panels > 1)
            json_heads(s, out);
        report_rollout(s, o, keys, out);
        fputs("}\n", out);
    } else {
        for (size_t p = 0; p < s->n_panels; p++)
            table_panel(s, &s->panels[p], o, keys, out);
        if (s->n_panels > 1)
            table_heads(s, out);
        report_rollout(s, o, keys, out);
    }
    free(keys);
    figure_free(kind, fig);
    if (fflush(out) != 0 || ferror(out))
        return diag_set(d, VZ_EIO, "writing the report failed");
    return VZ_OK;
}

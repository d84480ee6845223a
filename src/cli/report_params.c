/* report_params: `vizgen params` — a model's parameters by component, per layer, by dtype and in
 * bytes at each precision, from a config.json or a checkpoint's headers, as a table or JSON. */
#include "vizgen/jsonw.h"
#include "vizgen/modelsrc.h"
#include "vizgen/report.h"
#include "vizgen/scale.h"

#include <stdio.h>

static void grouped(uint64_t v, char *buf, size_t size)
{
    format_number((double)v, 0, NUM_GROUPED, buf, size);
}

static void table(const struct model_source *m, const struct param_counts *pc,
                  const uint64_t *by_dtype, FILE *out)
{
    const struct model_config *c = &m->config;
    if (m->kind == SOURCE_CONFIG)
        fprintf(out,
                "%s: %s configuration, %llu layers, hidden %llu, %llu heads (%llu for keys "
                "and values), vocabulary %llu\n",
                m->file, m->model_type, (unsigned long long)c->layers,
                (unsigned long long)c->hidden, (unsigned long long)c->heads,
                (unsigned long long)c->kv_heads, (unsigned long long)c->vocab);
    else
        fprintf(out, "%s: safetensors checkpoint, %zu tensors in %zu file%s, headers only\n",
                m->file, m->n_tensors, m->n_shards, m->n_shards == 1 ? "" : "s");
    fprintf(out, "%-12s %16s %8s", "component", "parameters", "share");
    fputs(m->kind == SOURCE_CONFIG ? "      per layer\n" : "\n", out);
    char num[40], layer[32];
    for (int k = 0; k < PARAM_COMPONENTS; k++) {
        if (pc->component[k] == 0 && k != PARAM_HEAD && k != PARAM_EMBEDDING)
            continue;
        grouped(pc->component[k], num, sizeof num);
        if (k == PARAM_HEAD && pc->component[k] == 0) {
            fprintf(out, "%-12s %16s %8s  (%s)\n", "head", "0", "-",
                    m->kind == SOURCE_CONFIG ? "tied to the embedding"
                                             : "none stored: tied to the embedding");
            continue;
        }
        double share = pc->total ? 100.0 * (double)pc->component[k] / (double)pc->total : 0;
        char pct[16];
        if (share > 0 && share < 0.05)
            snprintf(pct, sizeof pct, "<0.1%%");
        else
            snprintf(pct, sizeof pct, "%.1f%%", share);
        fprintf(out, "%-12s %16s %8s", param_component_names[k], num, pct);
        if (pc->layer[k]) {
            grouped(pc->layer[k], layer, sizeof layer);
            fprintf(out, " %14s", layer);
        }
        fputc('\n', out);
    }
    grouped(pc->total, num, sizeof num);
    fprintf(out, "%-12s %16s %8s\n", "total", num, "100%");
    if (pc->buffers) {
        grouped(pc->buffers, num, sizeof num);
        fprintf(out, "buffers      %16s          stored constants, not parameters (causal masks)\n",
                num);
    }
    for (int k = 0; by_dtype && k < ST_DTYPES; k++)
        if (by_dtype[k]) {
            grouped(by_dtype[k], num, sizeof num);
            fprintf(out, "as %-9s %16s\n", st_dtype_names[k], num);
        }
    fputs("memory of the parameters:", out);
    for (int p = 0; p < PRECISIONS; p++) {
        format_bytes(params_bytes(pc->total, (enum precision)p), 1, num, sizeof num);
        fprintf(out, "%s %s %s", p ? "," : "", precision_names[p], num);
    }
    fprintf(out, " (4-bit with a float16 scale per %d weights)\n", PARAMS_INT4_BLOCK);
}

static void json(const struct model_source *m, const struct param_counts *pc,
                 const uint64_t *by_dtype, FILE *out)
{
    struct jsonw w;
    jsonw_open(&w, out);
    jsonw_put_string(&w, "file", m->file);
    jsonw_put_string(&w, "source", m->kind == SOURCE_CONFIG ? "config" : "safetensors");
    if (m->kind == SOURCE_CONFIG)
        jsonw_put_string(&w, "model_type", m->model_type);
    jsonw_begin_object(&w, "components");
    for (int k = 0; k < PARAM_COMPONENTS; k++)
        jsonw_put_number(&w, param_component_names[k], (double)pc->component[k]);
    jsonw_end_object(&w);
    if (m->kind == SOURCE_CONFIG) {
        jsonw_put_number(&w, "layers", (double)m->config.layers);
        jsonw_begin_object(&w, "per_layer");
        for (int k = PARAM_ATTENTION; k <= PARAM_NORMS; k++)
            jsonw_put_number(&w, param_component_names[k], (double)pc->layer[k]);
        jsonw_end_object(&w);
    } else {
        jsonw_put_number(&w, "tensors", (double)m->n_tensors);
        jsonw_put_number(&w, "files", (double)m->n_shards);
        jsonw_put_number(&w, "data_bytes", (double)m->data_bytes);
        jsonw_begin_object(&w, "by_dtype");
        for (int k = 0; k < ST_DTYPES; k++)
            if (by_dtype[k])
                jsonw_put_number(&w, st_dtype_names[k], (double)by_dtype[k]);
        jsonw_end_object(&w);
    }
    jsonw_put_number(&w, "total", (double)pc->total);
    jsonw_put_number(&w, "buffers", (double)pc->buffers);
    jsonw_begin_object(&w, "memory_bytes");
    for (int p = 0; p < PRECISIONS; p++)
        jsonw_put_number(&w, precision_names[p], params_bytes(pc->total, (enum precision)p));
    jsonw_end_object(&w);
    jsonw_put_number(&w, "int4_block", PARAMS_INT4_BLOCK);
    jsonw_close(&w);
}

int report_params(const char *path, bool as_json, FILE *out, struct diag *d)
{
    struct model_source m;
    int rc = model_source_load(path, &m, d);
    if (rc)
        return rc;
    struct param_counts pc;
    uint64_t by_dtype[ST_DTYPES];
    model_source_count(&m, &pc, by_dtype);
    if (as_json)
        json(&m, &pc, by_dtype, out);
    else
        table(&m, &pc, m.kind == SOURCE_SAFETENSORS ? by_dtype : NULL, out);
    model_source_free(&m);
    return VZ_OK;
}

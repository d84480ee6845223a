/* modelsrc: config.json read into a model_config, the dispatch between configs and checkpoints,
 * and counting a checkpoint's tensors. Headers themselves are safetensors.c's. */
#include "vizgen/modelsrc.h"

#include "vizgen/input.h"
#include "vizgen/paths.h"
#include "vizgen/spec.h"

#include <stdlib.h>
#include <string.h>

/* An optional integer key: absent or null keeps *out (the model class's default). */
static int opt_size(struct spec_node root, const char *key, uint64_t *out, struct diag *d)
{
    struct spec_node n = spec_get(root, key);
    if (spec_type_of(n) == SPEC_ABSENT || spec_type_of(n) == SPEC_NULL)
        return VZ_OK;
    long v;
    int rc = spec_int(n, 0, 1L << 40, &v, d);
    if (!rc)
        *out = (uint64_t)v;
    return rc;
}

/* GPT2Config's defaults, then the file's keys. */
static int read_gpt2(struct spec_node r, struct model_config *c, struct diag *d)
{
    *c = (struct model_config){.arch = ARCH_GPT2,
                               .vocab = 50257,
                               .positions = 1024,
                               .hidden = 768,
                               .layers = 12,
                               .heads = 12,
                               .tied_head = true};
    uint64_t inner = 0;
    int rc;
    if ((rc = opt_size(r, "vocab_size", &c->vocab, d)) ||
        (rc = opt_size(r, "n_positions", &c->positions, d)) ||
        (rc = opt_size(r, "n_embd", &c->hidden, d)) ||
        (rc = opt_size(r, "n_layer", &c->layers, d)) ||
        (rc = opt_size(r, "n_head", &c->heads, d)) || (rc = opt_size(r, "n_inner", &inner, d)) ||
        (rc = spec_opt_bool(r, "tie_word_embeddings", &c->tied_head, d)))
        return rc;
    c->intermediate = inner ? inner : 4 * c->hidden;
    c->kv_heads = c->heads;
    c->head_dim = c->heads ? c->hidden / c->heads : 0;
    return VZ_OK;
}

/* LlamaConfig's defaults (MistralConfig's where they differ), then the file's keys. */
static int read_llama(struct spec_node r, bool mistral, struct model_config *c, struct diag *d)
{
    *c = (struct model_config){.arch = ARCH_LLAMA,
                               .vocab = 32000,
                               .hidden = 4096,
                               .layers = 32,
                               .heads = 32,
                               .intermediate = mistral ? 14336 : 11008};
    uint64_t kv = mistral ? 8 : 0, head_dim = 0;
    int rc;
    if ((rc = opt_size(r, "vocab_size", &c->vocab, d)) ||
        (rc = opt_size(r, "hidden_size", &c->hidden, d)) ||
        (rc = opt_size(r, "num_hidden_layers", &c->layers, d)) ||
        (rc = opt_size(r, "num_attention_heads", &c->heads, d)) ||
        (rc = opt_size(r, "num_key_value_heads", &kv, d)) ||
        (rc = opt_size(r, "intermediate_size", &c->intermediate, d)) ||
        (rc = opt_size(r, "head_dim", &head_dim, d)) ||
        (rc = spec_opt_bool(r, "tie_word_embeddings", &c->tied_head, d)) ||
        (rc = spec_opt_bool(r, "attention_bias", &c->attention_bias, d)) ||
        (rc = spec_opt_bool(r, "mlp_bias", &c->mlp_bias, d)))
        return rc;
    c->kv_heads = kv ? kv : c->heads;
    c->head_dim = head_dim ? head_dim : c->heads ? c->hidden / c->heads : 0;
    return VZ_OK;
}

/* The keys each class reads, for a spec's strict check. */
static const char *const gpt2_keys[] = {
    "model_type", "vocab_size", "n_positions",         "n_embd", "n_layer",
    "n_head",     "n_inner",    "tie_word_embeddings", NULL};
static const char *const llama_keys[] = {
    "model_type",          "vocab_size",          "hidden_size",       "num_hidden_layers",
    "num_attention_heads", "num_key_value_heads", "intermediate_size", "head_dim",
    "tie_word_embeddings", "attention_bias",      "mlp_bias",          NULL};

/* A key of the other class, named as that class names it: the one mistake a pasted or
 * hand-written configuration is likely to make, worth more than "unknown key". */
static int other_class_keys(struct spec_node root, bool gpt2, const char *type, struct diag *d)
{
    static const char *const pairs[][2] = {{"n_embd", "hidden_size"},
                                           {"n_layer", "num_hidden_layers"},
                                           {"n_head", "num_attention_heads"},
                                           {"n_inner", "intermediate_size"},
                                           {"n_positions", NULL},
                                           {NULL, "num_key_value_heads"},
                                           {NULL, "head_dim"},
                                           {NULL, "attention_bias"},
                                           {NULL, "mlp_bias"}};
    int theirs = gpt2 ? 1 : 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        const char *key = pairs[i][theirs], *ours = pairs[i][1 - theirs];
        if (!key || !spec_has(root, key))
            continue;
        const char *path = spec_get(root, key).path;
        if (ours)
            return diag_at(d, VZ_EINPUT, path, "a %s key; a %s configuration says \"%s\"",
                           gpt2 ? "llama" : "gpt2", type, ours);
        return diag_at(d, VZ_EINPUT, path, "a %s key; %s configurations have no such setting",
                       gpt2 ? "llama" : "gpt2", type);
    }
    return VZ_OK;
}

int model_config_read(struct spec_node root, bool strict, const char *const *extra,
                      struct model_config *c, char **model_type, struct diag *d)
{
    *model_type = NULL;
    char *type = NULL;
    static const char *const types[] = {"gpt2", "llama", "mistral", NULL};
    int k = 0, rc;
    if ((rc = spec_expect_object(root, d)) ||
        (rc = spec_req_string(root, "model_type", false, &type, d)))
        goto done;
    for (k = 0; types[k] && strcmp(types[k], type) != 0; k++)
        ;
    if (!types[k]) {
        rc = diag_at(d, VZ_EINPUT, spec_get(root, "model_type").path,
                     "\"%s\": vizgen counts gpt2, llama and mistral configurations", type);
        goto done;
    }
    if (strict && (rc = other_class_keys(root, k == 0, type, d)))
        goto done;
    if (strict &&
        (rc = spec_check_keys(
             root, (const char *const *const[]){k == 0 ? gpt2_keys : llama_keys, extra, NULL}, d)))
        goto done;
    rc = k == 0 ? read_gpt2(root, c, d) : read_llama(root, k == 2, c, d);
    /* The check knows key names; the object may sit inside a spec. */
    if (!rc && (rc = params_check(c, d)) && root.path[0])
        diag_nest(d, root.path);
done:
    if (rc)
        free(type);
    else
        *model_type = type;
    return rc;
}

int model_config_parse(const char *name, char *buf, size_t len, struct model_config *c,
                       char **model_type, struct diag *d)
{
    *model_type = NULL;
    struct spec *s;
    int rc = spec_parse_data(name, buf, len, &s, d);
    if (rc)
        return rc;
    rc = model_config_read(spec_root(s), false, NULL, c, model_type, d);
    diag_locate(d, name);
    spec_free(s);
    return rc;
}

static bool is_safetensors(const char *path)
{
    return path_has_suffix(path, ".safetensors");
}

int model_source_load(const char *path, struct model_source *m, struct diag *d)
{
    memset(m, 0, sizeof *m);
    if (!(m->file = strdup(path)))
        return diag_oom(d);
    if (is_safetensors(path)) {
        m->kind = SOURCE_SAFETENSORS;
        m->model_type = strdup("");
        int rc = m->model_type ? safetensors_load(path, m, d) : diag_oom(d);
        if (rc)
            model_source_free(m);
        return rc;
    }
    char *buf;
    size_t len;
    int rc = input_read(path, "a config.json or a safetensors index", "file", SPEC_MAX_BYTES, &buf,
                        &len, d);
    if (rc) {
        model_source_free(m);
        return rc;
    }
    /* An index is JSON too: its weight_map tells it from a config. */
    if (strstr(buf, "\"weight_map\"")) {
        m->kind = SOURCE_SAFETENSORS;
        m->model_type = strdup("");
        rc = m->model_type ? safetensors_index(path, buf, len, m, d) : diag_oom(d);
    } else {
        m->kind = SOURCE_CONFIG;
        rc = model_config_parse(path, buf, len, &m->config, &m->model_type, d);
    }
    free(buf);
    if (rc)
        model_source_free(m);
    return rc;
}

void model_source_free(struct model_source *m)
{
    for (size_t i = 0; i < m->n_tensors; i++)
        free(m->tensors[i].name);
    free(m->tensors);
    free(m->file);
    free(m->model_type);
    memset(m, 0, sizeof *m);
}

void model_source_count(const struct model_source *m, struct param_counts *out,
                        uint64_t by_dtype[ST_DTYPES])
{
    if (by_dtype)
        memset(by_dtype, 0, ST_DTYPES * sizeof *by_dtype);
    if (m->kind == SOURCE_CONFIG) {
        params_count(&m->config, out);
        return;
    }
    *out = (struct param_counts){0};
    for (size_t i = 0; i < m->n_tensors; i++) {
        const struct st_tensor *t = &m->tensors[i];
        if (t->buffer) {
            out->buffers += t->numel;
            continue;
        }
        out->component[t->component] += t->numel;
        out->total += t->numel;
        if (by_dtype)
            by_dtype[t->dtype] += t->numel;
    }
}

/* A configuration's layers are alike: its counts, split around them. */
static int config_layers(const struct model_config *c, struct param_layers *out, struct diag *d)
{
    struct param_counts pc;
    params_count(c, &pc);
    out->n = c->layers;
    if (!(out->layer = calloc(out->n, sizeof *out->layer)))
        return diag_oom(d);
    for (size_t l = 0; l < out->n; l++)
        memcpy(out->layer[l], pc.layer, sizeof pc.layer);
    for (int k = 0; k < PARAM_COMPONENTS; k++) {
        bool first = k == PARAM_EMBEDDING || k == PARAM_POSITIONS;
        (first ? out->before : out->after)[k] = pc.component[k] - out->n * pc.layer[k];
    }
    return VZ_OK;
}

int model_source_layers(const struct model_source *m, struct param_layers *out, struct diag *d)
{
    *out = (struct param_layers){0};
    if (m->kind == SOURCE_CONFIG)
        return config_layers(&m->config, out, d);
    for (size_t i = 0; i < m->n_tensors; i++)
        if (m->tensors[i].layer >= (long)out->n)
            out->n = (size_t)m->tensors[i].layer + 1;
    if (out->n && !(out->layer = calloc(out->n, sizeof *out->layer)))
        return diag_oom(d);
    for (size_t i = 0; i < m->n_tensors; i++) {
        const struct st_tensor *t = &m->tensors[i];
        if (t->buffer)
            continue;
        bool first = t->component == PARAM_EMBEDDING || t->component == PARAM_POSITIONS;
        uint64_t *row = t->layer >= 0 ? out->layer[t->layer] : first ? out->before : out->after;
        row[t->component] += t->numel;
    }
    return VZ_OK;
}

void param_layers_free(struct param_layers *p)
{
    free(p->layer);
    *p = (struct param_layers){0};
}

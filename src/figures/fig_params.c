/* fig_params: the parameter-breakdown figure — where each model's parameters go by component,
 * what they weigh at each precision, and one model layer by layer — counted by the numeric core
 * from a config.json, a checkpoint's headers or a configuration given inline. This file reads
 * the keys and the models; params_draw.c lays the figure out and draws it. */
#include "params_fig.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const bars_names[] = {"auto", "count", "share", NULL};
static const char *const type_names[] = {"gpt2", "llama", "mistral", NULL};

/* A configuration given inline uses config.json's own key names, so one can be pasted in;
 * modelsrc reads them (and refuses those of the other class), the table checks and documents
 * them. */
#define MOD(f) offsetof(struct pb_model, f)
static const struct key model_keys[] = {
    {"label", KEY_STRING, MOD(label), .min = 1, .max = 200, .flags = KEY_NO_DEFAULT,
     .help = "the model's name (default: the folder its source is in)"},
    {"source", KEY_PATH, MOD(source), .flags = KEY_NO_DEFAULT,
     .help = "a config.json, a .safetensors checkpoint or its model.safetensors.index.json; or "
             "give the configuration's keys here instead"},
    {"model_type", KEY_CHOICE, 0, .choices = type_names, .flags = KEY_NOT_STORED,
     .help = "inline configuration: the class, whose defaults fill the keys not given"},
    {"vocab_size", KEY_INT, 0, .min = 1, .max = 1 << 24, .flags = KEY_NOT_STORED,
     .help = "inline configuration: tokens in the vocabulary"},
    {"n_positions", KEY_INT, 0, .min = 1, .max = 1 << 24, .flags = KEY_NOT_STORED,
     .help = "gpt2: learned positions"},
    {"n_embd", KEY_INT, 0, .min = 1, .max = 1 << 20, .flags = KEY_NOT_STORED,
     .help = "gpt2: hidden width"},
    {"n_layer", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "gpt2: decoder layers"},
    {"n_head", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "gpt2: attention heads"},
    {"n_inner", KEY_INT, 0, .min = 1, .max = 1 << 22, .flags = KEY_NOT_STORED,
     .help = "gpt2: MLP width (default: 4 x n_embd)"},
    {"hidden_size", KEY_INT, 0, .min = 1, .max = 1 << 20, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: hidden width"},
    {"num_hidden_layers", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: decoder layers"},
    {"num_attention_heads", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: query heads"},
    {"num_key_value_heads", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: key and value heads (grouped-query attention)"},
    {"intermediate_size", KEY_INT, 0, .min = 1, .max = 1 << 22, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: SwiGLU width"},
    {"head_dim", KEY_INT, 0, .min = 1, .max = 1 << 16, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: width of a head (default: hidden / heads)"},
    {"tie_word_embeddings", KEY_BOOL, 0, .flags = KEY_NOT_STORED,
     .help = "inline configuration: the head shares the token embedding"},
    {"attention_bias", KEY_BOOL, 0, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: biased attention projections"},
    {"mlp_bias", KEY_BOOL, 0, .flags = KEY_NOT_STORED,
     .help = "llama, mistral: biased MLP projections"},
};
#undef MOD
static const struct key_set model_set = {
    "models[]", model_keys, sizeof model_keys / sizeof model_keys[0], sizeof(struct pb_model)};

#define KEY(f) offsetof(struct pb_fig, f)
static const struct key keys[] = {
    {"models", KEY_OBJECTS, KEY(models), .min = 1, .max = 12, .flags = KEY_REQUIRED,
     .fields = &model_set, .count_offset = KEY(n), .help = "the models compared, top to bottom"},
    {"bars", KEY_CHOICE, KEY(bars), .choices = bars_names, .dstr = "auto",
     .help = "count: bars as long as the models are big; share: every bar 100%, for models "
             "of very different sizes; auto: share when the largest is over 20 times the "
             "smallest"},
    {"memory", KEY_BOOL, KEY(memory), .dnum = 1,
     .help = "a panel of each model's weights in bytes at float32, float16, int8 and 4-bit"},
    {"per_layer", KEY_INT, KEY(per_layer), .min = 0, .max = 11, .flags = KEY_NO_DEFAULT,
     .help = "index of a model to show layer by layer, embeddings to head (default: none)"},
};
#undef KEY
static const struct key_set key_set = {"parameter-breakdown", keys, sizeof keys / sizeof keys[0],
                                       0};

enum { MAX_LAYERS_SHOWN = 1024 }; /* columns of the per-layer view */

/* The keys a model read from its source must not have: its sizes come from the file. */
static int source_only(struct spec_node node, struct diag *d)
{
    for (struct spec_node n = spec_member_first(node); n.json; n = spec_member_next(node, n)) {
        const char *k = spec_member_name(n);
        if (strcmp(k, "label") != 0 && strcmp(k, "source") != 0)
            return diag_at(d, VZ_EINPUT, n.path,
                           "a model read from \"source\" takes its configuration from the file");
    }
    return VZ_OK;
}

/* The folder a source is in ("gpt2" for models/gpt2/config.json), or its name without the
 * extension when it is a checkpoint in the current folder. */
static char *folder_label(const char *path)
{
    const char *end = strrchr(path, '/');
    if (!end) {
        const char *dot = strrchr(path, '.');
        return strndup(path, dot && dot > path ? (size_t)(dot - path) : strlen(path));
    }
    const char *start = end;
    while (start > path && start[-1] != '/')
        start--;
    if (start == end || (end - start == 1 && *start == '.'))
        return strdup(end + 1);
    return strndup(start, (size_t)(end - start));
}

static int load_model(struct spec_node node, struct pb_model *m, struct diag *d)
{
    static const char *const own[] = {"label", "source", NULL};
    int rc;
    if (m->source) {
        if ((rc = source_only(node, d)) || (rc = model_source_load(m->source, &m->src, d)))
            return rc;
    } else if (!spec_has(node, "model_type")) {
        return diag_at(d, VZ_EINPUT, node.path,
                       "expected \"source\" (a config.json or checkpoint), or \"model_type\" and "
                       "the configuration's keys");
    } else if (!spec_has(node, "label")) {
        return diag_at(d, VZ_EINPUT, spec_get(node, "label").path,
                       "missing required key (a model given inline has no file to name it)");
    } else {
        m->src.kind = SOURCE_CONFIG;
        if ((rc = model_config_read(node, true, own, &m->src.config, &m->src.model_type, d)))
            return rc;
    }
    if (!m->label && !(m->label = folder_label(m->source)))
        return diag_oom(d);
    model_source_count(&m->src, &m->counts, NULL);
    return VZ_OK;
}

static int params_parse(struct spec_node root, const struct figure_common *c, void *p,
                        struct diag *d)
{
    (void)c;
    struct pb_fig *f = p;
    struct spec_node list = spec_get(root, "models");
    int rc;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < f->n; i++) {
        struct spec_node node = spec_at(list, i);
        if ((rc = load_model(node, &f->models[i], d)))
            return rc;
        uint64_t total = f->models[i].counts.total;
        if (total == 0) /* a checkpoint of buffers alone: no parameters to split into shares */
            return diag_at(d, VZ_EINPUT, node.path, "\"%s\" has no parameters to break down",
                           f->models[i].label);
        lo = total < lo ? total : lo;
        hi = total > hi ? total : hi;
    }
    if (!spec_has(root, "per_layer")) {
        f->per_layer = -1;
    } else if (f->per_layer >= (long)f->n) {
        return diag_at(d, VZ_EINPUT, "per_layer", "expected an integer from 0 to %zu, got %ld",
                       f->n - 1, f->per_layer);
    } else {
        const struct pb_model *m = &f->models[f->per_layer];
        if ((rc = model_source_layers(&m->src, &f->layers, d)))
            return rc;
        if (f->layers.n > MAX_LAYERS_SHOWN)
            return diag_at(d, VZ_EINPUT, "per_layer",
                           "\"%s\" has %zu layers; the per-layer view draws at most %d", m->label,
                           f->layers.n, MAX_LAYERS_SHOWN);
    }
    f->share = f->bars == PB_SHARE || (f->bars == PB_AUTO && (double)hi > 20.0 * (double)lo);
    return VZ_OK;
}

static void params_free(void *p)
{
    struct pb_fig *f = p;
    for (size_t i = 0; i < f->n; i++)
        model_source_free(&f->models[i].src);
    param_layers_free(&f->layers);
}

static int params_render(const void *p, const struct figure_common *c, struct canvas *cv,
                         struct diag *d)
{
    return pb_render(p, c, cv, d);
}

const struct figure_kind fig_params_kind = {
    .name = "parameter-breakdown",
    .summary = "where models' parameters and memory go, by component and layer by layer, "
               "counted from config.json or checkpoint headers",
    .default_output = "parameter-breakdown.png",
    .default_title = "Where the Parameters Go",
    .default_subtitle = "",
    .keys = &key_set,
    .size = sizeof(struct pb_fig),
    .parse = params_parse,
    .render = params_render,
    .free = params_free,
};

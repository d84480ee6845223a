/* params: parameter counts from a configuration, layer by layer as the models build them. */
#include "vizgen/params.h"

#include <stdio.h>
#include <string.h>

const char *const param_component_names[] = {"embedding", "positions", "attention", "mlp",
                                             "norms",     "head",      "other",     NULL};
const char *const precision_names[] = {"float32", "float16/bfloat16", "int8", "4-bit", NULL};

int params_check(const struct model_config *c, struct diag *d)
{
    bool gpt2 = c->arch == ARCH_GPT2;
    /* The configuration's own key names; the limits keep every product below 2^64 (no model
     * comes near: GPT-3 has 96 layers of width 12,288). */
    const struct {
        const char *name;
        uint64_t v, max;
    } sizes[] = {
        {"vocab_size", c->vocab, 1u << 24},
        {gpt2 ? "n_positions" : "max_position_embeddings", gpt2 ? c->positions : 1, 1u << 24},
        {gpt2 ? "n_embd" : "hidden_size", c->hidden, 1u << 20},
        {gpt2 ? "n_layer" : "num_hidden_layers", c->layers, 1u << 16},
        {gpt2 ? "n_head" : "num_attention_heads", c->heads, 1u << 16},
        {"num_key_value_heads", c->kv_heads, 1u << 16},
        {gpt2 ? "n_inner" : "intermediate_size", c->intermediate, 1u << 22},
        {"head_dim", c->head_dim, 1u << 16},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (sizes[i].v < 1 || sizes[i].v > sizes[i].max)
            return diag_at(d, VZ_EINPUT, sizes[i].name,
                           "expected an integer from 1 to %llu, got %llu",
                           (unsigned long long)sizes[i].max, (unsigned long long)sizes[i].v);
    if (gpt2 && c->hidden % c->heads != 0)
        return diag_at(d, VZ_EINPUT, "n_head", "expected a divisor of n_embd (%llu), got %llu",
                       (unsigned long long)c->hidden, (unsigned long long)c->heads);
    if (c->heads % c->kv_heads != 0)
        return diag_at(d, VZ_EINPUT, "num_key_value_heads",
                       "expected a divisor of num_attention_heads (%llu), got %llu",
                       (unsigned long long)c->heads, (unsigned long long)c->kv_heads);
    return VZ_OK;
}

/* A linear layer's numbers: its weight, and its bias when it has one. */
static uint64_t linear(uint64_t in, uint64_t out, bool bias)
{
    return in * out + (bias ? out : 0);
}

void params_count(const struct model_config *c, struct param_counts *out)
{
    *out = (struct param_counts){0};
    uint64_t h = c->hidden, *layer = out->layer;
    out->component[PARAM_EMBEDDING] = c->vocab * h;
    if (c->arch == ARCH_GPT2) {
        out->component[PARAM_POSITIONS] = c->positions * h;
        /* c_attn makes q, k and v in one matrix; LayerNorm has a weight and a bias. */
        layer[PARAM_ATTENTION] = linear(h, 3 * h, true) + linear(h, h, true);
        layer[PARAM_MLP] = linear(h, c->intermediate, true) + linear(c->intermediate, h, true);
        layer[PARAM_NORMS] = 2 * 2 * h;
        out->component[PARAM_NORMS] = 2 * h; /* ln_f */
    } else {
        uint64_t q = c->heads * c->head_dim, kv = c->kv_heads * c->head_dim;
        layer[PARAM_ATTENTION] = linear(h, q, c->attention_bias) +
                                 2 * linear(h, kv, c->attention_bias) +
                                 linear(q, h, c->attention_bias);
        /* SwiGLU: gate and up into the inner width, down out of it. */
        layer[PARAM_MLP] =
            2 * linear(h, c->intermediate, c->mlp_bias) + linear(c->intermediate, h, c->mlp_bias);
        layer[PARAM_NORMS] = 2 * h; /* RMSNorm: a weight only */
        out->component[PARAM_NORMS] = h;
    }
    for (int k = PARAM_ATTENTION; k <= PARAM_NORMS; k++)
        out->component[k] += c->layers * layer[k];
    out->component[PARAM_HEAD] = c->tied_head ? 0 : c->vocab * h;
    for (int k = 0; k < PARAM_COMPONENTS; k++)
        out->total += out->component[k];
}

double params_bytes(uint64_t n, enum precision p)
{
    switch (p) {
    case PREC_FP32:
        return 4.0 * (double)n;
    case PREC_FP16:
        return 2.0 * (double)n;
    case PREC_INT8:
        return (double)n;
    default:
        return 0.5 * (double)n + 2.0 * (double)((n + PARAMS_INT4_BLOCK - 1) / PARAMS_INT4_BLOCK);
    }
}

static bool has(const char *s, const char *part)
{
    return strstr(s, part) != NULL;
}

static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The name without the "transformer." or "model." that wrapping classes put first. */
static const char *unprefixed(const char *name)
{
    const char *prefixes[] = {"transformer.", "model."};
    for (size_t i = 0; i < 2; i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
            name += strlen(prefixes[i]);
    return name;
}

long params_layer_of(const char *name)
{
    name = unprefixed(name);
    const char *stems[] = {"h.", "layers."};
    for (size_t i = 0; i < 2; i++) {
        size_t k = strlen(stems[i]);
        if (strncmp(name, stems[i], k) != 0 || name[k] < '0' || name[k] > '9')
            continue;
        long v = 0;
        const char *p = name + k;
        for (; *p >= '0' && *p <= '9' && v < PARAMS_MAX_LAYERS; p++)
            v = v * 10 + (*p - '0');
        return *p == '.' && v < PARAMS_MAX_LAYERS ? v : -1;
    }
    return -1;
}

enum param_component params_component_of(const char *name, bool *buffer)
{
    name = unprefixed(name);
    /* GPT-2's "attn.bias" is its causal mask (a buffer); its projections' biases are
     * "attn.c_attn.bias" and "attn.c_proj.bias". */
    *buffer = ends(name, ".attn.bias") || ends(name, ".attn.masked_bias") ||
              has(name, "rotary_emb.inv_freq");
    if (strncmp(name, "wte.", 4) == 0 || strncmp(name, "embed_tokens.", 13) == 0 ||
        strncmp(name, "tok_embeddings.", 15) == 0)
        return PARAM_EMBEDDING;
    if (strncmp(name, "wpe.", 4) == 0)
        return PARAM_POSITIONS;
    if (strncmp(name, "lm_head.", 8) == 0 || strncmp(name, "output.", 7) == 0)
        return PARAM_HEAD;
    if (has(name, "ln_") || has(name, "norm"))
        return PARAM_NORMS;
    if (has(name, ".attn.") || has(name, "self_attn.") || has(name, ".attention."))
        return PARAM_ATTENTION;
    if (has(name, ".mlp.") || has(name, "feed_forward."))
        return PARAM_MLP;
    return PARAM_OTHER;
}

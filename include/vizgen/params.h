/* params: where a transformer's parameters go, computed from its configuration the way the
 * model builds its layers (no weights loaded), and what they weigh at each precision. GPT-2
 * (learned positions, LayerNorm with bias, biased projections, GELU MLP, tied head) and Llama
 * (RoPE, RMSNorm, grouped-query attention, SwiGLU MLP, tied or untied head) families. */
#ifndef VIZGEN_PARAMS_H
#define VIZGEN_PARAMS_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stdint.h>

enum model_arch { ARCH_GPT2, ARCH_LLAMA };

struct model_config {
    enum model_arch arch;
    uint64_t vocab, positions; /* positions: GPT-2's learned position table */
    uint64_t hidden, layers, heads, kv_heads, head_dim;
    uint64_t intermediate; /* the MLP's inner width (GPT-2's n_inner, 4 x hidden by default) */
    bool tied_head;        /* the output head shares the token embedding */
    bool attention_bias, mlp_bias; /* Llama: biased projections (GPT-2's always are) */
};

enum param_component {
    PARAM_EMBEDDING, /* token embedding */
    PARAM_POSITIONS, /* learned position embedding */
    PARAM_ATTENTION, /* q, k, v and output projections */
    PARAM_MLP,
    PARAM_NORMS,
    PARAM_HEAD,  /* the output projection when not tied */
    PARAM_OTHER, /* in a checkpoint: tensors no rule names */
    PARAM_COMPONENTS
};
/* "embedding", "positions", "attention", "mlp", "norms", "head", "other". */
extern const char *const param_component_names[];

struct param_counts {
    uint64_t component[PARAM_COMPONENTS];
    uint64_t layer[PARAM_COMPONENTS]; /* one decoder layer's share of each (from a config) */
    uint64_t total;
    uint64_t buffers; /* numbers a checkpoint stores that are not parameters (causal masks) */
};

/* Checks a configuration: every size at least 1 (positions for GPT-2 only), heads dividing
 * hidden, kv_heads dividing heads; d names the first bad field. */
int params_check(const struct model_config *c, struct diag *d);
/* The exact count of each component, per layer and in total. */
void params_count(const struct model_config *c, struct param_counts *out);

/* The component a checkpoint tensor belongs to, by its name as GPT-2 and Llama checkpoints write
 * them ("h.3.attn.c_attn.weight", "model.layers.3.self_attn.q_proj.weight", with or without a
 * "transformer." or "model." prefix); *buffer is set for stored constants that are not
 * parameters (GPT-2's causal masks "h.N.attn.bias", rotary inverse frequencies). */
enum param_component params_component_of(const char *name, bool *buffer);
/* The decoder layer a checkpoint tensor belongs to ("h.3.", "layers.3." after the prefix), or
 * -1 for tensors outside the layers (embeddings, final norm, head) and for an index past
 * PARAMS_MAX_LAYERS. */
enum { PARAMS_MAX_LAYERS = 1 << 16 };
long params_layer_of(const char *name);

enum precision { PREC_FP32, PREC_FP16, PREC_INT8, PREC_INT4, PRECISIONS };
extern const char *const precision_names[]; /* "float32", "float16/bfloat16", "int8", "4-bit" */
/* The 4-bit format costed: one float16 scale per block of this many weights, as in
 * bitsandbytes' and GGML's block-wise quantisation. */
enum { PARAMS_INT4_BLOCK = 64 };
/* Bytes that n parameters take at precision p (4-bit: half a byte each plus a 2-byte scale per
 * PARAMS_INT4_BLOCK). */
double params_bytes(uint64_t n, enum precision p);

#endif

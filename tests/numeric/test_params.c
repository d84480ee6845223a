/* Unit tests of parameter counting: the exact totals of three published models from their
 * config.json as shipped, component by component, and the bytes at each precision. */
#include "check.h"

#include "vizgen/modelsrc.h"
#include "vizgen/params.h"

#include <stdlib.h>
#include <string.h>

static int from_config(const char *text, struct param_counts *pc, struct diag *d)
{
    diag_init(d);
    char *buf = strdup(text), *type = NULL;
    struct model_config c;
    int rc = model_config_parse("config.json", buf, strlen(buf), &c, &type, d);
    if (!rc)
        params_count(&c, pc);
    free(type);
    free(buf);
    return rc;
}

/* openai-community/gpt2's config.json. */
static const char gpt2[] =
    "{\"activation_function\": \"gelu_new\", \"architectures\": [\"GPT2LMHeadModel\"], "
    "\"attn_pdrop\": 0.1, \"bos_token_id\": 50256, \"embd_pdrop\": 0.1, \"eos_token_id\": 50256, "
    "\"initializer_range\": 0.02, \"layer_norm_epsilon\": 1e-05, \"model_type\": \"gpt2\", "
    "\"n_ctx\": 1024, \"n_embd\": 768, \"n_head\": 12, \"n_layer\": 12, \"n_positions\": 1024, "
    "\"resid_pdrop\": 0.1, \"summary_activation\": null, \"summary_first_dropout\": 0.1, "
    "\"summary_proj_to_labels\": true, \"summary_type\": \"cls_index\", \"summary_use_proj\": "
    "true, \"task_specific_params\": {\"text-generation\": {\"do_sample\": true, "
    "\"max_length\": 50}}, \"vocab_size\": 50257}";

/* meta-llama/Llama-2-7b-hf's. */
static const char llama2[] =
    "{\"architectures\": [\"LlamaForCausalLM\"], \"bos_token_id\": 1, \"eos_token_id\": 2, "
    "\"hidden_act\": \"silu\", \"hidden_size\": 4096, \"initializer_range\": 0.02, "
    "\"intermediate_size\": 11008, \"max_position_embeddings\": 4096, \"model_type\": "
    "\"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 32, "
    "\"num_key_value_heads\": 32, \"pretraining_tp\": 1, \"rms_norm_eps\": 1e-05, "
    "\"rope_scaling\": null, \"tie_word_embeddings\": false, \"torch_dtype\": \"float16\", "
    "\"transformers_version\": \"4.31.0.dev0\", \"use_cache\": true, \"vocab_size\": 32000}";

/* TinyLlama/TinyLlama-1.1B-Chat-v1.0's: grouped-query attention, 4 KV heads for 32. */
static const char tinyllama[] =
    "{\"architectures\": [\"LlamaForCausalLM\"], \"attention_bias\": false, \"bos_token_id\": 1, "
    "\"eos_token_id\": 2, \"hidden_act\": \"silu\", \"hidden_size\": 2048, "
    "\"initializer_range\": 0.02, \"intermediate_size\": 5632, \"max_position_embeddings\": "
    "2048, \"model_type\": \"llama\", \"num_attention_heads\": 32, \"num_hidden_layers\": 22, "
    "\"num_key_value_heads\": 4, \"pretraining_tp\": 1, \"rms_norm_eps\": 1e-05, "
    "\"rope_scaling\": null, \"rope_theta\": 10000.0, \"tie_word_embeddings\": false, "
    "\"torch_dtype\": \"bfloat16\", \"transformers_version\": \"4.35.0\", \"use_cache\": true, "
    "\"vocab_size\": 32000}";

static void test_gpt2(void)
{
    struct param_counts pc;
    struct diag d;
    if (!CHECK(from_config(gpt2, &pc, &d) == VZ_OK))
        return;
    CHECK(pc.total == 124439808ULL);
    CHECK(pc.component[PARAM_EMBEDDING] == 50257ULL * 768);
    CHECK(pc.component[PARAM_POSITIONS] == 1024ULL * 768);
    CHECK(pc.layer[PARAM_ATTENTION] == 768ULL * 2304 + 2304 + 768 * 768 + 768);
    CHECK(pc.layer[PARAM_MLP] == 768ULL * 3072 + 3072 + 3072 * 768 + 768);
    CHECK(pc.component[PARAM_NORMS] == 12ULL * 4 * 768 + 2 * 768);
    CHECK(pc.component[PARAM_HEAD] == 0); /* tied */
}

static void test_llama2_7b(void)
{
    struct param_counts pc;
    struct diag d;
    if (!CHECK(from_config(llama2, &pc, &d) == VZ_OK))
        return;
    CHECK(pc.total == 6738415616ULL);
    CHECK(pc.layer[PARAM_ATTENTION] == 4ULL * 4096 * 4096);
    CHECK(pc.layer[PARAM_MLP] == 3ULL * 4096 * 11008);
    CHECK(pc.component[PARAM_HEAD] == 32000ULL * 4096);
    CHECK(pc.component[PARAM_NORMS] == 32ULL * 2 * 4096 + 4096);
}

static void test_tinyllama(void)
{
    struct param_counts pc;
    struct diag d;
    if (!CHECK(from_config(tinyllama, &pc, &d) == VZ_OK))
        return;
    CHECK(pc.total == 1100048384ULL);
    /* q and o are 2048 x 2048; k and v only 2048 x 256 (4 heads of 64). */
    CHECK(pc.layer[PARAM_ATTENTION] == 2ULL * 2048 * 2048 + 2ULL * 2048 * 256);
}

static void test_bytes(void)
{
    CHECK(params_bytes(124439808, PREC_FP32) == 497759232.0);
    CHECK(params_bytes(124439808, PREC_FP16) == 248879616.0);
    CHECK(params_bytes(124439808, PREC_INT8) == 124439808.0);
    /* Half a byte each, and a 2-byte scale for each of the 1,944,372 blocks of 64. */
    CHECK(params_bytes(124439808, PREC_INT4) == 62219904.0 + 2 * 1944372.0);
    CHECK(params_bytes(65, PREC_INT4) == 32.5 + 4);
}

static void expect(const char *text, const char *line)
{
    struct param_counts pc;
    struct diag d;
    CHECK(from_config(text, &pc, &d) == VZ_EINPUT);
    if (!CHECK(strcmp(diag_text(&d), line) == 0))
        fprintf(stderr, "    got      %s\n    expected %s\n", diag_text(&d), line);
}

static void test_bad_configs(void)
{
    expect("{\"model_type\": \"bert\"}",
           "config.json: error: model_type: \"bert\": vizgen counts gpt2, llama and mistral "
           "configurations");
    expect("{\"n_embd\": 768}", "config.json: error: model_type: missing required key");
    expect("{\"model_type\": \"gpt2\", \"n_head\": 5}",
           "config.json: error: n_head: expected a divisor of n_embd (768), got 5");
    expect("{\"model_type\": \"llama\", \"num_key_value_heads\": 5}",
           "config.json: error: num_key_value_heads: expected a divisor of num_attention_heads "
           "(32), got 5");
    expect("{\"model_type\": \"llama\", \"hidden_size\": \"4096\"}",
           "config.json: error: hidden_size: expected an integer from 0 to 1099511627776, got "
           "\"4096\"");
    expect("{\"model_type\": \"gpt2\", \"n_layer\": 0}",
           "config.json: error: n_layer: expected an integer from 1 to 65536, got 0");
}

/* Checkpoint tensors find their component by name, and masks are no parameters. */
static void test_component_names(void)
{
    bool buffer;
    CHECK(params_component_of("h.3.attn.c_attn.weight", &buffer) == PARAM_ATTENTION && !buffer);
    CHECK(params_component_of("h.3.attn.c_attn.bias", &buffer) == PARAM_ATTENTION && !buffer);
    CHECK(params_component_of("h.3.attn.bias", &buffer) == PARAM_ATTENTION && buffer);
    CHECK(params_component_of("transformer.h.0.mlp.c_fc.weight", &buffer) == PARAM_MLP);
    CHECK(params_component_of("transformer.wte.weight", &buffer) == PARAM_EMBEDDING);
    CHECK(params_component_of("wpe.weight", &buffer) == PARAM_POSITIONS);
    CHECK(params_component_of("ln_f.bias", &buffer) == PARAM_NORMS);
    CHECK(params_component_of("model.layers.7.self_attn.k_proj.weight", &buffer) ==
          PARAM_ATTENTION);
    CHECK(params_component_of("model.layers.7.mlp.gate_proj.weight", &buffer) == PARAM_MLP);
    CHECK(params_component_of("model.layers.7.post_attention_layernorm.weight", &buffer) ==
          PARAM_NORMS);
    CHECK(params_component_of("model.norm.weight", &buffer) == PARAM_NORMS);
    CHECK(params_component_of("lm_head.weight", &buffer) == PARAM_HEAD);
    CHECK(params_component_of("model.embed_tokens.weight", &buffer) == PARAM_EMBEDDING);
    CHECK(params_component_of("classifier.weight", &buffer) == PARAM_OTHER);
}

/* Layer indices come from the names, and only from a whole index followed by a dot. */
static void test_layer_names(void)
{
    CHECK(params_layer_of("h.11.attn.c_attn.weight") == 11);
    CHECK(params_layer_of("transformer.h.0.ln_1.weight") == 0);
    CHECK(params_layer_of("model.layers.31.mlp.down_proj.weight") == 31);
    CHECK(params_layer_of("layers.7.attention.wq.weight") == 7);
    CHECK(params_layer_of("model.norm.weight") == -1);
    CHECK(params_layer_of("wte.weight") == -1);
    CHECK(params_layer_of("h.x.attn.bias") == -1);
    CHECK(params_layer_of("h.3") == -1);
    CHECK(params_layer_of("h.65535.mlp.c_fc.weight") == 65535);
    CHECK(params_layer_of("h.65536.mlp.c_fc.weight") == -1);
    CHECK(params_layer_of("h.99999999999999999999.mlp.c_fc.weight") == -1);
}

int main(void)
{
    RUN(test_gpt2);
    RUN(test_llama2_7b);
    RUN(test_tinyllama);
    RUN(test_bytes);
    RUN(test_bad_configs);
    RUN(test_layer_names);
    RUN(test_component_names);
    return check_summary();
}

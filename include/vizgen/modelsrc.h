/* modelsrc: what a model is made of, read from the two things users have on disk — a Hugging
 * Face config.json, or the headers of its .safetensors checkpoint (one file, or the shards a
 * model.safetensors.index.json names). No weight is ever read: a safetensors header says each
 * tensor's name, dtype, shape and place, which is all a count needs.
 * Ownership: a model_source owns its strings and tensors; model_source_free releases them. */
#ifndef VIZGEN_MODELSRC_H
#define VIZGEN_MODELSRC_H

#include "vizgen/diag.h"
#include "vizgen/params.h"
#include "vizgen/spec.h"

#include <stddef.h>
#include <stdint.h>

/* The dtypes the safetensors format defines, and their sizes in bytes. */
enum st_dtype {
    ST_BOOL,
    ST_U8,
    ST_I8,
    ST_F8_E5M2,
    ST_F8_E4M3,
    ST_I16,
    ST_U16,
    ST_F16,
    ST_BF16,
    ST_I32,
    ST_U32,
    ST_F32,
    ST_F64,
    ST_I64,
    ST_U64,
    ST_DTYPES
};
extern const char *const st_dtype_names[]; /* "BOOL", "U8"... as the header writes them */

enum {
    ST_MAX_HEADER = 100 * 1000 * 1000, /* the format's own cap on the header's length */
    ST_MAX_RANK = 8,
    ST_MAX_SHARDS = 1024,
};

struct st_tensor {
    char *name;
    enum st_dtype dtype;
    uint64_t numel, bytes;
    enum param_component component; /* by its name (params_component_of) */
    long layer;                     /* its decoder layer, -1 outside them (params_layer_of) */
    bool buffer;                    /* a stored constant, not a parameter */
};

enum model_source_kind { SOURCE_CONFIG, SOURCE_SAFETENSORS };

struct model_source {
    enum model_source_kind kind;
    char *file;
    char *model_type;           /* the config's model_type, or "" for checkpoints */
    struct model_config config; /* SOURCE_CONFIG */
    struct st_tensor *tensors;  /* SOURCE_SAFETENSORS, every shard's */
    size_t n_tensors, n_shards;
    uint64_t data_bytes; /* the tensors' bytes in all shards */
};

/* Reads path: a config.json, a .safetensors file, or a model.safetensors.index.json and each
 * shard it names (told apart by name and content). Errors name the file and what is wrong in
 * it, with a JSON path or line and column. */
int model_source_load(const char *path, struct model_source *m, struct diag *d);
/* A configuration's keys from a JSON object: a config.json's, or a spec's, for which `strict`
 * also refuses keys vizgen does not read (other than those in `extra`, NULL-terminated), so a
 * typo or another class's key name is not silently ignored. */
int model_config_read(struct spec_node root, bool strict, const char *const *extra,
                      struct model_config *c, char **model_type, struct diag *d);
/* A config.json from memory (buf is modified), named `name` in messages. */
int model_config_parse(const char *name, char *buf, size_t len, struct model_config *c,
                       char **model_type, struct diag *d);
/* One safetensors file's first bytes (at least the 8-byte length and the header it gives) and
 * its total size; appends its tensors to m. */
int safetensors_parse(const char *name, const unsigned char *buf, size_t len, uint64_t file_size,
                      struct model_source *m, struct diag *d);
/* The same from a file on disk: only its first 8 bytes and its header are read. */
int safetensors_load(const char *path, struct model_source *m, struct diag *d);
/* A model.safetensors.index.json already read (buf, modified), and every shard it names
 * (relative to the index's folder), each of whose tensors must be in the shard it names. */
int safetensors_index(const char *path, char *buf, size_t len, struct model_source *m,
                      struct diag *d);
void model_source_free(struct model_source *m);

/* The counts of m: computed from a config, or summed over a checkpoint's tensors (buffers
 * apart). by_dtype (may be NULL) gets each dtype's parameter count. */
void model_source_count(const struct model_source *m, struct param_counts *out,
                        uint64_t by_dtype[ST_DTYPES]);

/* A model in the order it runs: what comes before the decoder layers (embeddings), each layer,
 * and what comes after (final norm, head, tensors no rule names); buffers are left out. */
struct param_layers {
    uint64_t before[PARAM_COMPONENTS], after[PARAM_COMPONENTS];
    uint64_t (*layer)[PARAM_COMPONENTS]; /* n of them, malloc'd */
    size_t n;
};
int model_source_layers(const struct model_source *m, struct param_layers *out, struct diag *d);
void param_layers_free(struct param_layers *p);

#endif

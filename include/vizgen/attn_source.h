/* attn_source: the attention a spec describes — synthetic letter-counting weights from "text", or
 * real weights from inline "weights" or an "npy" file, with a layer/head selection and labels.
 * Its keys are a group that every kind showing attention includes in its table; from the keys
 * read, attn_source_build makes plain matrices. Ownership: attn_source_free releases the
 * source; the keys are released with their figure's struct. */
#ifndef VIZGEN_ATTN_SOURCE_H
#define VIZGEN_ATTN_SOURCE_H

#include "vizgen/attention.h"
#include "vizgen/graphemes.h"
#include "vizgen/keys.h"
#include "vizgen/tensor.h"

enum { ATTN_MAX_TEXT = 4096 };

/* The attention keys as read by keys_read (see attn_source_keys). */
struct attn_keys {
    char *text;
    char **tokens;
    size_t n_tokens;
    struct tensor weights;
    char *npy; /* resolved against the spec's folder */
    long layer, head;
    int mask, normalize, leading_axis;
    bool null_key;
    double sharpness, noise;
    long seed;
    int combine; /* attn_combine_keys: 0 as given, 1 rollout */
};

extern const struct key_set attn_source_keys;
/* "combine": rollout through the layers in place of the layer's heads, for the kinds that show
 * one matrix per head (a second group over the same struct attn_keys). */
extern const struct key_set attn_combine_keys;

struct attn_panel {
    struct attn a;
    long layer, head; /* -1 where the array had no such axis */
};

struct attn_source {
    struct attn_panel *panels;
    size_t n_panels;
    bool by_layer; /* the panels are layers (a [layer][q][k] array), not heads */
    char **labels; /* n_labels display labels, one per position */
    size_t n_labels;
    struct graphemes chars; /* the text's characters when labels come from "text", else empty
                             * (chars.ids NULL) */
    bool synthetic;
    bool rollout; /* the one panel is the rollout through layers 0..panels[0].layer */
};

struct attn_request {
    bool all_heads;    /* every head (of "layer" if given, else of every layer) */
    bool one_layer;    /* with all_heads: of one layer, "layer" or 0, never of every layer */
    size_t max_cells;  /* the most cells one panel may have, checked before allocating */
    size_t max_panels; /* the most panels the figure has room for; 0: any */
};

/* Builds the attention the keys describe; root is only asked which keys were given. Takes the
 * inline weights out of k rather than copying them, and reads only the selected panels of an
 * .npy. A value that is not finite, or outside [0, 1] for weights that are not to be
 * normalised, is an error; rows that do not sum to 1 add a warning. */
int attn_source_build(struct spec_node root, struct attn_keys *k, const struct attn_request *req,
                      struct attn_source *out, struct diag *d);
void attn_source_free(struct attn_source *s);
/* The panels as a grid: panels come layer by layer, every head of each (a single layer or a
 * single head where the array had no such axis), so heads is the count sharing the first
 * panel's layer. */
void attn_source_grid(const struct attn_source *s, size_t *layers, size_t *heads);
/* Attention rollout through every layer the panels hold, n x n doubles (malloc'd; the caller
 * frees), *layers set to their count; NULL when the panels are not whole layers of heads or
 * memory runs out. */
double *attn_source_rollout(const struct attn_source *s, size_t *layers);
/* Display labels of n positions, for every kind that shows positions: the tokens given (the
 * caller checked there are n), else the characters of chars when it has them, else 0, 1, 2...
 * *labels gets n allocated strings, NULL where allocation failed; position_labels_free
 * releases them. */
int position_labels(char *const *tokens, size_t n_tokens, const struct graphemes *chars, size_t n,
                    char ***labels, struct diag *d);
void position_labels_free(char **labels, size_t n); /* NULL is fine */

/* What a rollout panel is, one sentence for a figure's note. */
extern const char attn_rollout_note[];
/* What a panel is, for headers and legends: "L3 H5", "H2", "L0", "rollout L0-L3", or ""
 * for a matrix that was the whole array. */
void attn_panel_name(const struct attn_source *s, const struct attn_panel *p, char *buf,
                     size_t size);

#endif

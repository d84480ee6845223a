/* attn_source: the attention a spec describes — synthetic letter-counting weights from "text", or
 * real weights from inline "weights" or an "npy" file, with a layer/head selection and labels.
 * It reads spec keys (through spec.h) and hands figures plain matrices; figures that show
 * attention all share it. Ownership: attn_source_free releases everything in it. */
#ifndef VIZGEN_ATTN_SOURCE_H
#define VIZGEN_ATTN_SOURCE_H

#include "vizgen/attention.h"
#include "vizgen/spec.h"

enum { ATTN_MAX_TEXT = 4096 };

struct attn_panel {
    struct attn a;
    long layer, head; /* -1 where the array had no such axis */
};

struct attn_source {
    struct attn_panel *panels;
    size_t n_panels;
    char **labels; /* n_labels display labels, one per position */
    size_t n_labels;
    uint32_t *cps; /* the text's code points when labels come from "text", else NULL */
    size_t n_cps;
    bool synthetic;
    char *input_path; /* the .npy file read, resolved against the spec's folder, or NULL */
};

/* The top-level keys attn_source_parse reads, NULL-terminated. */
extern const char *const attn_source_keys[];

struct attn_request {
    const char *spec_path; /* .npy paths are relative to the spec's folder */
    bool all_heads;        /* every head (of "layer" if given, else of every layer) */
    size_t max_cells;      /* the most cells one panel may have, checked before allocating */
};

/* Reads the attention keys of root. Rows that do not sum to 1 put a warning in d->warn. */
int attn_source_parse(struct spec_node root, const struct attn_request *req,
                      struct attn_source *out, struct diag *d);
void attn_source_free(struct attn_source *s);

#endif

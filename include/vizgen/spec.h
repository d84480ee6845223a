/* spec: loading a JSON spec file and reading validated values out of it by JSON path.
 * It owns the JSON tree (cJSON never appears in this header); figures read their fields through
 * these functions while the spec is alive and copy what they keep. Every error names the file and
 * the JSON path ("bars[2].value: expected a number > 0, got \"abc\""). */
#ifndef VIZGEN_SPEC_H
#define VIZGEN_SPEC_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stddef.h>

enum { SPEC_MAX_BYTES = 64 * 1024 * 1024 };

struct spec; /* opaque; spec_free releases it */

/* A position in the document: an opaque value and its JSON path. Valid while its spec lives. */
struct spec_node {
    const void *json;
    char path[192];
};

enum spec_type {
    SPEC_ABSENT,
    SPEC_NULL,
    SPEC_BOOL,
    SPEC_NUMBER,
    SPEC_STRING,
    SPEC_ARRAY,
    SPEC_OBJECT
};

/* Reads and parses FILE. The top level must be an object. On error returns non-zero with
 * "FILE:LINE:COL: error: ..." (syntax) or "FILE: error: ..." in d; *out is then NULL. */
int spec_load(const char *file, struct spec **out, struct diag *d);
/* The same from memory; `name` stands for the file in messages. */
int spec_parse(const char *name, const char *buf, size_t len, struct spec **out, struct diag *d);
/* A data file a tool wrote rather than a spec: any JSON value at the top, and Python's bare
 * NaN, Infinity and -Infinity allowed (buf is rewritten where they stand; read them with
 * spec_data_number). Specs never take this path. */
int spec_parse_data(const char *name, char *buf, size_t len, struct spec **out, struct diag *d);
void spec_free(struct spec *s); /* NULL is a no-op */

struct spec_node spec_root(const struct spec *s);
/* The document as compact JSON (malloc'd, caller frees), or NULL when out of memory. */
char *spec_compact(const struct spec *s);

/* A top-level value to set: a string when str is not NULL, else a number, or a bool. */
struct spec_setting {
    const char *key;
    const char *str;
    double num;
    enum spec_type type; /* SPEC_STRING, SPEC_NUMBER or SPEC_BOOL */
};
/* The document as compact JSON with these keys set (replaced where present, added at the end
 * otherwise), so it says what was actually drawn; NULL when out of memory. */
char *spec_compact_with(const struct spec *s, const struct spec_setting *set, size_t n);

enum spec_type spec_type_of(struct spec_node n);
/* Fails with "expected EXPECTED, got <n's value>" at n's path. */
int spec_mismatch(struct spec_node n, const char *expected, struct diag *d);
size_t spec_len(struct spec_node n);                      /* array length, else 0 */
struct spec_node spec_at(struct spec_node arr, size_t i); /* path "arr[i]"; walks i elements */
/* The first element of an array and the one after n, for walking an array in linear time;
 * SPEC_ABSENT past the end. */
struct spec_node spec_first(struct spec_node arr);
struct spec_node spec_next(struct spec_node n);
struct spec_node spec_get(struct spec_node obj, const char *key); /* absent -> SPEC_ABSENT */
bool spec_has(struct spec_node obj, const char *key);             /* whether obj gives key */
/* An object's members in order (paths "obj.key"), SPEC_ABSENT past the last, and their names. */
struct spec_node spec_member_first(struct spec_node obj);
struct spec_node spec_member_next(struct spec_node obj, struct spec_node n);
const char *spec_member_name(struct spec_node n);
/* A number of a data file (spec_parse_data), NaN and infinities included: false for any other
 * value. */
bool spec_data_number(struct spec_node n, double *out);

/* Errors if obj has a key in none of the lists (each NULL-terminated; `lists` itself ends with
 * NULL), naming the nearest known key as a hint, or has a key twice. */
int spec_check_keys(struct spec_node obj, const char *const *const *lists, struct diag *d);

/* Value readers: on a type or range mismatch they fill d with the path and what was found. */
int spec_expect_object(struct spec_node n, struct diag *d);
int spec_number(struct spec_node n, double lo, double hi, bool lo_open, double *out,
                struct diag *d);
int spec_int(struct spec_node n, long lo, long hi, long *out, struct diag *d);
/* Copies a string (malloc'd, caller frees). allow_empty=false rejects "". */
int spec_string(struct spec_node n, bool allow_empty, char **out, struct diag *d);
int spec_bool(struct spec_node n, bool *out, struct diag *d);
/* One of `choices` (NULL-terminated); *out is its index. Suggests the nearest on a miss. */
int spec_choice(struct spec_node n, const char *const *choices, int *out, struct diag *d);
/* The n items of an array, each one of `choices` and none twice, into out (n ints). */
int spec_choices(struct spec_node arr, size_t n, const char *const *choices, int *out,
                 struct diag *d);
int spec_array(struct spec_node n, size_t min_len, size_t max_len, struct diag *d);
/* Reads an array of exactly n finite numbers into out, in one pass. */
int spec_numbers(struct spec_node arr, double *out, size_t n, struct diag *d);

/* Field readers: absent fields keep *out (the caller's default) untouched; present ones are
 * validated as above. spec_req_* fail when the field is absent. */
int spec_opt_number(struct spec_node obj, const char *key, double lo, double hi, bool lo_open,
                    double *out, struct diag *d);
int spec_opt_int(struct spec_node obj, const char *key, long lo, long hi, long *out,
                 struct diag *d);
int spec_opt_string(struct spec_node obj, const char *key, bool allow_empty, char **out,
                    struct diag *d); /* replaces *out, freeing the old value, when present */
int spec_opt_bool(struct spec_node obj, const char *key, bool *out, struct diag *d);
int spec_opt_choice(struct spec_node obj, const char *key, const char *const *choices, int *out,
                    struct diag *d);
int spec_req_string(struct spec_node obj, const char *key, bool allow_empty, char **out,
                    struct diag *d);
int spec_req_number(struct spec_node obj, const char *key, double lo, double hi, bool lo_open,
                    double *out, struct diag *d);
/* Fails with "PATH: missing required key" when absent. */
int spec_require(struct spec_node obj, const char *key, struct spec_node *out, struct diag *d);

/* The name in `lists` (as for spec_check_keys) closest to `word`, or NULL if none is close. */
const char *spec_nearest(const char *word, const char *const *const *lists);

#endif

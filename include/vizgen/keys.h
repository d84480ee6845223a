/* keys: one table per figure kind declares its spec keys — name, type, range or choices,
 * default, one line of help — and everything about a key comes from there: reading and
 * validating it into the kind's struct, `vizgen KIND --help`, the JSON Schema and the list of
 * files a figure reads. Nothing about a key is written twice.
 * Ownership: keys_read allocates the strings and arrays it stores; keys_free releases them. */
#ifndef VIZGEN_KEYS_H
#define VIZGEN_KEYS_H

#include "vizgen/spec.h"
#include "vizgen/tensor.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum key_type {
    KEY_BOOL,    /* bool */
    KEY_INT,     /* long */
    KEY_NUMBER,  /* double */
    KEY_STRING,  /* char * */
    KEY_CHOICE,  /* int: the index of the value in `choices` */
    KEY_LENGTH,  /* double: a physical length such as "3.3in", in points; min, max in points */
    KEY_PATH,    /* char *: a file the figure reads, resolved against the spec's folder */
    KEY_INTS,    /* long * and a size_t count at count_offset */
    KEY_NUMBERS, /* double * and a count */
    KEY_STRINGS, /* char ** and a count */
    KEY_OBJECTS, /* an array of objects, each read with `fields` into item_size bytes; count */
    KEY_TENSOR,  /* nested arrays of numbers, 2 to 4 deep: struct tensor */
    KEY_GROUP,   /* not a key: `fields` are read at this level into the struct at offset */
    KEY_KIND,    /* the "figure" key: the kind's own name, checked by the registry */
};

enum key_flags {
    KEY_REQUIRED = 1,     /* no default: the spec must give it */
    KEY_MIN_OPEN = 2,     /* numbers: min itself is not allowed */
    KEY_KIND_DEFAULT = 4, /* the default is the figure kind's own (title, output): see figure.h */
    KEY_NOT_STORED = 8,   /* validated but kept nowhere ("$schema") */
    KEY_NO_DEFAULT = 16,  /* optional, and absent means "none": the kind asks spec_has() */
};

struct key_set;

struct key {
    const char *name;
    enum key_type type;
    size_t offset;             /* of the field in the struct being filled */
    double min, max;           /* numbers: range; strings: characters; arrays: items (max 0: any) */
    double item_min, item_max; /* KEY_INTS, KEY_NUMBERS: range of each item */
    unsigned flags;
    const char *const *choices;   /* KEY_CHOICE, NULL-terminated */
    const char *dstr;             /* default of a string or choice */
    double dnum;                  /* default of a number, integer or bool (0 or 1) */
    const char *help;             /* one line, no trailing period */
    const struct key_set *fields; /* KEY_OBJECTS and KEY_GROUP */
    size_t count_offset;          /* arrays: the size_t that receives the length */
};

struct key_set {
    const char *title; /* a heading for --help, e.g. "attention" */
    const struct key *keys;
    size_t n;
    size_t item_size; /* for KEY_OBJECTS: the size of one element */
};

/* What reading needs beyond the spec: where it is (for KEY_PATH) and array limits. */
struct key_ctx {
    const char *spec_path;
    struct tensor_limits limits;
};

/* Fails on a key of obj that no table in sets (NULL-terminated) declares, naming the nearest
 * declared one, and on a key given twice. */
int keys_check(struct spec_node obj, const struct key_set *const *sets, struct diag *d);
/* Reads every key of set from obj into out (a zeroed struct): the value given, validated, or
 * the table's default. Nested objects are checked for unknown keys too. On error, out may hold
 * partial values: release them with keys_free. */
int keys_read(struct spec_node obj, const struct key_set *set, const struct key_ctx *ctx, void *out,
              struct diag *d);
void keys_free(const struct key_set *set, void *obj);

/* Up to cap paths of every KEY_PATH value in obj (read by keys_read), in table order; returns
 * how many there are, which may exceed cap. The strings belong to obj. */
size_t keys_paths(const struct key_set *set, const void *obj, const char **paths, size_t cap);

/* A physical length: a number and a unit, "in", "cm", "mm", "pt" or "px" (CSS pixels, 1/96 in),
 * as "3.3in" or "8.4cm". Sets *points and returns true when s is one. */
bool key_length_parse(const char *s, double *points);

/* A key's default or the kind's, as text for people: "2", "\"MB\"", "none", "required". */
void key_default_text(const struct key *k, const char *kind_default, char *buf, size_t size);
/* Its type and range for people: "integer from 0 to 6", "array of 1 to 50 objects". */
void key_type_text(const struct key *k, char *buf, size_t size);

/* The callback that supplies KEY_KIND_DEFAULT defaults by key name: a constant string, or buf
 * filled in; NULL when there is none. */
typedef const char *(*key_kind_default)(const void *ctx, const char *name, char *buf, size_t size);

/* The keys of sets as --help lines: name, type, default, help; nested keys indented. */
void keys_help(FILE *f, const struct key_set *const *sets, key_kind_default kd, const void *kctx);
/* sets as one JSON Schema (draft 2020-12) for an object closed to other keys, with the given
 * $id, title and description. */
void keys_schema(FILE *f, const struct key_set *const *sets, key_kind_default kd, const void *kctx,
                 const char *id, const char *title, const char *description);

#endif

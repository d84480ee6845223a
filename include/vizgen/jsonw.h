/* jsonw: the little JSON writing vizgen does (layout dumps, stats) — escaping and numbers. */
#ifndef VIZGEN_JSONW_H
#define VIZGEN_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s as a quoted JSON string. */
void jsonw_string(FILE *f, const char *s);
/* Writes v with %.6g, or null when it is not finite. */
void jsonw_number(FILE *f, double v);

/* A document written as it goes, commas and nesting kept track of: --dump-data's, where a figure
 * writes the numbers it draws. Numbers are exact (the shortest text that reads back as the same
 * double); NaN and the infinities, which JSON has no numbers for, are the strings "NaN",
 * "Infinity" and "-Infinity". */
enum { JSONW_MAX_DEPTH = 16 };
struct jsonw {
    FILE *f;
    int depth;
    bool first[JSONW_MAX_DEPTH]; /* nothing written yet at that level */
};
/* Starts the document: its top level is an object. */
void jsonw_open(struct jsonw *w, FILE *f);
/* Ends the document; whoever opened an object or array inside it has closed it. */
void jsonw_close(struct jsonw *w);
/* Opens an object or array as member `key` of an object, or as an item of an array (key NULL). */
void jsonw_begin_object(struct jsonw *w, const char *key);
void jsonw_begin_array(struct jsonw *w, const char *key);
void jsonw_end_object(struct jsonw *w);
void jsonw_end_array(struct jsonw *w);
/* Members (or, with key NULL, items). */
void jsonw_put_string(struct jsonw *w, const char *key, const char *s);
void jsonw_put_number(struct jsonw *w, const char *key, double v);
void jsonw_put_numbers(struct jsonw *w, const char *key, const double *v, size_t n);
/* Floats written as the shortest text that reads back as the same float. */
void jsonw_put_floats(struct jsonw *w, const char *key, const float *v, size_t n);
void jsonw_put_ints(struct jsonw *w, const char *key, const int *v, size_t n);
void jsonw_put_strings(struct jsonw *w, const char *key, char *const *v, size_t n);

#endif

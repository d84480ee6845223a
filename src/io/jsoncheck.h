/* jsoncheck: a strict JSON syntax checker that says what it expected and where.
 * cJSON reports only a byte offset; this runs first so every syntax error gets a real message. */
#ifndef VIZGEN_JSONCHECK_H
#define VIZGEN_JSONCHECK_H

#include <stddef.h>

enum { JSONCHECK_MAX_DEPTH = 256 };

/* Returns 0 if buf[0..len) is one valid JSON value (RFC 8259, no NUL bytes, strings valid UTF-8,
 * nesting at most JSONCHECK_MAX_DEPTH). Otherwise returns -1 and sets *err_at to the byte offset
 * of the problem and *msg to a static description. */
int jsoncheck(const char *buf, size_t len, size_t *err_at, const char **msg);

/* The first byte of the string that stands for a non-finite number in data mode. */
enum { JSONCHECK_NONFINITE = 0xFF };

/* The same for a data file, where Python's bare NaN, Infinity and -Infinity are allowed: each
 * is rewritten in place to a string of the same length, "\xFF" (NaN), "\xFF+    " or
 * "\xFF-     ", for the tree to carry. */
int jsoncheck_data(char *buf, size_t len, size_t *err_at, const char **msg);

#endif

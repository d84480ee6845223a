/* utf8: validation and decoding of UTF-8 text into code points.
 * Pure functions on caller buffers; no allocation except utf8_decode's result. */
#ifndef VIZGEN_UTF8_H
#define VIZGEN_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns the byte offset of the first invalid sequence, or -1 when s[0..len) is valid UTF-8
 * (overlong forms, surrogates and code points above U+10FFFF are invalid). */
long utf8_invalid_at(const char *s, size_t len);

/* Decodes valid UTF-8 into a malloc'd array of code points (caller frees) and its length.
 * Returns NULL on invalid input or out of memory. */
uint32_t *utf8_decode(const char *s, size_t *n_out);

/* Writes cp as UTF-8 into out (at least 5 bytes, NUL-terminated); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);

/* Byte length of the first n code points of valid UTF-8 string s. */
size_t utf8_prefix_bytes(const char *s, size_t n);

/* Number of code points in valid UTF-8 string s. */
size_t utf8_length(const char *s);

/* The character as a figure should show it: space as U+2423 '␣', tab and newline as arrows.
 * Writes UTF-8 into out (at least 5 bytes). */
void utf8_visible(uint32_t cp, char *out);

/* s (valid UTF-8) with every control character made visible, for a terminal: C0 controls and
 * DEL as Unicode's control pictures (ESC is "␛"), C1 controls as U+FFFD. Writes at most size
 * bytes, NUL included, never cutting a character. */
void utf8_printable(const char *s, char *out, size_t size);

#endif

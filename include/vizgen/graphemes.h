/* graphemes: text as a reader sees it — user-perceived characters (Unicode's extended grapheme
 * clusters, from utf8proc), compared in normal form C. "café" typed with a combining accent is
 * four characters, the same four as the precomposed "café"; 🐍 is one; a variation selector
 * belongs to the character it modifies. Ownership: graphemes_free releases a split. */
#ifndef VIZGEN_GRAPHEMES_H
#define VIZGEN_GRAPHEMES_H

#include <stddef.h>
#include <stdint.h>

struct graphemes {
    size_t n;
    char **text;   /* n characters, NUL-terminated UTF-8 in normal form C */
    uint32_t *ids; /* n ids, equal exactly when the characters are */
};

/* Splits valid UTF-8 into characters. Returns 0, or -1 when out of memory. */
int graphemes_split(const char *s, struct graphemes *g);
void graphemes_free(struct graphemes *g);

/* Character i as a figure shows it: a space as '␣', a tab or newline as an arrow, other
 * controls as U+FFFD. Writes at most size bytes, NUL included. */
void graphemes_visible(const struct graphemes *g, size_t i, char *out, size_t size);

/* A number for character i that is the same wherever the character appears, in any string and
 * any run (a hash of its text): what gives it the same colour in every figure. */
uint32_t graphemes_hash(const struct graphemes *g, size_t i);

#endif

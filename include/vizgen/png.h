/* png: encoding Cairo's pixels as PNG through libpng, a row at a time, and reading a text chunk
 * back. Deterministic by construction: no time chunk and fixed compression settings, so the
 * same pixels always give the same bytes. */
#ifndef VIZGEN_PNG_H
#define VIZGEN_PNG_H

#include "vizgen/diag.h"

#include <stdbool.h>
#include <stdio.h>

/* A text chunk: Latin-1 tEXt, or compressed UTF-8 iTXt when utf8 is set. */
struct png_text {
    const char *key, *value;
    bool utf8;
};

/* One row for the encoder: 8-bit RGB samples (RGBA when the image has alpha) and the PNG
 * filter it takes (PNG_FILTER_NONE or PNG_FILTER_UP; ignored for row 0). */
struct png_row {
    const unsigned char *samples; /* NULL when the row could not be made */
    int filter;
};

/* Row y, asked for in order from 0. */
typedef struct png_row (*png_row_fn)(void *ctx, int y);

/* Turns n rows of Cairo pixels (RGB24, or premultiplied ARGB32 when alpha), stride bytes apart,
 * into encoder rows in place: each row's samples at its start, its filter in filters[i]. prev
 * is the row above the first, as this left it, or NULL at the image's top. It touches nothing
 * else, so the rows can be made on one thread while another encodes earlier ones. */
void png_prepare_rows(unsigned char *data, size_t stride, int n, int w, bool alpha,
                      const unsigned char *prev, unsigned char *filters);

/* Writes a w x h image to f as PNG (8-bit RGB, or RGBA when alpha), taking its rows from
 * row(ctx, y) one at a time so that the image need never be whole in memory, with a pHYs chunk
 * for dpi and the given text chunks (at most 4) before the image data. name stands for f in
 * messages; whether the bytes reached the file is for the caller to check (see output.h). */
int png_encode_rows(FILE *f, const char *name, int w, int h, bool alpha, png_row_fn row, void *ctx,
                    double dpi, const struct png_text *texts, int n_texts, struct diag *d);

/* Reads the text chunk `key` (one before the image data, where png_encode_rows puts them) of
 * the PNG at path into *out (malloc'd; caller frees). */
int png_embedded_text(const char *path, const char *key, char **out, struct diag *d);

#endif

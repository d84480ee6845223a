/* png: encoding a finished Cairo image surface as PNG through libpng, and reading a text chunk
 * back. Deterministic by construction: no time chunk and fixed compression
 * settings, so the same pixels always give the same bytes. */
#ifndef VIZGEN_PNG_H
#define VIZGEN_PNG_H

#include "vizgen/diag.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A text chunk: Latin-1 tEXt, or compressed UTF-8 iTXt when utf8 is set. */
struct png_text {
    const char *key, *value;
    bool utf8;
};

/* The Cairo pixels (RGB24 or premultiplied ARGB32 words) of row y, asked for in order from 0;
 * NULL when they could not be made. */
typedef const uint32_t *(*png_row_fn)(void *ctx, int y);

/* Writes a w x h image to f as PNG, taking its rows from row(ctx, y) one at a time, so that a
 * large image need never be whole in memory. Otherwise as png_encode. */
int png_encode_rows(FILE *f, const char *name, int w, int h, bool alpha, png_row_fn row, void *ctx,
                    double dpi, const struct png_text *texts, int n_texts, struct diag *d);

/* Writes img to f as PNG: 8-bit RGB from CAIRO_FORMAT_RGB24, RGBA (un-premultiplied) from
 * ARGB32, with a pHYs chunk for dpi and the given text chunks (at most 4). name stands for f in
 * messages; whether the bytes reached the file is for the caller to check (see output.h). */
int png_encode(cairo_surface_t *img, FILE *f, const char *name, double dpi,
               const struct png_text *texts, int n_texts, struct diag *d);

/* Reads the text chunk `key` (one before the image data, where png_encode puts them) of the PNG
 * at path into *out (malloc'd; caller frees). */
int png_embedded_text(const char *path, const char *key, char **out, struct diag *d);

#endif

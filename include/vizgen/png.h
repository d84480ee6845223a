/* png: encoding a finished Cairo image surface as PNG through libpng, and reading a text chunk
 * back. Deterministic by construction: no time chunk and fixed compression
 * settings, so the same pixels always give the same bytes. */
#ifndef VIZGEN_PNG_H
#define VIZGEN_PNG_H

#include "vizgen/diag.h"

#include <cairo.h>
#include <stdbool.h>
#include <stdio.h>

/* A text chunk: Latin-1 tEXt, or compressed UTF-8 iTXt when utf8 is set. */
struct png_text {
    const char *key, *value;
    bool utf8;
};

/* Writes img to f as PNG: 8-bit RGB from CAIRO_FORMAT_RGB24, RGBA (un-premultiplied) from
 * ARGB32, with a pHYs chunk for dpi and the given text chunks (at most 4). name stands for f in
 * messages; whether the bytes reached the file is for the caller to check (see output.h). */
int png_write(cairo_surface_t *img, FILE *f, const char *name, double dpi,
              const struct png_text *texts, int n_texts, struct diag *d);

/* Reads the text chunk `key` (one before the image data, where png_write puts them) of the PNG
 * at path into *out (malloc'd; caller frees). */
int png_read_text(const char *path, const char *key, char **out, struct diag *d);

#endif

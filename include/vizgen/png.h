/* png: encoding a finished Cairo image surface as PNG with libpng, written atomically.
 * Deterministic by construction: no time chunk, fixed compression settings. */
#ifndef VIZGEN_PNG_H
#define VIZGEN_PNG_H

#include "vizgen/diag.h"

#include <cairo.h>

struct png_text {
    const char *key, *value;
};

/* Writes img (CAIRO_FORMAT_RGB24) to path as 8-bit RGB with a pHYs chunk for dpi and the given
 * tEXt chunks. The file at path is replaced only on success. */
int png_write(cairo_surface_t *img, const char *path, double dpi, const struct png_text *texts,
              int n_texts, struct diag *d);

#endif

/* vector: SVG and PDF output through Cairo's vector surfaces. Text is glyph
 * outlines in SVG (portable, no fonts needed) and real text in PDF; heatmap cells stay an image. */
#ifndef VIZGEN_VECTOR_H
#define VIZGEN_VECTOR_H

#include "vizgen/draw.h"

#include <stdio.h>

enum vector_format { VECTOR_SVG, VECTOR_PDF };

/* Replays the finished canvas (made with `vector` set) into f as SVG or PDF at its size on the
 * page, unit_pt points per layout unit; `title` goes into the document's metadata, name stands
 * for f in messages. */
int vector_write(struct canvas *cv, enum vector_format fmt, FILE *f, const char *name,
                 const char *title, double unit_pt, struct diag *d);

#endif

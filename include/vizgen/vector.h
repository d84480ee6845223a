/* vector: SVG and PDF output through Cairo's vector surfaces, written atomically. Text is glyph
 * outlines in SVG (portable, no fonts needed) and real text in PDF; heatmap cells stay an image. */
#ifndef VIZGEN_VECTOR_H
#define VIZGEN_VECTOR_H

#include "vizgen/draw.h"

enum vector_format { VECTOR_SVG, VECTOR_PDF };

/* Replays the finished canvas (made with `vector` set) into a file of the given format at path
 * (in points = logical pixels), replacing it only on success. `title` goes into the document
 * metadata. */
int vector_write(struct canvas *cv, enum vector_format fmt, const char *path, const char *title,
                 struct diag *d);

#endif

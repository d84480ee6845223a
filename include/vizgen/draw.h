/* draw: the drawing primitives every figure uses — the canvas, text and shapes. The chart kit
 * built on them (axes, legends, colour bars...) is kit.h. */
#ifndef VIZGEN_DRAW_H
#define VIZGEN_DRAW_H

#include "vizgen/canvas.h"
#include "vizgen/shapes.h"
#include "vizgen/text.h"

#endif

/* dump: a figure's layout written as JSON (--dump-layout), so people and tests can check every
 * mark against the data without decoding pixels. */
#ifndef VIZGEN_DUMP_H
#define VIZGEN_DUMP_H

#include "vizgen/layout.h"

#include <stdio.h>

/* Writes the layout to f as JSON (numbers that are not finite as null). */
void dump_layout(const struct layout *l, FILE *f);

#endif

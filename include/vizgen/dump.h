/* dump: a figure's layout written as JSON (--dump-layout), so people and tests can check every
 * mark against the data without decoding pixels. */
#ifndef VIZGEN_DUMP_H
#define VIZGEN_DUMP_H

#include "vizgen/diag.h"
#include "vizgen/layout.h"

/* Writes the layout to path, replacing it only on success. */
int dump_layout(const struct layout *l, const char *path, struct diag *d);

#endif

/* jsonw: the little JSON writing vizgen does (layout dumps, stats) — escaping and numbers. */
#ifndef VIZGEN_JSONW_H
#define VIZGEN_JSONW_H

#include <stdio.h>

/* Writes s as a quoted JSON string. */
void jsonw_string(FILE *f, const char *s);
/* Writes v with %.6g, or null when it is not finite. */
void jsonw_number(FILE *f, double v);

#endif

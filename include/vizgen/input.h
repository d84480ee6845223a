/* input: opening a file vizgen reads (a spec, an array, a log) without ever blocking on it. A
 * FIFO would hang an open until some writer came, with the signals a render blocks held off;
 * a device can be endless. Only regular files are read. */
#ifndef VIZGEN_INPUT_H
#define VIZGEN_INPUT_H

#include "vizgen/diag.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

/* Opens path for reading and fills *st; `what` names what was expected ("a JSON file") in
 * messages. NULL, with d filled, for a missing file, a folder, a pipe or a device. */
FILE *input_open(const char *path, const char *what, struct stat *st, struct diag *d);

/* The whole file at path, opened as input_open does, read to its end and NUL-terminated, in
 * *out (malloc'd, the caller frees) and *len. Larger than limit is an error that calls it
 * `noun` ("spec is 70000000 bytes, the limit is ..."). */
int input_read(const char *path, const char *what, const char *noun, size_t limit, char **out,
               size_t *len, struct diag *d);

#endif

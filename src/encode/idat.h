/* idat: a PNG's image data, deflated in segments on two threads and written as IDAT chunks. */
#ifndef VIZGEN_IDAT_H
#define VIZGEN_IDAT_H

#include <png.h>
#include <stddef.h>

struct idat;

/* For `rows` rows of `row_bytes` samples each, compressed with zlib's level, memory level and
 * strategy; NULL when out of memory. */
struct idat *idat_start(size_t row_bytes, int rows, int level, int mem_level, int strategy);
/* Takes row y (asked for in order from 0): its samples, unfiltered, and the filter it takes
 * (0 None or 2 Up). May write IDAT chunks to png, and so may longjmp as libpng does on error. */
void idat_row(struct idat *z, png_structp png, int y, const unsigned char *samples, int filter);
/* Writes the rest of the image data once every row is in; longjmps as idat_row. */
void idat_finish(struct idat *z, png_structp png);
/* Stops the helper thread and releases everything, after a longjmp too. */
void idat_free(struct idat *z);

#endif

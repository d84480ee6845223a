/* halves: one pass over a long array run as two halves at once, the second on a thread of its
 * own. After a log is read, its million-point lines are walked by one thread while the other
 * core waits: finding a line's extremes, its best point, its points per pixel column. */
#ifndef VIZGEN_HALVES_H
#define VIZGEN_HALVES_H

/* Arrays shorter than this are walked on one thread: making one costs about 50 us here. */
enum { HALVES_MIN = 1 << 18 };

/* Runs fn(ctx, 0) here and fn(ctx, 1) on a new thread, and returns when both have; both here,
 * one after the other, when no thread can be made. Each call must touch only its half's part of
 * ctx. */
void halves_run(void (*fn)(void *ctx, int half), void *ctx);

#endif

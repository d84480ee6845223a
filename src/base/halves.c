/* halves: two halves of a pass at once. */
#include "vizgen/halves.h"

#include <pthread.h>
#include <stdbool.h>

struct second_half {
    void (*fn)(void *ctx, int half);
    void *ctx;
};

static void *run_second(void *arg)
{
    struct second_half *h = arg;
    h->fn(h->ctx, 1);
    return NULL;
}

void halves_run(void (*fn)(void *ctx, int half), void *ctx)
{
    struct second_half h = {fn, ctx};
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, run_second, &h) == 0;
    fn(ctx, 0);
    if (threaded)
        pthread_join(thread, NULL);
    else
        fn(ctx, 1);
}

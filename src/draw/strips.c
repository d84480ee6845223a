/* strips: strip buffers handed between the drawing and the encoder. Drawn ahead, a thread fills
 * the strips after k while the encoder reads strip k; it waits when it is STRIPS_HELD strips
 * ahead, the encoder waits when it catches up, and only the drawing thread touches Cairo until
 * the end. Drawn as asked for, strip k is drawn on the encoder's thread when its first row is
 * asked for, into one of two buffers (the other still holds the row above, for the hook). */
#include "vizgen/strips.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct strips {
    struct canvas *cv;
    cairo_surface_t *buf[STRIPS_HELD];
    unsigned char *data[STRIPS_HELD];
    size_t stride;
    int rows, height, n_strips;
    int held; /* buffers in use: STRIPS_HELD drawn ahead, 2 as asked for */
    struct strip_hook hook;
    int current; /* the strip the encoder reads, -1 before the first */
    bool threaded;
    pthread_t thread;
    /* Shared, under lock. */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int drawn;    /* strips drawn, in order */
    int released; /* strips before this one the encoder is done with */
    bool cancel, failed;
    struct diag err; /* the drawing's error, read once the thread has ended */
};

static int draw_strip(struct strips *s, int k)
{
    int y0 = k * s->rows, rc = canvas_rasterize_rows(s->cv, s->buf[k % s->held], y0, &s->err);
    if (rc == VZ_OK && s->hook.fn) {
        /* Strip k - 1 is still whole in the other buffer: only strip k + 1 overwrites it. */
        const unsigned char *prev =
            k > 0 ? s->data[(k - 1) % s->held] + (size_t)(s->rows - 1) * s->stride : NULL;
        int n = s->height - y0 < s->rows ? s->height - y0 : s->rows;
        s->hook.fn(s->hook.ctx, s->data[k % s->held], s->stride, y0, n, prev);
    }
    return rc;
}

static void *draw_ahead(void *arg)
{
    struct strips *s = arg;
    for (int k = 0; k < s->n_strips; k++) {
        pthread_mutex_lock(&s->lock);
        while (!s->cancel && k - s->released >= s->held)
            pthread_cond_wait(&s->changed, &s->lock);
        bool stop = s->cancel;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        int rc = draw_strip(s, k);
        pthread_mutex_lock(&s->lock);
        if (rc)
            s->failed = true;
        else
            s->drawn = k + 1;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        if (rc)
            break;
    }
    return NULL;
}

int strips_start(struct strips **out, struct canvas *cv, int rows, bool ahead,
                 struct strip_hook hook, struct diag *d)
{
    *out = NULL;
    struct strips *s = calloc(1, sizeof *s);
    if (!s)
        return diag_oom(d);
    long w, h;
    canvas_pixel_size(cv, &w, &h);
    *s = (struct strips){.cv = cv,
                         .rows = rows,
                         .height = (int)h,
                         .n_strips = (int)((h + rows - 1) / rows),
                         .held = ahead ? STRIPS_HELD : 2,
                         .hook = hook,
                         .current = -1};
    diag_init(&s->err);
    for (int i = 0; i < s->held; i++) {
        s->buf[i] = canvas_strip_create(cv, rows);
        if (!s->buf[i]) {
            while (i-- > 0)
                cairo_surface_destroy(s->buf[i]);
            free(s);
            return diag_oom(d);
        }
        s->data[i] = cairo_image_surface_get_data(s->buf[i]);
    }
    s->stride = (size_t)cairo_image_surface_get_stride(s->buf[0]);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    s->threaded = ahead && pthread_create(&s->thread, NULL, draw_ahead, s) == 0;
    *out = s;
    return VZ_OK;
}

/* Waits for strip k, releasing the ones before it; false when it will never come. */
static bool wait_for(struct strips *s, int k)
{
    if (!s->threaded) {
        s->failed = s->failed || draw_strip(s, k) != VZ_OK;
        return !s->failed;
    }
    pthread_mutex_lock(&s->lock);
    s->released = k;
    pthread_cond_broadcast(&s->changed);
    while (s->drawn <= k && !s->failed)
        pthread_cond_wait(&s->changed, &s->lock);
    bool ok = s->drawn > k;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

const unsigned char *strips_row(struct strips *s, int y)
{
    int k = y / s->rows;
    if (k != s->current) {
        if (!wait_for(s, k))
            return NULL;
        s->current = k;
    }
    return s->data[k % s->held] + (size_t)(y - k * s->rows) * s->stride;
}

int strips_finish(struct strips *s, struct diag *d)
{
    if (s->threaded) {
        pthread_mutex_lock(&s->lock);
        s->cancel = true;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
    }
    int rc = VZ_OK;
    if (s->failed) {
        d->status = rc = s->err.status;
        d->err = s->err.err;
    }
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    for (int i = 0; i < s->held; i++)
        cairo_surface_destroy(s->buf[i]);
    free(s);
    return rc;
}

/* batch: a fixed pool of threads takes specs from a shared counter; results are printed in name
 * order afterwards so the log is the same whatever the scheduling. */
#include "vizgen/batch.h"

#include "vizgen/figure.h"
#include "vizgen/render.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void batch_free_list(char **paths, long n)
{
    for (long i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

long batch_list_specs(const char *dir, char ***out)
{
    *out = NULL;
    DIR *dh = opendir(dir);
    if (!dh)
        return -1;
    char **paths = NULL;
    long n = 0, cap = 0;
    struct dirent *e;
    size_t dl = strlen(dir);
    while ((e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **np = realloc(paths, (size_t)cap * sizeof *np);
            if (!np)
                break;
            paths = np;
        }
        char *p = malloc(dl + len + 2);
        if (!p)
            break;
        memcpy(p, dir, dl);
        p[dl] = '/';
        memcpy(p + dl + 1, e->d_name, len + 1);
        paths[n++] = p;
    }
    closedir(dh);
    if (n)
        qsort(paths, (size_t)n, sizeof *paths, by_name);
    *out = paths;
    return n;
}

bool batch_names_a_figure(const char *path)
{
    struct diag d;
    struct spec *s;
    diag_init(&d);
    if (spec_load(path, &s, &d) != VZ_OK)
        return true; /* let the render report the problem */
    bool yes = spec_get(spec_root(s), "figure").json != NULL;
    spec_free(s);
    return yes;
}

struct job {
    const char *spec;
    int status;
    bool skipped, figure;
    char *written;
    double ms;
    struct diag d;
};

struct pool {
    struct job *jobs;
    long n, next, done;
    bool stop; /* set on SIGINT/SIGTERM: finish the renders under way, start no more */
    int signo;
    sigset_t signals;
    const struct batch_opts *opts;
    FILE *err;
    pthread_mutex_t lock;
};

/* Takes SIGINT or SIGTERM, which every thread blocks, and tells the workers to stop; cancelled
 * once they are done. */
static void *signal_waiter(void *arg)
{
    struct pool *p = arg;
    int signo;
    if (sigwait(&p->signals, &signo) == 0) {
        pthread_mutex_lock(&p->lock);
        p->stop = true;
        p->signo = signo;
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        long i = p->stop ? p->n : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        struct job *j = &p->jobs[i];
        diag_init(&j->d);
        j->figure = batch_names_a_figure(j->spec);
        if (j->figure) {
            struct render_opts ro = {0};
            ro.only_stale = !p->opts->force;
            double t0 = now_ms();
            j->status = figure_render_file(j->spec, NULL, &ro, &j->written, &j->skipped, &j->d);
            j->ms = now_ms() - t0;
        }
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->opts->progress && p->n >= 8)
            fprintf(p->err, "\r[%ld/%ld]", p->done, p->n);
        pthread_mutex_unlock(&p->lock);
    }
}

int batch_render_dir(const char *dir, const struct batch_opts *opts, FILE *out, FILE *err)
{
    char **paths;
    long n = batch_list_specs(dir, &paths);
    if (n < 0) {
        fprintf(err, "vizgen: %s: error: cannot open directory\n", dir);
        return VZ_EINPUT;
    }
    struct pool p = {.jobs = calloc((size_t)n + 1, sizeof(struct job)),
                     .n = n,
                     .opts = opts,
                     .err = err,
                     .lock = PTHREAD_MUTEX_INITIALIZER};
    if (!p.jobs) {
        batch_free_list(paths, n);
        fprintf(err, "vizgen: error: out of memory\n");
        return VZ_EIO;
    }
    for (long i = 0; i < n; i++)
        p.jobs[i].spec = paths[i];
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long workers = opts->workers > 0 ? opts->workers : cores;
    if (workers < 1)
        workers = 1;
    if (workers > n)
        workers = n;
    /* Signals wait for a thread of their own, so every file is either finished or never
     * started and no temporary file is left behind; the workers and this thread inherit the
     * mask that blocks them. This thread renders too, so one worker needs no thread at all. */
    sigemptyset(&p.signals);
    sigaddset(&p.signals, SIGINT);
    sigaddset(&p.signals, SIGTERM);
    sigset_t old;
    pthread_sigmask(SIG_BLOCK, &p.signals, &old);
    pthread_t waiter, tids[64];
    bool waiting = pthread_create(&waiter, NULL, signal_waiter, &p) == 0;
    long started = 0;
    while (started < workers - 1 && started < 64 &&
           pthread_create(&tids[started], NULL, worker, &p) == 0)
        started++;
    worker(&p);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (waiting) {
        pthread_cancel(waiter);
        pthread_join(waiter, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int signo = p.signo;
    if (opts->progress && n)
        fputs("\r\033[K", err);
    int worst = 0;
    for (long i = 0; i < n; i++) {
        struct job *j = &p.jobs[i];
        if (!j->figure || (!j->status && !j->written)) /* not reached before a stop */
            continue;
        diag_print(&j->d, err);
        if (j->status) {
            fprintf(out, "%-32s FAILED\n", j->spec);
            if (j->status > worst)
                worst = j->status;
        } else if (j->skipped) {
            fprintf(out, "%-32s -> %-36s up to date\n", j->spec, j->written);
        } else {
            fprintf(out, "%-32s -> %-36s %6.1f ms\n", j->spec, j->written, j->ms);
        }
        free(j->written);
    }
    free(p.jobs);
    batch_free_list(paths, n);
    if (signo) {
        fprintf(err, "vizgen: interrupted; figures not yet started were left as they were\n");
        return 128 + signo;
    }
    return worst;
}

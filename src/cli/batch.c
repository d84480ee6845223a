/* batch: a fixed pool of threads takes specs from a shared counter; results are printed in name
 * order afterwards so the log is the same whatever the scheduling. */
#include "vizgen/batch.h"

#include "vizgen/figure.h"
#include "vizgen/interrupt.h"
#include "vizgen/output.h"
#include "vizgen/render.h"

#include <dirent.h>
#include <pthread.h>
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
    bool skipped, figure, done;
    char *written;
    double ms;
    struct render_plan plan;
    struct diag d;
};

struct pool {
    struct job *jobs;
    long n, next, done;
    const struct batch_opts *opts;
    FILE *out, *err;
    pthread_mutex_t lock;
};

/* One line for a finished job, and its messages; the worst status so far, updated. */
static void print_job(const struct pool *p, struct job *j, int *worst)
{
    diag_print(&j->d, p->err);
    if (j->status) {
        fprintf(p->out, "%-32s FAILED\n", j->spec);
        if (j->status > *worst)
            *worst = j->status;
    } else if (j->skipped) {
        fprintf(p->out, "%-32s -> %-36s up to date\n", j->spec, j->written);
    } else {
        fprintf(p->out, "%-32s -> %-36s %6.1f ms\n", j->spec, j->written, j->ms);
    }
}

/* On SIGINT or SIGTERM: what finished is said, in name order; the rest was never written. */
static void report_interrupt(void *ctx, int signo)
{
    struct pool *p = ctx;
    (void)signo;
    pthread_mutex_lock(&p->lock);
    if (p->opts->progress && p->n)
        fputs("\r\033[K", p->err);
    int worst = 0;
    for (long i = 0; i < p->n; i++)
        if (p->jobs[i].done && p->jobs[i].figure)
            print_job(p, &p->jobs[i], &worst);
    fprintf(p->err, "vizgen: interrupted; figures not yet written were left as they were\n");
    fflush(p->out);
    fflush(p->err);
}

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        long i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->n)
            return NULL;
        struct job *j = &p->jobs[i];
        if (j->figure && !j->status) {
            struct render_opts ro = {0};
            ro.only_stale = !p->opts->force;
            ro.temps = p->opts->temps;
            double t0 = now_ms();
            j->status = figure_render_file(j->spec, NULL, &ro, &j->written, &j->skipped, &j->d);
            j->ms = now_ms() - t0;
        }
        pthread_mutex_lock(&p->lock);
        j->done = true;
        p->done++;
        if (p->opts->progress && p->n >= 8)
            fprintf(p->err, "\r[%ld/%ld]", p->done, p->n);
        pthread_mutex_unlock(&p->lock);
    }
}

/* Before anything is drawn: an output that another spec also writes, or that is a spec or an
 * input of this batch, fails (both specs, for a shared output), so no render can destroy what
 * another reads and no figure depends on which render finished last. */
static void check_conflicts(struct pool *p)
{
    struct render_opts ro = {0};
    for (long i = 0; i < p->n; i++) {
        struct job *j = &p->jobs[i];
        if ((j->figure = batch_names_a_figure(j->spec)))
            j->status = render_plan(j->spec, &ro, &j->plan, &j->d);
    }
    for (long i = 0; i < p->n; i++) {
        struct job *a = &p->jobs[i];
        if (!a->figure || !a->plan.output)
            continue;
        for (long k = 0; k < p->n && !a->status; k++) {
            struct job *b = &p->jobs[k];
            if (k != i && b->plan.output && output_same_file(a->plan.output, b->plan.output))
                a->status = diag_in(&a->d, VZ_EINPUT, a->spec,
                                    "output: %s is also the output of %s; give each its own",
                                    a->plan.output, b->spec);
            else if (k != i && output_same_file(a->plan.output, b->spec))
                a->status = diag_in(&a->d, VZ_EINPUT, a->spec,
                                    "output: %s is another spec; vizgen never overwrites an input",
                                    a->plan.output);
            for (size_t m = 0; m < b->plan.n_inputs && !a->status; m++)
                if (k != i && output_same_file(a->plan.output, b->plan.inputs[m]))
                    a->status =
                        diag_in(&a->d, VZ_EINPUT, a->spec,
                                "output: %s is read by %s; vizgen never overwrites an input",
                                a->plan.output, b->spec);
        }
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
                     .out = out,
                     .err = err,
                     .lock = PTHREAD_MUTEX_INITIALIZER};
    if (!p.jobs) {
        batch_free_list(paths, n);
        fprintf(err, "vizgen: error: out of memory\n");
        return VZ_EIO;
    }
    for (long i = 0; i < n; i++) {
        p.jobs[i].spec = paths[i];
        diag_init(&p.jobs[i].d);
    }
    check_conflicts(&p);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    long workers = opts->workers > 0 ? opts->workers : cores;
    if (workers < 1)
        workers = 1;
    if (workers > n)
        workers = n;
    if (opts->interrupt)
        interrupt_set_report(opts->interrupt, report_interrupt, &p);
    /* This thread renders too, so one worker needs no thread at all. */
    pthread_t tids[64];
    long started = 0;
    while (started < workers - 1 && started < 64 &&
           pthread_create(&tids[started], NULL, worker, &p) == 0)
        started++;
    worker(&p);
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (opts->interrupt)
        interrupt_set_report(opts->interrupt, NULL, NULL);
    if (opts->progress && n)
        fputs("\r\033[K", err);
    int worst = 0;
    for (long i = 0; i < n; i++) {
        struct job *j = &p.jobs[i];
        if (j->figure)
            print_job(&p, j, &worst);
        free(j->written);
        render_plan_free(&j->plan);
    }
    free(p.jobs);
    batch_free_list(paths, n);
    return worst;
}

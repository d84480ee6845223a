/* watch: inotify for changes, in one poll loop; a signal ends it through the interrupt thread.
 * Saves that land by rename (most editors) arrive as IN_MOVED_TO, in-place saves as
 * IN_CLOSE_WRITE. Besides the spec folder it watches the folder of every file a spec reads, as
 * the registry lists them, so saving a CSV or an .npy re-renders the specs that read it,
 * wherever it lives. Events that come in a burst are taken together. */
#define _GNU_SOURCE /* inotify */
#include "vizgen/watch.h"

#include "vizgen/batch.h"
#include "vizgen/interrupt.h"
#include "vizgen/paths.h"
#include "vizgen/render.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const uint32_t EVENTS = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR;
/* A burst of saves is over once nothing has happened for QUIET_MS; at most BURST_MS is
 * gathered before rendering anyway. */
enum { QUIET_MS = 40, BURST_MS = 1000, MAX_CHANGED = 256 };

struct watcher {
    const char *dir;
    int ifd, spec_wd;
    struct interrupt *in;
    FILE *out, *err;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void render_one(const struct watcher *w, const char *name)
{
    size_t dl = strlen(w->dir), nl = strlen(name);
    char *spec = malloc(dl + nl + 2);
    if (!spec)
        return;
    memcpy(spec, w->dir, dl);
    spec[dl] = '/';
    memcpy(spec + dl + 1, name, nl + 1);
    struct stat st;
    /* Gone again, or truncated by a save still under way: its next event will come. */
    if (stat(spec, &st) != 0 || st.st_size == 0 || !batch_names_a_figure(spec)) {
        free(spec);
        return;
    }
    struct diag d;
    diag_init(&d);
    struct render_opts ro = {0};
    ro.temps = &w->in->temps;
    char *written = NULL;
    bool skipped;
    double t0 = now_ms();
    int rc = figure_render_file(spec, NULL, &ro, &written, &skipped, &d);
    diag_print(&d, w->err);
    if (rc)
        fprintf(w->err, "vizgen: %s: keeping the last good figure\n", spec);
    else
        fprintf(w->out, "%-32s -> %-36s %6.1f ms\n", spec, written, now_ms() - t0);
    fflush(w->out);
    fflush(w->err);
    free(written);
    free(spec);
}

/* Adds a watch on the folder of every file the specs in the folder read. Specs that do not
 * parse are skipped: their error is reported when they are rendered. */
static void watch_inputs(const struct watcher *w)
{
    char **specs;
    long n = batch_list_specs(w->dir, &specs);
    struct render_opts ro = {0};
    for (long i = 0; i < n; i++) {
        struct diag d;
        struct render_plan p;
        diag_init(&d);
        if (!batch_names_a_figure(specs[i]) || render_plan(specs[i], &ro, &p, &d) != VZ_OK)
            continue;
        for (size_t k = 0; k < p.n_inputs; k++) {
            char *folder = path_resolve(p.inputs[k], ".");
            /* Adding a folder already watched is harmless: inotify returns its watch. */
            if (folder)
                inotify_add_watch(w->ifd, folder, EVENTS);
            free(folder);
        }
        render_plan_free(&p);
    }
    batch_free_list(specs, n);
}

static void render_stale(const struct watcher *w)
{
    struct batch_opts bo = {false, 0, false, NULL, &w->in->temps};
    batch_render_dir(w->dir, &bo, w->out, w->err);
    watch_inputs(w);
    fflush(w->out);
    fflush(w->err);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void report_stop(void *ctx, int signo)
{
    (void)signo;
    struct watcher *w = ctx;
    fprintf(w->out, "stopped\n");
    fflush(w->out);
}

/* Reads one batch of events: spec names saved (deduplicated) into changed, whether any other
 * file was saved, and whether the spec folder itself went away. */
static void read_events(const struct watcher *w, char **changed, size_t *n_changed,
                        bool *input_changed, bool *gone)
{
    /* Aligned for struct inotify_event, as inotify(7) asks. */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t len = read(w->ifd, buf, sizeof buf);
    for (char *p = buf; len > 0 && p < buf + len;) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        p += sizeof *ev + ev->len;
        if (ev->wd == w->spec_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)))
            *gone = true;
        if (!ev->len)
            continue;
        if (ev->wd != w->spec_wd || !ends_with(ev->name, ".json")) {
            *input_changed = true;
            continue;
        }
        bool seen = false;
        for (size_t i = 0; i < *n_changed && !seen; i++)
            seen = strcmp(changed[i], ev->name) == 0;
        if (!seen && *n_changed < MAX_CHANGED && (changed[*n_changed] = strdup(ev->name)))
            (*n_changed)++;
    }
}

int watch_dir(const char *dir, FILE *out, FILE *err)
{
    struct interrupt in;
    struct watcher w = {dir, -1, -1, &in, out, err};
    if (interrupt_start(&in, 0) != 0)
        return VZ_EIO;
    w.ifd = inotify_init1(IN_CLOEXEC);
    if (w.ifd >= 0)
        w.spec_wd = inotify_add_watch(w.ifd, dir, EVENTS | IN_DELETE_SELF | IN_MOVE_SELF);
    if (w.ifd < 0 || w.spec_wd < 0) {
        fprintf(err, "vizgen: %s: error: cannot watch: %s\n", dir, strerror(errno));
        if (w.ifd >= 0)
            close(w.ifd);
        interrupt_stop(&in);
        return VZ_EINPUT;
    }
    interrupt_set_report(&in, report_stop, &w);
    render_stale(&w);
    fprintf(out, "watching %s for changes (Ctrl-C to stop)\n", dir);
    fflush(out);
    int rc = VZ_OK;
    for (;;) {
        struct pollfd pf = {w.ifd, POLLIN, 0};
        if (poll(&pf, 1, -1) < 0 && errno != EINTR)
            break;
        char *changed[MAX_CHANGED];
        size_t n_changed = 0;
        bool input_changed = false, gone = false;
        double start = now_ms();
        /* Take the whole burst: an editor's save is often several events, and a save of many
         * files is many more; rendering in the middle of one reads half-written files. */
        do
            read_events(&w, changed, &n_changed, &input_changed, &gone);
        while (!gone && now_ms() - start < BURST_MS && poll(&pf, 1, QUIET_MS) > 0);
        for (size_t i = 0; i < n_changed; i++) {
            if (!gone)
                render_one(&w, changed[i]);
            free(changed[i]);
        }
        if (gone) {
            fprintf(err, "vizgen: %s: error: the folder was deleted or moved; stopped watching\n",
                    dir);
            rc = VZ_EIO;
            break;
        }
        /* A changed file can feed any spec: re-render whatever is now older than its inputs,
         * which costs only a look at the keys for specs that are up to date. */
        if (input_changed)
            render_stale(&w);
    }
    interrupt_set_report(&in, NULL, NULL);
    close(w.ifd);
    interrupt_stop(&in);
    return rc;
}

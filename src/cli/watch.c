/* watch: inotify for changes, signalfd for a clean stop, both in one poll loop. Saves that land
 * by rename (most editors) arrive as IN_MOVED_TO, in-place saves as IN_CLOSE_WRITE. Besides
 * the spec folder it watches the folder of every file a spec reads, as the registry lists them,
 * so saving a CSV or an .npy re-renders the specs that read it, wherever it lives. */
#define _GNU_SOURCE /* signalfd, inotify */
#include "vizgen/watch.h"

#include "vizgen/batch.h"
#include "vizgen/figure.h"
#include "vizgen/paths.h"
#include "vizgen/render.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

static const uint32_t EVENTS = IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR;

static void render_one(const char *dir, const char *name, FILE *out, FILE *err)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *spec = malloc(dl + nl + 2);
    if (!spec)
        return;
    memcpy(spec, dir, dl);
    spec[dl] = '/';
    memcpy(spec + dl + 1, name, nl + 1);
    if (!batch_names_a_figure(spec)) {
        free(spec);
        return;
    }
    struct diag d;
    diag_init(&d);
    struct render_opts ro = {0};
    char *written = NULL;
    bool skipped;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = figure_render_file(spec, NULL, &ro, &written, &skipped, &d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    diag_print(&d, err);
    if (rc)
        fprintf(err, "vizgen: %s: keeping the last good figure\n", spec);
    else
        fprintf(out, "%-32s -> %-36s %6.1f ms\n", spec, written,
                (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    fflush(out);
    fflush(err);
    free(written);
    free(spec);
}

/* Adds a watch on the folder of every file the specs in dir read. Specs that do not parse are
 * skipped: their error is reported when they are rendered. */
static void watch_inputs(int ifd, const char *dir)
{
    char **specs;
    long n = batch_list_specs(dir, &specs);
    for (long i = 0; i < n; i++) {
        struct diag d;
        struct spec *s;
        diag_init(&d);
        if (spec_load(specs[i], &s, &d) != VZ_OK)
            continue;
        const struct figure_kind *kind;
        void *fig;
        struct figure_common c;
        if (figure_begin(s, specs[i], NULL, 0, &kind, &fig, &c, &d) == VZ_OK) {
            const char *inputs[FIGURE_MAX_INPUTS];
            size_t k = figure_inputs(kind, fig, inputs, FIGURE_MAX_INPUTS);
            for (size_t j = 0; j < k && j < FIGURE_MAX_INPUTS; j++) {
                char *folder = path_resolve(inputs[j], ".");
                /* Adding a folder already watched is harmless: inotify returns its watch. */
                if (folder)
                    inotify_add_watch(ifd, folder, EVENTS);
                free(folder);
            }
            figure_free(kind, fig);
            figure_common_free(&c);
        }
        spec_free(s);
    }
    batch_free_list(specs, n);
}

static void render_stale(int ifd, const char *dir, FILE *out, FILE *err)
{
    struct batch_opts bo = {false, 0, false};
    batch_render_dir(dir, &bo, out, err);
    watch_inputs(ifd, dir);
    fflush(out);
    fflush(err);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

int watch_dir(const char *dir, FILE *out, FILE *err)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) != 0)
        return VZ_EIO;
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    int ifd = inotify_init1(IN_CLOEXEC);
    int spec_wd = ifd >= 0 ? inotify_add_watch(ifd, dir, EVENTS) : -1;
    if (sfd < 0 || ifd < 0 || spec_wd < 0) {
        fprintf(err, "vizgen: %s: error: cannot watch: %s\n", dir, strerror(errno));
        if (sfd >= 0)
            close(sfd);
        if (ifd >= 0)
            close(ifd);
        return VZ_EINPUT;
    }
    render_stale(ifd, dir, out, err);
    fprintf(out, "watching %s for changes (Ctrl-C to stop)\n", dir);
    fflush(out);
    /* Aligned for struct inotify_event, as inotify(7) asks. */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    struct pollfd fds[2] = {{ifd, POLLIN, 0}, {sfd, POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break; /* SIGINT or SIGTERM: stop between renders, never in the middle of one */
        ssize_t len = read(ifd, buf, sizeof buf);
        if (len <= 0)
            continue;
        bool input_changed = false;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (!ev->len)
                continue;
            if (ev->wd == spec_wd && ends_with(ev->name, ".json"))
                render_one(dir, ev->name, out, err);
            else
                input_changed = true;
        }
        /* A changed file can feed any spec: re-render whatever is now older than its inputs,
         * which costs only a look at the keys for specs that are up to date. */
        if (input_changed)
            render_stale(ifd, dir, out, err);
    }
    close(ifd);
    close(sfd);
    fprintf(out, "stopped\n");
    return VZ_OK;
}

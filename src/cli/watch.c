/* watch: inotify for changes, signalfd for a clean stop, both in one poll loop. Saves that land
 * by rename (most editors) arrive as IN_MOVED_TO, in-place saves as IN_CLOSE_WRITE. */
#define _GNU_SOURCE /* signalfd, inotify */
#include "vizgen/watch.h"

#include "vizgen/batch.h"
#include "vizgen/figure.h"
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

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

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
    if (sfd < 0 || ifd < 0 ||
        inotify_add_watch(ifd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_ONLYDIR) < 0) {
        fprintf(err, "vizgen: %s: error: cannot watch: %s\n", dir, strerror(errno));
        if (sfd >= 0)
            close(sfd);
        if (ifd >= 0)
            close(ifd);
        return VZ_EINPUT;
    }
    struct batch_opts bo = {false, 0, false};
    batch_render_dir(dir, &bo, out, err);
    fprintf(out, "watching %s for changes (Ctrl-C to stop)\n", dir);
    fflush(out);
    fflush(err);
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
        bool npy_changed = false;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (!ev->len)
                continue;
            if (ends_with(ev->name, ".json"))
                render_one(dir, ev->name, out, err);
            else if (ends_with(ev->name, ".npy"))
                npy_changed = true;
        }
        /* A changed array can feed any spec: re-render whatever is now older than its inputs. */
        if (npy_changed) {
            batch_render_dir(dir, &bo, out, err);
            fflush(out);
            fflush(err);
        }
    }
    close(ifd);
    close(sfd);
    fprintf(out, "stopped\n");
    return VZ_OK;
}

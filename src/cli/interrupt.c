/* interrupt: sigwaitinfo on a thread of its own, then clean up and _exit. Exiting from that thread
 * while others are mid-render is safe: every file they write is a temporary the registry
 * lists, and the registry's lock keeps a commit's renames whole. */
#include "vizgen/interrupt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *wait_for_signal(void *arg)
{
    struct interrupt *in = arg;
    siginfo_t info;
    int signo;
    while ((signo = sigwaitinfo(&in->signals, &info)) < 0)
        if (errno != EINTR)
            return NULL;
    if (info.si_pid == getpid()) /* interrupt_stop's: only this process sends itself one */
        return NULL;
    temp_registry_lock(&in->temps); /* waits for a commit under way to finish its renames */
    temp_registry_remove_all(&in->temps);
    if (in->report)
        in->report(in->ctx, signo);
    _exit(in->exit_status >= 0 ? in->exit_status : 128 + signo);
}

int interrupt_start(struct interrupt *in, int exit_status)
{
    memset(in, 0, sizeof *in);
    temp_registry_init(&in->temps);
    in->exit_status = exit_status;
    sigemptyset(&in->signals);
    sigaddset(&in->signals, SIGINT);
    sigaddset(&in->signals, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &in->signals, &in->old_mask) != 0)
        return -1;
    in->started = pthread_create(&in->thread, NULL, wait_for_signal, in) == 0;
    return in->started ? 0 : -1;
}

void interrupt_set_report(struct interrupt *in, interrupt_report report, void *ctx)
{
    pthread_mutex_lock(&in->temps.lock);
    in->report = report;
    in->ctx = ctx;
    pthread_mutex_unlock(&in->temps.lock);
}

void interrupt_stop(struct interrupt *in)
{
    if (in->started) {
        /* Woken with a signal of our own rather than cancelled: cancelling loads libgcc_s to
         * unwind the thread, 0.35 ms of every render. */
        pthread_kill(in->thread, SIGTERM);
        pthread_join(in->thread, NULL);
        in->started = false;
    }
    pthread_sigmask(SIG_SETMASK, &in->old_mask, NULL);
}

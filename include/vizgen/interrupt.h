/* interrupt: SIGINT and SIGTERM stop vizgen at once, whatever it is doing. A thread of its own
 * waits for them; it removes every temporary still open (the registry that outputs list
 * themselves in), lets the command say what it had finished, and exits. Outputs are only ever
 * renamed into place whole (output.h), so nothing partial is left behind. */
#ifndef VIZGEN_INTERRUPT_H
#define VIZGEN_INTERRUPT_H

#include "vizgen/output.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>

/* Called on the signal thread with the registry locked, just before the process exits; it may
 * print (and should flush) what the command had finished. */
typedef void (*interrupt_report)(void *ctx, int signo);

struct interrupt {
    struct temp_registry temps;
    sigset_t signals, old_mask;
    pthread_t thread;
    bool started;
    int exit_status; /* the process's status on a signal; -1: 128 + the signal's number */
    interrupt_report report;
    void *ctx;
};

/* Blocks SIGINT and SIGTERM in this thread (and the threads it starts after) and starts the
 * thread that waits for them. Call before starting any other thread. */
int interrupt_start(struct interrupt *in, int exit_status);
/* What to report on a signal from now on (NULL: nothing). */
void interrupt_set_report(struct interrupt *in, interrupt_report report, void *ctx);
/* Stops waiting and restores the signal mask; a signal that arrived meanwhile is delivered. */
void interrupt_stop(struct interrupt *in);

#endif

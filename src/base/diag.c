/* diag: formatting of the error context; nothing here prints or exits. */
#include "vizgen/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void diag_init(struct diag *d)
{
    d->status = VZ_OK;
    d->msg[0] = '\0';
    d->warn[0] = '\0';
}

void diag_warn(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warn, sizeof d->warn, fmt, ap);
    va_end(ap);
}

int diag_set(struct diag *d, enum vz_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
    d->status = status;
    return status;
}

void diag_prefix(struct diag *d, const char *prefix)
{
    size_t pl = strlen(prefix), ml = strlen(d->msg);
    if (pl + 3 >= sizeof d->msg)
        return;
    if (pl + 2 + ml >= sizeof d->msg)
        ml = sizeof d->msg - pl - 3; /* keep the location; the message's tail gives way */
    memmove(d->msg + pl + 2, d->msg, ml);
    d->msg[pl + 2 + ml] = '\0';
    memcpy(d->msg, prefix, pl);
    d->msg[pl] = ':';
    d->msg[pl + 1] = ' ';
}

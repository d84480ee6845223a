/* check: the few assertions the unit tests need — each failure prints file:line and the values,
 * and the test binary exits non-zero if any failed. */
#ifndef VIZGEN_TEST_CHECK_H
#define VIZGEN_TEST_CHECK_H

#include "vizgen/diag.h"

#include <math.h>
#include <stdio.h>

struct check_state {
    int run, failed;
};

/* One per test binary; tests are single-threaded. */
static struct check_state check_state_;

static inline int check_(int ok, const char *expr, const char *file, int line)
{
    check_state_.run++;
    if (!ok) {
        check_state_.failed++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expr);
    }
    return ok;
}

static inline int check_near_(double a, double b, double tol, const char *expr, const char *file,
                              int line)
{
    int ok = fabs(a - b) <= tol || (isnan(a) && isnan(b));
    if (!check_(ok, expr, file, line))
        fprintf(stderr, "    got %.9g, expected %.9g (tolerance %g)\n", a, b, tol);
    return ok;
}

#define CHECK(e) check_(!!(e), #e, __FILE__, __LINE__)
#define CHECK_NEAR(a, b, tol) check_near_((a), (b), (tol), #a " ~ " #b, __FILE__, __LINE__)

/* Runs a test function and reports it by name. */
#define RUN(test)                                                                                  \
    do {                                                                                           \
        int before_ = check_state_.failed;                                                         \
        test();                                                                                    \
        printf("%s %s\n", check_state_.failed == before_ ? "ok  " : "FAIL", #test);                \
    } while (0)

/* The error line a diag prints (without "vizgen: "), in a buffer that the next call reuses. */
static inline const char *diag_text(const struct diag *d)
{
    static char line[1200];
    diag_format(&d->err, "error", line, sizeof line);
    return line;
}

static inline int check_summary(void)
{
    printf("%d checks, %d failed\n", check_state_.run, check_state_.failed);
    return check_state_.failed ? 1 : 0;
}

#endif

/* Unit tests of schedule: the learning rates of Hugging Face's schedules and PyTorch's StepLR at
 * the points that define them, values Python computes from Hugging Face's own lr_lambda
 * expressions (quoted) to the last bit, and every bad parameter named by its key. */
#include "check.h"

#include "vizgen/schedule.h"

#include <string.h>

static struct schedule make(enum schedule_kind kind, double lr, long warmup, long total)
{
    return (struct schedule){kind, lr, warmup, total, 0.5, 0, 0, 0, 0};
}

static void warmup_rises_linearly_from_zero(void)
{
    for (int k = SCHEDULE_CONSTANT; k <= SCHEDULE_INVERSE_SQRT; k++) {
        struct schedule s = make((enum schedule_kind)k, 1e-3, 100, 1000);
        CHECK(schedule_lr(&s, 0) == 0);
        CHECK_NEAR(schedule_lr(&s, 25), 0.25e-3, 1e-18);
        CHECK_NEAR(schedule_lr(&s, 100), 1e-3, 1e-18); /* the peak as warmup ends */
    }
}

static void cosine_falls_by_half_a_wave(void)
{
    struct schedule s = make(SCHEDULE_COSINE, 1e-3, 100, 1000);
    CHECK_NEAR(schedule_lr(&s, 550), 0.5e-3, 1e-18);
    CHECK_NEAR(schedule_lr(&s, 1000), 0, 1e-18);
    /* 1e-3 * max(0.0, 0.5 * (1.0 + math.cos(math.pi * 0.5 * 2.0 * ((333 - 100) / max(1, 900))))) */
    CHECK(schedule_lr(&s, 333) == 0.00084354375540221147);
    /* Past the last step Hugging Face's cosine rises again; so does this. */
    CHECK(schedule_lr(&s, 1100) == 3.0153689607045788e-05);
    struct schedule big = make(SCHEDULE_COSINE, 3e-4, 2000, 3000000);
    CHECK(schedule_lr(&big, 1234567) == 0.0001913371587496183);
    s.min_lr_rate = 0.1; /* get_cosine_with_min_lr_schedule_with_warmup */
    CHECK_NEAR(schedule_lr(&s, 1000), 0.1e-3, 1e-18);
    s.min_lr_rate = 0;
    s.num_cycles = 1; /* a whole wave: down and back up */
    CHECK_NEAR(schedule_lr(&s, 550), 0, 1e-18);
    CHECK_NEAR(schedule_lr(&s, 1000), 1e-3, 1e-18);
}

static void linear_reaches_zero_and_stays(void)
{
    struct schedule s = make(SCHEDULE_LINEAR, 5e-5, 50, 1000);
    /* 5e-5 * max(0.0, (1000 - 777) / max(1, 1000 - 50)) */
    CHECK(schedule_lr(&s, 777) == 1.1736842105263158e-05);
    CHECK(schedule_lr(&s, 1000) == 0 && schedule_lr(&s, 5000) == 0);
}

static void inverse_sqrt_halves_at_four_times_the_timescale(void)
{
    struct schedule s = make(SCHEDULE_INVERSE_SQRT, 2e-4, 4000, 0);
    CHECK_NEAR(schedule_lr(&s, 16000), 1e-4, 1e-18); /* timescale = warmup: 1/sqrt(16000/4000) */
    /* timescale = 4000, shift = 0: 2e-4 * 1.0 / math.sqrt((12345 + 0) / 4000) */
    CHECK(schedule_lr(&s, 12345) == 0.00011384512655009066);
    struct schedule none = make(SCHEDULE_INVERSE_SQRT, 1, 0, 0); /* timescale 10000 */
    CHECK(schedule_lr(&none, 0) == 1);
    CHECK_NEAR(schedule_lr(&none, 30000), 0.5, 1e-15);
    none.timescale = 100;
    CHECK_NEAR(schedule_lr(&none, 300), 0.5, 1e-15);
}

static void step_decays_by_gamma_every_step_size(void)
{
    struct schedule s = make(SCHEDULE_STEP, 0.1, 0, 0);
    s.step_size = 30;
    s.gamma = 0.1;
    CHECK(schedule_lr(&s, 29) == 0.1);
    CHECK(schedule_lr(&s, 65) == 0.0010000000000000002); /* 0.1 * 0.1 ** (65 // 30) */
    struct schedule c = make(SCHEDULE_CONSTANT, 0.1, 0, 0);
    CHECK(schedule_lr(&c, 0) == 0.1 && schedule_lr(&c, 1000000) == 0.1);
}

/* The key a bad schedule is reported at, or "" when it is good. */
static const char *fault(struct schedule s)
{
    static struct diag d;
    diag_init(&d);
    return schedule_check(&s, &d) == VZ_OK ? "" : d.err.path;
}

static void bad_parameters_are_named(void)
{
    struct schedule s = make(SCHEDULE_COSINE, 1e-3, 10, 100);
    CHECK(strcmp(fault(s), "") == 0);
    s.lr = 0;
    CHECK(strcmp(fault(s), "lr") == 0);
    s = make(SCHEDULE_COSINE, 1e-3, 200, 100);
    CHECK(strcmp(fault(s), "warmup_steps") == 0);
    s = make(SCHEDULE_LINEAR, 1e-3, 0, 0);
    CHECK(strcmp(fault(s), "total_steps") == 0);
    s = make(SCHEDULE_COSINE, 1e-3, 0, 10);
    s.min_lr_rate = 1;
    CHECK(strcmp(fault(s), "min_lr_rate") == 0);
    s = make(SCHEDULE_STEP, 1e-3, 0, 0);
    s.gamma = 0.5;
    CHECK(strcmp(fault(s), "step_size") == 0);
    s.step_size = 10;
    s.gamma = 2;
    CHECK(strcmp(fault(s), "gamma") == 0);
    s = make(SCHEDULE_CONSTANT, 1e-3, -1, 0);
    CHECK(strcmp(fault(s), "warmup_steps") == 0);
}

int main(void)
{
    RUN(warmup_rises_linearly_from_zero);
    RUN(cosine_falls_by_half_a_wave);
    RUN(linear_reaches_zero_and_stays);
    RUN(inverse_sqrt_halves_at_four_times_the_timescale);
    RUN(step_decays_by_gamma_every_step_size);
    RUN(bad_parameters_are_named);
    return check_summary();
}

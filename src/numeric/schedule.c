/* schedule: each formula as its reference implementation writes it, in double precision as
 * Python evaluates LambdaLR's factor, so values agree to the last bits that float64 keeps. */
#include "vizgen/schedule.h"

#include <math.h>

const char *const schedule_kind_names[] = {"constant",     "linear", "cosine",
                                           "inverse_sqrt", "step",   NULL};

/* Python's math.pi: strict C11 has no M_PI. */
static const double PI = 3.14159265358979323846;

/* Steps in a schedule, and every other count: beyond this a float64 step count loses ones. */
static const long MAX_STEPS = 1L << 50;

int schedule_check(const struct schedule *s, struct diag *d)
{
    if (!(s->lr > 0) || !isfinite(s->lr))
        return diag_at(d, VZ_EINPUT, "lr", "expected a positive learning rate, got %g", s->lr);
    if (s->warmup_steps < 0 || s->warmup_steps > MAX_STEPS)
        return diag_at(d, VZ_EINPUT, "warmup_steps", "expected 0 to 2^50 steps, got %ld",
                       s->warmup_steps);
    switch (s->kind) {
    case SCHEDULE_LINEAR:
    case SCHEDULE_COSINE:
        if (s->total_steps <= 0 || s->total_steps > MAX_STEPS)
            return diag_at(d, VZ_EINPUT, "total_steps", "expected 1 to 2^50 steps, got %ld",
                           s->total_steps);
        if (s->warmup_steps > s->total_steps)
            return diag_at(d, VZ_EINPUT, "warmup_steps",
                           "expected at most total_steps (%ld), got %ld", s->total_steps,
                           s->warmup_steps);
        if (s->kind == SCHEDULE_COSINE && !(s->num_cycles > 0 && s->num_cycles <= 1000))
            return diag_at(d, VZ_EINPUT, "num_cycles",
                           "expected a number over 0 up to 1000, got %g", s->num_cycles);
        if (s->kind == SCHEDULE_COSINE && !(s->min_lr_rate >= 0 && s->min_lr_rate < 1))
            return diag_at(d, VZ_EINPUT, "min_lr_rate", "expected a fraction in [0, 1), got %g",
                           s->min_lr_rate);
        break;
    case SCHEDULE_INVERSE_SQRT:
        if (s->timescale < 0 || s->timescale > MAX_STEPS)
            return diag_at(d, VZ_EINPUT, "timescale", "expected 0 to 2^50 steps, got %ld",
                           s->timescale);
        break;
    case SCHEDULE_STEP:
        if (s->step_size <= 0 || s->step_size > MAX_STEPS)
            return diag_at(d, VZ_EINPUT, "step_size", "expected 1 to 2^50 steps, got %ld",
                           s->step_size);
        if (!(s->gamma > 0 && s->gamma <= 1))
            return diag_at(d, VZ_EINPUT, "gamma", "expected a factor in (0, 1], got %g", s->gamma);
        break;
    case SCHEDULE_CONSTANT:
        break;
    }
    return VZ_OK;
}

/* The factor on lr: Hugging Face's lr_lambda functions, line for line. */
static double factor(const struct schedule *s, long step)
{
    double cur = (double)step, warm = (double)s->warmup_steps;
    if (s->kind != SCHEDULE_STEP && step < s->warmup_steps)
        return cur / fmax(1.0, warm);
    switch (s->kind) {
    case SCHEDULE_CONSTANT:
        return 1.0;
    case SCHEDULE_LINEAR:
        return fmax(0.0, ((double)s->total_steps - cur) / fmax(1.0, (double)s->total_steps - warm));
    case SCHEDULE_COSINE: {
        double progress = (cur - warm) / fmax(1.0, (double)s->total_steps - warm);
        double f = 0.5 * (1.0 + cos(PI * s->num_cycles * 2.0 * progress));
        if (s->min_lr_rate > 0)
            f = f * (1.0 - s->min_lr_rate) + s->min_lr_rate;
        return fmax(0.0, f);
    }
    case SCHEDULE_INVERSE_SQRT: {
        double timescale = s->timescale > 0 ? (double)s->timescale : warm > 0 ? warm : 10000.0;
        double shift = timescale - warm;
        return 1.0 / sqrt((cur + shift) / timescale);
    }
    case SCHEDULE_STEP:
        /* StepLR's closed form (_get_closed_form_lr); its step() multiplies by gamma in turn,
         * which can differ in the last bit after many decays. */
        return pow(s->gamma, (double)(step / s->step_size));
    }
    return 1.0;
}

double schedule_lr(const struct schedule *s, long step)
{
    return s->lr * factor(s, step < 0 ? 0 : step);
}

/* schedule: learning-rate schedules computed as trainers compute them, so a planned run can be
 * drawn, or set beside a logged one, without running anything. Each follows the formula of the
 * implementation people use: Hugging Face transformers' get_*_schedule_with_warmup (a factor on
 * the optimizer's lr, warmup linear from 0) and PyTorch's StepLR. */
#ifndef VIZGEN_SCHEDULE_H
#define VIZGEN_SCHEDULE_H

#include "vizgen/diag.h"

enum schedule_kind {
    SCHEDULE_CONSTANT,     /* get_constant_schedule_with_warmup */
    SCHEDULE_LINEAR,       /* get_linear_schedule_with_warmup */
    SCHEDULE_COSINE,       /* get_cosine_schedule_with_warmup (with_min_lr when min_lr_rate > 0) */
    SCHEDULE_INVERSE_SQRT, /* get_inverse_sqrt_schedule */
    SCHEDULE_STEP,         /* torch.optim.lr_scheduler.StepLR, counted in steps */
};

/* The names specs use, in enum order, NULL-terminated. */
extern const char *const schedule_kind_names[];

struct schedule {
    enum schedule_kind kind;
    double lr;         /* the optimizer's (peak) learning rate */
    long warmup_steps; /* num_warmup_steps; 0 for none */
    long total_steps;  /* num_training_steps (linear, cosine) */
    double num_cycles; /* cosine: 0.5 is one half-wave down to the floor (Hugging Face's default) */
    double min_lr_rate; /* cosine: the floor as a fraction of lr (0: none) */
    long timescale;     /* inverse sqrt: 0 means warmup_steps, or 10000 without warmup */
    long step_size;     /* step: steps between decays */
    double gamma;       /* step: the factor at each decay */
};

/* Checks the parameters a kind uses, naming the first bad one as its key in d's path. */
int schedule_check(const struct schedule *s, struct diag *d);

/* The learning rate at `step` (0-based, as the scheduler sees it before its first step()). */
double schedule_lr(const struct schedule *s, long step);

#endif

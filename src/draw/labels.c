/* labels: a column of categorical labels along an axis (tokens, bar names) that stays legible:
 * drawn as they are when they fit, else every n-th, shortened or turned to read upwards. */
#include "vizgen/kit.h"

#include <math.h>
#include <stdlib.h>

/* Units: logical pixels. Labels stand LABEL_GAP from the axis and SPACE apart. */
enum { LABEL_GAP = 8, SPACE = 2, SIDE_SPACE = 6 };

/* Every n-th slot, so that labels `need` apart never touch. */
static size_t step_for(double slot, double need)
{
    size_t step = 1;
    while ((double)step * slot < need)
        step++;
    return step;
}

void labels_plan(struct canvas *cv, char *const *labels, size_t n, double slot, double max_len,
                 bool x_axis, struct font f, struct label_plan *p)
{
    struct text_metrics m;
    double widest = 0, line = text_line_height(cv, f);
    for (size_t i = 0; i < n; i++) {
        draw_measure(cv, labels[i], f, &m);
        if (m.width > max_len) {
            /* What will be drawn is the shortened label, usually a little narrower. */
            char *shown = draw_ellipsize(cv, labels[i], f, max_len);
            if (shown)
                draw_measure(cv, shown, f, &m);
            free(shown);
            m.width = fmin(m.width, max_len);
        }
        widest = fmax(widest, m.width);
    }
    p->max_len = max_len;
    p->gap = LABEL_GAP;
    p->step = step_for(slot, line + SPACE);
    p->rotated = false;
    p->extent = widest;
    if (x_axis) {
        if (widest + SIDE_SPACE <= slot) {
            p->step = 1;
            p->extent = line;
        } else {
            p->rotated = true;
        }
    }
}

double labels_draw(struct canvas *cv, char *const *labels, size_t n, const struct label_plan *p,
                   double start, double slot, double at, bool x_axis, struct font f, unsigned rgb,
                   const char *role)
{
    struct text_metrics m;
    double far = at;
    for (size_t i = 0; i < n; i += p->step) {
        char *shown = draw_ellipsize(cv, labels[i], f, p->max_len);
        if (!shown) {
            cv->oom = 1;
            continue;
        }
        double c = start + ((double)i + 0.5) * slot;
        struct box b;
        if (!x_axis) {
            b = draw_text(cv, shown, at - p->gap, c, f, ALIGN_RIGHT, ALIGN_MIDDLE, rgb, role,
                          (long)i);
            far = fmin(far, b.x);
        } else if (!p->rotated) {
            b = draw_text(cv, shown, c, at + p->gap, f, ALIGN_CENTER, ALIGN_TOP, rgb, role,
                          (long)i);
            far = fmax(far, b.y + b.h);
        } else {
            draw_measure(cv, shown, f, &m);
            b = draw_text_vertical(cv, shown, c, at + p->gap + m.width / 2, f, rgb, role, (long)i);
            far = fmax(far, b.y + b.h);
        }
        free(shown);
    }
    return far;
}

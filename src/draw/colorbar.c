/* colorbar: the vertical scale of a colormap from 0 to 1, with ticks, a title and, where cells
 * are masked, a swatch that says what the masked colour means. */
#include "vizgen/kit.h"

#include <math.h>

/* Units: logical pixels. */
enum { BAR_W = 18, TICK_LEN = 4, LABEL_GAP = 7, TITLE_GAP = 18, TITLE_HALF = 12 };

static const struct font tick_font = {FONT_TICK, false}, title_font = {FONT_LABEL, false};

double colorbar_measure(struct canvas *cv, const char *title)
{
    (void)title; /* it reads upwards: its width is a line's height, in TITLE_HALF */
    struct text_metrics m;
    draw_measure(cv, "0.0", tick_font, &m);
    return BAR_W + LABEL_GAP + m.width + TITLE_GAP + TITLE_HALF;
}

void colorbar_draw(struct canvas *cv, enum colormap_id cmap, double x, double y, double height,
                   const char *title, bool masked)
{
    struct image img;
    struct diag d;
    int pw = (int)lround(BAR_W * cv->scale), ph = (int)lround(height * cv->scale);
    if (image_init(&img, 1, ph, &d) != VZ_OK) {
        cv->oom = 1;
        return;
    }
    /* One pixel per device row, enlarged sideways: the gradient is exact at any scale. */
    for (int r = 0; r < ph; r++)
        img.pixels[(size_t)r * (size_t)img.stride] = colormap_color(cmap, 1 - (r + 0.5) / ph);
    draw_image(cv, &img, x, y, pw / cv->scale, ph / cv->scale, "colorbar", ph, 1);
    image_free(&img);
    struct ticks tk;
    ticks_linear(0, 1, 5, &tk);
    char buf[32];
    double right = x + BAR_W;
    for (int i = 0; i < tk.n; i++) {
        double ty = y + height * (1 - tk.t[i].v);
        draw_line(cv, x + BAR_W, ty, x + BAR_W + TICK_LEN, ty, 1, FAINT, false, NULL);
        ticks_label(&tk, tk.t[i].v, NUM_PLAIN, buf, sizeof buf);
        struct box b = draw_text(cv, buf, x + BAR_W + LABEL_GAP, ty, tick_font, ALIGN_LEFT,
                                 ALIGN_MIDDLE, MUTED, "colorbar-tick", i);
        right = fmax(right, b.x + b.w);
    }
    draw_text_vertical(cv, title, right + TITLE_GAP, y + height / 2, title_font, INK,
                       "colorbar-label", -1);
    if (masked) {
        struct box sw = {x, y + height + 14, BAR_W, 12};
        draw_masked(cv, sw, "mask-swatch", -1);
        draw_rect_outline(cv, sw, 1, FAINT, NULL, -1);
        draw_text(cv, "masked", x + BAR_W + LABEL_GAP, sw.y + 6, tick_font, ALIGN_LEFT,
                  ALIGN_MIDDLE, MUTED, "mask-label", -1);
    }
}

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

void colormap_strip_draw(struct canvas *cv, enum colormap_id cmap, struct box b, const char *role)
{
    struct image img;
    struct diag d;
    bool across = b.w > b.h;
    int pw = (int)lround(b.w * cv->scale), ph = (int)lround(b.h * cv->scale);
    int n = across ? pw : ph;
    if (n < 1 || image_init(&img, across ? n : 1, across ? 1 : n, &d) != VZ_OK) {
        cv->oom = n >= 1;
        return;
    }
    /* One pixel per device pixel along the strip, enlarged across it. */
    for (int k = 0; k < n; k++) {
        double v = (k + 0.5) / n;
        img.pixels[across ? (size_t)k : (size_t)k * (size_t)img.stride] =
            colormap_color(cmap, across ? v : 1 - v);
    }
    draw_image(cv, &img, canvas_snap(cv, b.x), canvas_snap(cv, b.y), pw / cv->scale, ph / cv->scale,
               role, across ? 1 : n, across ? n : 1);
    image_free(&img);
}

void colorbar_draw(struct canvas *cv, enum colormap_id cmap, double x, double y, double height,
                   const char *title, bool masked)
{
    colormap_strip_draw(cv, cmap, (struct box){x, y, BAR_W, height}, "colorbar");
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

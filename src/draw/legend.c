/* legend: a key of series or categories, placed in a corner of the plot that holds no data, or
 * outside the plot when every corner would cover some. */
#include "vizgen/kit.h"

#include <math.h>

/* Units: logical pixels. */
enum { PAD = 8, MARK_W = 24, MARK_GAP = 6, ROW_GAP = 4, INSET = 8, OUTSIDE_GAP = 12 };

static const struct font entry_font = {FONT_SMALL, false};

void legend_measure(struct canvas *cv, struct legend *lg)
{
    struct text_metrics m;
    double widest = 0, line = text_line_height(cv, entry_font);
    for (size_t i = 0; i < lg->n; i++) {
        draw_measure(cv, lg->entries[i].label, entry_font, &m);
        widest = fmax(widest, m.width);
    }
    lg->w = PAD + MARK_W + MARK_GAP + widest + PAD;
    lg->h = 2 * PAD + (double)lg->n * line + (lg->n ? (double)(lg->n - 1) * ROW_GAP : 0);
}

static bool overlaps(struct box a, struct box b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

struct box legend_place(const struct legend *lg, struct box plot, const struct box *obstacles,
                        size_t n_obstacles, double room_right, bool *outside)
{
    double left = plot.x + INSET, right = plot.x + plot.w - INSET - lg->w;
    double top = plot.y + INSET, bottom = plot.y + plot.h - INSET - lg->h;
    const struct box corners[4] = {{right, top, lg->w, lg->h},
                                   {left, top, lg->w, lg->h},
                                   {right, bottom, lg->w, lg->h},
                                   {left, bottom, lg->w, lg->h}};
    for (int c = 0; c < 4; c++) {
        bool free = corners[c].x >= left && corners[c].y >= top;
        for (size_t i = 0; i < n_obstacles && free; i++)
            free = !overlaps(corners[c], obstacles[i]);
        if (free) {
            *outside = false;
            return corners[c];
        }
    }
    *outside = true;
    if (room_right >= lg->w + OUTSIDE_GAP)
        return (struct box){plot.x + plot.w + OUTSIDE_GAP, plot.y, lg->w, lg->h};
    return (struct box){plot.x, plot.y + plot.h + OUTSIDE_GAP, lg->w, lg->h};
}

/* One entry's mark and label with the mark starting at x, centred on cy. */
static void draw_entry(struct canvas *cv, const struct legend_entry *e, size_t i, double x,
                       double cy)
{
    if (e->mark == LEGEND_SWATCH)
        draw_rect(cv, (struct box){x + 4, cy - 6, MARK_W - 8, 12}, e->rgb, "legend-mark", (long)i,
                  NAN);
    else
        draw_line(cv, x, cy, x + MARK_W, cy, 2.5, e->rgb, e->mark == LEGEND_DASHED, "legend-mark");
    draw_text(cv, e->label, x + MARK_W + MARK_GAP, cy, entry_font, ALIGN_LEFT, ALIGN_MIDDLE, INK,
              "legend-label", (long)i);
}

void legend_draw(struct canvas *cv, const struct legend *lg, struct box at)
{
    /* The page colour behind it, so gridlines do not run through the labels. */
    draw_rect(cv, at, PAPER, "legend", -1, NAN);
    draw_rect_outline(cv, at, 1, GRIDLINE, NULL, -1);
    double line = text_line_height(cv, entry_font), y = at.y + PAD;
    for (size_t i = 0; i < lg->n; i++, y += line + ROW_GAP)
        draw_entry(cv, &lg->entries[i], i, at.x + PAD, y + line / 2);
}

/* Entries left to right, a new row when the next would pass max_w; calls back with each
 * entry's place, or only counts rows when draw is false. Returns the height used. */
static double flow(struct canvas *cv, const struct legend *lg, double x, double y, double max_w,
                   bool draw)
{
    double line = text_line_height(cv, entry_font), cx = 0, cy = 0;
    struct text_metrics m;
    for (size_t i = 0; i < lg->n; i++) {
        draw_measure(cv, lg->entries[i].label, entry_font, &m);
        double w = MARK_W + MARK_GAP + m.width;
        if (cx > 0 && cx + w > max_w) {
            cx = 0;
            cy += line + ROW_GAP;
        }
        if (draw)
            draw_entry(cv, &lg->entries[i], i, x + cx, y + cy + line / 2);
        cx += w + 2 * PAD;
    }
    return lg->n ? cy + line : 0;
}

double legend_row_measure(struct canvas *cv, const struct legend *lg, double max_w)
{
    return flow(cv, lg, 0, 0, max_w, false);
}

void legend_row_draw(struct canvas *cv, const struct legend *lg, double x, double y, double max_w)
{
    flow(cv, lg, x, y, max_w, true);
}

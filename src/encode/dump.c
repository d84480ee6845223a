/* dump: the layout as JSON — every mark's kind, role, box, colour and value — for --dump-layout
 * and the render tests. */
#include "vizgen/dump.h"

#include "vizgen/jsonw.h"

#include <math.h>
#include <stdio.h>

static const char *kind_name(enum mark_kind k)
{
    static const char *const names[] = {"text", "rect", "line", "image", "path"};
    return names[k];
}

/* Coordinates to a hundred-thousandth of a unit on the largest page (six digits would round
 * y = 1512.74 to a tenth and make two stacked lines appear to overlap), values exactly; never
 * non-finite, which would make the dump invalid JSON. */
static void field(FILE *f, const char *name, double v, int digits)
{
    if (isfinite(v))
        fprintf(f, ",\"%s\":%.*g", name, digits, v);
    else
        fprintf(f, ",\"%s\":null", name);
}

void dump_layout(const struct layout *l, FILE *f)
{
    fputs("{\"width\":", f);
    jsonw_number(f, l->width);
    field(f, "height", l->height, 10);
    /* Exact: a reader multiplies every coordinate by these, and six digits would move a box
     * a hundredth of a pixel, enough to land a probe on the pixel before an edge. */
    fprintf(f, ",\"scale\":%.17g", l->scale);
    if (l->unit_pt > 0)
        fprintf(f, ",\"unit_pt\":%.17g", l->unit_pt);
    fputs(",\"marks\":[\n", f);
    for (size_t i = 0; i < l->n; i++) {
        const struct mark *m = &l->marks[i];
        fprintf(f, "{\"kind\":\"%s\",\"role\":\"%s\",\"index\":%ld", kind_name(m->kind), m->role,
                m->index);
        field(f, "x", m->box.x, 10);
        field(f, "y", m->box.y, 10);
        field(f, "w", m->box.w, 10);
        field(f, "h", m->box.h, 10);
        fprintf(f, ",\"rgb\":%u", m->rgb);
        if (isfinite(m->value))
            field(f, "value", m->value, 17);
        if (m->alpha > 0 && m->alpha < 1)
            field(f, "alpha", m->alpha, 17);
        if (m->rows)
            fprintf(f, ",\"rows\":%ld,\"cols\":%ld", m->rows, m->cols);
        if (m->text) {
            fputs(",\"text\":", f);
            jsonw_string(f, m->text);
            field(f, "font", m->font, 10);
        }
        fputs(i + 1 < l->n ? "},\n" : "}\n", f);
    }
    fputs("]}\n", f);
}

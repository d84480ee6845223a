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

/* Coordinates through jsonw, so that nothing non-finite ever makes the dump invalid JSON. */
static void field(FILE *f, const char *name, double v)
{
    fprintf(f, ",\"%s\":", name);
    jsonw_number(f, v);
}

void dump_layout(const struct layout *l, FILE *f)
{
    fputs("{\"width\":", f);
    jsonw_number(f, l->width);
    field(f, "height", l->height);
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
        field(f, "x", m->box.x);
        field(f, "y", m->box.y);
        field(f, "w", m->box.w);
        field(f, "h", m->box.h);
        fprintf(f, ",\"rgb\":%u", m->rgb);
        if (isfinite(m->value))
            field(f, "value", m->value);
        if (m->rows)
            fprintf(f, ",\"rows\":%ld,\"cols\":%ld", m->rows, m->cols);
        if (m->text) {
            fputs(",\"text\":", f);
            jsonw_string(f, m->text);
            field(f, "font", m->font);
        }
        fputs(i + 1 < l->n ? "},\n" : "}\n", f);
    }
    fputs("]}\n", f);
}

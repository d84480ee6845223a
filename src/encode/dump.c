/* dump: the layout as JSON — every mark's kind, role, box, colour and value — written
 * atomically, for --dump-layout and the render tests. */
#include "vizgen/dump.h"

#include "vizgen/atomic.h"
#include "vizgen/jsonw.h"

#include <math.h>
#include <stdio.h>

static const char *kind_name(enum mark_kind k)
{
    static const char *const names[] = {"text", "rect", "line", "image", "path"};
    return names[k];
}

int dump_layout(const struct layout *l, const char *path, struct diag *d)
{
    struct atomic_file af;
    int rc = atomic_open(&af, path, d);
    if (rc)
        return rc;
    FILE *f = af.f;
    fprintf(f, "{\"width\":%.6g,\"height\":%.6g,\"scale\":%.6g,\"marks\":[\n", l->width, l->height,
            l->scale);
    for (size_t i = 0; i < l->n; i++) {
        const struct mark *m = &l->marks[i];
        fprintf(f,
                "{\"kind\":\"%s\",\"role\":\"%s\",\"index\":%ld,\"x\":%.6g,\"y\":%.6g,"
                "\"w\":%.6g,\"h\":%.6g,\"rgb\":%u",
                kind_name(m->kind), m->role, m->index, m->box.x, m->box.y, m->box.w, m->box.h,
                m->rgb);
        if (isfinite(m->value)) {
            fputs(",\"value\":", f);
            jsonw_number(f, m->value);
        }
        if (m->rows)
            fprintf(f, ",\"rows\":%ld,\"cols\":%ld", m->rows, m->cols);
        if (m->text) {
            fputs(",\"text\":", f);
            jsonw_string(f, m->text);
        }
        fputs(i + 1 < l->n ? "},\n" : "}\n", f);
    }
    fputs("]}\n", f);
    return atomic_commit(&af, d);
}

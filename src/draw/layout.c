/* layout: mark records, ticks and scales — arithmetic only, no drawing and no JSON parsing. */
#include "vizgen/layout.h"

#include "vizgen/atomic.h"
#include "vizgen/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void layout_init(struct layout *l)
{
    memset(l, 0, sizeof *l);
    l->scale = 1;
}

void layout_free(struct layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->marks[i].text);
    free(l->marks);
    l->marks = NULL;
    l->n = l->cap = 0;
}

int layout_add(struct layout *l, const struct mark *m)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        struct mark *nm = realloc(l->marks, cap * sizeof *nm);
        if (!nm)
            return VZ_EIO;
        l->marks = nm;
        l->cap = cap;
    }
    struct mark *dst = &l->marks[l->n];
    *dst = *m;
    dst->text = NULL;
    if (m->text && !(dst->text = strdup(m->text)))
        return VZ_EIO;
    l->n++;
    return VZ_OK;
}

static const char *kind_name(enum mark_kind k)
{
    static const char *const names[] = {"text", "rect", "line", "image", "path"};
    return names[k];
}

int layout_write_json(const struct layout *l, const char *path, struct diag *d)
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
        fprintf(f, "{\"kind\":\"%s\",\"role\":\"%s\",\"index\":%ld,\"x\":%.6g,\"y\":%.6g,"
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

void ticks_nice(double lo, double hi, int target, struct ticks *t)
{
    if (!(hi > lo))
        hi = lo + 1;
    double raw = (hi - lo) / (target > 0 ? target : 1);
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    double step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
    step *= mag;
    t->step = step;
    t->lo = floor(lo / step + 1e-9) * step;
    t->hi = ceil(hi / step - 1e-9) * step;
    t->n = 0;
    for (int i = 0; t->n < 64; i++) {
        double v = t->lo + i * step;
        if (v > t->hi + step * 1e-9)
            break;
        t->v[t->n++] = fabs(v) < step * 1e-9 ? 0 : v;
    }
}

void ticks_format(const struct ticks *t, double v, char *buf, size_t size)
{
    int decimals = t->step >= 1 ? 0 : (int)ceil(-log10(t->step) - 1e-9);
    snprintf(buf, size, "%.*f", decimals, v);
}

double scale_map(struct scale s, double v)
{
    if (s.d1 == s.d0)
        return s.r0;
    return s.r0 + (v - s.d0) / (s.d1 - s.d0) * (s.r1 - s.r0);
}

void format_trimmed(double v, int decimals, char *buf, size_t size)
{
    snprintf(buf, size, "%.*f", decimals, v);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = buf + strlen(buf) - 1;
    while (end > dot && *end == '0')
        *end-- = '\0';
    if (end == dot)
        *end = '\0';
}

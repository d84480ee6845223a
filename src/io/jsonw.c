/* jsonw: escaping per RFC 8259; UTF-8 passes through unchanged. */
#include "vizgen/jsonw.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

void jsonw_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void jsonw_number(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fputs("null", f);
}

static bool nonfinite(FILE *f, double v)
{
    if (isfinite(v))
        return false;
    fputs(isnan(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"", f);
    return true;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as v. */
static void exact(FILE *f, double v)
{
    if (nonfinite(f, v))
        return;
    char buf[32];
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

/* The same for a float: the shortest of %.6g to %.9g. */
static void exact_float(FILE *f, float v)
{
    if (nonfinite(f, v))
        return;
    char buf[32];
    for (int digits = 6; digits <= 9; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, (double)v);
        if (strtof(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

void jsonw_open(struct jsonw *w, FILE *f)
{
    w->f = f;
    w->depth = 0;
    w->first[0] = true;
    fputc('{', f);
}

/* The comma before an item and its key, if it has one. */
static void item(struct jsonw *w, const char *key)
{
    if (!w->first[w->depth])
        fputc(',', w->f);
    w->first[w->depth] = false;
    if (key) {
        jsonw_string(w->f, key);
        fputc(':', w->f);
    }
}

static void begin(struct jsonw *w, const char *key, char open)
{
    item(w, key);
    fputc(open, w->f);
    if (w->depth + 1 < JSONW_MAX_DEPTH)
        w->first[++w->depth] = true;
}

void jsonw_begin_object(struct jsonw *w, const char *key)
{
    begin(w, key, '{');
}

void jsonw_begin_array(struct jsonw *w, const char *key)
{
    begin(w, key, '[');
}

void jsonw_end_object(struct jsonw *w)
{
    fputc('}', w->f);
    w->depth -= w->depth > 0;
}

void jsonw_end_array(struct jsonw *w)
{
    fputc(']', w->f);
    w->depth -= w->depth > 0;
}

void jsonw_close(struct jsonw *w)
{
    fputs("}\n", w->f);
}

void jsonw_put_string(struct jsonw *w, const char *key, const char *s)
{
    item(w, key);
    jsonw_string(w->f, s);
}

void jsonw_put_number(struct jsonw *w, const char *key, double v)
{
    item(w, key);
    exact(w->f, v);
}

void jsonw_put_numbers(struct jsonw *w, const char *key, const double *v, size_t n)
{
    item(w, key);
    fputc('[', w->f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', w->f);
        exact(w->f, v[i]);
    }
    fputc(']', w->f);
}

void jsonw_put_floats(struct jsonw *w, const char *key, const float *v, size_t n)
{
    item(w, key);
    fputc('[', w->f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', w->f);
        exact_float(w->f, v[i]);
    }
    fputc(']', w->f);
}

void jsonw_put_ints(struct jsonw *w, const char *key, const int *v, size_t n)
{
    item(w, key);
    fputc('[', w->f);
    for (size_t i = 0; i < n; i++)
        fprintf(w->f, i ? ",%d" : "%d", v[i]);
    fputc(']', w->f);
}

void jsonw_put_strings(struct jsonw *w, const char *key, char *const *v, size_t n)
{
    item(w, key);
    fputc('[', w->f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', w->f);
        jsonw_string(w->f, v[i]);
    }
    fputc(']', w->f);
}

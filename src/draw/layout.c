/* layout: the record of marks — arithmetic and memory only, no drawing and no files. */
#include "vizgen/layout.h"

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

/* tensor: the size and release of a dense array. */
#include "vizgen/tensor.h"

#include <stdlib.h>
#include <string.h>

size_t tensor_size(const struct tensor *t)
{
    size_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->shape[i];
    return n;
}

void tensor_free(struct tensor *t)
{
    if (!t)
        return;
    free(t->data);
    memset(t, 0, sizeof *t);
}

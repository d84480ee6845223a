/* hidden: per-token statistics of hidden states, layer by layer. */
#include "vizgen/hidden.h"

#include <math.h>

const char *const hidden_stat_names[] = {"norm", "cosine-to-last", NULL};

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (double)a[i] * (double)b[i];
    return s;
}

void hidden_layer_stat(const float *v, const float *last, size_t tokens, size_t dim,
                       enum hidden_stat s, double *out)
{
    for (size_t t = 0; t < tokens; t++) {
        const float *a = v + t * dim, *b = last + t * dim;
        double aa = dot(a, a, dim);
        if (s == HIDDEN_NORM) {
            out[t] = sqrt(aa);
            continue;
        }
        double bb = dot(b, b, dim);
        out[t] = aa > 0 && bb > 0 ? dot(a, b, dim) / sqrt(aa * bb) : NAN;
    }
}

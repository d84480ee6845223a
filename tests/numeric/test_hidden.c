/* hidden: norms and cosines of vectors chosen so the answers are known by hand. */
#include "check.h"

#include "vizgen/hidden.h"

#include <math.h>

/* Two layers, two tokens, three dimensions. Token 0 turns from (3, 4, 0) to (0, 0, 2); token 1
 * keeps its direction and doubles; a zero vector has no direction. */
static void test_norms_and_cosines(void)
{
    const float h[2][3][3] = {{{3, 4, 0}, {1, 1, 1}, {0, 0, 0}}, {{0, 0, 2}, {2, 2, 2}, {1, 0, 0}}};
    double out[6];
    for (int l = 0; l < 2; l++)
        hidden_layer_stat(&h[l][0][0], &h[1][0][0], 3, 3, HIDDEN_NORM, out + 3 * l);
    CHECK_NEAR(out[0], 5, 1e-12);
    CHECK_NEAR(out[1], sqrt(3), 1e-12);
    CHECK_NEAR(out[2], 0, 1e-12);
    CHECK_NEAR(out[3], 2, 1e-12);
    CHECK_NEAR(out[4], sqrt(12), 1e-12);
    for (int l = 0; l < 2; l++)
        hidden_layer_stat(&h[l][0][0], &h[1][0][0], 3, 3, HIDDEN_COSINE_LAST, out + 3 * l);
    CHECK_NEAR(out[0], 0, 1e-12); /* orthogonal */
    CHECK_NEAR(out[1], 1, 1e-12); /* same direction */
    CHECK(isnan(out[2]));         /* the zero vector */
    CHECK_NEAR(out[3], 1, 1e-12); /* the last layer with itself */
    CHECK_NEAR(out[4], 1, 1e-12);
    CHECK_NEAR(out[5], 1, 1e-12);
}

/* A long vector of equal small values: summed in double, its norm is exact to float. */
static void test_long_vectors_keep_precision(void)
{
    enum { N = 1 << 20 };
    static float h[2][N];
    for (int i = 0; i < N; i++)
        h[0][i] = 0.001f, h[1][i] = -0.001f;
    double out[2];
    hidden_layer_stat(h[0], h[1], 1, N, HIDDEN_NORM, out);
    CHECK_NEAR(out[0], 0.001f * sqrt((double)N), 1e-9);
    hidden_layer_stat(h[0], h[1], 1, N, HIDDEN_COSINE_LAST, out);
    CHECK_NEAR(out[0], -1, 1e-12);
}

int main(void)
{
    RUN(test_norms_and_cosines);
    RUN(test_long_vectors_keep_precision);
    return check_summary();
}

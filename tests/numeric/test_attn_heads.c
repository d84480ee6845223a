/* attn_heads: per-head statistics on matrices whose answers are known by hand, and rollout
 * against the paper's formula written out independently here. */
#include "check.h"

#include "vizgen/attn_heads.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct attn square(size_t n)
{
    struct attn a;
    attn_init(&a, n, n);
    return a;
}

/* Each query on the previous token (the first on itself): the previous-token head. */
static void test_previous_token_head(void)
{
    struct attn a = square(4);
    a.w[0] = 1;
    for (size_t i = 1; i < 4; i++)
        a.w[i * 4 + i - 1] = 1;
    attn_apply_mask(&a, MASK_CAUSAL);
    double s[HEAD_STATS];
    attn_head_stats(&a, NULL, s);
    CHECK_NEAR(s[HEAD_ENTROPY], 0, 1e-12);
    CHECK_NEAR(s[HEAD_FIRST], 0.5, 1e-12); /* rows 0 and 1 */
    CHECK_NEAR(s[HEAD_PREVIOUS], 1, 1e-12);
    CHECK_NEAR(s[HEAD_DIAGONAL], 0.25, 1e-12);
    CHECK_NEAR(s[HEAD_DISTANCE], 0.75, 1e-12);
    CHECK(isnan(s[HEAD_SAME_CHAR]));
    attn_free(&a);
}

/* Uniform over the causal prefix: the diffuse head, every statistic a closed form in i. */
static void test_uniform_causal_head(void)
{
    const size_t n = 9;
    struct attn a = square(n);
    double entropy = 0, first = 0, previous = 0, distance = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j <= i; j++)
            a.w[i * n + j] = 1.0f / (float)(i + 1);
        entropy += log2((double)i + 1) / n;
        first += 1.0 / ((double)i + 1) / n;
        if (i)
            previous += 1.0 / ((double)i + 1) / (n - 1);
        distance += (double)i / 2 / n;
    }
    attn_apply_mask(&a, MASK_CAUSAL);
    double s[HEAD_STATS];
    attn_head_stats(&a, NULL, s);
    CHECK_NEAR(s[HEAD_ENTROPY], entropy, 1e-5);
    CHECK_NEAR(s[HEAD_FIRST], first, 1e-6);
    CHECK_NEAR(s[HEAD_PREVIOUS], previous, 1e-6);
    CHECK_NEAR(s[HEAD_DIAGONAL], first, 1e-6);
    CHECK_NEAR(s[HEAD_DISTANCE], distance, 1e-5);
    CHECK_NEAR(head_stat_max(HEAD_ENTROPY, n, n, false), log2(9), 1e-12);
    CHECK_NEAR(head_stat_max(HEAD_ENTROPY, n, n, true), log2(10), 1e-12);
    CHECK(head_stat_max(HEAD_DISTANCE, n, n, false) == 8);
    attn_free(&a);
}

/* A strictly causal matrix's first query sees nothing: it is left out, not counted as 0. */
static void test_fully_masked_rows_are_skipped(void)
{
    struct attn a = square(3);
    a.w[1 * 3 + 0] = 1;
    a.w[2 * 3 + 1] = 1;
    attn_apply_mask(&a, MASK_CAUSAL_STRICT);
    double s[HEAD_STATS];
    attn_head_stats(&a, NULL, s);
    CHECK_NEAR(s[HEAD_PREVIOUS], 1, 1e-12);
    CHECK_NEAR(s[HEAD_FIRST], 0.5, 1e-12);
    CHECK_NEAR(s[HEAD_DIAGONAL], 0, 1e-12); /* masked on the diagonal: no weight there */
    CHECK_NEAR(s[HEAD_DISTANCE], 1, 1e-12);
    attn_free(&a);
}

/* Same-character mass from the characters: "abab", each repeat all on its earlier twin. */
static void test_same_char(void)
{
    const uint32_t cps[] = {'a', 'b', 'a', 'b'};
    struct attn a = square(4);
    a.w[0] = 1, a.w[4 + 0] = 1, a.w[8 + 0] = 1, a.w[12 + 1] = 0.5f, a.w[12 + 3] = 0.5f;
    attn_apply_mask(&a, MASK_CAUSAL);
    double s[HEAD_STATS];
    attn_head_stats(&a, cps, s);
    CHECK_NEAR(s[HEAD_SAME_CHAR], 0.75, 1e-12); /* queries 2 (1.0) and 3 (0.5) */
    attn_free(&a);
}

/* Rollout by the paper's definition, written as matrices: A' = 0.5 A + 0.5 I for row-stochastic
 * A (the same as adding I and renormalising), R = A'_L ... A'_1. */
static void reference_rollout(struct attn *heads, size_t L, size_t H, size_t n, double *r)
{
    double *a = calloc(n * n, sizeof *a), *t = calloc(n * n, sizeof *t);
    for (size_t l = 0; l < L; l++) {
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                double mean = 0;
                for (size_t h = 0; h < H; h++) {
                    float v = heads[l * H + h].w[i * n + j];
                    mean += v != v ? 0 : v / (double)H;
                }
                a[i * n + j] = 0.5 * mean + (i == j ? 0.5 : 0);
            }
        if (l == 0) {
            memcpy(r, a, n * n * sizeof *r);
            continue;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                t[i * n + j] = 0;
                for (size_t k = 0; k < n; k++)
                    t[i * n + j] += a[i * n + k] * r[k * n + j];
            }
        memcpy(r, t, n * n * sizeof *r);
    }
    free(a);
    free(t);
}

static void test_rollout(void)
{
    /* By hand: everything on the first token; two layers give [[1, 0], [0.75, 0.25]]. */
    struct attn first[2] = {square(2), square(2)};
    for (int l = 0; l < 2; l++)
        first[l].w[0] = 1, first[l].w[2] = 1;
    const struct attn *fp[2] = {&first[0], &first[1]};
    double r[4];
    CHECK(attn_rollout(fp, 2, 1, 2, r) == 0);
    CHECK(r[0] == 1 && r[1] == 0 && r[2] == 0.75 && r[3] == 0.25);
    CHECK(attn_rollout(fp, 2, 1, 1, r) == 0);
    CHECK(r[2] == 0.5 && r[3] == 0.5);
    CHECK(attn_rollout(fp, 2, 1, 3, r) == -1);
    attn_free(&first[0]);
    attn_free(&first[1]);

    /* Random causal softmax heads, 3 layers of 2: equal to the reference, rows summing to 1. */
    enum { L = 3, H = 2, N = 7 };
    struct attn heads[L * H];
    const struct attn *hp[L * H];
    uint64_t state = 42;
    uint32_t cps[N] = {0};
    for (size_t k = 0; k < L * H; k++) {
        heads[k] = square(N);
        attn_letter_counting(&heads[k], cps, MASK_CAUSAL, 0, 3, prng_next(&state));
        hp[k] = &heads[k];
    }
    double got[N * N], want[N * N];
    CHECK(attn_rollout(hp, L, H, L, got) == 0);
    reference_rollout(heads, L, H, N, want);
    for (size_t i = 0; i < N; i++) {
        double sum = 0;
        for (size_t j = 0; j < N; j++) {
            /* float rows sum to 1 within 1e-7, which the reference takes as exact */
            CHECK_NEAR(got[i * N + j], want[i * N + j], 1e-6);
            sum += got[i * N + j];
            if (j > i) /* causal in, causal out */
                CHECK(got[i * N + j] == 0);
        }
        CHECK_NEAR(sum, 1, 1e-12);
    }
    struct attn wide;
    attn_init(&wide, N, N + 1);
    hp[1] = &wide;
    CHECK(attn_rollout(hp, L, H, L, got) == -1);
    attn_free(&wide);
    for (size_t k = 0; k < L * H; k++)
        attn_free(&heads[k]);
}

int main(void)
{
    RUN(test_previous_token_head);
    RUN(test_uniform_causal_head);
    RUN(test_fully_masked_rows_are_skipped);
    RUN(test_same_char);
    RUN(test_rollout);
    return check_summary();
}

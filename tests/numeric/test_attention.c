/* Unit tests of the numeric core: letter counts, synthetic attention, statistics. */
#include "check.h"

#include "vizgen/attention.h"
#include "vizgen/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t *decode(const char *s, size_t *n)
{
    uint32_t *cps = utf8_decode(s, n);
    CHECK(cps != NULL);
    return cps;
}

static void letter_counts_match_hand_count_for_i_like_movies_a_lot(void)
{
    /* "i like movies a lot": i at 0, 3, 10; space at 1, 6, 13, 15; l at 2, 16; e at 5, 11;
     * o at 8, 17. Each position counts the earlier ones, capped at 2. */
    const int want[] = {0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 2, 1, 0, 2, 0, 2, 1, 1, 0};
    size_t n;
    uint32_t *cps = decode("i like movies a lot", &n);
    int got[19];
    CHECK(n == 19);
    CHECK(letter_counts(cps, n, 2, false, got) == 0);
    for (size_t i = 0; i < n; i++)
        CHECK(got[i] == want[i]);
    /* Uncapped, the third space (position 15) has three before it: 1, 6, 13. */
    CHECK(letter_counts(cps, n, 0, false, got) == 0);
    CHECK(got[15] == 3);
    /* Before-after: 'i' at 3 has 0 before and 10 after -> 2 others. */
    CHECK(letter_counts(cps, n, 0, true, got) == 0);
    CHECK(got[3] == 2 && got[18] == 0);
    free(cps);
}

static void letter_counts_treat_utf8_code_points_as_characters(void)
{
    /* "naïve ï": 7 code points; ï (2 bytes) at 2 and 6, so position 6 counts 1. */
    size_t n;
    uint32_t *cps = decode("na\xc3\xafve \xc3\xaf", &n);
    int got[7];
    CHECK(n == 7);
    CHECK(letter_counts(cps, n, 2, false, got) == 0);
    CHECK(got[2] == 0 && got[6] == 1 && got[4] == 0);
    free(cps);
    CHECK(utf8_invalid_at("ok\xc3", 3) == 2);
    CHECK(utf8_invalid_at("\xed\xa0\x80", 3) == 0); /* a surrogate is not a character */
}

static void synthetic_rows_are_softmaxes_and_masks_are_masks(void)
{
    size_t n;
    uint32_t *cps = decode("i like movies", &n);
    struct attn a;
    CHECK(attn_init(&a, n, n) == 0);
    attn_letter_counting(&a, cps, MASK_CAUSAL_STRICT, 4, 0, 1);
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (size_t j = 0; j < n; j++) {
            float v = a.w[i * n + j];
            CHECK(attn_masked(v) == (j >= i));
            if (!attn_masked(v))
                sum += v;
        }
        if (i > 0)
            CHECK_NEAR(sum, 1, 1e-6);
    }
    /* Query 0 has no allowed key: its whole row is masked and its entropy undefined. */
    CHECK(isnan(attn_entropy(&a, 0, false)));
    /* Sharpness 4 puts most of the mass of query 10 ('i') on the two earlier 'i's (0 and 3). */
    CHECK(a.w[10 * n + 0] + a.w[10 * n + 3] > 0.8);
    CHECK_NEAR(attn_same_char_mass(&a, cps, 10), a.w[10 * n + 0] + a.w[10 * n + 3], 1e-6);
    CHECK(isnan(attn_same_char_mass(&a, cps, 2))); /* first 'l' has no earlier occurrence */
    /* The causal mask keeps the diagonal. */
    attn_letter_counting(&a, cps, MASK_CAUSAL, 4, 0, 1);
    CHECK(!attn_masked(a.w[0]) && a.w[0] == 1.0f);
    attn_free(&a);
    free(cps);
}

static void same_seed_gives_the_same_noisy_matrix(void)
{
    size_t n;
    uint32_t *cps = decode("hello world", &n);
    struct attn a, b;
    CHECK(attn_init(&a, n, n) == 0 && attn_init(&b, n, n) == 0);
    attn_letter_counting(&a, cps, MASK_NONE, 3, 1.5, 42);
    attn_letter_counting(&b, cps, MASK_NONE, 3, 1.5, 42);
    CHECK(memcmp(a.w, b.w, n * n * sizeof(float)) == 0);
    attn_letter_counting(&b, cps, MASK_NONE, 3, 1.5, 43);
    CHECK(memcmp(a.w, b.w, n * n * sizeof(float)) != 0);
    attn_free(&a);
    attn_free(&b);
    free(cps);
}

static void lab_example_entropy_and_top_k(void)
{
    /* The attention lab's 4x4 example (seed 003). */
    const float w[16] = {0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.6f, 0.2f, 0.1f,
                         0.1f, 0.1f, 0.7f, 0.1f, 0.2f, 0.2f, 0.2f, 0.4f};
    struct attn a;
    CHECK(attn_init(&a, 4, 4) == 0);
    memcpy(a.w, w, sizeof w);
    double h[4];
    for (size_t i = 0; i < 4; i++)
        h[i] = attn_entropy(&a, i, false);
    CHECK(h[3] > h[0] && h[3] > h[1] && h[3] > h[2]);
    /* H(row 0) = -(0.7 ln 0.7 + 3 * 0.1 ln 0.1) */
    CHECK_NEAR(h[0], -(0.7 * log(0.7) + 0.3 * log(0.1)), 1e-6);
    size_t keys[3];
    CHECK(attn_top_k(&a, 2, 2, keys) == 2);
    CHECK(keys[0] == 2 && keys[1] == 0); /* ties (0.1 at 0, 1, 3) go to the lower index */
    CHECK(attn_top_k(&a, 3, 3, keys) == 3);
    CHECK(keys[0] == 3 && keys[1] == 0 && keys[2] == 1);
    CHECK_NEAR(attn_sparsity(&a, 0, 0.1), 0.0, 1e-9); /* 0.1 is not below 0.1 */
    CHECK_NEAR(attn_sparsity(&a, 0, 0.15), 0.75, 1e-9);
    attn_free(&a);
}

static void entropy_of_uniform_is_log_n_and_of_one_hot_is_zero(void)
{
    struct attn a;
    CHECK(attn_init(&a, 2, 8) == 0);
    for (size_t j = 0; j < 8; j++) {
        a.w[j] = 1.0f / 8;
        a.w[8 + j] = j == 5;
    }
    CHECK_NEAR(attn_entropy(&a, 0, false), log(8), 1e-6);
    CHECK_NEAR(attn_entropy(&a, 0, true), 3, 1e-6);
    CHECK_NEAR(attn_entropy(&a, 1, false), 0, 1e-12);
    attn_free(&a);
}

/* With the null key and the default sharpness, the synthetic weights say what the figure spec
 * says: a first occurrence puts at most 0.2 on any real key, a repeat at least 0.8 on the
 * earlier copies of its character, and every row is still a distribution. */
static void null_key_makes_first_occurrences_quiet_and_repeats_loud(void)
{
    static const char *const texts[] = {"i like movies", "i like movies a lot"};
    for (int t = 0; t < 2; t++) {
        size_t n;
        uint32_t *cps = decode(texts[t], &n);
        struct attn a;
        CHECK(attn_init(&a, n, n) == 0 && attn_add_sink(&a) == 0);
        attn_letter_counting(&a, cps, MASK_CAUSAL_STRICT, 6, 0, 1);
        for (size_t i = 0; i < n; i++) {
            double sum = a.sink[i], most = 0;
            for (size_t j = 0; j < i; j++) {
                sum += a.w[i * n + j];
                most = fmax(most, a.w[i * n + j]);
            }
            CHECK_NEAR(sum, 1, 1e-5);
            double same = attn_same_char_mass(&a, cps, i);
            if (isnan(same)) {
                if (!CHECK(most <= 0.2))
                    fprintf(stderr, "    '%s' query %zu puts %.3f on a real key\n", texts[t], i,
                            most);
            } else if (!CHECK(same >= 0.8)) {
                fprintf(stderr, "    '%s' query %zu puts %.3f on its earlier copies\n", texts[t], i,
                        same);
            }
        }
        CHECK(a.sink[0] == 1); /* nothing to attend to but the null key */
        /* The null key is a key: in the top-k (index n), in the entropy, in the sums. */
        size_t keys[2];
        CHECK(attn_top_k(&a, 1, 2, keys) == 2 && keys[0] == n);
        CHECK(attn_first_unnormalized_row(&a, 1e-4, &(double){0}) == -1);
        CHECK(attn_entropy(&a, 0, false) == 0);
        attn_free(&a);
        free(cps);
    }
}

/* Without the null key the old weights are unchanged, noise included. */
static void without_the_null_key_nothing_changes(void)
{
    size_t n;
    uint32_t *cps = decode("hello world", &n);
    struct attn a, b;
    CHECK(attn_init(&a, n, n) == 0 && attn_init(&b, n, n) == 0 && attn_add_sink(&b) == 0);
    attn_letter_counting(&a, cps, MASK_CAUSAL, 3, 1.5, 42);
    attn_letter_counting(&b, cps, MASK_CAUSAL, 3, 1.5, 42);
    /* Row 0 draws the same cell noise; with the null key its softmax has one more term. */
    CHECK(a.w[0] == 1 && b.w[0] < 1 && b.w[0] + b.sink[0] > 0.999);
    attn_free(&a);
    attn_free(&b);
    free(cps);
}

static void causal_real_matrices_are_recognised(void)
{
    struct attn a;
    attn_init(&a, 3, 3);
    const float lower[9] = {1, 0, 0, 0.5f, 0.5f, 0, 0.2f, 0.3f, 0.5f};
    memcpy(a.w, lower, sizeof lower);
    CHECK(attn_upper_zero(&a));
    a.w[5] = 1e-9f; /* a weight, however small, is not a mask */
    CHECK(!attn_upper_zero(&a));
    attn_free(&a);
}

int main(void)
{
    RUN(letter_counts_match_hand_count_for_i_like_movies_a_lot);
    RUN(letter_counts_treat_utf8_code_points_as_characters);
    RUN(synthetic_rows_are_softmaxes_and_masks_are_masks);
    RUN(same_seed_gives_the_same_noisy_matrix);
    RUN(lab_example_entropy_and_top_k);
    RUN(entropy_of_uniform_is_log_n_and_of_one_hot_is_zero);
    RUN(null_key_makes_first_occurrences_quiet_and_repeats_loud);
    RUN(without_the_null_key_nothing_changes);
    RUN(causal_real_matrices_are_recognised);
    return check_summary();
}

/* Unit tests of the numeric core: letter counts, synthetic attention, statistics, .npy loading. */
#include "check.h"

#include "vizgen/attention.h"
#include "vizgen/npy.h"
#include "vizgen/utf8.h"

#include <stdint.h>
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

/* --- .npy files written byte by byte --- */

static const char *tmp_path(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/vizgen-test-%d-%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (int)getpid(), name);
    return buf;
}

/* Writes an .npy with the given header dict and raw data; pads the header to 64 bytes. */
static void write_npy(const char *path, int major, const char *dict, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
    size_t hlen = ((pre + dl + 1 + 63) / 64) * 64 - pre;
    unsigned char p[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)major, 0};
    if (major == 1) {
        p[8] = (unsigned char)(hlen & 0xff), p[9] = (unsigned char)(hlen >> 8);
    } else {
        p[8] = (unsigned char)(hlen & 0xff), p[9] = (unsigned char)(hlen >> 8), p[10] = 0,
        p[11] = 0;
    }
    fwrite(p, 1, pre, f);
    fwrite(dict, 1, dl, f);
    for (size_t i = dl; i + 1 < hlen; i++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static void store(unsigned char *dst, uint64_t u, int size, int big)
{
    for (int k = 0; k < size; k++)
        dst[k] = (unsigned char)(u >> (big ? 8 * (size - 1 - k) : 8 * k));
}

/* The 2x3 matrix [[0, 0.5, 1], [0.25, 2, -1]] in every dtype, byte order and memory order. */
static void npy_every_dtype_order_and_layout_loads_the_same_values(void)
{
    const double want[6] = {0, 0.5, 1, 0.25, 2, -1};
    const uint16_t halves[6] = {0x0000, 0x3800, 0x3c00, 0x3400, 0x4000, 0xbc00};
    for (int size = 2; size <= 8; size *= 2)
        for (int big = 0; big <= 1; big++)
            for (int fortran = 0; fortran <= 1; fortran++) {
                unsigned char data[48];
                for (int k = 0; k < 6; k++) {
                    /* Fortran order stores column by column. */
                    int src = fortran ? (k % 2) * 3 + k / 2 : k;
                    uint64_t u;
                    if (size == 2) {
                        u = halves[src];
                    } else if (size == 4) {
                        float f = (float)want[src];
                        uint32_t u32;
                        memcpy(&u32, &f, 4);
                        u = u32;
                    } else {
                        memcpy(&u, &want[src], 8);
                    }
                    store(data + k * size, u, size, big);
                }
                char dict[128];
                snprintf(dict, sizeof dict,
                         "{'descr': '%cf%d', 'fortran_order': %s, 'shape': (2, 3), }",
                         big ? '>' : '<', size, fortran ? "True" : "False");
                const char *path = tmp_path("m.npy");
                write_npy(path, size == 8 ? 2 : 1, dict, data, (size_t)(6 * size));
                struct tensor t;
                struct diag d;
                diag_init(&d);
                struct tensor_limits lim = {1000, 1000};
                int rc = npy_load(path, &lim, &t, &d);
                if (!CHECK(rc == 0))
                    fprintf(stderr, "    %s: %s\n", dict, diag_text(&d));
                else {
                    CHECK(t.rank == 2 && t.shape[0] == 2 && t.shape[1] == 3);
                    for (int k = 0; k < 6; k++)
                        CHECK_NEAR(t.data[k], want[k], 0);
                }
                tensor_free(&t);
                unlink(path);
            }
}

static void expect_npy_error(const char *dict, size_t data_len, const char *fragment)
{
    unsigned char data[64] = {0};
    const char *path = tmp_path("bad.npy");
    write_npy(path, 1, dict, data, data_len);
    struct tensor t;
    struct diag d;
    diag_init(&d);
    struct tensor_limits lim = {1 << 20, 1 << 20};
    CHECK(npy_load(path, &lim, &t, &d) == VZ_EINPUT);
    if (!CHECK(strstr(diag_text(&d), fragment) != NULL))
        fprintf(stderr, "    message: %s\n    wanted: %s\n", diag_text(&d), fragment);
    CHECK(t.data == NULL);
    unlink(path);
}

static void npy_bad_files_get_their_exact_errors(void)
{
    expect_npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 20,
                     "error: header declares 24 bytes of data, file has 20");
    expect_npy_error("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }", 32,
                     "error: unsupported dtype '<i8' (expected float16, float32 or float64)");
    expect_npy_error(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 8,
        "error: array has more than 1048576 elements");
    expect_npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1), }", 4,
                     "arrays of rank 1 to 4 are supported");
    expect_npy_error("{'descr': '<f4', 'shape': (2,), }", 8, "no valid 'fortran_order'");
    /* Not an npy at all. */
    const char *path = tmp_path("text.npy");
    FILE *f = fopen(path, "w");
    fputs("hello, I am text\n", f);
    fclose(f);
    struct tensor t;
    struct diag d;
    diag_init(&d);
    struct tensor_limits small = {100, 100};
    CHECK(npy_load(path, &small, &t, &d) == VZ_EINPUT);
    CHECK(strstr(diag_text(&d), "not a .npy file (bad magic)") != NULL);
    unlink(path);
}

int main(void)
{
    RUN(letter_counts_match_hand_count_for_i_like_movies_a_lot);
    RUN(letter_counts_treat_utf8_code_points_as_characters);
    RUN(synthetic_rows_are_softmaxes_and_masks_are_masks);
    RUN(same_seed_gives_the_same_noisy_matrix);
    RUN(lab_example_entropy_and_top_k);
    RUN(entropy_of_uniform_is_log_n_and_of_one_hot_is_zero);
    RUN(npy_every_dtype_order_and_layout_loads_the_same_values);
    RUN(npy_bad_files_get_their_exact_errors);
    return check_summary();
}

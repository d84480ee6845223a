/* Unit tests of the .npy reader on files written byte by byte: every dtype, byte order and
 * memory order gives the same values, and each kind of bad file gets its own error. */
#include "check.h"

#include "vizgen/npy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* The header is a Python dict: any key order, double quotes, spacing and trailing commas are
 * the same dict; 'descr' inside another value is not the descr. */
static void npy_headers_are_read_as_python_dicts(void)
{
    const float one[4] = {1, 0, 0, 1};
    static const char *const same[] = {
        "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
        "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,2)}",
        "{ 'descr' : '<f4' , 'fortran_order' : False , 'shape' : ( 2 , 2 , ) , }",
    };
    for (size_t i = 0; i < 3; i++) {
        const char *path = tmp_path("dict.npy");
        write_npy(path, 1, same[i], one, sizeof one);
        struct tensor t;
        struct diag d;
        diag_init(&d);
        struct tensor_limits lim = {100, 100};
        if (!CHECK(npy_load(path, &lim, &t, &d) == VZ_OK))
            fprintf(stderr, "    %s: %s\n", same[i], diag_text(&d));
        else
            CHECK(t.rank == 2 && t.shape[1] == 2 && t.data[3] == 1);
        tensor_free(&t);
        unlink(path);
    }
    expect_npy_error("{'descr': [('descr', '<f4')], 'fortran_order': False, 'shape': (2, 2), }", 16,
                     "unsupported dtype: a structured array");
    expect_npy_error("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (2,), }", 8,
                     "npy header gives 'shape' twice");
    expect_npy_error("{'descr': '<f4', 'fortran_order': False, }", 8,
                     "npy header has no valid 'shape'");
    expect_npy_error("{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", 8,
                     "npy header is not a Python dict");
}

/* A range read from the middle of a Fortran-ordered array is that part of the C-order array. */
static void npy_ranges_read_only_what_is_asked_in_either_order(void)
{
    /* [2][3][4] holding 0..23 in C order, stored column-major. */
    float fortran_data[24];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                fortran_data[i + 2 * j + 6 * k] = (float)(i * 12 + j * 4 + k);
    const char *path = tmp_path("f.npy");
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }",
              fortran_data, sizeof fortran_data);
    struct npy_file f;
    struct diag d;
    diag_init(&d);
    struct tensor_limits lim = {100, 100};
    if (CHECK(npy_open(path, &lim, &f, &d) == VZ_OK)) {
        float part[12];
        CHECK(npy_read_range(&f, 12, 12, part, &d) == VZ_OK); /* the second [3][4] panel */
        for (int e = 0; e < 12; e++)
            CHECK(part[e] == (float)(12 + e));
        npy_close(&f);
    }
    unlink(path);
}

int main(void)
{
    RUN(npy_every_dtype_order_and_layout_loads_the_same_values);
    RUN(npy_bad_files_get_their_exact_errors);
    RUN(npy_headers_are_read_as_python_dicts);
    RUN(npy_ranges_read_only_what_is_asked_in_either_order);
    return check_summary();
}

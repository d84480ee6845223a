/* libFuzzer target: any bytes as a .npy file. */
#include "vizgen/npy.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    struct tensor_limits lim = {1 << 20, 1 << 20};
    struct npy_file f;
    if (npy_open_buffer(data, size, "fuzz.npy", &lim, &f, &d) != VZ_OK)
        return 0;
    float *all = malloc(f.n * sizeof *all);
    if (all)
        npy_read_range(&f, 0, f.n, all, &d);
    free(all);
    npy_close(&f);
    return 0;
}

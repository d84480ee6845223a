/* libFuzzer target: any bytes as a .npy file. */
#include "vizgen/npy.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    struct diag d;
    diag_init(&d);
    struct tensor_limits lim = {1 << 20, 1 << 20};
    struct tensor t;
    if (npy_read(f, size, "fuzz.npy", &lim, &t, &d) == VZ_OK)
        tensor_free(&t);
    fclose(f);
    return 0;
}

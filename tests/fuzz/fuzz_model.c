/* libFuzzer target: any bytes as a .safetensors file's start (its header) and as a config.json,
 * counted when they read. */
#include "vizgen/modelsrc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    struct model_source m = {.kind = SOURCE_SAFETENSORS};
    struct param_counts pc;
    /* As if the file went on for a few more bytes than we have: tiling is checked against it. */
    uint64_t file_size = size + (size ? data[0] % 64 : 0);
    if (safetensors_parse("fuzz.safetensors", data, size, file_size, &m, &d) == VZ_OK)
        model_source_count(&m, &pc, NULL);
    model_source_free(&m);
    char *buf = malloc(size ? size : 1), *type = NULL;
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    struct model_config c;
    diag_init(&d);
    if (model_config_parse("config.json", buf, size, &c, &type, &d) == VZ_OK)
        params_count(&c, &pc);
    free(type);
    free(buf);
    return 0;
}

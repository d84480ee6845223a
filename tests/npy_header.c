/* npy_header: see npy_header.h. */
#include "npy_header.h"

#include <string.h>

void npy_header_write(FILE *f, const size_t *shape, int rank)
{
    char dict[160] = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
    for (int i = 0; i < rank && i < 4; i++) {
        char num[32];
        snprintf(num, sizeof num, "%zu, ", shape[i]);
        strcat(dict, num);
    }
    strcat(dict, "), }");
    size_t header = 10 + strlen(dict) + 1, pad = (64 - header % 64) % 64;
    size_t dict_len = strlen(dict) + pad + 1;
    unsigned char pre[10] = {0x93,
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             (unsigned char)(dict_len & 255),
                             (unsigned char)(dict_len >> 8)};
    fwrite(pre, 1, sizeof pre, f);
    fputs(dict, f);
    for (size_t i = 0; i < pad; i++)
        fputc(' ', f);
    fputc('\n', f);
}

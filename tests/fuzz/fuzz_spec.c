/* libFuzzer target: any bytes as a spec — syntax check, parse, validation for every figure kind,
 * and drawing onto a canvas (not encoding, which only sees finished pixels). */
#include "vizgen/draw.h"
#include "vizgen/figure.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_init(&d);
    struct spec *s;
    if (spec_parse("fuzz.json", (const char *)data, size, &s, &d) != VZ_OK)
        return 0;
    const struct figure_kind *kind;
    void *fig;
    struct figure_common c;
    /* A small cell limit keeps single inputs from asking for gigabytes. */
    if (figure_parse(s, "fuzz.json", NULL, 1 << 16, &kind, &fig, &c, &d) == VZ_OK) {
        struct canvas cv;
        struct canvas_opts co = {c.width, 1, c.theme, c.transparent, false};
        if (canvas_init(&cv, &co, &d) == VZ_OK) {
            kind->render(fig, &c, &cv, &d);
            canvas_free(&cv);
        }
        figure_free(kind, fig);
        figure_common_free(&c);
    }
    spec_free(s);
    return 0;
}

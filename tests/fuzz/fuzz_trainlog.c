/* libFuzzer target: any bytes as a training log, in every format, and every column drawn
 * against the default x (or the first column), whose extremes must be a pass's. */
#include "vizgen/series.h"
#include "vizgen/trainlog.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    for (int fmt = TRAINLOG_AUTO; fmt <= TRAINLOG_JSONL; fmt++) {
        memcpy(buf, data, size); /* readers write into their buffer */
        struct diag d;
        diag_init(&d);
        struct trainlog log;
        if (trainlog_parse("fuzz.log", buf, size, (enum trainlog_format)fmt, &log, &d) != VZ_OK)
            continue;
        const char *x = trainlog_default_x(&log);
        if (!x) /* a log that parses has a column: the reader says "empty log" otherwise */
            x = log.cols[0].name;
        for (size_t i = 0; i < log.n_cols && i < 16; i++) {
            struct curve c;
            diag_init(&d);
            if (trainlog_curve(&log, x, log.cols[i].name, "y", &c, &d) != VZ_OK)
                continue;
            /* The extremes kept while reading are the ones a pass finds. */
            double lo, hi;
            bool finite = series_extremes(c.y, c.n, &lo, &hi);
            if (!c.y_known || c.y_finite != finite || c.y_lo != lo || c.y_hi != hi)
                abort();
            curve_free(&c);
        }
        trainlog_free(&log);
    }
    free(buf);
    return 0;
}

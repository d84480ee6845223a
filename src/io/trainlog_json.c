/* trainlog_json: Hugging Face's trainer_state.json and JSON-lines logs, through the spec tree in
 * data mode (Python's bare NaN and Infinity allowed). */
#include "trainlog_impl.h"

#include "vizgen/spec.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One entry: each member a value of its column in a new row. Numbers and numeric strings are
 * values; null is missing (nothing logged); anything else is noted, and is an error only if
 * the column is drawn. */
static int read_entry(struct trainlog *log, struct spec_node entry, long line, struct diag *d)
{
    int rc = tl_row(log, line, d);
    size_t row = log->n_rows - 1;
    for (struct spec_node m = spec_member_first(entry); !rc && spec_type_of(m) != SPEC_ABSENT;
         m = spec_member_next(entry, m)) {
        const char *name = spec_member_name(m);
        struct trainlog_column *c = tl_column(log, name, strlen(name), d);
        if (!c)
            return d->status;
        double v;
        enum spec_type t = spec_type_of(m);
        if (spec_data_number(m, &v)) {
            rc = tl_put(c, row, v, d);
        } else if (t == SPEC_NULL) {
            continue;
        } else if (t == SPEC_STRING) {
            char *s = NULL;
            if ((rc = spec_string(m, true, &s, d)))
                break;
            enum tl_value kind = tl_value(s, strlen(s), &v);
            char quoted[48];
            snprintf(quoted, sizeof quoted, "\"%.40s\"", s);
            if (kind == TL_NUMBER)
                rc = tl_put(c, row, v, d);
            else if (kind == TL_BAD)
                rc = tl_bad(c, line, 0, m.path, quoted, strlen(quoted), d);
            free(s);
        } else {
            const char *what = t == SPEC_BOOL    ? "a boolean"
                               : t == SPEC_ARRAY ? "an array"
                                                 : "an object";
            rc = tl_bad(c, line, 0, m.path, what, strlen(what), d);
        }
    }
    return rc;
}

/* The entry Trainer adds when training ends (train_runtime, train_loss averaged over the run...)
 * summarises the run; as a point it would sit on the last step with a different meaning. */
static bool summary_entry(struct spec_node entry)
{
    return spec_has(entry, "train_runtime");
}

int tl_read_trainer_state(struct trainlog *log, char *buf, size_t len, struct diag *d)
{
    struct spec *s;
    int rc = spec_parse_data(log->file, buf, len, &s, d);
    if (rc)
        return rc;
    struct spec_node root = spec_root(s), history = spec_get(root, "log_history");
    if (spec_type_of(root) != SPEC_OBJECT) {
        rc = diag_pos(d, VZ_EINPUT, log->file, 1, 1,
                      "expected a trainer_state.json object with \"log_history\"");
    } else if (spec_type_of(history) == SPEC_ABSENT) {
        rc = diag_in(d, VZ_EINPUT, log->file,
                     "no \"log_history\": not a Hugging Face trainer_state.json (set "
                     "\"format\" if it is another kind of log)");
    } else if ((rc = spec_array(history, 0, SIZE_MAX, d)) == VZ_OK) {
        for (struct spec_node e = spec_first(history); !rc && spec_type_of(e) != SPEC_ABSENT;
             e = spec_next(e)) {
            if ((rc = spec_expect_object(e, d)))
                break;
            if (summary_entry(e))
                log->skipped++;
            else
                rc = read_entry(log, e, 0, d);
        }
    }
    diag_locate(d, log->file);
    spec_free(s);
    return rc;
}

int tl_read_jsonl(struct trainlog *log, char *buf, size_t len, struct diag *d)
{
    long line = 0;
    int rc = VZ_OK;
    for (size_t i = 0; !rc && i < len;) {
        char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len, n = end - i;
        line++;
        size_t k = 0;
        while (k < n && strchr(" \t\r", buf[i + k]))
            k++;
        if (k < n) {
            struct spec *s;
            if ((rc = spec_parse_data(log->file, buf + i, n, &s, d))) {
                if (d->err.line > 0)
                    d->err.line += line - 1; /* the parser saw this line alone */
                break;
            }
            struct spec_node root = spec_root(s);
            if (spec_type_of(root) != SPEC_OBJECT)
                rc = diag_pos(d, VZ_EINPUT, log->file, line, (long)k + 1,
                              "expected a JSON object on each line");
            else
                rc = read_entry(log, root, line, d);
            spec_free(s);
        }
        i = end + 1;
    }
    return rc;
}

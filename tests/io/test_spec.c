/* Unit tests of the spec layer on buffers of exact length (no NUL after them), so the sanitizer
 * build catches any read past the end; the fuzzer's reproducers live here. */
#include "check.h"

#include "vizgen/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a heap copy of text without its terminating NUL; returns the status, fills d. */
static int parse_exact(const char *text, struct diag *d)
{
    size_t n = strlen(text);
    char *buf = malloc(n ? n : 1);
    memcpy(buf, text, n);
    struct spec *s = NULL;
    diag_init(d);
    int rc = spec_parse("t.json", buf, n, &s, d);
    spec_free(s);
    free(buf);
    return rc;
}

static void whitespace_only_input_is_an_empty_file_not_an_overread(void)
{
    /* Fuzzer reproducer: a single space, unterminated. */
    struct diag d;
    CHECK(parse_exact(" ", &d) == VZ_EINPUT);
    CHECK(strcmp(diag_text(&d), "t.json: error: empty file, expected a JSON object") == 0);
    CHECK(parse_exact("\n\t\r ", &d) == VZ_EINPUT);
    CHECK(parse_exact("", &d) == VZ_EINPUT);
}

static void syntax_errors_report_line_and_column(void)
{
    struct diag d;
    CHECK(parse_exact("{\n  \"a\": 1\n  \"b\": 2}", &d) == VZ_EINPUT);
    CHECK(strcmp(diag_text(&d), "t.json:3:3: error: expected ',' or '}'") == 0);
    CHECK(d.err.line == 3 && d.err.col == 3 && strcmp(d.err.file, "t.json") == 0);
    CHECK(parse_exact("{\"a\": [1, 2", &d) == VZ_EINPUT);
    CHECK(strcmp(diag_text(&d), "t.json:1:12: error: unexpected end of input") == 0);
    CHECK(parse_exact("{\"a\": 1}", &d) == VZ_OK);
}

static void field_readers_name_the_path_and_what_was_found(void)
{
    const char *text = "{\"bars\": [{\"value\": 1}, {\"value\": \"abc\"}], \"subtitel\": 1}";
    struct spec *s;
    struct diag d;
    diag_init(&d);
    CHECK(spec_parse("t.json", text, strlen(text), &s, &d) == VZ_OK);
    struct spec_node bars = spec_get(spec_root(s), "bars");
    double v;
    CHECK(spec_number(spec_get(spec_at(bars, 1), "value"), 0, 1e15, true, &v, &d) == VZ_EINPUT);
    CHECK(strcmp(d.err.path, "bars[1].value") == 0);
    CHECK(strcmp(d.err.msg, "expected a number > 0 and <= 1e+15, got \"abc\"") == 0);
    CHECK(d.err.file[0] == '\0' && d.err.line == 0); /* the pipeline names the spec file */
    static const char *const keys[] = {"bars", "subtitle", NULL};
    CHECK(spec_check_keys(spec_root(s), (const char *const *const[]){keys, NULL}, &d) == VZ_EINPUT);
    CHECK(strcmp(d.err.path, "subtitel") == 0);
    CHECK(strcmp(d.err.msg, "unknown key (did you mean \"subtitle\"?)") == 0);
    diag_locate(&d, "t.json");
    CHECK(strcmp(diag_text(&d),
                 "t.json: error: subtitel: unknown key (did you mean \"subtitle\"?)") == 0);
    spec_free(s);
}

/* Walking an array element by element gives each its path, the last included, then stops. */
static void arrays_are_walked_with_their_paths(void)
{
    const char *text = "{\"w\": [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 12]]}";
    struct spec *s;
    struct diag d;
    diag_init(&d);
    CHECK(spec_parse("t.json", text, strlen(text), &s, &d) == VZ_OK);
    size_t i = 0;
    char want[32];
    for (struct spec_node n = spec_first(spec_get(spec_root(s), "w")); n.json; n = spec_next(n)) {
        snprintf(want, sizeof want, "w[%zu]", i++);
        CHECK(strcmp(n.path, want) == 0);
        struct spec_node last = spec_next(spec_first(n));
        snprintf(want, sizeof want, "w[%zu][1]", i - 1);
        CHECK(strcmp(last.path, want) == 0 && spec_next(last).json == NULL);
    }
    CHECK(i == 6);
    spec_free(s);
}

int main(void)
{
    RUN(whitespace_only_input_is_an_empty_file_not_an_overread);
    RUN(syntax_errors_report_line_and_column);
    RUN(field_readers_name_the_path_and_what_was_found);
    RUN(arrays_are_walked_with_their_paths);
    return check_summary();
}

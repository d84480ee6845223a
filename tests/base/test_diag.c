/* Unit tests of diag: where a note points decides its line, compiler style; warnings are a
 * bounded list; the pipeline's file fills only notes that name none. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

static const char *line_of(const struct diag_note *n, const char *severity)
{
    static char buf[1200];
    diag_format(n, severity, buf, sizeof buf);
    return buf;
}

static void each_location_part_appears_only_when_known(void)
{
    struct diag d;
    diag_init(&d);
    CHECK(diag_set(&d, VZ_EIO, "out of %s", "memory") == VZ_EIO);
    CHECK(strcmp(diag_text(&d), "error: out of memory") == 0);
    diag_in(&d, VZ_EINPUT, "m.npy", "file is truncated");
    CHECK(strcmp(diag_text(&d), "m.npy: error: file is truncated") == 0);
    diag_pos(&d, VZ_EINPUT, "s.json", 3, 14, "expected ',' or '}'");
    CHECK(strcmp(diag_text(&d), "s.json:3:14: error: expected ',' or '}'") == 0);
    diag_at(&d, VZ_EINPUT, "bars[2].value", "expected a number, got %s", "\"abc\"");
    CHECK(strcmp(diag_text(&d), "error: bars[2].value: expected a number, got \"abc\"") == 0);
    diag_locate(&d, "s.json");
    CHECK(strcmp(diag_text(&d), "s.json: error: bars[2].value: expected a number, got \"abc\"") ==
          0);
    diag_at(&d, VZ_EINPUT, "", "expected an object");
    CHECK(strcmp(d.err.path, "(top level)") == 0);
    CHECK(d.status == VZ_EINPUT);
}

static void locate_never_overrides_a_file_already_named(void)
{
    struct diag d;
    diag_init(&d);
    diag_in(&d, VZ_EINPUT, "weights.npy", "value at [1][0]: expected a finite weight, got NaN");
    diag_warn(&d, "weights", "row 2 sums to 0.5");
    diag_warn_in(&d, "other.npy", "row 3 sums to 2");
    diag_locate(&d, "spec.json");
    CHECK(strcmp(d.err.file, "weights.npy") == 0);
    CHECK(strcmp(line_of(&d.warn[0], "warning"),
                 "spec.json: warning: weights: row 2 sums to 0.5") == 0);
    CHECK(strcmp(line_of(&d.warn[1], "warning"), "other.npy: warning: row 3 sums to 2") == 0);
    /* A spec that succeeded has no error to locate. */
    struct diag ok;
    diag_init(&ok);
    diag_locate(&ok, "spec.json");
    CHECK(ok.err.file[0] == '\0' && ok.status == VZ_OK);
}

static void warnings_are_bounded_and_the_rest_counted(void)
{
    struct diag d;
    diag_init(&d);
    for (int i = 0; i < DIAG_MAX_WARN + 3; i++)
        diag_warn(&d, "", "warning %d", i);
    CHECK(d.n_warn == DIAG_MAX_WARN && d.warn_dropped == 3);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    diag_print(&d, f);
    fclose(f);
    CHECK(strstr(out, "vizgen: warning: warning 0\n") != NULL);
    CHECK(strstr(out, "vizgen: warning: 3 more warnings not shown\n") != NULL);
    CHECK(strstr(out, "error") == NULL); /* no error was set */
    free(out);
}

static void long_messages_are_cut_not_overrun(void)
{
    struct diag d;
    diag_init(&d);
    char big[4000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    diag_in(&d, VZ_EINPUT, big, "%s", big);
    CHECK(strlen(d.err.file) == sizeof d.err.file - 1);
    CHECK(strlen(d.err.msg) == sizeof d.err.msg - 1);
    char line[64];
    CHECK(diag_format(&d.err, "error", line, sizeof line) > (int)sizeof line);
    CHECK(strlen(line) == sizeof line - 1);
}

/* A key's name gets the path of the object it is in, and the line shows both. */
static void nest_puts_the_object_path_first(void)
{
    struct diag d;
    diag_init(&d);
    diag_at(&d, VZ_EINPUT, "warmup_steps", "expected at most total_steps (10), got 20");
    diag_nest(&d, "panels[1].schedules[0]");
    diag_locate(&d, "spec.json");
    CHECK(strcmp(diag_text(&d), "spec.json: error: panels[1].schedules[0].warmup_steps: expected "
                                "at most total_steps (10), got 20") == 0);
}

int main(void)
{
    RUN(nest_puts_the_object_path_first);
    RUN(each_location_part_appears_only_when_known);
    RUN(locate_never_overrides_a_file_already_named);
    RUN(warnings_are_bounded_and_the_rest_counted);
    RUN(long_messages_are_cut_not_overrun);
    return check_summary();
}

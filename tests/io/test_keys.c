/* Unit tests of the key tables on a table of their own: defaults come from the table, values
 * are validated where they are, nested objects are checked for unknown keys, paths resolve
 * against the spec, and --help and the schema say what the table says. */
#include "check.h"

#include "vizgen/keys.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct item {
    char *name;
    double weight;
    char *file;
};

struct thing {
    bool flag;
    long count;
    double ratio;
    char *unit;
    int mode;
    char *input;
    long *positions;
    size_t n_positions;
    char **tags;
    size_t n_tags;
    struct item *items;
    size_t n_items;
    struct tensor matrix;
};

static const char *const modes[] = {"fast", "exact", NULL};

static const struct key item_keys[] = {
    {"name", KEY_STRING, offsetof(struct item, name), .min = 1, .max = 8, .flags = KEY_REQUIRED,
     .help = "what it is called"},
    {"weight", KEY_NUMBER, offsetof(struct item, weight), .min = 0, .max = 1, .dnum = 0.5,
     .help = "how much it counts"},
    {"file", KEY_PATH, offsetof(struct item, file), .help = "a file of its own"},
};
static const struct key_set item_set = {"items[]", item_keys, 3, sizeof(struct item)};

static const struct key thing_keys[] = {
    {"flag", KEY_BOOL, offsetof(struct thing, flag), .dnum = 1, .help = "a switch"},
    {"count", KEY_INT, offsetof(struct thing, count), .min = 0, .max = 10, .dnum = 3,
     .help = "how many"},
    {"ratio", KEY_NUMBER, offsetof(struct thing, ratio), .min = 0, .max = 1, .flags = KEY_MIN_OPEN,
     .dnum = 0.25, .help = "a share"},
    {"unit", KEY_STRING, offsetof(struct thing, unit), .max = 4, .dstr = "MB", .help = "unit"},
    {"mode", KEY_CHOICE, offsetof(struct thing, mode), .choices = modes, .dstr = "exact",
     .help = "how"},
    {"input", KEY_PATH, offsetof(struct thing, input), .help = "where the data is"},
    {"positions", KEY_INTS, offsetof(struct thing, positions), .max = 3, .item_min = 0,
     .item_max = 9, .count_offset = offsetof(struct thing, n_positions), .help = "places"},
    {"tags", KEY_STRINGS, offsetof(struct thing, tags),
     .count_offset = offsetof(struct thing, n_tags), .help = "words"},
    {"items", KEY_OBJECTS, offsetof(struct thing, items), .min = 1, .max = 4, .fields = &item_set,
     .count_offset = offsetof(struct thing, n_items), .help = "things within"},
    {"matrix", KEY_TENSOR, offsetof(struct thing, matrix), .help = "numbers"},
};
static const struct key_set thing_set = {"thing", thing_keys, 10, 0};

/* Reads text through the table; returns the status and leaves the diag's line in *line. */
static int read_thing(const char *text, struct thing *t, struct diag *d)
{
    struct spec *s;
    memset(t, 0, sizeof *t);
    diag_init(d);
    int rc = spec_parse("dir/spec.json", text, strlen(text), &s, d);
    if (rc)
        return rc;
    struct key_ctx ctx = {"dir/spec.json", {1000, 10}};
    const struct key_set *sets[] = {&thing_set, NULL};
    rc = keys_check(spec_root(s), sets, d);
    if (!rc)
        rc = keys_read(spec_root(s), &thing_set, &ctx, t, d);
    spec_free(s);
    return rc;
}

static void absent_keys_take_the_table_defaults(void)
{
    struct thing t;
    struct diag d;
    CHECK(read_thing("{\"items\": [{\"name\": \"a\"}]}", &t, &d) == VZ_OK);
    CHECK(t.flag == true && t.count == 3 && t.ratio == 0.25 && t.mode == 1);
    CHECK(t.unit && strcmp(t.unit, "MB") == 0);
    CHECK(t.input == NULL && t.n_positions == 0 && t.n_tags == 0 && t.matrix.data == NULL);
    CHECK(t.n_items == 1 && t.items[0].weight == 0.5);
    keys_free(&thing_set, &t);
}

static void given_values_are_read_and_paths_resolve_against_the_spec(void)
{
    struct thing t;
    struct diag d;
    CHECK(read_thing("{\"flag\": false, \"count\": 10, \"ratio\": 1, \"unit\": \"GB\", \"mode\": "
                     "\"fast\", \"input\": \"logs/a.csv\", \"positions\": [9, 0], \"tags\": "
                     "[\"x\", \"\"], \"items\": [{\"name\": \"a\", \"file\": \"/abs/b.npy\"}, "
                     "{\"name\": \"b\", \"weight\": 0}], \"matrix\": [[1, 2], [3, 4.5]]}",
                     &t, &d) == VZ_OK);
    CHECK(!t.flag && t.count == 10 && t.ratio == 1 && t.mode == 0 && strcmp(t.unit, "GB") == 0);
    CHECK(strcmp(t.input, "dir/logs/a.csv") == 0);
    CHECK(t.n_positions == 2 && t.positions[0] == 9 && t.positions[1] == 0);
    CHECK(t.n_tags == 2 && strcmp(t.tags[1], "") == 0);
    CHECK(t.n_items == 2 && strcmp(t.items[0].file, "/abs/b.npy") == 0 && t.items[1].weight == 0);
    CHECK(t.matrix.rank == 2 && t.matrix.shape[0] == 2 && t.matrix.data[3] == 4.5f);
    const char *paths[4];
    CHECK(keys_paths(&thing_set, &t, paths, 4) == 2);
    CHECK(strcmp(paths[0], "dir/logs/a.csv") == 0 && strcmp(paths[1], "/abs/b.npy") == 0);
    CHECK(keys_paths(&thing_set, &t, paths, 1) == 2); /* the count, even past cap */
    keys_free(&thing_set, &t);
}

/* Each bad value is reported at its JSON path with what was expected and what was found. */
static void bad_values_are_named_by_path(void)
{
    static const struct {
        const char *text, *path, *msg;
    } cases[] = {
        {"{\"items\": []}", "items", "expected at least 1 element, got 0"},
        {"{\"items\": [{}]}", "items[0].name", "missing required key"},
        {"{\"items\": [{\"name\": \"a\", \"wieght\": 1}]}", "items[0].wieght",
         "unknown key (did you mean \"weight\"?)"},
        {"{\"items\": [{\"name\": \"toolongname\"}]}", "items[0].name",
         "expected at most 8 characters, got 11"},
        {"{\"items\": [{\"name\": \"a\"}], \"ratio\": 0}", "ratio",
         "expected a number > 0 and <= 1, got 0"},
        {"{\"items\": [{\"name\": \"a\"}], \"count\": 2.5}", "count",
         "expected an integer from 0 to 10, got 2.5"},
        {"{\"items\": [{\"name\": \"a\"}], \"mode\": \"exakt\"}", "mode",
         "unknown value \"exakt\" (did you mean \"exact\"?)"},
        {"{\"items\": [{\"name\": \"a\"}], \"positions\": [1, 10]}", "positions[1]",
         "expected an integer from 0 to 9, got 10"},
        {"{\"items\": [{\"name\": \"a\"}], \"positions\": [1, 2, 3, 4]}", "positions",
         "expected at most 3 elements, got 4"},
        {"{\"items\": [{\"name\": \"a\"}], \"matrix\": [[1, 2], [3]]}", "matrix[1]",
         "expected at least 2 elements, got 1"},
        {"{\"items\": [{\"name\": \"a\"}], \"matrix\": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]}",
         "matrix", "1x11 is 11 cells, over the limit of 10 per panel (raise it with --max-cells)"},
        {"{\"items\": [{\"name\": \"a\"}], \"input\": \"\"}", "input",
         "expected a non-empty string, got \"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct thing t;
        struct diag d;
        CHECK(read_thing(cases[i].text, &t, &d) == VZ_EINPUT);
        if (!CHECK(strcmp(d.err.path, cases[i].path) == 0 && strcmp(d.err.msg, cases[i].msg) == 0))
            fprintf(stderr, "    %s\n    got %s: %s\n", cases[i].text, d.err.path, d.err.msg);
        keys_free(&thing_set, &t); /* partial values are released too */
    }
}

static void matrix_limit_counts_cells_of_the_last_two_axes(void)
{
    struct thing t;
    struct diag d;
    /* 1x11 breaks the panel limit (10 cells) above; 5 panels of 2x5 are each exactly at it. */
    char text[2048] = "{\"items\": [{\"name\": \"a\"}], \"matrix\": [";
    for (int i = 0; i < 5; i++)
        strcat(text, i ? ",[[0,0,0,0,0],[0,0,0,0,0]]" : "[[0,0,0,0,0],[0,0,0,0,0]]");
    strcat(text, "]}");
    CHECK(read_thing(text, &t, &d) == VZ_OK);
    CHECK(t.matrix.rank == 3 && t.matrix.shape[0] == 5);
    keys_free(&thing_set, &t);
}

static char *captured(void (*write)(FILE *))
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    write(f);
    fclose(f);
    return out;
}

static void write_help(FILE *f)
{
    keys_help(f, (const struct key_set *const[]){&thing_set, NULL}, NULL, NULL);
}

static void write_schema(FILE *f)
{
    keys_schema(f, (const struct key_set *const[]){&thing_set, NULL}, NULL, NULL, "urn:test",
                "a test", "a table of its own");
}

static void help_and_schema_say_what_the_table_says(void)
{
    char *help = captured(write_help);
    CHECK(strstr(help, "  count            integer from 0 to 10; default 3\n") != NULL);
    CHECK(strstr(help, "  ratio            number > 0 and <= 1; default 0.25\n") != NULL);
    CHECK(strstr(help, "  mode             \"fast\" or \"exact\"; default \"exact\"\n") != NULL);
    CHECK(strstr(help, "  items            array of 1 to 4 objects; default none\n") != NULL);
    CHECK(strstr(help, "    .name          non-empty string of at most 8 characters; required\n") !=
          NULL);
    CHECK(strstr(help, "                   how much it counts\n") != NULL);
    free(help);
    char *text = captured(write_schema);
    cJSON *schema = cJSON_Parse(text);
    if (CHECK(schema != NULL)) {
        const cJSON *props = cJSON_GetObjectItem(schema, "properties");
        const cJSON *ratio = cJSON_GetObjectItem(props, "ratio");
        CHECK(cJSON_GetObjectItem(ratio, "exclusiveMinimum")->valuedouble == 0);
        CHECK(cJSON_GetObjectItem(ratio, "maximum")->valuedouble == 1);
        CHECK(cJSON_GetObjectItem(ratio, "default")->valuedouble == 0.25);
        const cJSON *items = cJSON_GetObjectItem(cJSON_GetObjectItem(props, "items"), "items");
        CHECK(cJSON_IsFalse(cJSON_GetObjectItem(items, "additionalProperties")));
        CHECK(strcmp(cJSON_GetArrayItem(cJSON_GetObjectItem(items, "required"), 0)->valuestring,
                     "name") == 0);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(schema, "required")) == 0);
        CHECK(cJSON_GetArraySize(props) == 10);
    }
    cJSON_Delete(schema);
    free(text);
}

int main(void)
{
    RUN(absent_keys_take_the_table_defaults);
    RUN(given_values_are_read_and_paths_resolve_against_the_spec);
    RUN(bad_values_are_named_by_path);
    RUN(matrix_limit_counts_cells_of_the_last_two_axes);
    RUN(help_and_schema_say_what_the_table_says);
    return check_summary();
}

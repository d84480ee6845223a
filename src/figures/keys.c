/* keys: reading spec keys by their table into a kind's struct, and what is read (the files it
 * names); keys_describe.c tells people and editors about them. Values are read through
 * spec.h; this file never sees cJSON. */
#include "vizgen/keys.h"

#include "vizgen/paths.h"
#include "vizgen/utf8.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NAMES = 128 };

static void *field(void *obj, size_t offset)
{
    return (char *)obj + offset;
}

static const void *cfield(const void *obj, size_t offset)
{
    return (const char *)obj + offset;
}

/* Names of every key in sets, groups flattened; returns how many. */
static size_t collect_names(const struct key_set *set, const char **names, size_t n)
{
    for (size_t i = 0; i < set->n && n + 1 < MAX_NAMES; i++) {
        if (set->keys[i].type == KEY_GROUP)
            n = collect_names(set->keys[i].fields, names, n);
        else
            names[n++] = set->keys[i].name;
    }
    return n;
}

int keys_check(struct spec_node obj, const struct key_set *const *sets, struct diag *d)
{
    const char *names[MAX_NAMES];
    size_t n = 0;
    for (; *sets; sets++)
        n = collect_names(*sets, names, n);
    names[n] = NULL;
    return spec_check_keys(obj, (const char *const *const[]){names, NULL}, d);
}

/* The length of an array key within its table's bounds (max 0: no upper bound). */
static int array_len(struct spec_node n, const struct key *k, size_t *len, struct diag *d)
{
    size_t max = k->max > 0 ? (size_t)k->max : SIZE_MAX;
    int rc = spec_array(n, (size_t)k->min, max, d);
    *len = spec_len(n);
    return rc;
}

static int read_string(struct spec_node n, const struct key *k, char **out, struct diag *d)
{
    int rc = spec_string(n, k->min < 1, out, d);
    if (rc)
        return rc;
    size_t chars = utf8_length(*out);
    if (k->max > 0 && chars > (size_t)k->max)
        return diag_at(d, VZ_EINPUT, n.path, "expected at most %.0f characters, got %zu", k->max,
                       chars);
    return VZ_OK;
}

/* Copies the numbers under n (axis `axis` of t) into t->data from *at, walking each array
 * once: indexing every row from the top was quadratic in the number of rows. */
static int fill_tensor(struct spec_node n, int axis, struct tensor *t, size_t *at, double *row,
                       struct diag *d)
{
    size_t len = t->shape[axis];
    if (axis == t->rank - 1) {
        int rc = spec_numbers(n, row, len, d);
        for (size_t c = 0; !rc && c < len; c++) {
            if (fabs(row[c]) > FLT_MAX) {
                char path[sizeof n.path + 24];
                snprintf(path, sizeof path, "%s[%zu]", n.path, c);
                return diag_at(d, VZ_EINPUT, path,
                               "expected a number a float holds (at most %g), got %g", FLT_MAX,
                               row[c]);
            }
            t->data[(*at)++] = (float)row[c];
        }
        return rc;
    }
    int rc = spec_array(n, len, len, d);
    for (struct spec_node c = spec_first(n); !rc && c.json; c = spec_next(c))
        rc = fill_tensor(c, axis + 1, t, at, row, d);
    return rc;
}

/* Nested arrays of numbers into a tensor: the shape is read along the first elements, then
 * every array is checked to have that length as it is read. */
static int read_tensor(struct spec_node n, const struct tensor_limits *lim, struct tensor *t,
                       struct diag *d)
{
    memset(t, 0, sizeof *t);
    struct spec_node cur = n;
    while (spec_type_of(cur) == SPEC_ARRAY) {
        if (t->rank == TENSOR_MAX_RANK)
            return diag_at(d, VZ_EINPUT, n.path,
                           "expected an array of 2 to 4 dimensions, got more");
        size_t len = spec_len(cur);
        if (len == 0)
            return diag_at(d, VZ_EINPUT, cur.path, "expected a non-empty array");
        t->shape[t->rank++] = len;
        cur = spec_first(cur);
    }
    if (t->rank < 2)
        return diag_at(d, VZ_EINPUT, n.path, "expected an array of 2 to 4 dimensions, got %d",
                       t->rank);
    size_t total = 1;
    for (int i = 0; i < t->rank; i++) {
        if (total > lim->max_elems / t->shape[i])
            return diag_at(d, VZ_EINPUT, n.path, "array too large");
        total *= t->shape[i];
    }
    size_t q = t->shape[t->rank - 2], cols = t->shape[t->rank - 1];
    if (q * cols > lim->max_panel)
        return diag_at(d, VZ_EINPUT, n.path,
                       "%zux%zu is %zu cells, over the limit of %zu per panel (raise it with "
                       "--max-cells)",
                       q, cols, q * cols, lim->max_panel);
    t->data = malloc(total * sizeof *t->data);
    double *row = malloc(cols * sizeof *row);
    size_t at = 0;
    int rc = t->data && row ? fill_tensor(n, 0, t, &at, row, d) : diag_oom(d);
    free(row);
    if (rc)
        tensor_free(t);
    return rc;
}

static int read_objects(struct spec_node n, const struct key *k, const struct key_ctx *ctx,
                        void *out, struct diag *d)
{
    size_t len;
    int rc = array_len(n, k, &len, d);
    if (rc || len == 0)
        return rc;
    void *items = calloc(len, k->fields->item_size);
    if (!items)
        return diag_oom(d);
    *(void **)field(out, k->offset) = items;
    const struct key_set *sets[] = {k->fields, NULL};
    struct spec_node item = spec_first(n);
    for (size_t i = 0; i < len; i++, item = spec_next(item)) {
        /* Counted before reading, so keys_free releases what this item got before an error. */
        *(size_t *)field(out, k->count_offset) = i + 1;
        void *it = field(items, i * k->fields->item_size);
        if ((rc = spec_expect_object(item, d)) || (rc = keys_check(item, sets, d)) ||
            (rc = keys_read(item, k->fields, ctx, it, d)))
            return rc;
    }
    return VZ_OK;
}

/* Arrays of scalars: one reader for integers, numbers and strings. */
static int read_items(struct spec_node n, const struct key *k, void *out, struct diag *d)
{
    size_t len;
    int rc = array_len(n, k, &len, d);
    if (rc || len == 0)
        return rc;
    size_t size = k->type == KEY_INTS      ? sizeof(long)
                  : k->type == KEY_NUMBERS ? sizeof(double)
                                           : sizeof(char *);
    void *items = calloc(len, size);
    if (!items)
        return diag_oom(d);
    *(void **)field(out, k->offset) = items;
    struct spec_node e = spec_first(n);
    for (size_t i = 0; i < len; i++, e = spec_next(e)) {
        *(size_t *)field(out, k->count_offset) = i + 1;
        if (k->type == KEY_INTS)
            rc = spec_int(e, (long)k->item_min, (long)k->item_max, (long *)items + i, d);
        else if (k->type == KEY_NUMBERS)
            rc = spec_number(e, k->item_min, k->item_max, false, (double *)items + i, d);
        else
            rc = spec_string(e, true, (char **)items + i, d);
        if (rc)
            return rc;
    }
    return VZ_OK;
}

static int choice_index(const char *const *choices, const char *name)
{
    for (int i = 0; choices[i]; i++)
        if (strcmp(choices[i], name) == 0)
            return i;
    return 0;
}

bool key_length_parse(const char *s, double *points)
{
    static const struct {
        const char *unit;
        double points;
    } units[] = {{"in", 72}, {"cm", 72 / 2.54}, {"mm", 72 / 25.4}, {"pt", 1}, {"px", 0.75}};
    char *end;
    if (!(*s >= '0' && *s <= '9') && *s != '.')
        return false; /* no sign, no spaces, no hex: a plain decimal */
    double v = strtod(s, &end);
    if (end == s || !isfinite(v))
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            *points = v * units[i].points;
            return true;
        }
    return false;
}

static int read_length(struct spec_node n, const struct key *k, double *out, struct diag *d)
{
    static const char expected[] = "a length such as \"3.3in\", \"8.4cm\" or \"240pt\"";
    if (spec_type_of(n) != SPEC_STRING)
        return spec_mismatch(n, expected, d);
    char *s = NULL;
    int rc = spec_string(n, false, &s, d);
    if (rc)
        return rc;
    double pt = 0;
    size_t len = strlen(s);
    bool inches = len > 2 && strcmp(s + len - 2, "in") == 0;
    if (!key_length_parse(s, &pt))
        rc = diag_at(d, VZ_EINPUT, n.path, "expected %s, got \"%s\"", expected, s);
    else if (pt < k->min || pt > k->max) {
        char in[32] = ""; /* in inches too when given in another unit: the range is in inches */
        if (!inches)
            snprintf(in, sizeof in, " (%.3gin)", pt / 72);
        rc = diag_at(d, VZ_EINPUT, n.path, "expected a length from %gin to %gin, got \"%s\"%s",
                     k->min / 72, k->max / 72, s, in);
    }
    free(s);
    *out = pt;
    return rc;
}

static int apply_default(const struct key *k, void *out, struct diag *d)
{
    void *f = field(out, k->offset);
    switch (k->type) {
    case KEY_BOOL:
        *(bool *)f = k->dnum != 0;
        break;
    case KEY_INT:
        *(long *)f = (long)k->dnum;
        break;
    case KEY_NUMBER:
        *(double *)f = k->dnum;
        break;
    case KEY_STRING:
    case KEY_PATH:
        if (k->dstr && !(*(char **)f = strdup(k->dstr)))
            return diag_oom(d);
        break;
    case KEY_CHOICE:
        *(int *)f = k->dstr ? choice_index(k->choices, k->dstr) : 0;
        break;
    case KEY_LENGTH:
        if (k->dstr)
            key_length_parse(k->dstr, (double *)f);
        break;
    default: /* arrays and tensors default to empty, which the zeroed struct already is */
        break;
    }
    return VZ_OK;
}

static int read_key(struct spec_node n, const struct key *k, const struct key_ctx *ctx, void *out,
                    struct diag *d)
{
    void *f = field(out, k->offset);
    int rc;
    switch (k->type) {
    case KEY_BOOL:
        return spec_bool(n, (bool *)f, d);
    case KEY_INT:
        return spec_int(n, (long)k->min, (long)k->max, (long *)f, d);
    case KEY_NUMBER:
        return spec_number(n, k->min, k->max, (k->flags & KEY_MIN_OPEN) != 0, (double *)f, d);
    case KEY_STRING:
        free(*(char **)f);
        *(char **)f = NULL;
        return read_string(n, k, (char **)f, d);
    case KEY_CHOICE:
        return spec_choice(n, k->choices, (int *)f, d);
    case KEY_LENGTH:
        return read_length(n, k, (double *)f, d);
    case KEY_PATH: {
        char *rel = NULL;
        if ((rc = spec_string(n, false, &rel, d)))
            return rc;
        *(char **)f = path_resolve(ctx->spec_path, rel);
        free(rel);
        return *(char **)f ? VZ_OK : diag_oom(d);
    }
    case KEY_INTS:
    case KEY_NUMBERS:
    case KEY_STRINGS:
        return read_items(n, k, out, d);
    case KEY_OBJECTS:
        return read_objects(n, k, ctx, out, d);
    case KEY_TENSOR:
        return read_tensor(n, &ctx->limits, (struct tensor *)f, d);
    default:
        return VZ_OK;
    }
}

int keys_read(struct spec_node obj, const struct key_set *set, const struct key_ctx *ctx, void *out,
              struct diag *d)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        int rc;
        if (k->type == KEY_GROUP) {
            if ((rc = keys_read(obj, k->fields, ctx, field(out, k->offset), d)))
                return rc;
            continue;
        }
        if (k->type == KEY_KIND)
            continue; /* the registry has read it to find this table */
        struct spec_node n = spec_get(obj, k->name);
        if (!n.json) {
            if (k->flags & KEY_REQUIRED)
                return diag_at(d, VZ_EINPUT, n.path, "missing required key");
            if (!(k->flags & (KEY_NO_DEFAULT | KEY_KIND_DEFAULT | KEY_NOT_STORED)) &&
                (rc = apply_default(k, out, d)))
                return rc;
            continue;
        }
        if (k->flags & KEY_NOT_STORED) {
            /* Read into scratch and dropped: the value is checked like any other. */
            union {
                bool b;
                long l;
                double x;
                int i;
                char *s;
            } scratch = {0};
            struct key at_scratch = *k;
            at_scratch.offset = 0;
            rc = k->type <= KEY_PATH ? read_key(n, &at_scratch, ctx, &scratch, d) : VZ_OK;
            if (k->type == KEY_STRING || k->type == KEY_PATH)
                free(scratch.s);
        } else {
            rc = read_key(n, k, ctx, out, d);
        }
        if (rc)
            return rc;
    }
    return VZ_OK;
}

void keys_free(const struct key_set *set, void *obj)
{
    if (!obj)
        return;
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        void *f = field(obj, k->offset);
        if (k->flags & KEY_NOT_STORED)
            continue;
        switch (k->type) {
        case KEY_STRING:
        case KEY_PATH:
        case KEY_INTS:
        case KEY_NUMBERS:
            free(*(void **)f);
            break;
        case KEY_STRINGS:
            for (size_t j = 0; j < *(size_t *)field(obj, k->count_offset); j++)
                free((*(char ***)f)[j]);
            free(*(void **)f);
            break;
        case KEY_OBJECTS:
            for (size_t j = 0; j < *(size_t *)field(obj, k->count_offset); j++)
                keys_free(k->fields, field(*(void **)f, j * k->fields->item_size));
            free(*(void **)f);
            break;
        case KEY_TENSOR:
            tensor_free((struct tensor *)f);
            break;
        case KEY_GROUP:
            keys_free(k->fields, f);
            break;
        default:
            break;
        }
    }
}

size_t keys_paths(const struct key_set *set, const void *obj, const char **paths, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        const void *f = cfield(obj, k->offset);
        if (k->type == KEY_PATH && *(char *const *)f) {
            if (n < cap)
                paths[n] = *(char *const *)f;
            n++;
        } else if (k->type == KEY_GROUP) {
            n += keys_paths(k->fields, f, paths + (n < cap ? n : cap), n < cap ? cap - n : 0);
        } else if (k->type == KEY_OBJECTS) {
            size_t count = *(const size_t *)cfield(obj, k->count_offset);
            for (size_t j = 0; j < count; j++) {
                const void *it = cfield(*(void *const *)f, j * k->fields->item_size);
                n += keys_paths(k->fields, it, paths + (n < cap ? n : cap), n < cap ? cap - n : 0);
            }
        }
    }
    return n;
}

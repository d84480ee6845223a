/* keys: reading spec keys by their table, and describing them for people (--help) and for
 * editors (JSON Schema). Values are read through spec.h; this file never sees cJSON. */
#include "vizgen/keys.h"

#include "vizgen/jsonw.h"
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
            char *s = NULL;
            rc = k->type == KEY_STRING ? spec_string(n, true, &s, d) : VZ_OK;
            free(s);
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

/* --- describing keys --- */

void key_default_text(const struct key *k, const char *kind_default, char *buf, size_t size)
{
    if (k->flags & KEY_REQUIRED)
        snprintf(buf, size, "required");
    else if ((k->flags & KEY_KIND_DEFAULT) && k->type != KEY_KIND)
        snprintf(buf, size, kind_default ? "\"%s\"" : "%s", kind_default ? kind_default : "none");
    else if (k->flags & (KEY_NO_DEFAULT | KEY_NOT_STORED))
        snprintf(buf, size, "none");
    else if (k->type == KEY_BOOL)
        snprintf(buf, size, "%s", k->dnum != 0 ? "true" : "false");
    else if (k->type == KEY_INT || k->type == KEY_NUMBER)
        snprintf(buf, size, "%g", k->dnum);
    else if ((k->type == KEY_STRING || k->type == KEY_CHOICE || k->type == KEY_PATH) && k->dstr)
        snprintf(buf, size, "\"%s\"", k->dstr);
    else
        snprintf(buf, size, "none");
}

static void range_text(double lo, double hi, bool lo_open, bool integer, char *buf, size_t size)
{
    const char *what = integer ? "integer" : "number";
    if (hi >= 9e15 || isinf(hi))
        snprintf(buf, size, "%s %s %g", what, lo_open ? ">" : ">=", lo);
    else if (lo_open)
        snprintf(buf, size, "%s > %g and <= %g", what, lo, hi);
    else
        snprintf(buf, size, "%s from %g to %g", what, lo, hi);
}

static void count_text(const struct key *k, const char *noun, char *buf, size_t size)
{
    if (k->max > 0 && k->min > 0)
        snprintf(buf, size, "array of %g to %g %s", k->min, k->max, noun);
    else if (k->max > 0)
        snprintf(buf, size, "array of at most %g %s", k->max, noun);
    else if (k->min > 0)
        snprintf(buf, size, "array of at least %g %s", k->min, noun);
    else
        snprintf(buf, size, "array of %s", noun);
}

void key_type_text(const struct key *k, char *buf, size_t size)
{
    char item[96];
    switch (k->type) {
    case KEY_BOOL:
        snprintf(buf, size, "true or false");
        break;
    case KEY_INT:
    case KEY_NUMBER:
        range_text(k->min, k->max, (k->flags & KEY_MIN_OPEN) != 0, k->type == KEY_INT, buf, size);
        break;
    case KEY_STRING:
        if (k->max > 0)
            snprintf(buf, size, "%sstring of at most %g characters",
                     k->min >= 1 ? "non-empty " : "", k->max);
        else
            snprintf(buf, size, "%sstring", k->min >= 1 ? "non-empty " : "");
        break;
    case KEY_CHOICE: {
        size_t used = 0;
        buf[0] = '\0';
        for (int i = 0; k->choices[i] && used < size; i++) {
            const char *sep = i == 0 ? "" : k->choices[i + 1] ? ", " : i == 1 ? " or " : ", or ";
            used += (size_t)snprintf(buf + used, size - used, "%s\"%s\"", sep, k->choices[i]);
        }
        break;
    }
    case KEY_PATH:
        snprintf(buf, size, "file path, relative to the spec");
        break;
    case KEY_INTS:
        range_text(k->item_min, k->item_max, false, true, item, sizeof item);
        strcat(item, "s");
        count_text(k, item, buf, size);
        break;
    case KEY_NUMBERS:
        range_text(k->item_min, k->item_max, false, false, item, sizeof item);
        strcat(item, "s");
        count_text(k, item, buf, size);
        break;
    case KEY_STRINGS:
        count_text(k, "strings", buf, size);
        break;
    case KEY_OBJECTS:
        count_text(k, "objects", buf, size);
        break;
    case KEY_TENSOR:
        snprintf(buf, size, "nested arrays of numbers, 2 to 4 deep");
        break;
    case KEY_KIND:
        snprintf(buf, size, "the figure kind");
        break;
    case KEY_GROUP:
        buf[0] = '\0';
        break;
    }
}

/* A KEY_KIND_DEFAULT key's default, written into buf when the callback builds it. */
static const char *kind_default_of(const struct key *k, key_kind_default kd, const void *kctx,
                                   char *buf, size_t size)
{
    return (k->flags & KEY_KIND_DEFAULT) && kd ? kd(kctx, k->name, buf, size) : NULL;
}

static void help_set(FILE *f, const struct key_set *set, key_kind_default kd, const void *kctx,
                     int depth)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        if (k->type == KEY_GROUP) {
            /* A shared group of keys gets its own heading where it stands. */
            fprintf(f, "\n%s:\n", k->fields->title);
            help_set(f, k->fields, kd, kctx, depth);
            continue;
        }
        char name[64], type[160], def[400], kbuf[160];
        const char *kdef = kind_default_of(k, kd, kctx, kbuf, sizeof kbuf);
        snprintf(name, sizeof name, "%*s%s%s", 2 * depth, "", depth ? "." : "", k->name);
        key_type_text(k, type, sizeof type);
        key_default_text(k, kdef, def, sizeof def);
        if (k->type == KEY_KIND)
            snprintf(type, sizeof type, "\"%s\"", kdef ? kdef : "");
        if (k->flags & KEY_REQUIRED)
            fprintf(f, "  %-16s %s; required\n", name, type);
        else if (k->type == KEY_KIND)
            fprintf(f, "  %-16s %s\n", name, type);
        else
            fprintf(f, "  %-16s %s; default %s\n", name, type, def);
        fprintf(f, "  %-16s %s\n", "", k->help);
        if (k->type == KEY_OBJECTS)
            help_set(f, k->fields, kd, kctx, depth + 1);
    }
}

void keys_help(FILE *f, const struct key_set *const *sets, key_kind_default kd, const void *kctx)
{
    for (; *sets; sets++) {
        fprintf(f, "\n%s:\n", (*sets)->title);
        help_set(f, *sets, kd, kctx, 0);
    }
}

/* --- JSON Schema --- */

static void indent(FILE *f, int depth)
{
    fprintf(f, "\n%*s", 2 * depth, "");
}

static void schema_number(FILE *f, const char *key, double v)
{
    fprintf(f, ", \"%s\": ", key);
    jsonw_number(f, v);
}

static void schema_default(FILE *f, const struct key *k, const char *kind_default)
{
    if (k->flags & (KEY_REQUIRED | KEY_NO_DEFAULT | KEY_NOT_STORED))
        return;
    if (k->flags & KEY_KIND_DEFAULT) {
        if (kind_default && k->type != KEY_KIND) {
            fputs(", \"default\": ", f);
            jsonw_string(f, kind_default);
        }
        return;
    }
    switch (k->type) {
    case KEY_BOOL:
        fprintf(f, ", \"default\": %s", k->dnum != 0 ? "true" : "false");
        break;
    case KEY_INT:
    case KEY_NUMBER:
        schema_number(f, "default", k->dnum);
        break;
    case KEY_STRING:
    case KEY_CHOICE:
    case KEY_PATH:
        if (k->dstr) {
            fputs(", \"default\": ", f);
            jsonw_string(f, k->dstr);
        }
        break;
    default:
        break;
    }
}

static void schema_range(FILE *f, double lo, double hi, bool lo_open)
{
    schema_number(f, lo_open ? "exclusiveMinimum" : "minimum", lo);
    if (isfinite(hi) && hi < 9e15)
        schema_number(f, "maximum", hi);
}

static void schema_items_count(FILE *f, const struct key *k)
{
    if (k->min > 0)
        schema_number(f, "minItems", k->min);
    if (k->max > 0)
        schema_number(f, "maxItems", k->max);
}

static void schema_properties(FILE *f, const struct key_set *set, key_kind_default kd,
                              const void *kctx, int depth, bool *first);

static void schema_required(FILE *f, const struct key_set *set, bool *any)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        if (k->type == KEY_GROUP) {
            schema_required(f, k->fields, any);
        } else if (k->flags & KEY_REQUIRED) {
            fputs(*any ? ", " : "", f);
            jsonw_string(f, k->name);
            *any = true;
        }
    }
}

/* An object schema for the keys of sets: properties, required, closed. */
static void schema_object(FILE *f, const struct key_set *const *sets, key_kind_default kd,
                          const void *kctx, int depth)
{
    fputs("\"type\": \"object\",", f);
    indent(f, depth);
    fputs("\"properties\": {", f);
    bool first = true;
    for (const struct key_set *const *s = sets; *s; s++)
        schema_properties(f, *s, kd, kctx, depth + 1, &first);
    indent(f, depth);
    fputs("},", f);
    indent(f, depth);
    fputs("\"required\": [", f);
    bool any = false;
    for (const struct key_set *const *s = sets; *s; s++)
        schema_required(f, *s, &any);
    fputs("],", f);
    indent(f, depth);
    fputs("\"additionalProperties\": false", f);
}

static void schema_key(FILE *f, const struct key *k, key_kind_default kd, const void *kctx,
                       int depth)
{
    char kbuf[160];
    const char *kdef = kind_default_of(k, kd, kctx, kbuf, sizeof kbuf);
    fputs("{", f);
    switch (k->type) {
    case KEY_BOOL:
        fputs("\"type\": \"boolean\"", f);
        break;
    case KEY_INT:
    case KEY_NUMBER:
        fprintf(f, "\"type\": \"%s\"", k->type == KEY_INT ? "integer" : "number");
        schema_range(f, k->min, k->max, (k->flags & KEY_MIN_OPEN) != 0);
        break;
    case KEY_STRING:
    case KEY_PATH:
        fputs("\"type\": \"string\"", f);
        if (k->min > 0 || k->type == KEY_PATH)
            schema_number(f, "minLength", k->min > 0 ? k->min : 1);
        if (k->max > 0)
            schema_number(f, "maxLength", k->max);
        break;
    case KEY_CHOICE:
        fputs("\"enum\": [", f);
        for (int i = 0; k->choices[i]; i++) {
            fputs(i ? ", " : "", f);
            jsonw_string(f, k->choices[i]);
        }
        fputs("]", f);
        break;
    case KEY_KIND:
        fputs("\"const\": ", f);
        jsonw_string(f, kdef ? kdef : "");
        break;
    case KEY_INTS:
    case KEY_NUMBERS:
        fprintf(f, "\"type\": \"array\", \"items\": {\"type\": \"%s\"",
                k->type == KEY_INTS ? "integer" : "number");
        schema_range(f, k->item_min, k->item_max, false);
        fputs("}", f);
        schema_items_count(f, k);
        break;
    case KEY_STRINGS:
        fputs("\"type\": \"array\", \"items\": {\"type\": \"string\"}", f);
        schema_items_count(f, k);
        break;
    case KEY_TENSOR:
        fputs("\"$ref\": \"#/$defs/tensor\"", f);
        break;
    case KEY_OBJECTS:
        fputs("\"type\": \"array\"", f);
        schema_items_count(f, k);
        fputs(",", f);
        indent(f, depth + 1);
        fputs("\"items\": {", f);
        indent(f, depth + 2);
        schema_object(f, (const struct key_set *const[]){k->fields, NULL}, kd, kctx, depth + 2);
        indent(f, depth + 1);
        fputs("}", f);
        break;
    case KEY_GROUP:
        break;
    }
    schema_default(f, k, kdef);
    fputs(", \"description\": ", f);
    jsonw_string(f, k->help);
    fputs("}", f);
}

static void schema_properties(FILE *f, const struct key_set *set, key_kind_default kd,
                              const void *kctx, int depth, bool *first)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct key *k = &set->keys[i];
        if (k->type == KEY_GROUP) {
            schema_properties(f, k->fields, kd, kctx, depth, first);
            continue;
        }
        fputs(*first ? "" : ",", f);
        *first = false;
        indent(f, depth);
        jsonw_string(f, k->name);
        fputs(": ", f);
        schema_key(f, k, kd, kctx, depth);
    }
}

void keys_schema(FILE *f, const struct key_set *const *sets, key_kind_default kd, const void *kctx,
                 const char *id, const char *title, const char *description)
{
    fputs("{", f);
    indent(f, 1);
    fputs("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",", f);
    indent(f, 1);
    fputs("\"$id\": ", f);
    jsonw_string(f, id);
    fputs(",", f);
    indent(f, 1);
    fputs("\"title\": ", f);
    jsonw_string(f, title);
    fputs(",", f);
    indent(f, 1);
    fputs("\"description\": ", f);
    jsonw_string(f, description);
    fputs(",", f);
    indent(f, 1);
    schema_object(f, sets, kd, kctx, 1);
    fputs(",", f);
    indent(f, 1);
    /* Ragged or too deep arrays are left to vizgen's own check, which says where. */
    fputs("\"$defs\": {\"tensor\": {\"type\": \"array\", \"minItems\": 1, \"items\": "
          "{\"anyOf\": [{\"type\": \"number\"}, {\"$ref\": \"#/$defs/tensor\"}]}}}",
          f);
    fputs("\n}\n", f);
}

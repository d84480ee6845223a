/* keys_describe: the key tables told to people (`vizgen KIND --help`, README's tables) and to
 * editors (JSON Schema). */
#include "vizgen/keys.h"

#include "vizgen/jsonw.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
    else if ((k->type == KEY_STRING || k->type == KEY_CHOICE || k->type == KEY_PATH ||
              k->type == KEY_LENGTH) &&
             k->dstr)
        snprintf(buf, size, "\"%s\"", k->dstr);
    else
        snprintf(buf, size, "none");
}

static void range_text(double lo, double hi, bool lo_open, bool integer, char *buf, size_t size)
{
    const char *what = integer ? "integer" : "number";
    if (lo <= -9e15 && hi >= 9e15) /* any finite value */
        snprintf(buf, size, "%s", what);
    else if (hi >= 9e15 || isinf(hi))
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
    case KEY_LENGTH:
        snprintf(buf, size, "length from %gin to %gin (in, cm, mm, pt or px)", k->min / 72,
                 k->max / 72);
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
    case KEY_LENGTH:
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
    if (isfinite(lo) && lo > -9e15)
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
    case KEY_LENGTH:
        /* The range in points cannot be a pattern; vizgen checks it when reading. */
        fputs("\"type\": \"string\", \"pattern\": "
              "\"^([0-9]+(\\\\.[0-9]*)?|\\\\.[0-9]+)(in|cm|mm|pt|px)$\"",
              f);
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

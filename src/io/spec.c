/* spec: the only module that includes cJSON. It turns files into a checked tree and answers typed,
 * path-aware questions about it; it knows nothing about figures. */
#include "vizgen/spec.h"

#include "jsoncheck.h"
#include "vizgen/input.h"
#include "vizgen/utf8.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct spec {
    cJSON *root;
    char *name;
};

static const cJSON *J(struct spec_node n)
{
    return n.json;
}

static void line_col(const char *buf, size_t at, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < at; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* w: data mode, where bare NaN and Infinity are allowed and rewritten in w (the same as buf). */
static int parse(const char *name, const char *buf, char *w, size_t len, bool any_top,
                 struct spec **out, struct diag *d)
{
    *out = NULL;
    size_t skip = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        skip = 3; /* a UTF-8 byte-order mark, as some Windows editors write */
    /* buf need not be NUL-terminated (the fuzzer found strspn reading past it). */
    size_t ws = skip;
    while (ws < len && (buf[ws] == ' ' || buf[ws] == '\t' || buf[ws] == '\r' || buf[ws] == '\n'))
        ws++;
    if (ws == len)
        return diag_in(d, VZ_EINPUT, name, "empty file, expected a JSON %s",
                       any_top ? "value" : "object");
    size_t err_at;
    const char *msg;
    if (w ? jsoncheck_data(w + skip, len - skip, &err_at, &msg)
          : jsoncheck(buf + skip, len - skip, &err_at, &msg)) {
        int line, col;
        line_col(buf, skip + err_at, &line, &col);
        return diag_pos(d, VZ_EINPUT, name, line, col, "%s", msg);
    }
    struct spec *s = calloc(1, sizeof *s);
    if (!s)
        return diag_oom(d);
    s->name = strdup(name);
    s->root = cJSON_ParseWithLength(buf + skip, len - skip);
    if (!s->name || !s->root) {
        spec_free(s);
        return diag_in(d, VZ_EIO, name, "out of memory while parsing");
    }
    if (!any_top && !cJSON_IsObject(s->root)) {
        spec_free(s);
        return diag_pos(d, VZ_EINPUT, name, 1, 1, "expected a JSON object at the top level");
    }
    *out = s;
    return VZ_OK;
}

int spec_parse(const char *name, const char *buf, size_t len, struct spec **out, struct diag *d)
{
    return parse(name, buf, NULL, len, false, out, d);
}

int spec_parse_data(const char *name, char *buf, size_t len, struct spec **out, struct diag *d)
{
    return parse(name, buf, buf, len, true, out, d);
}

int spec_load(const char *file, struct spec **out, struct diag *d)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = input_read(file, "a JSON file", "spec", SPEC_MAX_BYTES, &buf, &len, d);
    if (rc)
        return rc;
    rc = spec_parse(file, buf, len, out, d);
    free(buf);
    return rc;
}

void spec_free(struct spec *s)
{
    if (!s)
        return;
    cJSON_Delete(s->root);
    free(s->name);
    free(s);
}

struct spec_node spec_root(const struct spec *s)
{
    struct spec_node n = {s->root, ""};
    return n;
}

char *spec_compact(const struct spec *s)
{
    return cJSON_PrintUnformatted(s->root);
}

char *spec_compact_with(const struct spec *s, const struct spec_setting *set, size_t n)
{
    cJSON *copy = cJSON_Duplicate(s->root, true);
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        cJSON *v = set[i].type == SPEC_STRING ? cJSON_CreateString(set[i].str)
                   : set[i].type == SPEC_BOOL ? cJSON_CreateBool(set[i].num != 0)
                                              : cJSON_CreateNumber(set[i].num);
        bool ok = v && (cJSON_GetObjectItemCaseSensitive(copy, set[i].key)
                            ? cJSON_ReplaceItemInObjectCaseSensitive(copy, set[i].key, v)
                            : cJSON_AddItemToObject(copy, set[i].key, v));
        if (!ok) {
            cJSON_Delete(v);
            cJSON_Delete(copy);
            return NULL;
        }
    }
    char *out = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return out;
}

enum spec_type spec_type_of(struct spec_node n)
{
    const cJSON *j = J(n);
    if (!j)
        return SPEC_ABSENT;
    if (cJSON_IsNull(j))
        return SPEC_NULL;
    if (cJSON_IsBool(j))
        return SPEC_BOOL;
    if (cJSON_IsNumber(j))
        return SPEC_NUMBER;
    if (cJSON_IsString(j))
        return SPEC_STRING;
    if (cJSON_IsArray(j))
        return SPEC_ARRAY;
    return SPEC_OBJECT;
}

size_t spec_len(struct spec_node n)
{
    return cJSON_IsArray(J(n)) ? (size_t)cJSON_GetArraySize(J(n)) : 0;
}

/* Marks a path cut short by the buffer, rather than silently showing a wrong one. */
static void path_written(char *path, size_t size, int wrote)
{
    if (wrote < 0 || (size_t)wrote >= size)
        memcpy(path + size - 4, "...", 4);
}

struct spec_node spec_at(struct spec_node arr, size_t i)
{
    struct spec_node n = {NULL, ""};
    path_written(n.path, sizeof n.path, snprintf(n.path, sizeof n.path, "%s[%zu]", arr.path, i));
    n.json = cJSON_IsArray(J(arr)) ? cJSON_GetArrayItem(J(arr), (int)i) : NULL;
    return n;
}

struct spec_node spec_first(struct spec_node arr)
{
    return spec_at(arr, 0);
}

struct spec_node spec_next(struct spec_node n)
{
    struct spec_node next = {NULL, ""};
    if (!J(n))
        return next;
    next.json = J(n)->next;
    /* The path is the parent's with the index one up: "w[3][7]" -> "w[3][8]". */
    char *open = strrchr(n.path, '[');
    if (open) {
        size_t i = strtoul(open + 1, NULL, 10), prefix = (size_t)(open - n.path);
        path_written(
            next.path, sizeof next.path,
            snprintf(next.path, sizeof next.path, "%.*s[%zu]", (int)prefix, n.path, i + 1));
    }
    return next;
}

struct spec_node spec_get(struct spec_node obj, const char *key)
{
    struct spec_node n = {NULL, ""};
    int wrote = obj.path[0] ? snprintf(n.path, sizeof n.path, "%s.%s", obj.path, key)
                            : snprintf(n.path, sizeof n.path, "%s", key);
    path_written(n.path, sizeof n.path, wrote);
    n.json = cJSON_IsObject(J(obj)) ? cJSON_GetObjectItemCaseSensitive(J(obj), key) : NULL;
    return n;
}

bool spec_has(struct spec_node obj, const char *key)
{
    return spec_get(obj, key).json != NULL;
}

bool spec_data_number(struct spec_node n, double *out)
{
    const cJSON *j = J(n);
    if (cJSON_IsNumber(j)) {
        *out = j->valuedouble;
        return true;
    }
    if (!cJSON_IsString(j) || (unsigned char)j->valuestring[0] != JSONCHECK_NONFINITE)
        return false;
    char sign = j->valuestring[1];
    *out = sign == '+' ? INFINITY : sign == '-' ? -INFINITY : NAN;
    return true;
}

static struct spec_node member(struct spec_node obj, const cJSON *j)
{
    struct spec_node n = {j, ""};
    if (j)
        path_written(
            n.path, sizeof n.path,
            snprintf(n.path, sizeof n.path, "%s%s%s", obj.path, obj.path[0] ? "." : "", j->string));
    return n;
}

struct spec_node spec_member_first(struct spec_node obj)
{
    return member(obj, cJSON_IsObject(J(obj)) ? J(obj)->child : NULL);
}

struct spec_node spec_member_next(struct spec_node obj, struct spec_node n)
{
    return member(obj, J(n) ? J(n)->next : NULL);
}

const char *spec_member_name(struct spec_node n)
{
    return J(n) ? J(n)->string : NULL;
}

/* Describes what was found, for "expected X, got Y". */
static void describe(const cJSON *j, char *buf, size_t size)
{
    if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        size_t n = strlen(s);
        if (n > 24)
            snprintf(buf, size, "\"%.*s...\"", (int)utf8_prefix_bytes(s, 20), s);
        else
            snprintf(buf, size, "\"%s\"", s);
    } else if (cJSON_IsNumber(j)) {
        snprintf(buf, size, "%g", j->valuedouble);
    } else if (cJSON_IsBool(j)) {
        snprintf(buf, size, "%s", cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsNull(j)) {
        snprintf(buf, size, "null");
    } else if (cJSON_IsArray(j)) {
        snprintf(buf, size, "an array");
    } else {
        snprintf(buf, size, "an object");
    }
}

int spec_mismatch(struct spec_node n, const char *expected, struct diag *d)
{
    char got[64];
    describe(J(n), got, sizeof got);
    return diag_at(d, VZ_EINPUT, n.path, "expected %s, got %s", expected, got);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
            row[j] = sub < best ? sub : best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *spec_nearest(const char *word, const char *const *const *lists)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (; *lists; lists++)
        for (const char *const *k = *lists; *k; k++) {
            size_t dist = edit_distance(word, *k);
            if (dist < best_d) {
                best_d = dist;
                best = *k;
            }
        }
    /* A hint is only useful when the typo is small relative to the word. */
    size_t limit = strlen(word) / 3 + 1;
    return best && best_d <= (limit < 3 ? limit : 3) ? best : NULL;
}

static bool in_lists(const char *key, const char *const *const *lists)
{
    for (; *lists; lists++)
        for (const char *const *k = *lists; *k; k++)
            if (strcmp(key, *k) == 0)
                return true;
    return false;
}

int spec_check_keys(struct spec_node obj, const char *const *const *lists, struct diag *d)
{
    const cJSON *child;
    cJSON_ArrayForEach(child, J(obj))
    {
        struct spec_node n = spec_get(obj, child->string);
        if (!in_lists(child->string, lists)) {
            const char *hint = spec_nearest(child->string, lists);
            if (hint)
                return diag_at(d, VZ_EINPUT, n.path, "unknown key (did you mean \"%s\"?)", hint);
            return diag_at(d, VZ_EINPUT, n.path, "unknown key");
        }
        for (const cJSON *o = J(obj)->child; o != child; o = o->next)
            if (strcmp(o->string, child->string) == 0)
                return diag_at(d, VZ_EINPUT, n.path, "duplicate key");
    }
    return VZ_OK;
}

int spec_expect_object(struct spec_node n, struct diag *d)
{
    return cJSON_IsObject(J(n)) ? VZ_OK : spec_mismatch(n, "an object", d);
}

static void fmt_bound(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%g", v);
}

int spec_number(struct spec_node n, double lo, double hi, bool lo_open, double *out, struct diag *d)
{
    char want[96], a[32], b[32];
    fmt_bound(lo, a, sizeof a);
    fmt_bound(hi, b, sizeof b);
    if (isinf(hi) && isinf(lo))
        snprintf(want, sizeof want, "a number");
    else if (isinf(hi))
        snprintf(want, sizeof want, "a number %s %s", lo_open ? ">" : ">=", a);
    else if (lo_open)
        snprintf(want, sizeof want, "a number > %s and <= %s", a, b);
    else
        snprintf(want, sizeof want, "a number from %s to %s", a, b);
    if (!cJSON_IsNumber(J(n)))
        return spec_mismatch(n, want, d);
    double v = J(n)->valuedouble;
    if (!isfinite(v) || v < lo || v > hi || (lo_open && v == lo))
        return spec_mismatch(n, want, d);
    *out = v;
    return VZ_OK;
}

int spec_int(struct spec_node n, long lo, long hi, long *out, struct diag *d)
{
    char want[96];
    snprintf(want, sizeof want, "an integer from %ld to %ld", lo, hi);
    if (!cJSON_IsNumber(J(n)))
        return spec_mismatch(n, want, d);
    double v = J(n)->valuedouble;
    if (!isfinite(v) || v != floor(v) || v < (double)lo || v > (double)hi)
        return spec_mismatch(n, want, d);
    *out = (long)v;
    return VZ_OK;
}

int spec_string(struct spec_node n, bool allow_empty, char **out, struct diag *d)
{
    if (!cJSON_IsString(J(n)))
        return spec_mismatch(n, allow_empty ? "a string" : "a non-empty string", d);
    const char *s = J(n)->valuestring;
    if (!allow_empty && !s[0])
        return spec_mismatch(n, "a non-empty string", d);
    long bad = utf8_invalid_at(s, strlen(s));
    if (bad >= 0)
        return diag_at(d, VZ_EINPUT, n.path, "invalid UTF-8 at byte %ld", bad);
    char *copy = strdup(s);
    if (!copy)
        return diag_oom(d);
    *out = copy;
    return VZ_OK;
}

int spec_bool(struct spec_node n, bool *out, struct diag *d)
{
    if (!cJSON_IsBool(J(n)))
        return spec_mismatch(n, "true or false", d);
    *out = cJSON_IsTrue(J(n));
    return VZ_OK;
}

int spec_choice(struct spec_node n, const char *const *choices, int *out, struct diag *d)
{
    char want[256] = "one of";
    for (const char *const *c = choices; *c; c++) {
        size_t used = strlen(want);
        snprintf(want + used, sizeof want - used, "%s \"%s\"", c == choices ? "" : ",", *c);
    }
    if (!cJSON_IsString(J(n)))
        return spec_mismatch(n, want, d);
    const char *s = J(n)->valuestring;
    for (int i = 0; choices[i]; i++)
        if (strcmp(s, choices[i]) == 0) {
            *out = i;
            return VZ_OK;
        }
    const char *const *lists[] = {choices, NULL};
    const char *hint = spec_nearest(s, lists);
    if (hint)
        return diag_at(d, VZ_EINPUT, n.path, "unknown value \"%s\" (did you mean \"%s\"?)", s,
                       hint);
    return spec_mismatch(n, want, d);
}

int spec_choices(struct spec_node arr, size_t n, const char *const *choices, int *out,
                 struct diag *d)
{
    for (size_t i = 0; i < n; i++) {
        struct spec_node item = spec_at(arr, i);
        int rc = spec_choice(item, choices, &out[i], d);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (out[j] == out[i])
                return diag_at(d, VZ_EINPUT, item.path, "\"%s\" is listed twice", choices[out[i]]);
    }
    return VZ_OK;
}

int spec_array(struct spec_node n, size_t min_len, size_t max_len, struct diag *d)
{
    if (!cJSON_IsArray(J(n)))
        return spec_mismatch(n, "an array", d);
    size_t len = spec_len(n);
    if (len < min_len)
        return diag_at(d, VZ_EINPUT, n.path, "expected at least %zu element%s, got %zu", min_len,
                       min_len == 1 ? "" : "s", len);
    if (len > max_len)
        return diag_at(d, VZ_EINPUT, n.path, "expected at most %zu elements, got %zu", max_len,
                       len);
    return VZ_OK;
}

int spec_numbers(struct spec_node arr, double *out, size_t n, struct diag *d)
{
    int rc = spec_array(arr, n, n, d);
    if (rc)
        return rc;
    /* One walk of cJSON's linked list: spec_at per element would be quadratic on big matrices. */
    size_t i = 0;
    const cJSON *j;
    cJSON_ArrayForEach(j, J(arr))
    {
        if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
            struct spec_node e = spec_at(arr, i);
            return spec_mismatch(e, "a finite number", d);
        }
        out[i++] = j->valuedouble;
    }
    return VZ_OK;
}

int spec_require(struct spec_node obj, const char *key, struct spec_node *out, struct diag *d)
{
    *out = spec_get(obj, key);
    if (!out->json)
        return diag_at(d, VZ_EINPUT, out->path, "missing required key");
    return VZ_OK;
}

int spec_opt_number(struct spec_node obj, const char *key, double lo, double hi, bool lo_open,
                    double *out, struct diag *d)
{
    struct spec_node n = spec_get(obj, key);
    return n.json ? spec_number(n, lo, hi, lo_open, out, d) : VZ_OK;
}

int spec_opt_int(struct spec_node obj, const char *key, long lo, long hi, long *out, struct diag *d)
{
    struct spec_node n = spec_get(obj, key);
    return n.json ? spec_int(n, lo, hi, out, d) : VZ_OK;
}

int spec_opt_string(struct spec_node obj, const char *key, bool allow_empty, char **out,
                    struct diag *d)
{
    struct spec_node n = spec_get(obj, key);
    if (!n.json)
        return VZ_OK;
    char *s;
    int rc = spec_string(n, allow_empty, &s, d);
    if (rc)
        return rc;
    free(*out);
    *out = s;
    return VZ_OK;
}

int spec_opt_bool(struct spec_node obj, const char *key, bool *out, struct diag *d)
{
    struct spec_node n = spec_get(obj, key);
    return n.json ? spec_bool(n, out, d) : VZ_OK;
}

int spec_opt_choice(struct spec_node obj, const char *key, const char *const *choices, int *out,
                    struct diag *d)
{
    struct spec_node n = spec_get(obj, key);
    return n.json ? spec_choice(n, choices, out, d) : VZ_OK;
}

int spec_req_string(struct spec_node obj, const char *key, bool allow_empty, char **out,
                    struct diag *d)
{
    struct spec_node n;
    int rc = spec_require(obj, key, &n, d);
    return rc ? rc : spec_string(n, allow_empty, out, d);
}

int spec_req_number(struct spec_node obj, const char *key, double lo, double hi, bool lo_open,
                    double *out, struct diag *d)
{
    struct spec_node n;
    int rc = spec_require(obj, key, &n, d);
    return rc ? rc : spec_number(n, lo, hi, lo_open, out, d);
}

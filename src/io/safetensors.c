/* safetensors: the header of a .safetensors file — an 8-byte little-endian length, then that
 * many bytes of JSON naming each tensor's dtype, shape and data_offsets — checked as the format
 * defines it, and the shards of a model.safetensors.index.json. Only headers are read, so a
 * 13 GB checkpoint takes milliseconds and a few MiB. */
#include "vizgen/modelsrc.h"

#include "vizgen/input.h"
#include "vizgen/paths.h"
#include "vizgen/spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const st_dtype_names[] = {"BOOL", "U8",  "I8",   "F8_E5M2", "F8_E4M3", "I16",
                                      "U16",  "F16", "BF16", "I32",     "U32",     "F32",
                                      "F64",  "I64", "U64",  NULL};
static const unsigned dtype_bytes[ST_DTYPES] = {1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8};

/* Offsets are JSON numbers: exact up to 2^53, far past any file. */
static const double MAX_OFFSET = 9007199254740992.0;

struct span {
    uint64_t begin, end;
    const char *name;
};

static int by_begin(const void *a, const void *b)
{
    const struct span *p = a, *q = b;
    if (p->begin != q->begin)
        return p->begin < q->begin ? -1 : 1;
    return p->end < q->end ? -1 : p->end > q->end;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct span *)a)->name, ((const struct span *)b)->name);
}

/* One entry: {"dtype": ..., "shape": [...], "data_offsets": [begin, end]}. */
static int read_tensor(struct spec_node e, struct st_tensor *t, struct span *sp, struct diag *d)
{
    static const char *const keys[] = {"dtype", "shape", "data_offsets", NULL};
    static const char *const *const lists[] = {keys, NULL};
    int dtype, rc;
    struct spec_node shape, offsets;
    if ((rc = spec_expect_object(e, d)) || (rc = spec_check_keys(e, lists, d)) ||
        (rc = spec_require(e, "dtype", &shape, d)) ||
        (rc = spec_choice(shape, st_dtype_names, &dtype, d)) ||
        (rc = spec_require(e, "shape", &shape, d)) || (rc = spec_array(shape, 0, ST_MAX_RANK, d)) ||
        (rc = spec_require(e, "data_offsets", &offsets, d)) || (rc = spec_array(offsets, 2, 2, d)))
        return rc;
    uint64_t numel = 1;
    for (struct spec_node k = spec_first(shape); spec_type_of(k) != SPEC_ABSENT; k = spec_next(k)) {
        double v;
        if ((rc = spec_number(k, 0, MAX_OFFSET, false, &v, d)))
            return rc;
        if (v != (double)(uint64_t)v)
            return spec_mismatch(k, "an integer", d);
        if (v > 0 && (double)numel * v > MAX_OFFSET)
            return diag_at(d, VZ_EINPUT, shape.path, "more than 2^53 numbers");
        numel *= (uint64_t)v;
    }
    double range[2];
    if ((rc = spec_numbers(offsets, range, 2, d)))
        return rc;
    for (int i = 0; i < 2; i++)
        if (range[i] < 0 || range[i] > MAX_OFFSET || range[i] != (double)(uint64_t)range[i])
            return diag_at(d, VZ_EINPUT, offsets.path,
                           "expected two integers from 0 to 2^53, got %.17g", range[i]);
    if (range[1] < range[0])
        return diag_at(d, VZ_EINPUT, offsets.path, "ends at %.0f, before it begins at %.0f",
                       range[1], range[0]);
    t->dtype = (enum st_dtype)dtype;
    t->numel = numel;
    t->bytes = numel * dtype_bytes[dtype];
    *sp = (struct span){(uint64_t)range[0], (uint64_t)range[1], NULL};
    if (sp->end - sp->begin != t->bytes)
        return diag_at(d, VZ_EINPUT, offsets.path,
                       "%llu bytes for %llu %s numbers, which take %llu",
                       (unsigned long long)(sp->end - sp->begin), (unsigned long long)numel,
                       st_dtype_names[dtype], (unsigned long long)t->bytes);
    return VZ_OK;
}

/* The data section is exactly the tensors' bytes, one after another: no byte twice, none
 * unaccounted for. */
static int check_tiling(const char *name, struct span *spans, size_t n, uint64_t data,
                        struct diag *d)
{
    qsort(spans, n, sizeof *spans, by_begin);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].begin > at)
            return diag_in(d, VZ_EINPUT, name, "data bytes %llu to %llu belong to no tensor",
                           (unsigned long long)at, (unsigned long long)spans[i].begin);
        if (spans[i].begin < at)
            return diag_in(d, VZ_EINPUT, name,
                           "tensor \"%s\" (bytes %llu to %llu) overlaps "
                           "\"%s\"",
                           spans[i].name, (unsigned long long)spans[i].begin,
                           (unsigned long long)spans[i].end, spans[i - 1].name);
        at = spans[i].end;
    }
    if (at < data)
        return diag_in(d, VZ_EINPUT, name, "data bytes %llu to %llu belong to no tensor",
                       (unsigned long long)at, (unsigned long long)data);
    if (at > data)
        return diag_in(d, VZ_EINPUT, name,
                       "the tensors' data ends at byte %llu, past the %llu bytes the file has "
                       "after its header",
                       (unsigned long long)at, (unsigned long long)data);
    return VZ_OK;
}

static int check_metadata(struct spec_node meta, struct diag *d)
{
    int rc = spec_expect_object(meta, d);
    for (struct spec_node v = spec_member_first(meta); !rc && spec_type_of(v) != SPEC_ABSENT;
         v = spec_member_next(meta, v))
        if (spec_type_of(v) != SPEC_STRING)
            rc = spec_mismatch(v, "a string", d);
    return rc;
}

static uint64_t le64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

int safetensors_parse(const char *name, const unsigned char *buf, size_t len, uint64_t file_size,
                      struct model_source *m, struct diag *d)
{
    if (len < 8 || file_size < 8)
        return diag_in(d, VZ_EINPUT, name, "%llu bytes: too short for a safetensors header",
                       (unsigned long long)file_size);
    uint64_t n = le64(buf);
    if (n > ST_MAX_HEADER)
        return diag_in(d, VZ_EINPUT, name,
                       "header length %llu is over the format's limit of %d bytes",
                       (unsigned long long)n, ST_MAX_HEADER);
    if (n > file_size - 8 || n > len - 8)
        return diag_in(d, VZ_EINPUT, name,
                       "header length %llu runs past the end of the file (%llu bytes)",
                       (unsigned long long)n, (unsigned long long)file_size);
    struct spec *s;
    int rc = spec_parse(name, (const char *)buf + 8, (size_t)n, &s, d);
    if (rc)
        return rc;
    struct spec_node root = spec_root(s);
    size_t count = 0;
    for (struct spec_node e = spec_member_first(root); spec_type_of(e) != SPEC_ABSENT;
         e = spec_member_next(root, e))
        count++;
    /* This file's tensors after those of the shards already read, in one allocation: a
     * header may list hundreds of thousands. */
    struct span *spans = calloc(count ? count : 1, sizeof *spans);
    struct st_tensor *grown = realloc(m->tensors, (m->n_tensors + count + 1) * sizeof *grown);
    if (grown)
        m->tensors = grown;
    if (!spans || !grown) {
        free(spans);
        spec_free(s);
        return diag_oom(d);
    }
    size_t k = 0;
    for (struct spec_node e = spec_member_first(root); !rc && spec_type_of(e) != SPEC_ABSENT;
         e = spec_member_next(root, e)) {
        const char *tname = spec_member_name(e);
        if (strcmp(tname, "__metadata__") == 0) {
            rc = check_metadata(e, d);
            continue;
        }
        struct st_tensor t = {0};
        if ((rc = read_tensor(e, &t, &spans[k], d)))
            break;
        t.component = params_component_of(tname, &t.buffer);
        t.layer = params_layer_of(tname);
        if (!(t.name = strdup(tname))) {
            rc = diag_oom(d);
            break;
        }
        m->tensors[m->n_tensors++] = t;
        spans[k++].name = m->tensors[m->n_tensors - 1].name;
        m->data_bytes += t.bytes;
    }
    if (!rc) { /* JSON allows a key twice; the format does not */
        qsort(spans, k, sizeof *spans, by_name);
        for (size_t i = 1; !rc && i < k; i++)
            if (strcmp(spans[i].name, spans[i - 1].name) == 0)
                rc = diag_in(d, VZ_EINPUT, name, "tensor \"%s\" appears twice in the header",
                             spans[i].name);
    }
    if (!rc)
        rc = check_tiling(name, spans, k, file_size - 8 - n, d);
    free(spans);
    diag_locate(d, name);
    spec_free(s);
    if (!rc)
        m->n_shards++;
    return rc;
}

int safetensors_load(const char *path, struct model_source *m, struct diag *d)
{
    struct stat st;
    FILE *f = input_open(path, "a .safetensors file", &st, d);
    if (!f)
        return d->status;
    unsigned char head[8] = {0};
    size_t got = fread(head, 1, 8, f);
    uint64_t n = got == 8 ? le64(head) : 0;
    uint64_t size = (uint64_t)st.st_size;
    /* Read no more than the header the file can hold: a lying length is reported, not
     * allocated. */
    size_t want = got == 8 && n <= ST_MAX_HEADER && n <= size - 8 ? (size_t)n : 0;
    unsigned char *buf = malloc(8 + want);
    if (!buf) {
        fclose(f);
        return diag_oom(d);
    }
    memcpy(buf, head, 8);
    size_t have = got + (want ? fread(buf + 8, 1, want, f) : 0);
    fclose(f);
    int rc = safetensors_parse(path, buf, have, size, m, d);
    free(buf);
    return rc;
}

/* Which shard each tensor is in, by the index and by the shards themselves, must agree. */
static int check_map(const char *path, struct span *mapped, size_t n_mapped,
                     const struct model_source *m, const size_t *shard_of, char **shards,
                     struct diag *d)
{
    struct span *found = calloc(m->n_tensors ? m->n_tensors : 1, sizeof *found);
    if (!found)
        return diag_oom(d);
    for (size_t i = 0; i < m->n_tensors; i++)
        found[i] = (struct span){shard_of[i], 0, m->tensors[i].name};
    qsort(found, m->n_tensors, sizeof *found, by_name);
    qsort(mapped, n_mapped, sizeof *mapped, by_name);
    int rc = VZ_OK;
    size_t i = 0, j = 0;
    while (!rc && (i < n_mapped || j < m->n_tensors)) {
        int c = i == n_mapped ? 1 : j == m->n_tensors ? -1 : strcmp(mapped[i].name, found[j].name);
        if (c < 0)
            rc = diag_in(d, VZ_EINPUT, path,
                         "the index puts \"%s\" in %s, which has no such "
                         "tensor",
                         mapped[i].name, shards[mapped[i].begin]);
        else if (c > 0)
            rc = diag_in(d, VZ_EINPUT, path, "%s holds \"%s\", which the index does not name",
                         shards[found[j].begin], found[j].name);
        else if (mapped[i].begin != found[j].begin)
            rc = diag_in(d, VZ_EINPUT, path, "the index puts \"%s\" in %s, but it is in %s",
                         mapped[i].name, shards[mapped[i].begin], shards[found[j].begin]);
        i += c <= 0;
        j += c >= 0;
    }
    free(found);
    return rc;
}

int safetensors_index(const char *path, char *buf, size_t len, struct model_source *m,
                      struct diag *d)
{
    struct spec *s;
    int rc = spec_parse_data(path, buf, len, &s, d);
    if (rc)
        return rc;
    struct spec_node map = spec_get(spec_root(s), "weight_map");
    char **shards = NULL;
    size_t n_shards = 0, n_mapped = 0, *shard_of = NULL;
    struct span *mapped = NULL;
    if ((rc = spec_expect_object(map, d)))
        goto done;
    for (struct spec_node e = spec_member_first(map); spec_type_of(e) != SPEC_ABSENT;
         e = spec_member_next(map, e))
        n_mapped++;
    mapped = calloc(n_mapped ? n_mapped : 1, sizeof *mapped);
    shards = calloc(ST_MAX_SHARDS, sizeof *shards);
    if (!mapped || !shards) {
        rc = diag_oom(d);
        goto done;
    }
    n_mapped = 0;
    for (struct spec_node e = spec_member_first(map); !rc && spec_type_of(e) != SPEC_ABSENT;
         e = spec_member_next(map, e)) {
        char *file = NULL;
        if ((rc = spec_string(e, false, &file, d)))
            break;
        size_t k = 0;
        while (k < n_shards && strcmp(shards[k], file) != 0)
            k++;
        if (k == n_shards && n_shards == ST_MAX_SHARDS)
            rc = diag_at(d, VZ_EINPUT, e.path, "more than %d shards", ST_MAX_SHARDS);
        if (!rc && k == n_shards)
            shards[n_shards++] = file;
        else
            free(file);
        mapped[n_mapped++] = (struct span){k, 0, spec_member_name(e)};
    }
    for (size_t k = 0; !rc && k < n_shards; k++) {
        if (strchr(shards[k], '/')) {
            rc = diag_in(d, VZ_EINPUT, path, "shard \"%s\" is not a file beside the index",
                         shards[k]);
            break;
        }
        char *shard = path_resolve(path, shards[k]);
        size_t before = m->n_tensors;
        rc = shard ? safetensors_load(shard, m, d) : diag_oom(d);
        free(shard);
        size_t *grown =
            rc ? NULL : realloc(shard_of, (m->n_tensors ? m->n_tensors : 1) * sizeof *shard_of);
        if (!rc && !grown)
            rc = diag_oom(d);
        if (!rc) {
            shard_of = grown;
            for (size_t i = before; i < m->n_tensors; i++)
                shard_of[i] = k;
        }
    }
    if (!rc)
        rc = check_map(path, mapped, n_mapped, m, shard_of, shards, d);
done:
    diag_locate(d, path);
    for (size_t k = 0; shards && k < n_shards; k++)
        free(shards[k]);
    free(shards);
    free(mapped);
    free(shard_of);
    spec_free(s);
    return rc;
}

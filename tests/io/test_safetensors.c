/* Unit tests of the safetensors header reader on files this test writes: the header, then a
 * hole as long as the tensors' data (a sparse file: no disk is used, however large). GPT-2's
 * Hub checkpoint layout with its causal-mask buffers, a sharded index, every dtype, and each
 * kind of bad header with its exact error line. */
#include "check.h"

#include "vizgen/modelsrc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/vizgen-st-%d-%s",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid(), name);
    return buf[k];
}

/* Writes the 8-byte length, the header as given, and `data` bytes of hole. */
static void write_raw(const char *path, const char *header, uint64_t data)
{
    FILE *f = fopen(path, "wb");
    uint64_t n = strlen(header);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    fwrite(len, 1, 8, f);
    fwrite(header, 1, n, f);
    fflush(f);
    if (ftruncate(fileno(f), (off_t)(8 + n + data)) != 0)
        perror("ftruncate");
    fclose(f);
}

struct entry {
    const char *name, *dtype;
    uint64_t shape[4];
    int rank;
};

static unsigned dtype_size(const char *dtype)
{
    if (strstr(dtype, "64"))
        return 8;
    if (strstr(dtype, "32"))
        return 4;
    if (strstr(dtype, "16"))
        return 2;
    return 1;
}

/* A header of these tensors, laid out one after another as safetensors writes them. */
static void write_checkpoint(const char *path, const struct entry *e, size_t n, const char *meta)
{
    size_t cap = 200 * n + 256;
    char *h = malloc(cap), *at = h;
    uint64_t off = 0;
    at += sprintf(at, "{");
    if (meta)
        at += sprintf(at, "\"__metadata__\":%s,", meta);
    for (size_t i = 0; i < n; i++) {
        uint64_t numel = 1;
        at += sprintf(at, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", i ? "," : "", e[i].name,
                      e[i].dtype);
        for (int r = 0; r < e[i].rank; r++) {
            numel *= e[i].shape[r];
            at += sprintf(at, "%s%llu", r ? "," : "", (unsigned long long)e[i].shape[r]);
        }
        uint64_t bytes = numel * dtype_size(e[i].dtype);
        at += sprintf(at, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
                      (unsigned long long)(off + bytes));
        off += bytes;
    }
    sprintf(at, "}");
    write_raw(path, h, off);
    free(h);
}

/* GPT-2 small as the Hub stores it: no "transformer." prefix, no lm_head (tied), and a
 * [1,1,1024,1024] causal mask "h.N.attn.bias" in every layer. */
static size_t gpt2_entries(struct entry *e, char names[][48])
{
    size_t n = 0;
    const uint64_t h = 768;
    e[n++] = (struct entry){"wte.weight", "F32", {50257, h}, 2};
    e[n++] = (struct entry){"wpe.weight", "F32", {1024, h}, 2};
    for (int l = 0; l < 12; l++) {
        const struct {
            const char *part;
            uint64_t a, b;
            int rank;
        } parts[] = {{"ln_1.weight", h, 0, 1},
                     {"ln_1.bias", h, 0, 1},
                     {"attn.bias", 1, 0, 4},
                     {"attn.c_attn.weight", h, 3 * h, 2},
                     {"attn.c_attn.bias", 3 * h, 0, 1},
                     {"attn.c_proj.weight", h, h, 2},
                     {"attn.c_proj.bias", h, 0, 1},
                     {"ln_2.weight", h, 0, 1},
                     {"ln_2.bias", h, 0, 1},
                     {"mlp.c_fc.weight", h, 4 * h, 2},
                     {"mlp.c_fc.bias", 4 * h, 0, 1},
                     {"mlp.c_proj.weight", 4 * h, h, 2},
                     {"mlp.c_proj.bias", h, 0, 1}};
        for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
            snprintf(names[n], 48, "h.%d.%s", l, parts[p].part);
            e[n] = (struct entry){names[n], "F32", {parts[p].a, parts[p].b}, parts[p].rank};
            if (parts[p].rank == 4)
                e[n] = (struct entry){names[n], "F32", {1, 1, 1024, 1024}, 4};
            n++;
        }
    }
    e[n++] = (struct entry){"ln_f.weight", "F32", {h}, 1};
    e[n++] = (struct entry){"ln_f.bias", "F32", {h}, 1};
    return n;
}

static int load(const char *path, struct model_source *m, struct diag *d)
{
    diag_init(d);
    return model_source_load(path, m, d);
}

static void test_gpt2_checkpoint(void)
{
    struct entry e[200];
    char names[200][48];
    size_t n = gpt2_entries(e, names);
    const char *path = tmp_path("model.safetensors");
    write_checkpoint(path, e, n, "{\"format\":\"pt\"}");
    struct model_source m;
    struct diag d;
    if (!CHECK(load(path, &m, &d) == VZ_OK)) {
        fprintf(stderr, "    %s\n", diag_text(&d));
        return;
    }
    struct param_counts pc;
    uint64_t by_dtype[ST_DTYPES];
    model_source_count(&m, &pc, by_dtype);
    CHECK(pc.total == 124439808ULL);
    CHECK(pc.buffers == 12ULL * 1024 * 1024);
    CHECK(pc.total + pc.buffers == 137022720ULL);
    CHECK(by_dtype[ST_F32] == 124439808ULL);
    CHECK(pc.component[PARAM_EMBEDDING] == 50257ULL * 768);
    CHECK(pc.component[PARAM_HEAD] == 0);
    CHECK(m.data_bytes == 137022720ULL * 4);

    /* Layer by layer, the checkpoint and GPT2Config's defaults must agree, masks left out. */
    struct model_source cfg = {.kind = SOURCE_CONFIG};
    char json[] = "{\"model_type\": \"gpt2\"}";
    struct param_layers from_file, from_config;
    if (CHECK(model_config_parse("config.json", json, strlen(json), &cfg.config, &cfg.model_type,
                                 &d) == VZ_OK) &&
        CHECK(model_source_layers(&m, &from_file, &d) == VZ_OK)) {
        if (CHECK(model_source_layers(&cfg, &from_config, &d) == VZ_OK)) {
            CHECK(from_file.n == 12 && from_config.n == 12);
            for (size_t l = 0; l < 12 && from_file.n == 12; l++)
                CHECK(memcmp(from_file.layer[l], from_config.layer[l], sizeof from_file.layer[l]) ==
                      0);
            CHECK(memcmp(from_file.before, from_config.before, sizeof from_file.before) == 0);
            CHECK(memcmp(from_file.after, from_config.after, sizeof from_file.after) == 0);
            CHECK(from_file.before[PARAM_POSITIONS] == 1024ULL * 768);
            CHECK(from_file.after[PARAM_NORMS] == 2ULL * 768);
            CHECK(from_file.layer[5][PARAM_ATTENTION] == 768ULL * 2304 + 2304 + 768ULL * 768 + 768);
            param_layers_free(&from_config);
        }
        param_layers_free(&from_file);
    }
    free(cfg.model_type);
    model_source_free(&m);
    unlink(path);
}

/* Two shards and their index, every dtype among the tensors. */
static void test_sharded_every_dtype(void)
{
    static const char *const dtypes[] = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3",
                                         "I16",  "U16", "F16", "BF16",    "I32",
                                         "U32",  "F32", "F64", "I64",     "U64"};
    struct entry a[15], b[2];
    char names[15][48];
    for (int i = 0; i < 15; i++) {
        snprintf(names[i], 48, "model.layers.%d.mlp.up_proj.weight", i);
        a[i] = (struct entry){names[i], dtypes[i], {3, 5}, 2};
    }
    b[0] = (struct entry){"model.embed_tokens.weight", "BF16", {100, 8}, 2};
    b[1] = (struct entry){"lm_head.weight", "BF16", {100, 8}, 2};
    char dir_index[256];
    snprintf(dir_index, sizeof dir_index, "%s", tmp_path("model.safetensors.index.json"));
    char *slash = strrchr(dir_index, '/');
    char shard1[256], shard2[256];
    snprintf(shard1, sizeof shard1, "%.*s/%d-a-00001.safetensors", (int)(slash - dir_index),
             dir_index, (int)getpid());
    snprintf(shard2, sizeof shard2, "%.*s/%d-a-00002.safetensors", (int)(slash - dir_index),
             dir_index, (int)getpid());
    write_checkpoint(shard1, a, 15, NULL);
    write_checkpoint(shard2, b, 2, NULL);
    FILE *f = fopen(dir_index, "w");
    fprintf(f, "{\"metadata\": {\"total_size\": 0}, \"weight_map\": {");
    for (int i = 0; i < 15; i++)
        fprintf(f, "\"%s\": \"%s\", ", names[i], strrchr(shard1, '/') + 1);
    fprintf(f, "\"model.embed_tokens.weight\": \"%s\", \"lm_head.weight\": \"%s\"}}",
            strrchr(shard2, '/') + 1, strrchr(shard2, '/') + 1);
    fclose(f);
    struct model_source m;
    struct diag d;
    if (CHECK(load(dir_index, &m, &d) == VZ_OK)) {
        struct param_counts pc;
        uint64_t by_dtype[ST_DTYPES];
        model_source_count(&m, &pc, by_dtype);
        CHECK(m.n_shards == 2 && m.n_tensors == 17);
        CHECK(pc.total == 15 * 15 + 1600);
        for (int i = 0; i < ST_DTYPES; i++)
            CHECK(by_dtype[i] == (i == ST_BF16 ? 15u + 1600 : 15u));
        CHECK(pc.component[PARAM_MLP] == 225 && pc.component[PARAM_HEAD] == 800);
        model_source_free(&m);
    } else {
        fprintf(stderr, "    %s\n", diag_text(&d));
    }
    /* An index that puts a tensor in the wrong shard. */
    f = fopen(dir_index, "w");
    fprintf(f,
            "{\"weight_map\": {\"model.embed_tokens.weight\": \"%s\", \"lm_head.weight\": "
            "\"%s\"}}",
            strrchr(shard1, '/') + 1, strrchr(shard2, '/') + 1);
    fclose(f);
    CHECK(load(dir_index, &m, &d) == VZ_EINPUT);
    char want[512];
    snprintf(want, sizeof want,
             "error: the index puts \"model.embed_tokens.weight\" in %s, but it "
             "is in %s",
             strrchr(shard1, '/') + 1, strrchr(shard2, '/') + 1);
    CHECK(strstr(diag_text(&d), want) != NULL);
    unlink(shard1);
    unlink(shard2);
    unlink(dir_index);
}

static void expect(const char *header, uint64_t data, const char *tail)
{
    const char *path = tmp_path("bad.safetensors");
    write_raw(path, header, data);
    struct model_source m;
    struct diag d;
    CHECK(load(path, &m, &d) == VZ_EINPUT);
    const char *line = diag_text(&d);
    const char *colon = strstr(line, ": error: ");
    if (!CHECK(colon && strcmp(colon + 2, tail) == 0))
        fprintf(stderr, "    got      %s\n    expected ...: %s\n", line, tail);
    unlink(path);
}

static void test_bad_headers(void)
{
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
           "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
           12, "error: tensor \"b\" (bytes 4 to 12) overlaps \"a\"");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
           "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}",
           20, "error: data bytes 8 to 12 belong to no tensor");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8,
           "error: a.data_offsets: 8 bytes for 3 F32 numbers, which take 12");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
           "error: the tensors' data ends at byte 8, past the 4 bytes the file has after its "
           "header");
    expect("{\"a\":{\"dtype\":\"F17\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8,
           "error: a.dtype: unknown value \"F17\" (did you mean \"F16\"?)");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
           "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}",
           16, "error: tensor \"a\" appears twice in the header");
    expect("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"offsets\":[0,8]}}", 8,
           "error: a.offsets: unknown key");
    expect("{\"__metadata__\":{\"format\":1}}", 0,
           "error: __metadata__.format: expected a string, got 1");
    /* A length longer than the file, and one over the format's cap. */
    const char *path = tmp_path("long.safetensors");
    FILE *f = fopen(path, "wb");
    fwrite("\x40\x00\x00\x00\x00\x00\x00\x00{}", 1, 10, f);
    fclose(f);
    struct model_source m;
    struct diag d;
    CHECK(load(path, &m, &d) == VZ_EINPUT);
    CHECK(strstr(diag_text(&d), "error: header length 64 runs past the end of the file (10 "
                                "bytes)") != NULL);
    f = fopen(path, "wb");
    fwrite("\x00\xe2\xf5\x05\x00\x00\x00\x00{}", 1, 10, f); /* 100,000,256 */
    fclose(f);
    CHECK(load(path, &m, &d) == VZ_EINPUT);
    CHECK(strstr(diag_text(&d), "error: header length 100000256 is over the format's limit of "
                                "100000000 bytes") != NULL);
    f = fopen(path, "wb");
    fwrite("\x02\x00\x00", 1, 3, f);
    fclose(f);
    CHECK(load(path, &m, &d) == VZ_EINPUT);
    CHECK(strstr(diag_text(&d), "error: 3 bytes: too short for a safetensors header") != NULL);
    unlink(path);
}

int main(void)
{
    RUN(test_gpt2_checkpoint);
    RUN(test_sharded_every_dtype);
    RUN(test_bad_headers);
    return check_summary();
}

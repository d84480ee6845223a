/* graphemes: utf8proc normalises to NFC and finds the cluster boundaries; equal characters get
 * equal ids through a small open-addressing table of their texts. */
#include "vizgen/graphemes.h"

#include "vizgen/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* FNV-1a: stable across runs and machines, which the colours that use it need. */
static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* Gives each distinct text an id, in order of first appearance. */
static int intern(struct graphemes *g)
{
    size_t cap = 16;
    while (cap < 2 * g->n)
        cap *= 2;
    size_t *table = malloc(cap * sizeof *table); /* index + 1 of a character; 0: empty */
    if (!table)
        return -1;
    memset(table, 0, cap * sizeof *table);
    uint32_t next = 0;
    for (size_t i = 0; i < g->n; i++) {
        size_t at = fnv1a(g->text[i]) & (cap - 1);
        while (table[at] && strcmp(g->text[table[at] - 1], g->text[i]) != 0)
            at = (at + 1) & (cap - 1);
        if (table[at]) {
            g->ids[i] = g->ids[table[at] - 1];
        } else {
            table[at] = i + 1;
            g->ids[i] = next++;
        }
    }
    free(table);
    return 0;
}

/* Appends nfc[start, end) as the next character. */
static int emit(struct graphemes *g, const utf8proc_uint8_t *nfc, size_t start, size_t end)
{
    char *t = malloc(end - start + 1);
    if (!t)
        return -1;
    memcpy(t, nfc + start, end - start);
    t[end - start] = 0;
    g->text[g->n++] = t;
    return 0;
}

int graphemes_split(const char *s, struct graphemes *g)
{
    memset(g, 0, sizeof *g);
    utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!nfc)
        return -1;
    size_t len = strlen((const char *)nfc), cap = utf8_length((const char *)nfc) + 1;
    g->text = calloc(cap, sizeof *g->text);
    g->ids = calloc(cap, sizeof *g->ids);
    int rc = g->text && g->ids ? 0 : -1;
    utf8proc_int32_t state = 0, prev = 0;
    size_t start = 0, at = 0;
    while (rc == 0 && at < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(nfc + at, (utf8proc_ssize_t)(len - at), &cp);
        if (k <= 0) {
            rc = -1; /* not valid UTF-8, which callers have checked */
            break;
        }
        if (at > start && utf8proc_grapheme_break_stateful(prev, cp, &state)) {
            rc = emit(g, nfc, start, at);
            start = at;
        }
        prev = cp;
        at += (size_t)k;
    }
    if (rc == 0 && at > start)
        rc = emit(g, nfc, start, at);
    free(nfc);
    if (rc == 0)
        rc = intern(g);
    if (rc)
        graphemes_free(g);
    return rc;
}

void graphemes_free(struct graphemes *g)
{
    for (size_t i = 0; g->text && i < g->n; i++)
        free(g->text[i]);
    free(g->text);
    free(g->ids);
    memset(g, 0, sizeof *g);
}

void graphemes_visible(const struct graphemes *g, size_t i, char *out, size_t size)
{
    const char *shown = g->text[i];
    char one[8];
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)shown, -1, &cp);
    if (k > 0 && shown[k] == 0) { /* whitespace and controls are single code points */
        utf8_visible((uint32_t)cp, one);
        shown = one;
    }
    snprintf(out, size, "%s", shown);
}

uint32_t graphemes_hash(const struct graphemes *g, size_t i)
{
    return fnv1a(g->text[i]);
}

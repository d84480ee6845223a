/* Text render tests, across figure kinds: every script draws in an installed font, characters
 * no font has are reported once, letters count as a reader sees them, and long titles wrap
 * rather than end in "…". Needs fonts-droid-fallback (CJK) and fonts-noto-color-emoji. */
#include "check.h"
#include "probe.h"

#include <stdlib.h>
#include <string.h>

static struct probe_files pf;

static const char *mark_text(const cJSON *m)
{
    const cJSON *t = m ? cJSON_GetObjectItem(m, "text") : NULL;
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* vizgen's stderr from the last render, whole. */
static char *stderr_text(void)
{
    FILE *f = fopen(pf.err, "r");
    char *buf = calloc(1, 65536);
    if (f && buf)
        buf[fread(buf, 1, 65535, f)] = 0;
    if (f)
        fclose(f);
    return buf;
}

static int occurrences(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* The pixels of a text mark's box that are not the page: its ink, as a bitmap. */
static int ink(const struct png_image *img, const cJSON *m, unsigned char *bits, int cap)
{
    int n = 0, x0 = (int)probe_num(m, "x"), y0 = (int)probe_num(m, "y");
    int w = (int)probe_num(m, "w") + 1, h = (int)probe_num(m, "h") + 1;
    uint32_t page = probe_pixel(img, x0 - 1, y0 - 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w && n < cap; x++)
            bits[n++] = probe_pixel(img, x0 + x, y0 + y) != page;
    return n;
}

static void cjk_draws_in_an_installed_font_and_missing_characters_are_reported(void)
{
    struct png_image img;
    cJSON *l;
    /* 東 twice, then a private-use character no font has. */
    if (!CHECK(probe_render(
                   &pf, "{\"figure\": \"letter-counting\", \"text\": \"\\u6771\\u6771\\ue000\"}",
                   NULL, &img, &l) == 0))
        return;
    unsigned char a[4096], b[4096];
    int na = ink(&img, probe_mark(l, "char", 0), a, sizeof a);
    int nb = ink(&img, probe_mark(l, "char", 2), b, sizeof b);
    int inked = 0, differ = 0;
    for (int i = 0; i < na && i < nb; i++) {
        inked += a[i];
        differ += a[i] != b[i];
    }
    /* 東 has many strokes; the missing-glyph box is an outline with a code in it. */
    CHECK(inked > 40);
    CHECK(differ * 4 > inked);
    char *err = stderr_text();
    CHECK(err && occurrences(err, "U+E000") == 1 && !strstr(err, "U+6771")); /* said once */
    free(err);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void every_script_draws_without_warnings(void)
{
    struct png_image img;
    cJSON *l;
    /* Japanese, Arabic (right to left, joined), accented Latin and an emoji. */
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"model-compression\", \"title\": \"\\u6771\\u4eac "
                            "\\u0645\\u0631\\u062d\\u0628\\u0627 T\\u014dky\\u014d "
                            "\\ud83d\\udc0d\", \"bars\": [{\"label\": \"\\u91cf\\u5b50\\u5316\", "
                            "\"value\": 1}]}",
                            NULL, &img, &l) == 0))
        return;
    char *err = stderr_text();
    CHECK(err && err[0] == 0);
    free(err);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void letters_count_characters_as_a_reader_sees_them(void)
{
    struct png_image img;
    cJSON *l;
    /* "café" with a combining accent, then precomposed, then a snake twice. */
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"letter-counting\", \"text\": \"cafe\\u0301 "
                            "caf\\u00e9 \\ud83d\\udc0d\\ud83d\\udc0d\"}",
                            NULL, &img, &l) == 0))
        return;
    CHECK(probe_count(l, "char") == 12);
    CHECK(strcmp(mark_text(probe_mark(l, "char", 3)), mark_text(probe_mark(l, "char", 8))) == 0);
    /* The second é has one earlier copy, and so does the second snake. */
    CHECK(strcmp(mark_text(probe_mark(l, "count", 8)), "Count: 1") == 0 ||
          strcmp(mark_text(probe_mark(l, "count", 8)), "1") == 0);
    CHECK(probe_count(l, "arc") >= 6);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void long_titles_wrap_and_keep_every_word(void)
{
    char title[400] = "", text[1200];
    const char *words[] = {"Memory",  "reduction", "through",  "quantization,",
                           "pruning", "and",       "low-rank", "adapters",
                           "on",      "a",         "small",    "transformer"};
    for (size_t i = 0; strlen(title) < 240; i++) {
        strcat(title, words[i % 12]);
        strcat(title, " ");
    }
    title[strlen(title) - 1] = 0;
    snprintf(text, sizeof text,
             "{\"figure\": \"model-compression\", \"title\": \"%s\", \"subtitle\": \"%s\", "
             "\"bars\": [{\"label\": \"a\", \"value\": 2}, {\"label\": \"b\", \"value\": 1}]}",
             title, title);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
        return;
    int lines = probe_count(l, "title");
    CHECK(lines >= 2 && probe_count(l, "subtitle") >= 2);
    char joined[800] = "";
    for (int i = 0; i < lines; i++) {
        const char *t = mark_text(probe_mark(l, "title", i));
        CHECK(strstr(t, "\xe2\x80\xa6") == NULL);
        if (i)
            strcat(joined, " ");
        strncat(joined, t, sizeof joined - strlen(joined) - 1);
        size_t n = strlen(joined); /* Pango leaves the space that broke the line at its end */
        while (n && joined[n - 1] == ' ')
            joined[--n] = 0;
    }
    CHECK(strcmp(joined, title) == 0);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(cjk_draws_in_an_installed_font_and_missing_characters_are_reported);
    RUN(every_script_draws_without_warnings);
    RUN(letters_count_characters_as_a_reader_sees_them);
    RUN(long_titles_wrap_and_keep_every_word);
    probe_cleanup(&pf);
    return check_summary();
}

/* letter-counting render tests: run vizgen, decode the PNG and read the layout dump, and check what
 * a reader would see — boxes, counts and colours computed from the text, arcs, highlights and the
 * attention strip. */
#include "check.h"
#include "probe.h"

#include "vizgen/attention.h"
#include "vizgen/color.h"
#include "vizgen/colormap.h"
#include "vizgen/utf8.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct probe_files pf;

static void letters_boxes_counts_and_colours_follow_the_text(void)
{
    const char *s = "i like movies a lot";
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\"}",
                            NULL, &img, &l) == 0))
        return;
    size_t n;
    uint32_t *cps = utf8_decode(s, &n);
    int counts[32];
    letter_counts(cps, n, 2, false, counts);
    CHECK(probe_count(l, "box") == (int)n);
    uint32_t fill[32];
    double prev_x = -1;
    for (size_t i = 0; i < n; i++) {
        const cJSON *b = probe_mark(l, "box", (int)i);
        CHECK(probe_num(b, "index") == (double)i);
        CHECK(probe_num(b, "x") > prev_x);
        prev_x = probe_num(b, "x");
        fill[i] = probe_pixel(&img, probe_num(b, "x") + 4, probe_num(b, "y") + 4);
        const cJSON *c = probe_mark(l, "count", (int)i);
        char want[16];
        snprintf(want, sizeof want, "%d%s", counts[i], counts[i] >= 2 ? "+" : "");
        const char *got = cJSON_GetObjectItem(c, "text")->valuestring;
        /* "Count: N" or, when that does not fit, "N" under a "count" row header. */
        CHECK(strcmp(got, want) == 0 ||
              (strncmp(got, "Count: ", 7) == 0 && strcmp(got + 7, want) == 0));
    }
    /* Colour means repetition: repeated characters share a fill exactly when they are the same
     * character; what occurs once is one neutral fill, unlike any repeated one. */
    int total[32];
    letter_counts(cps, n, 0, true, total);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) {
            if (total[i] > 0 && total[j] > 0)
                CHECK((fill[i] == fill[j]) == (cps[i] == cps[j]));
            else if (total[i] == 0 && total[j] == 0)
                CHECK(fill[i] == fill[j]);
            else
                CHECK(fill[i] != fill[j]);
        }
    /* "all": one arc per (position, earlier occurrence) pair. */
    int pairs = 0, with_earlier = 0;
    for (size_t i = 0; i < n; i++) {
        int any = 0;
        for (size_t j = 0; j < i; j++)
            if (cps[j] == cps[i])
                pairs++, any = 1;
        with_earlier += any;
    }
    CHECK(probe_count(l, "arc") == pairs);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
    if (CHECK(probe_render(&pf,
                           "{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\", "
                           "\"arcs\": \"nearest\"}",
                           NULL, &img, &l) == 0)) {
        CHECK(probe_count(l, "arc") == with_earlier);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
    free(cps);
}

static void letters_highlight_dims_the_rest(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\", "
                            "\"highlight\": [3, 11]}",
                            NULL, &img, &l) == 0))
        return;
    /* Box 3 ('i', highlighted) is more saturated than box 0 ('i', dimmed). */
    const cJSON *b0 = probe_mark(l, "box", 0), *b3 = probe_mark(l, "box", 3);
    double l0 = probe_luminance((uint32_t)probe_num(b0, "rgb")),
           l3 = probe_luminance((uint32_t)probe_num(b3, "rgb"));
    CHECK(l3 < l0);
    /* The arc from 3 back to 0 is drawn at full colour; the one from 10 back is faded. */
    const cJSON *m;
    int strong = 0, faded = 0;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        if (strcmp(cJSON_GetObjectItem(m, "role")->valuestring, "arc") != 0)
            continue;
        double lum = probe_luminance((uint32_t)probe_num(m, "rgb"));
        int from = (int)probe_num(m, "index");
        if (from == 3 || from == 11)
            strong += lum < 0.5;
        else
            faded += lum > 0.5;
    }
    CHECK(strong == 2);
    CHECK(faded == probe_count(l, "arc") - 2);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void letters_attention_strip_shows_the_core_row(void)
{
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf,
                            "{\"figure\": \"letter-counting\", \"text\": \"i like movies a lot\","
                            " \"attention_query\": 10, \"sharpness\": 4}",
                            NULL, &img, &l) == 0))
        return;
    size_t n;
    uint32_t *cps = utf8_decode("i like movies a lot", &n);
    struct attn a;
    attn_init(&a, n, n);
    attn_add_sink(&a);
    attn_letter_counting(&a, cps, MASK_CAUSAL_STRICT, 4, 0, 1);
    CHECK(probe_count(l, "strip-cell") == (int)n);
    for (size_t j = 0; j < n; j++) {
        const cJSON *c = probe_mark(l, "strip-cell", (int)j);
        double x = probe_num(c, "x"), y = probe_num(c, "y"), w_ = probe_num(c, "w"),
               h = probe_num(c, "h");
        float w = a.w[10 * n + j];
        if (attn_masked(w))
            CHECK(probe_hatched(&img, x + 1, y + 1, w_ - 2, h - 2));
        else
            CHECK_NEAR(probe_invert(CMAP_VIRIDIS, probe_pixel(&img, x + w_ / 2, y + h / 2)), w,
                       1.0 / 255);
    }
    /* Position 10 is the third 'i': its earlier copies hold most of its attention, and the
     * caption gives what the null key takes. */
    CHECK(a.w[10 * n + 0] + a.w[10 * n + 3] >= 0.8);
    char want[32];
    snprintf(want, sizeof want, "takes %.2f", a.sink[10]);
    const cJSON *cap = probe_mark(l, "strip-caption", 0);
    CHECK(cap && strstr(cJSON_GetObjectItem(cap, "text")->valuestring, want) != NULL);
    CHECK(probe_text_ok(l));
    attn_free(&a);
    free(cps);
    cJSON_Delete(l);
    probe_png_free(&img);
}

static void letters_text_never_overlaps_at_19_60_and_200_characters(void)
{
    const int sizes[] = {19, 60, 200};
    for (int k = 0; k < 3; k++) {
        char text[512] = "{\"figure\": \"letter-counting\", \"text\": \"";
        size_t at = strlen(text);
        for (int i = 0; i < sizes[k]; i++)
            text[at++] = "anarchists advocate self governed societies"[i % 43];
        strcpy(text + at, "\"}");
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf, text, NULL, &img, &l) == 0))
            continue;
        if (!CHECK(probe_text_ok(l)))
            fprintf(stderr, "    at %d characters\n", sizes[k]);
        CHECK(probe_count(l, "box") == sizes[k]);
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

/* The fill of every box whose character is ch (one UTF-8 byte here), from the dump; 0 if none. */
static unsigned fill_of(const cJSON *l, const char *text, char ch)
{
    unsigned rgb = 0;
    for (int i = 0; text[i]; i++)
        if (text[i] == ch) {
            unsigned c = (unsigned)probe_num(probe_mark(l, "box", i), "rgb");
            if (rgb && c != rgb)
                return 0;
            rgb = c;
        }
    return rgb;
}

static void letters_keep_their_colours_from_figure_to_figure(void)
{
    const char *a = "banana bread", *b = "two cats and a tent";
    char spec[256];
    cJSON *la, *lb;
    struct png_image img;
    snprintf(spec, sizeof spec, "{\"figure\": \"letter-counting\", \"text\": \"%s\"}", a);
    if (!CHECK(probe_render(&pf, spec, NULL, &img, &la) == 0))
        return;
    probe_png_free(&img);
    snprintf(spec, sizeof spec, "{\"figure\": \"letter-counting\", \"text\": \"%s\"}", b);
    if (CHECK(probe_render(&pf, spec, NULL, &img, &lb) == 0)) {
        /* 'a' repeats in both: first of the repeats in one, after 't' in the other. */
        unsigned fa = fill_of(la, a, 'a'), fb = fill_of(lb, b, 'a');
        CHECK(fa != 0 && fa == fb);
        /* 'n' and 't' repeat too, and differ from 'a' in their own text. */
        CHECK(fill_of(la, a, 'n') != fa && fill_of(lb, b, 't') != fb);
        probe_png_free(&img);
        cJSON_Delete(lb);
    }
    cJSON_Delete(la);
}

/* Every arc between rows is drawn as two halves, one in each row, and none is lost. */
static void letters_arcs_continue_across_rows(void)
{
    const char *s = "the cat sat on the mat and the hat was flat as a mat";
    char spec[256];
    snprintf(spec, sizeof spec,
             "{\"figure\": \"letter-counting\", \"text\": \"%s\", \"size\": \"3.3in\", "
             "\"arcs\": \"nearest\"}",
             s);
    struct png_image img;
    cJSON *l;
    if (!CHECK(probe_render(&pf, spec, NULL, &img, &l) == 0))
        return;
    size_t n = strlen(s);
    double row_y0 = probe_num(probe_mark(l, "box", 0), "y");
    CHECK(probe_num(probe_mark(l, "box", (int)n - 1), "y") > row_y0); /* it wraps */
    int whole = 0, halves = 0, want = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j-- > 0;)
            if (s[j] == s[i]) {
                want++;
                break;
            }
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItem(l, "marks"))
    {
        const char *role = cJSON_GetObjectItem(m, "role")->valuestring;
        whole += strcmp(role, "arc") == 0;
        halves += strcmp(role, "arc-part") == 0;
    }
    CHECK(halves > 0 && halves % 2 == 0);
    CHECK(whole + halves / 2 == want);
    CHECK(probe_text_ok(l));
    cJSON_Delete(l);
    probe_png_free(&img);
}

static double contrast(uint32_t a, uint32_t b)
{
    double la = probe_luminance(a), lb = probe_luminance(b);
    return (fmax(la, lb) + 0.05) / (fmin(la, lb) + 0.05);
}

/* On either page every box keeps a border that stands out from it (WCAG's 3:1 for graphics). */
static void letters_box_borders_contrast_with_the_page_in_both_themes(void)
{
    for (int dark = 0; dark < 2; dark++) {
        struct png_image img;
        cJSON *l;
        if (!CHECK(probe_render(&pf,
                                "{\"figure\": \"letter-counting\", \"text\": "
                                "\"i like movies a lot, so it seems\"}",
                                dark ? "--theme dark" : NULL, &img, &l) == 0))
            continue;
        uint32_t paper = probe_pixel(&img, 1, 1);
        int n = probe_count(l, "box-edge");
        CHECK(n == probe_count(l, "box") && n > 0);
        for (int i = 0; i < n; i++) {
            double c = contrast((uint32_t)probe_num(probe_mark(l, "box-edge", i), "rgb"), paper);
            if (!CHECK(c >= 3))
                fprintf(stderr, "    box %d: %.2f:1 on the %s page\n", i, c,
                        dark ? "dark" : "light");
        }
        cJSON_Delete(l);
        probe_png_free(&img);
    }
}

/* --dump-data gives the counts drawn, equal to counting here, character by character. */
static void letters_data_dump_counts_the_text(void)
{
    const char *text = "banana bread and butter";
    char spec[256];
    snprintf(spec, sizeof spec, "{\"figure\": \"letter-counting\", \"text\": \"%s\", \"cap\": 2}",
             text);
    struct png_image img;
    cJSON *l, *j;
    if (!CHECK(probe_render_data(&pf, spec, NULL, &img, &l, &j) == 0))
        return;
    const cJSON *counts = cJSON_GetObjectItem(j, "counts"),
                *chars = cJSON_GetObjectItem(j, "characters");
    CHECK(cJSON_GetArraySize(counts) == (int)strlen(text));
    for (int i = 0; i < (int)strlen(text); i++) {
        int want = 0;
        for (int k = 0; k < i; k++)
            want += text[k] == text[i];
        CHECK(cJSON_GetArrayItem(counts, i)->valueint == (want > 2 ? 2 : want));
        CHECK(cJSON_GetArrayItem(chars, i)->valuestring[0] == text[i]);
    }
    cJSON_Delete(j);
    cJSON_Delete(l);
    probe_png_free(&img);
}

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(letters_boxes_counts_and_colours_follow_the_text);
    RUN(letters_highlight_dims_the_rest);
    RUN(letters_attention_strip_shows_the_core_row);
    RUN(letters_text_never_overlaps_at_19_60_and_200_characters);
    RUN(letters_keep_their_colours_from_figure_to_figure);
    RUN(letters_arcs_continue_across_rows);
    RUN(letters_box_borders_contrast_with_the_page_in_both_themes);
    RUN(letters_data_dump_counts_the_text);
    probe_cleanup(&pf);
    return check_summary();
}

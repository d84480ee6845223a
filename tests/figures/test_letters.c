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
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            CHECK((fill[i] == fill[j]) == (cps[i] == cps[j]));
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

int main(int argc, char **argv)
{
    if (probe_args(&pf, argc, argv))
        return 2;
    RUN(letters_boxes_counts_and_colours_follow_the_text);
    RUN(letters_highlight_dims_the_rest);
    RUN(letters_attention_strip_shows_the_core_row);
    RUN(letters_text_never_overlaps_at_19_60_and_200_characters);
    probe_cleanup(&pf);
    return check_summary();
}

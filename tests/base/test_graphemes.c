/* Unit tests of graphemes: characters as a reader counts them — combining accents and emoji
 * sequences are one character, canonically equal spellings are the same character, and a
 * character's hash does not depend on the string it is in. */
#include "check.h"

#include "vizgen/graphemes.h"

#include <string.h>

static void combining_accents_are_part_of_their_letter(void)
{
    struct graphemes a, b;
    /* "café" with U+0301 COMBINING ACUTE ACCENT, and with U+00E9 precomposed. */
    CHECK(graphemes_split("cafe\xcc\x81", &a) == 0);
    CHECK(graphemes_split("caf\xc3\xa9", &b) == 0);
    CHECK(a.n == 4 && b.n == 4);
    CHECK(strcmp(a.text[3], b.text[3]) == 0); /* both in normal form C */
    CHECK(graphemes_hash(&a, 3) == graphemes_hash(&b, 3));
    graphemes_free(&a);
    graphemes_free(&b);
}

static void emoji_and_variation_selectors_are_one_character(void)
{
    struct graphemes g;
    /* 🐍, ❤ + VS16, a family joined by ZWJ, a flag of two regional indicators. */
    const char *s = "\xf0\x9f\x90\x8d"
                    "\xe2\x9d\xa4\xef\xb8\x8f"
                    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"
                    "\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5";
    CHECK(graphemes_split(s, &g) == 0);
    CHECK(g.n == 4);
    graphemes_free(&g);
}

static void equal_characters_share_an_id_in_order_of_appearance(void)
{
    struct graphemes g;
    CHECK(graphemes_split("abcab", &g) == 0);
    CHECK(g.n == 5);
    CHECK(g.ids[0] == 0 && g.ids[1] == 1 && g.ids[2] == 2 && g.ids[3] == 0 && g.ids[4] == 1);
    /* Many distinct characters: ids stay distinct past the table's first size. */
    char text[3000];
    size_t at = 0;
    for (unsigned cp = 0x4e00; cp < 0x4e00 + 900; cp++) {
        text[at++] = (char)(0xe0 | (cp >> 12));
        text[at++] = (char)(0x80 | ((cp >> 6) & 0x3f));
        text[at++] = (char)(0x80 | (cp & 0x3f));
    }
    text[at] = 0;
    struct graphemes big;
    CHECK(graphemes_split(text, &big) == 0);
    CHECK(big.n == 900 && big.ids[899] == 899);
    graphemes_free(&big);
    graphemes_free(&g);
}

static void whitespace_is_shown_visibly(void)
{
    struct graphemes g;
    char out[16];
    CHECK(graphemes_split("a b\t", &g) == 0);
    graphemes_visible(&g, 1, out, sizeof out);
    CHECK(strcmp(out, "\xe2\x90\xa3") == 0); /* ␣ */
    graphemes_visible(&g, 3, out, sizeof out);
    CHECK(strcmp(out, "\xe2\x87\xa5") == 0); /* ⇥ */
    graphemes_visible(&g, 0, out, sizeof out);
    CHECK(strcmp(out, "a") == 0);
    graphemes_free(&g);
}

int main(void)
{
    RUN(combining_accents_are_part_of_their_letter);
    RUN(emoji_and_variation_selectors_are_one_character);
    RUN(equal_characters_share_an_id_in_order_of_appearance);
    RUN(whitespace_is_shown_visibly);
    return check_summary();
}

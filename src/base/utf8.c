/* utf8: a strict decoder (RFC 3629), so labels and letter counts agree on what a character is. */
#include "vizgen/utf8.h"

#include <stdlib.h>
#include <string.h>

/* Decodes one sequence at s (len bytes left); returns its length, or 0 if invalid. */
static int decode_one(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)n > len)
        return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

long utf8_invalid_at(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n = decode_one((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            return (long)i;
        i += (size_t)n;
    }
    return -1;
}

uint32_t *utf8_decode(const char *s, size_t *n_out)
{
    size_t len = strlen(s);
    uint32_t *cps = malloc((len + 1) * sizeof *cps);
    if (!cps)
        return NULL;
    size_t i = 0, n = 0;
    while (i < len) {
        int k = decode_one((const unsigned char *)s + i, len - i, &cps[n]);
        if (k == 0) {
            free(cps);
            return NULL;
        }
        i += (size_t)k;
        n++;
    }
    *n_out = n;
    return cps;
}

int utf8_encode(uint32_t cp, char *out)
{
    int n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    out[n] = '\0';
    return n;
}

size_t utf8_prefix_bytes(const char *s, size_t n)
{
    size_t i = 0;
    while (s[i] && n > 0) {
        i++;
        while ((s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if ((*s & 0xC0) != 0x80)
            n++;
    return n;
}

void utf8_printable(const char *s, char *out, size_t size)
{
    size_t used = 0, len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        int n = decode_one((const unsigned char *)s + i, len - i, &cp);
        if (n == 0)
            break;
        char buf[5];
        int k;
        if (cp < 0x20 || cp == 0x7f)
            k = utf8_encode(cp == 0x7f ? 0x2421 : 0x2400 + cp, buf);
        else if (cp >= 0x80 && cp <= 0x9f)
            k = utf8_encode(0xfffd, buf);
        else
            k = utf8_encode(cp, buf);
        if (used + (size_t)k >= size)
            break;
        memcpy(out + used, buf, (size_t)k);
        used += (size_t)k;
        i += (size_t)n;
    }
    if (size)
        out[used] = '\0';
}

void utf8_visible(uint32_t cp, char *out)
{
    switch (cp) {
    case ' ':
        cp = 0x2423; /* OPEN BOX */
        break;
    case '\t':
        cp = 0x21E5; /* RIGHTWARDS ARROW TO BAR */
        break;
    case '\n':
        cp = 0x23CE; /* RETURN SYMBOL */
        break;
    default:
        if (cp < 0x20 || cp == 0x7F)
            cp = 0xFFFD;
    }
    utf8_encode(cp, out);
}

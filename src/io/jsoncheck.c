/* jsoncheck: recursive-descent validation without building a tree (cJSON builds it afterwards). */
#include "jsoncheck.h"

#include "vizgen/utf8.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
    const char *s;
    size_t len, i;
    const char *msg;
    char *w; /* data mode: the buffer to write non-finite numbers' markers into; else NULL */
};

static int fail(struct cursor *c, const char *msg)
{
    c->msg = msg;
    return -1;
}

static int at_end(const struct cursor *c)
{
    return c->i >= c->len;
}

static void skip_ws(struct cursor *c)
{
    while (!at_end(c) &&
           (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\r' || c->s[c->i] == '\n'))
        c->i++;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static int hex4(struct cursor *c, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        if (at_end(c))
            return fail(c, "unterminated string");
        char h = c->s[c->i];
        unsigned d;
        if (is_digit(h))
            d = (unsigned)(h - '0');
        else if (h >= 'a' && h <= 'f')
            d = (unsigned)(h - 'a' + 10);
        else if (h >= 'A' && h <= 'F')
            d = (unsigned)(h - 'A' + 10);
        else
            return fail(c, "invalid \\u escape: expected 4 hex digits");
        v = v * 16 + d;
        c->i++;
    }
    *out = v;
    return 0;
}

static int check_string(struct cursor *c)
{
    c->i++; /* opening quote */
    for (;;) {
        if (at_end(c))
            return fail(c, "unterminated string");
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            return 0;
        }
        if (ch < 0x20)
            return fail(c, "unescaped control character in string");
        if (ch == '\\') {
            size_t esc_at = c->i;
            c->i++;
            if (at_end(c))
                return fail(c, "unterminated string");
            char e = c->s[c->i++];
            if (e == 'u') {
                unsigned u;
                if (hex4(c, &u))
                    return -1;
                if (u == 0) {
                    c->i = esc_at;
                    return fail(c, "\\u0000 is not allowed in strings");
                }
                if (u >= 0xDC00 && u <= 0xDFFF) {
                    c->i = esc_at;
                    return fail(c, "invalid \\u escape: lone low surrogate");
                }
                if (u >= 0xD800 && u <= 0xDBFF) {
                    unsigned lo;
                    if (c->len - c->i < 2 || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u') {
                        c->i = esc_at;
                        return fail(c, "invalid \\u escape: high surrogate without a low one");
                    }
                    c->i += 2;
                    if (hex4(c, &lo))
                        return -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        c->i = esc_at;
                        return fail(c, "invalid \\u escape: high surrogate without a low one");
                    }
                }
            } else if (!strchr("\"\\/bfnrt", e)) {
                c->i = esc_at;
                return fail(c, "invalid escape sequence in string");
            }
            continue;
        }
        if (ch < 0x80) {
            c->i++;
            continue;
        }
        size_t n = c->len - c->i < 4 ? c->len - c->i : 4;
        /* Validate exactly one sequence: its length comes from the lead byte. */
        size_t want = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
        if (want > n || utf8_invalid_at(c->s + c->i, want) != -1)
            return fail(c, "invalid UTF-8 in string");
        c->i += want;
    }
}

static int check_number(struct cursor *c)
{
    size_t start = c->i;
    if (c->s[c->i] == '-')
        c->i++;
    if (at_end(c) || !is_digit(c->s[c->i])) {
        c->i = start;
        return fail(c, "invalid number");
    }
    if (c->s[c->i] == '0' && c->i + 1 < c->len && is_digit(c->s[c->i + 1])) {
        c->i = start;
        return fail(c, "invalid number: leading zero");
    }
    while (!at_end(c) && is_digit(c->s[c->i]))
        c->i++;
    if (!at_end(c) && c->s[c->i] == '.') {
        c->i++;
        if (at_end(c) || !is_digit(c->s[c->i])) {
            c->i = start;
            return fail(c, "invalid number: expected a digit after '.'");
        }
        while (!at_end(c) && is_digit(c->s[c->i]))
            c->i++;
    }
    if (!at_end(c) && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (!at_end(c) && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (at_end(c) || !is_digit(c->s[c->i])) {
            c->i = start;
            return fail(c, "invalid number: expected a digit in the exponent");
        }
        while (!at_end(c) && is_digit(c->s[c->i]))
            c->i++;
    }
    /* 1e400 is valid JSON but no double: the tree would hold infinity and every message after
     * would say "inf" about a number the spec never wrote. */
    char text[64];
    size_t len = c->i - start;
    if (len < sizeof text) {
        memcpy(text, c->s + start, len);
        text[len] = '\0';
        if (isinf(strtod(text, NULL))) {
            c->i = start;
            return fail(c, "number out of range: larger than any double");
        }
    }
    return 0;
}

static int check_literal(struct cursor *c, const char *word)
{
    size_t n = strlen(word);
    if (c->len - c->i < n || memcmp(c->s + c->i, word, n) != 0)
        return fail(c, "expected a value");
    c->i += n;
    return 0;
}

static int check_value(struct cursor *c, int depth);

/* Python's json writes NaN, Infinity and -Infinity bare. In data mode each becomes a string of
 * the same length whose first byte is 0xFF, which no JSON string can hold (it is not UTF-8 and
 * \u escapes decode to UTF-8), so positions after it are unchanged and it cannot be confused
 * with a real string. */
static int check_nonfinite(struct cursor *c)
{
    static const char *const words[] = {"NaN", "Infinity", "-Infinity"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (c->len - c->i < n || memcmp(c->s + c->i, words[k], n) != 0)
            continue;
        if (!c->w)
            return fail(c, "NaN and Infinity are not valid JSON numbers");
        char *m = c->w + c->i;
        memset(m, ' ', n);
        m[0] = '"';
        m[1] = (char)JSONCHECK_NONFINITE;
        if (k > 0)
            m[2] = words[k][0] == '-' ? '-' : '+';
        m[n - 1] = '"';
        c->i += n;
        return 0;
    }
    return -1;
}

static int check_container(struct cursor *c, int depth, char close)
{
    if (depth >= JSONCHECK_MAX_DEPTH)
        return fail(c, "nesting deeper than 256 levels");
    const char *after = close == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
    c->i++;
    skip_ws(c);
    if (!at_end(c) && c->s[c->i] == close) {
        c->i++;
        return 0;
    }
    for (;;) {
        skip_ws(c);
        if (at_end(c))
            return fail(c, "unexpected end of input");
        if (close == '}') {
            if (c->s[c->i] == '/')
                return fail(c, "comments are not allowed in JSON");
            if (c->s[c->i] == '\'')
                return fail(c, "strings must use double quotes");
            if (c->s[c->i] != '"')
                return fail(c, c->s[c->i] == '}' ? "trailing comma before '}'"
                                                 : "expected a string key");
            if (check_string(c))
                return -1;
            skip_ws(c);
            if (at_end(c))
                return fail(c, "unexpected end of input");
            if (c->s[c->i] != ':')
                return fail(c, "expected ':'");
            c->i++;
            skip_ws(c);
        } else if (c->s[c->i] == ']') {
            return fail(c, "trailing comma before ']'");
        }
        if (check_value(c, depth + 1))
            return -1;
        skip_ws(c);
        if (at_end(c))
            return fail(c, "unexpected end of input");
        if (c->s[c->i] == close) {
            c->i++;
            return 0;
        }
        if (c->s[c->i] != ',')
            return fail(c, after);
        c->i++;
    }
}

static int check_value(struct cursor *c, int depth)
{
    skip_ws(c);
    if (at_end(c))
        return fail(c, "unexpected end of input");
    char ch = c->s[c->i];
    switch (ch) {
    case '{':
        return check_container(c, depth, '}');
    case '[':
        return check_container(c, depth, ']');
    case '"':
        return check_string(c);
    case 't':
        return check_literal(c, "true");
    case 'f':
        return check_literal(c, "false");
    case 'n':
        return check_literal(c, "null");
    case '/':
        return fail(c, "comments are not allowed in JSON");
    case '\'':
        return fail(c, "strings must use double quotes");
    default:
        if (check_nonfinite(c) == 0)
            return 0;
        if (c->msg)
            return -1;
        if (ch == '-' || is_digit(ch))
            return check_number(c);
        return fail(c, "expected a value");
    }
}

static int check(const char *buf, char *w, size_t len, size_t *err_at, const char **msg)
{
    struct cursor c = {buf, len, 0, NULL, w};
    if (memchr(buf, '\0', len)) {
        c.i = (size_t)((const char *)memchr(buf, '\0', len) - buf);
        *err_at = c.i;
        *msg = "NUL byte in input";
        return -1;
    }
    int rc = check_value(&c, 0);
    if (rc == 0) {
        skip_ws(&c);
        if (!at_end(&c)) {
            rc = -1;
            c.msg = c.s[c.i] == '/' ? "comments are not allowed in JSON"
                                    : "expected end of input after the top-level value";
        }
    }
    if (rc) {
        *err_at = c.i;
        *msg = c.msg;
    }
    return rc;
}

int jsoncheck(const char *buf, size_t len, size_t *err_at, const char **msg)
{
    return check(buf, NULL, len, err_at, msg);
}

int jsoncheck_data(char *buf, size_t len, size_t *err_at, const char **msg)
{
    return check(buf, buf, len, err_at, msg);
}

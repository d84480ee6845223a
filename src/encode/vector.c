/* vector: Cairo writes through a stream callback into the output it is given. SVG goes through
 * memory first: Cairo has no way to give an SVG a <title>, which screen readers and browsers'
 * tab titles use, so we add one. */
#include "vizgen/vector.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    FILE *f = closure;
    return fwrite(data, 1, length, f) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

/* Text for XML character data: markup escaped, and control characters, which XML 1.0 does not
 * allow even escaped, shown as U+FFFD, so a title never makes the document invalid. */
static void write_xml_escaped(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            fputs("\xef\xbf\xbd", f);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) /* C1 controls, U+0080-U+009F */
            fputs("\xef\xbf\xbd", f), p++;
        else
            fputc(*p, f);
    }
}

/* Copies Cairo's SVG to f with <title> as the first child of <svg>. */
static void write_svg_with_title(FILE *f, const char *svg, size_t len, const char *title)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    if (!end) {
        fwrite(svg, 1, len, f);
        return;
    }
    size_t head = (size_t)(end - svg) + 1;
    fwrite(svg, 1, head, f);
    fputs("\n<title>", f);
    write_xml_escaped(f, title);
    fputs("</title>", f);
    fwrite(svg + head, 1, len - head, f);
}

int vector_write(struct canvas *cv, enum vector_format fmt, FILE *out, const char *name,
                 const char *title, struct diag *d)
{
    char *mem = NULL;
    size_t mem_len = 0;
    /* SVG goes through memory, to have its <title> added; PDF goes straight out. */
    FILE *sink = fmt == VECTOR_SVG ? open_memstream(&mem, &mem_len) : out;
    if (!sink)
        return diag_oom(d);
    double w = cv->width, h = cv->height;
    cairo_surface_t *s;
    if (fmt == VECTOR_SVG) {
        s = cairo_svg_surface_create_for_stream(write_stream, sink, w, h);
        cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
    } else {
        s = cairo_pdf_surface_create_for_stream(write_stream, sink, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "vizgen " VIZGEN_VERSION);
        /* Cairo stamps the current time unless told otherwise; a fixed date keeps the same spec
         * giving the same bytes. */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    }
    /* Vector output is in points: replay at scale 1 whatever --scale says. */
    double scale = cv->scale;
    cv->scale = 1;
    int rc = canvas_replay(cv, s, d);
    cv->scale = scale;
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (rc == VZ_OK && st != CAIRO_STATUS_SUCCESS)
        rc = diag_in(d, VZ_EIO, name, "writing failed: %s", cairo_status_to_string(st));
    if (fmt == VECTOR_SVG) {
        if (fclose(sink) != 0 && rc == VZ_OK)
            rc = diag_oom(d);
        if (rc == VZ_OK)
            write_svg_with_title(out, mem, mem_len, title);
        free(mem);
    }
    return rc;
}

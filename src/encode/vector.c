/* vector: Cairo writes through a stream callback into the output it is given. SVG goes through
 * memory first: Cairo has no way to give an SVG a <title>, which screen readers and browsers'
 * tab titles use, nor a size in inches, so we add them. */
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

/* Copies Cairo's SVG to f with its size on the page in inches (Cairo writes the viewBox's
 * numbers, CSS pixels) and <title> as the first child of <svg>. */
static void write_svg(FILE *f, const char *svg, size_t len, const char *title, double w_in,
                      double h_in)
{
    const char *open = strstr(svg, "<svg");
    const char *end = open ? strchr(open, '>') : NULL;
    const char *width = open ? strstr(open, " width=\"") : NULL;
    const char *view = open ? strstr(open, " viewBox=") : NULL;
    if (!end || !width || !view || width > view || view > end) {
        fwrite(svg, 1, len, f);
        return;
    }
    /* Cairo's tag: <svg xmlns... width="W" height="H" viewBox=... version=...> */
    fwrite(svg, 1, (size_t)(width - svg), f);
    fprintf(f, " width=\"%.4gin\" height=\"%.4gin\"", w_in, h_in);
    size_t head = (size_t)(end - svg) + 1;
    fwrite(view, 1, head - (size_t)(view - svg), f);
    fputs("\n<title>", f);
    write_xml_escaped(f, title);
    fputs("</title>", f);
    fwrite(svg + head, 1, len - head, f);
}

int vector_write(struct canvas *cv, enum vector_format fmt, FILE *out, const char *name,
                 const char *title, double unit_pt, struct diag *d)
{
    char *mem = NULL;
    size_t mem_len = 0;
    /* SVG goes through memory, to have its <title> added; PDF goes straight out. */
    FILE *sink = fmt == VECTOR_SVG ? open_memstream(&mem, &mem_len) : out;
    if (!sink)
        return diag_oom(d);
    /* PDF is in points; SVG in CSS pixels (96 an inch), which browsers show at its size. */
    double unit = fmt == VECTOR_SVG ? unit_pt * 96 / 72 : unit_pt;
    double w = cv->width * unit, h = cv->height * unit;
    cairo_surface_t *s;
    if (fmt == VECTOR_SVG) {
        s = cairo_svg_surface_create_for_stream(write_stream, sink, w, h);
        cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
    } else {
        s = cairo_pdf_surface_create_for_stream(write_stream, sink, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "vizgen " VIZGEN_VERSION);
        /* Cairo stamps the current time unless told otherwise; a fixed date keeps the same spec
         * giving the same bytes. */
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z");
    }
    /* Replayed at the document's units per layout unit, whatever the pixels would be. */
    double scale = cv->scale;
    cv->scale = unit;
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
            write_svg(out, mem, mem_len, title, w / 96, h / 96);
        free(mem);
    }
    return rc;
}

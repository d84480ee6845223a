/* figure: the registry of figure kinds. A kind is one file that exports a `struct figure_kind`:
 * its key table, a parse step for what the table cannot say (rules across keys, derived data)
 * and a render step; the registry reads the spec through the tables, so a new kind is one
 * file, one row in figure_kinds[] and its table. The pipeline around it is in render.h. */
#ifndef VIZGEN_FIGURE_H
#define VIZGEN_FIGURE_H

#include "vizgen/diag.h"
#include "vizgen/keys.h"
#include "vizgen/spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct canvas;
struct theme;
struct attn_source;

/* Keys every spec may carry, read by the registry before the kind's own, and what follows from
 * them. A figure is laid out in units of 1/15 of its body text (the body font is FONT_LABEL
 * units), so the layout is the same at every resolution and adapts to the width asked for. */
struct figure_common {
    char *title, *subtitle, *output;
    bool titled;      /* the spec gave the title (else it is the kind's default) */
    double size_pt;   /* width on the page, points */
    double height_pt; /* height on the page asked for, points; 0: as the content needs */
    double aspect;    /* width / height asked for instead; 0: none */
    double font_pt;   /* body text, points */
    double dpi;       /* PNG resolution asked for (raised to keep 1200 pixels across) */
    double scale;     /* PNG pixels per dot, for HiDPI; the size on the page stays */
    int theme_choice; /* index into theme_names; theme is what it names */
    const struct theme *theme;
    bool transparent;
    const char *spec_path; /* where the spec was read from (borrowed), to resolve its paths */
    size_t max_cells;      /* the most cells one attention panel may have */
    /* derived by figure_common_derive */
    double unit_pt;     /* points per layout unit */
    double width;       /* layout units across */
    double height;      /* layout units down asked for; 0: as the content needs */
    double px_per_unit; /* PNG pixels per layout unit, scale included */
    double png_dpi;     /* the PNG's resolution as recorded: pixels across / inches across */
};

/* Fills the derived fields from the keys (again after command-line overrides). */
void figure_common_derive(struct figure_common *c);

enum { FIGURE_MAX_CELLS = 16384 * 16384, FIGURE_MAX_INPUTS = 64 };

struct figure_kind {
    const char *name;
    const char *summary;        /* one line for `vizgen list` */
    const char *default_output; /* file name under out/ */
    const char *default_title, *default_subtitle;
    const struct key_set *keys; /* its own keys; a KEY_GROUP row brings in shared ones */
    size_t size;                /* of the struct that keys_read fills and parse completes */
    /* What the table cannot check or compute: rules across keys, limits that depend on the
     * data, derived arrays. fig holds the keys already read. Optional. */
    int (*parse)(struct spec_node root, const struct figure_common *c, void *fig, struct diag *d);
    /* Draws the figure and sets cv->height. */
    int (*render)(const void *fig, const struct figure_common *c, struct canvas *cv,
                  struct diag *d);
    /* The default title once parse has seen the data, when it depends on it (real weights
     * are not letter counting). Optional: default_title. */
    const char *(*title)(const void *fig);
    /* Releases what parse derived (not the keys, not fig itself). Optional. */
    void (*free)(void *fig);
    /* The attention the figure shows, for `vizgen stats`. Optional. */
    const struct attn_source *(*attention)(const void *fig);
    /* Files it reads besides those its KEY_PATH keys name (shards an index lists, say), as
     * keys_paths reports them. Called after the keys are read and before parse. Optional. */
    size_t (*inputs)(const void *fig, const char **paths, size_t cap);
};

/* The registry, NULL-terminated. */
extern const struct figure_kind *const figure_kinds[];
/* The keys every kind shares (title, output, theme...). */
extern const struct key_set figure_common_keys;

/* Fills names with the kinds' names, NULL-terminated, at most cap entries including the NULL. */
void figure_names(const char **names, size_t cap);
/* The kind called name, or NULL. */
const struct figure_kind *figure_find(const char *name);

/* Parses and validates the spec at spec_path. want, if not NULL, is the kind the caller
 * expects; max_cells 0 means FIGURE_MAX_CELLS. On success the caller owns *fig (release with
 * figure_free) and *common (figure_common_free). Errors name the spec file. */
int figure_load(const char *spec_path, const struct figure_kind *want, size_t max_cells,
                const struct figure_kind **kind, void **fig, struct figure_common *common,
                struct diag *d);
/* The same for a spec already parsed (fuzzing, tests); spec_path names it in messages. It is
figure_begin followed by figure_complete. */
int figure_parse(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d);
/* The first half: finds the kind and reads every key through the tables, which is enough to
 * know the output and the inputs (figure_inputs) without opening any of them. On error nothing
 * is left to release. */
int figure_begin(const struct spec *s, const char *spec_path, const struct figure_kind *want,
                 size_t max_cells, const struct figure_kind **kind, void **fig,
                 struct figure_common *common, struct diag *d);
/* The second half: the kind's parse step, which may load input files. s must be the spec
 * figure_begin read. On error fig and common are released. */
int figure_complete(const struct spec *s, const struct figure_kind *kind, void **fig,
                    struct figure_common *common, struct diag *d);
void figure_free(const struct figure_kind *kind, void *fig); /* NULL fig is fine */
void figure_common_free(struct figure_common *c);

/* Every file the figure reads (its KEY_PATH values and the kind's own inputs), up to cap;
 * returns how many there are. The strings belong to fig. */
size_t figure_inputs(const struct figure_kind *kind, const void *fig, const char **paths,
                     size_t cap);

/* `vizgen KIND --help`: the kind's keys, defaults and help, from its tables. */
void figure_help(const struct figure_kind *kind, FILE *f);
/* The kind's JSON Schema (draft 2020-12), from the same tables. */
void figure_schema(const struct figure_kind *kind, FILE *f);

#endif

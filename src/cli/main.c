/* main: the command line — parses arguments and dispatches; all work happens in the library. */
#include "vizgen/batch.h"
#include "vizgen/draw.h"
#include "vizgen/figure.h"
#include "vizgen/interrupt.h"
#include "vizgen/render.h"
#include "vizgen/png.h"
#include "vizgen/report.h"
#include "vizgen/watch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
    "usage: vizgen <figure> <spec.json> [-o PATH|-] [--format F] [--size LEN] [--scale S]\n"
    "                                   [--theme T] [--transparent] [--dump-layout FILE]\n"
    "                                   [--dump-data FILE]\n"
    "       vizgen render <spec.json> [options]   (the kind comes from the spec's \"figure\")\n"
    "       vizgen all [DIR] [--force] [--jobs N]  (every spec in DIR, default data/)\n"
    "       vizgen watch [DIR]                     (re-render specs in DIR as they are saved)\n"
    "       vizgen stats <spec.json> [--json] [--k N] [--threshold T] [--max-cells N]\n"
    "       vizgen params <config.json|model.safetensors|index.json> [--json]\n"
    "       vizgen spec <figure.png>               (print the spec embedded in a figure)\n"
    "       vizgen schema <figure>                 (the JSON Schema of that kind's specs)\n"
    "       vizgen list | vizgen <figure> --help | vizgen --help | vizgen --version\n";

static int fail_usage(const char *fmt, const char *arg)
{
    fputs("vizgen: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see 'vizgen --help')\n", stderr);
    return VZ_EINPUT;
}

/* The one positional argument a subcommand takes; a dash-led one is an unknown option. */
static int positional(const char *a, const char **slot)
{
    if (a[0] == '-' && a[1])
        return fail_usage("unknown option '%s'", a);
    if (*slot)
        return fail_usage("unexpected argument '%s'", a);
    *slot = a;
    return VZ_OK;
}

static int parse_double(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = s ? strtod(s, &end) : NAN;
    if (!s || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "vizgen: error: %s: expected a number from %g to %g, got '%s'\n", opt, lo,
                hi, s ? s : "");
        return VZ_EINPUT;
    }
    *out = v;
    return VZ_OK;
}

/* The index of arg in names (NULL-terminated), or -1 after saying which were expected. */
static int choose(const char *opt, const char *arg, const char *const *names)
{
    char list[128] = "";
    size_t used = 0;
    for (int k = 0; names[k]; k++) {
        if (strcmp(arg, names[k]) == 0)
            return k;
        const char *sep = k == 0 ? "" : names[k + 1] ? ", " : " or ";
        used += (size_t)snprintf(list + used, used < sizeof list ? sizeof list - used : 0,
                                 "%s\"%s\"", sep, names[k]);
    }
    fprintf(stderr, "vizgen: error: %s: expected %s, got '%s' (see 'vizgen --help')\n", opt, list,
            arg);
    return -1;
}

static void print_help(void)
{
    fputs("vizgen " VIZGEN_VERSION
          " - publication-quality PNG figures about transformer models\n\n",
          stdout);
    fputs(usage, stdout);
    fputs(
        "\noptions:\n"
        "  -o PATH             output file (default: the spec's \"output\", else out/<name>.png);\n"
        "                      .svg and .pdf write vector files; - is standard output\n"
        "  --format F          png, svg or pdf, for standard output or a name without extension\n"
        "  --size LEN          width on the page, e.g. 3.3in or 8.4cm (default 8in)\n"
        "  --scale S           multiplies the PNG's pixels, e.g. 2 for HiDPI; the size on the page "
        "stays\n"
        "  --theme T           \"light\" (default) or \"dark\" for figures on dark pages\n"
        "  --transparent       transparent background instead of the theme's paper\n"
        "  --dump-layout FILE  write the box of every drawn mark as JSON\n"
        "  --dump-data FILE    write the numbers the figure drew as JSON\n"
        "  --max-cells N       most cells per attention matrix (default 16384x16384)\n"
        "  --force             (all) render even figures that are up to date\n"
        "  --jobs N            (all) worker threads (default: one per core)\n"
        "\nexit status: 0 success, 1 I/O or rendering failure, 2 bad usage or bad spec\n",
        stdout);
}

static int list_kinds(void)
{
    for (const struct figure_kind *const *k = figure_kinds; *k; k++)
        printf("%-20s %s\n", (*k)->name, (*k)->summary);
    return VZ_OK;
}

static int render(const struct figure_kind *kind, int argc, char **argv)
{
    struct render_opts opts = {0};
    const char *spec = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 && kind) {
            figure_help(kind, stdout);
            return VZ_OK;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i >= argc)
                return fail_usage("%s needs a path", a);
            opts.output = argv[i];
        } else if (strcmp(a, "--format") == 0) {
            int k = choose(a, ++i < argc ? argv[i] : "", render_format_names);
            if (k < 0)
                return VZ_EINPUT;
            opts.format = render_format_names[k];
        } else if (strcmp(a, "--dump-layout") == 0) {
            if (++i >= argc)
                return fail_usage("%s needs a path", a);
            opts.dump_layout = argv[i];
        } else if (strcmp(a, "--dump-data") == 0) {
            if (++i >= argc)
                return fail_usage("%s needs a path", a);
            opts.dump_data = argv[i];
        } else if (strcmp(a, "--size") == 0) {
            const char *v = ++i < argc ? argv[i] : "";
            double pt;
            if (!key_length_parse(v, &pt) || pt < 2 * 72 || pt > 40 * 72)
                return fail_usage("--size needs a length from 2in to 40in such as \"3.3in\" "
                                  "or \"8.4cm\", got '%s'",
                                  v);
            opts.size = v;
            opts.size_pt = pt;
        } else if (strcmp(a, "--scale") == 0) {
            if (parse_double(a, ++i < argc ? argv[i] : NULL, 0.25, 8, &opts.scale))
                return VZ_EINPUT;
        } else if (strcmp(a, "--transparent") == 0) {
            opts.transparent = true;
        } else if (strcmp(a, "--max-cells") == 0) {
            double v;
            if (parse_double(a, ++i < argc ? argv[i] : NULL, 1, 1e12, &v))
                return VZ_EINPUT;
            opts.max_cells = (size_t)v;
        } else if (strcmp(a, "--theme") == 0) {
            int k = choose(a, ++i < argc ? argv[i] : "", theme_names);
            if (k < 0)
                return VZ_EINPUT;
            opts.theme = themes[k];
        } else if (positional(a, &spec) != VZ_OK) {
            return VZ_EINPUT;
        }
    }
    if (!spec)
        return fail_usage("%s", "missing spec file");
    struct diag d;
    diag_init(&d);
    char *written = NULL;
    bool skipped;
    /* A signal stops the render at once; the interrupt thread removes its temporaries. */
    struct interrupt in;
    if (interrupt_start(&in, -1) != 0) {
        fputs("vizgen: error: cannot start: out of threads\n", stderr);
        return VZ_EIO;
    }
    opts.temps = &in.temps;
    int rc = figure_render_file(spec, kind, &opts, &written, &skipped, &d);
    interrupt_stop(&in);
    diag_print(&d, stderr);
    /* Standard output may be the figure itself: the report goes only where it cannot mix. */
    if (!rc && strcmp(written, "-") != 0)
        printf("wrote %s\n", written);
    free(written);
    return rc;
}

static int stats(int argc, char **argv)
{
    struct report_opts opts = {false, 3, 0.1, 0};
    const char *spec = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        double v;
        if (strcmp(a, "--json") == 0) {
            opts.json = true;
        } else if (strcmp(a, "--k") == 0) {
            if (parse_double(a, ++i < argc ? argv[i] : NULL, 1, 64, &v))
                return VZ_EINPUT;
            opts.k = (int)v;
        } else if (strcmp(a, "--max-cells") == 0) {
            if (parse_double(a, ++i < argc ? argv[i] : NULL, 1, 1e12, &v))
                return VZ_EINPUT;
            opts.max_cells = (size_t)v;
        } else if (strcmp(a, "--threshold") == 0) {
            if (parse_double(a, ++i < argc ? argv[i] : NULL, 0, 1, &opts.threshold))
                return VZ_EINPUT;
        } else if (positional(a, &spec) != VZ_OK) {
            return VZ_EINPUT;
        }
    }
    if (!spec)
        return fail_usage("%s", "missing spec file");
    struct diag d;
    diag_init(&d);
    int rc = report_stats(spec, &opts, stdout, &d);
    diag_print(&d, stderr);
    return rc;
}

static int params(int argc, char **argv)
{
    const char *file = NULL;
    bool as_json = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            as_json = true;
        else if (positional(argv[i], &file) != VZ_OK)
            return VZ_EINPUT;
    }
    if (!file)
        return fail_usage("%s", "missing a config.json, .safetensors or index file");
    struct diag d;
    diag_init(&d);
    int rc = report_params(file, as_json, stdout, &d);
    diag_print(&d, stderr);
    return rc;
}

static int all(int argc, char **argv)
{
    struct batch_opts opts = {false, 0, isatty(STDERR_FILENO) != 0, NULL, NULL};
    const char *dir = NULL;
    for (int i = 0; i < argc; i++) {
        double v;
        if (strcmp(argv[i], "--force") == 0) {
            opts.force = true;
        } else if (strcmp(argv[i], "--jobs") == 0) {
            const char *opt = argv[i++];
            if (parse_double(opt, i < argc ? argv[i] : NULL, 1, 64, &v))
                return VZ_EINPUT;
            opts.workers = (int)v;
        } else if (positional(argv[i], &dir) != VZ_OK) {
            return VZ_EINPUT;
        }
    }
    struct interrupt in;
    if (interrupt_start(&in, -1) != 0) {
        fputs("vizgen: error: cannot start: out of threads\n", stderr);
        return VZ_EIO;
    }
    opts.interrupt = &in;
    opts.temps = &in.temps;
    int rc = batch_render_dir(dir ? dir : "data", &opts, stdout, stderr);
    interrupt_stop(&in);
    return rc;
}

static int print_spec(int argc, char **argv)
{
    if (argc != 1)
        return fail_usage("%s", "spec takes one PNG file");
    struct diag d;
    diag_init(&d);
    char *json;
    int rc = png_embedded_text(argv[0], "vizgen-spec", &json, &d);
    if (rc) {
        diag_print(&d, stderr);
        return rc;
    }
    puts(json);
    free(json);
    return VZ_OK;
}

/* The kind called name, or a usage error naming the nearest kind. */
static const struct figure_kind *find_kind(const char *name)
{
    const struct figure_kind *kind = figure_find(name);
    if (kind)
        return kind;
    const char *names[16];
    figure_names(names, 16);
    const char *hint = spec_nearest(name, (const char *const *const[]){names, NULL});
    if (hint)
        fprintf(stderr, "vizgen: error: unknown figure kind '%s' (did you mean '%s'?)\n", name,
                hint);
    else
        fprintf(stderr, "vizgen: error: unknown figure kind or command '%s' (see 'vizgen list')\n",
                name);
    return NULL;
}

static int print_schema(int argc, char **argv)
{
    if (argc != 1)
        return fail_usage("%s", "schema takes one figure kind (see 'vizgen list')");
    const struct figure_kind *kind = find_kind(argv[0]);
    if (!kind)
        return VZ_EINPUT;
    figure_schema(kind, stdout);
    return VZ_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return VZ_EINPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        print_help();
        return VZ_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("vizgen " VIZGEN_VERSION);
        return VZ_OK;
    }
    if (strcmp(cmd, "list") == 0)
        return list_kinds();
    if (strcmp(cmd, "render") == 0)
        return render(NULL, argc - 2, argv + 2);
    if (strcmp(cmd, "stats") == 0)
        return stats(argc - 2, argv + 2);
    if (strcmp(cmd, "params") == 0)
        return params(argc - 2, argv + 2);
    if (strcmp(cmd, "all") == 0)
        return all(argc - 2, argv + 2);
    if (strcmp(cmd, "spec") == 0)
        return print_spec(argc - 2, argv + 2);
    if (strcmp(cmd, "schema") == 0)
        return print_schema(argc - 2, argv + 2);
    if (strcmp(cmd, "watch") == 0) {
        if (argc > 3)
            return fail_usage("unexpected argument '%s'", argv[3]);
        return watch_dir(argc == 3 ? argv[2] : "data", stdout, stderr);
    }
    const struct figure_kind *kind = find_kind(cmd);
    if (!kind)
        return VZ_EINPUT;
    return render(kind, argc - 2, argv + 2);
}

#!/usr/bin/env bash
# One valgrind memcheck pass: a render of each default figure, SVG output, stats, and a sample of
# bad inputs must show no memory errors and no definite or indirect leaks.
set -u
vizgen=$(realpath "$1")
root=$(realpath "$(dirname "$0")/../..")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. "$(dirname "$0")/lib.sh"
memcheck() { # memcheck NAME ARGS...
    local name=$1
    shift
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --suppressions="$root/tests/valgrind.supp" \
        --log-file="$scratch/vg.log" "$vizgen" "$@" >/dev/null 2>&1
    if [ $? = 99 ] || [ -s "$scratch/vg.log" ]; then
        fail=$((fail + 1))
        echo "FAIL $name"
        head -30 "$scratch/vg.log"
    else
        pass=$((pass + 1))
    fi
}
cd "$root" || exit 2
for spec in data/*.json; do
    memcheck "render $spec" render "$spec" -o "$scratch/out.png"
done
memcheck "svg output" render data/attention.json -o "$scratch/out.svg"
memcheck "dark theme, transparent, scale 2" render data/letter-counting.json -o "$scratch/t.png" --theme dark --transparent --scale 2
memcheck "stats" stats data/attention.json --json
# From the scratch folder, so the figures land in its out/, not in the source tree's.
cd "$scratch" && memcheck "all" all "$root/data" --force && cd "$root" || exit 2
for bad in syntax_missing_comma bar_value_string unknown_key_typo heatmap_tokens_mismatch \
    letters_highlight_out_of_range title_1mb; do
    memcheck "bad input $bad" render "tests/bad/$bad.json" -o "$scratch/bad.png"
done
finish valgrind

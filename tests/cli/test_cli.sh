#!/usr/bin/env bash
# CLI behaviour that needs more than one command: atomic writes, determinism, the default specs
# in data/, list/help/version and the stats report.
set -u
vizgen=$(realpath "$1")
root=$(realpath "$(dirname "$0")/../..")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. "$(dirname "$0")/lib.sh"

cd "$scratch" || exit 2
good='{"figure": "model-compression", "bars": [{"label": "a", "value": 2}, {"label": "b", "value": 1}]}'
echo "$good" > good.json
echo '{"figure": "model-compression", "bars": []}' > bad.json

# A failed render leaves the existing figure byte for byte, and no temporary file.
check "good render succeeds" "$vizgen" render good.json -o fig.png
cp fig.png before.png
check "bad spec fails" test "$("$vizgen" render bad.json -o fig.png 2>/dev/null; echo $?)" = 2
check "existing output intact after a bad spec" cmp -s fig.png before.png
echo x > afile
check "unwritable target fails with status 1" test "$("$vizgen" render good.json -o afile/fig.png 2>/dev/null; echo $?)" = 1
check "no temporary left behind" no_temporaries .
check "out/ is created when missing" "$vizgen" render good.json
check "default output path" test -s out/model-compression.png

# Determinism: the default specs render to identical bytes twice.
for spec in "$root"/data/*.json; do
    name=$(basename "$spec" .json)
    "$vizgen" render "$spec" -o "a-$name.png" >/dev/null && "$vizgen" render "$spec" -o "b-$name.png" >/dev/null
    check "$name renders deterministically" cmp -s "a-$name.png" "b-$name.png"
    check "$name renders at scale 2" "$vizgen" render "$spec" -o "s2-$name.png" --scale 2
done
check "vizgen all renders the default specs" "$vizgen" all "$root/data"

check "list names every kind" sh -c "'$vizgen' list | grep -q '^model-compression ' && '$vizgen' list | grep -q '^attention-heatmap ' && '$vizgen' list | grep -q '^letter-counting '"
check "--version" sh -c "'$vizgen' --version | grep -Eq '^vizgen [0-9]+\.[0-9]+\.[0-9]+$'"
check "kind --help lists its keys" sh -c "'$vizgen' attention-heatmap --help | grep -q 'colormap'"

# stats: query 10 of "i like movies" ('i') attends most to the earlier 'i's at 0 and 3.
"$vizgen" stats "$root/data/attention.json" --k 2 > stats.txt
check "stats table has query 10's top keys" grep -Eq '^ +10  i .* 0 i \([0-9.]+\) 3 i \([0-9.]+\)' stats.txt
check "stats table reports the mean same-char mass" grep -q 'mean same-char mass' stats.txt
"$vizgen" stats "$root/data/attention.json" --json > stats.json
# Query 0 has no earlier key: all of its attention is on the null key.
check "stats JSON has per-query entropy and query 0 on the null key" grep -q '"query":0,"token":"i","entropy":0,.*"top":\[{"key":null,"weight":1}\],"null_key":1,' stats.json
check "stats table shows the null key" grep -Eq '^ +12  s .* ∅ \(0\.6[0-9]+\)' stats.txt

# Control characters never reach a terminal or an SVG.
printf '{"figure": "attention-heatmap", "title": "t\\u001b[2J", "tokens": ["a\\u001b[31m", "b"], "weights": [[1, 0], [0, 1]]}' > ctl.json
check "stats shows no raw ESC from a token" sh -c "! '$vizgen' stats ctl.json | grep -q \"\$(printf '\\033')\""
escape_picture=$(printf 'a\342\220\233')
check "stats shows it as a picture" sh -c "'$vizgen' stats ctl.json | grep -q '$escape_picture'"
check "an SVG whose title has a control character is valid XML" sh -c "'$vizgen' render ctl.json -o ctl.svg >/dev/null && xmllint --noout ctl.svg"

# A grid of 12x12 heads at a quarter of the pixels draws (it divided by zero).
python3 -c "import json; json.dump({'figure': 'attention-heatmap', 'layout': 'grid', 'weights': [[[[0.5, 0.5], [0.5, 0.5]]] * 12] * 12}, open('g.json', 'w'))"
check "a 12x12 grid renders at scale 0.25" sh -c "'$vizgen' render g.json -o g.png --scale 0.25 >/dev/null && pngcheck -q g.png"

finish cli

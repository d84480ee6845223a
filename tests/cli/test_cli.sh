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

check "list names every kind" sh -c "'$vizgen' list | grep -q '^model-compression ' && '$vizgen' list | grep -q '^attention-heatmap ' && '$vizgen' list | grep -q '^letter-counting ' && '$vizgen' list | grep -q '^training-curves '"
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

# Physical size: PDF and SVG are as wide as asked; a PNG's pHYs times its pixels is that width
# whatever --scale says; the smallest text stays legible (>= 6 pt) in a paper's column.
inches_of_png() { # the width in inches that a PNG's pHYs records for its pixels
    pngcheck -v "$1" | awk '/pixels\/meter/ {split($0, a, ": "); split(a[2], b, "x"); ppm = b[1] + 0}
        END {print ppm ? "'"$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}')"'" / ppm * 39.3701 : 0}'
}
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {d = a - b; exit !(d <= t && -d <= t)}'; }
for size in 3.3in 8.4cm 10in; do
    inches=$(awk -v s="$size" 'BEGIN {v = s + 0; print s ~ /cm$/ ? v / 2.54 : v}')
    "$vizgen" render "$root/data/compression.json" -o "p-$size.pdf" --size "$size" >/dev/null
    pts=$(pdfinfo "p-$size.pdf" | awk '/^Page size:/ {print $3}')
    check "the PDF page is $size wide" near "$pts" "$(awk -v i="$inches" 'BEGIN {print i * 72}')" 0.01
    "$vizgen" render "$root/data/attention.json" -o "s-$size.svg" --size "$size" >/dev/null
    check "the SVG is $size wide, in inches, with a viewBox in CSS pixels" sh -c "
        w=\$(xmllint --xpath 'string(/*/@width)' s-$size.svg); vb=\$(xmllint --xpath 'string(/*/@viewBox)' s-$size.svg)
        case \$w in *in) ;; *) exit 1 ;; esac
        awk -v w=\"\${w%in}\" -v i=$inches -v vb=\"\$vb\" 'BEGIN {split(vb, v, \" \"); d = w - i; e = v[3] - i * 96
            exit !(d < 0.001 && -d < 0.001 && e < 0.01 && -e < 0.01)}'"
    for scale in 1 2; do
        "$vizgen" render "$root/data/letter-counting.json" -o "p-$size-$scale.png" --size "$size" --scale $scale >/dev/null
        check "pHYs x pixels is $size at --scale $scale" near "$(inches_of_png "p-$size-$scale.png")" "$inches" 0.01
    done
done
for spec in "$root"/data/*.json; do
    name=$(basename "$spec" .json)
    "$vizgen" render "$spec" -o "col-$name.png" --size 3.3in --dump-layout "col-$name.json" >/dev/null
    check "$name at 3.3in: no text under 6 pt" python3 -c "
import json, sys
d = json.load(open('col-$name.json'))
small = min(m['font'] * d['unit_pt'] for m in d['marks'] if 'font' in m)
sys.exit(small < 6 - 1e-9)"
done
printf '{"figure": "attention-heatmap", "text": "i like movies", "height": "2in"}' > short.json
check "a height the figure cannot fit warns, naming the key, and still draws" sh -c "
    '$vizgen' render short.json -o short.png 2>&1 >/dev/null | grep -q 'warning: height: the figure needs' && pngcheck -q short.png"
printf '{"figure": "letter-counting", "text": "i like movies", "aspect": 1}' > square.json
"$vizgen" render square.json -o square.png >/dev/null
check "an aspect with room to spare gives that shape" test "$(od -An -tu1 -j16 -N8 square.png |
    awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" $5 * 16777216 + $6 * 65536 + $7 * 256 + $8}')" = 1200x1200

# params: the worked example's model, counted from its config.json as torch counted it when it
# trained (train.py prints 103296), as a table and as JSON.
"$vizgen" params "$root/data/letter-counting/config.json" > params.txt
check "params table totals the worked example's model" grep -Eq '^total +103,296 +100%$' params.txt
check "params table shows a layer's attention" grep -Eq '^attention +33,280 +32\.2% +16,640$' params.txt
"$vizgen" params "$root/data/letter-counting/config.json" --json > params.json
check "params JSON is JSON with the total" python3 -c "
import json, sys
d = json.load(open('params.json'))
sys.exit(not (d['total'] == 103296 and d['per_layer']['mlp'] == 33088 and
              sum(d['components'].values()) == d['total']))"
check "params of a missing file fails with status 2" test "$("$vizgen" params nothing.json 2>/dev/null; echo $?)" = 2

finish cli

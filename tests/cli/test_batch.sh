#!/usr/bin/env bash
# The regeneration workflow: `vizgen all` (parallel, incremental), `vizgen watch`, vector output
# and provenance. Waits are bounded polling loops, never fixed sleeps.
set -u
vizgen=$(realpath "$1")
scratch=$(mktemp -d)
watcher=
trap '[ -n "$watcher" ] && kill "$watcher" 2>/dev/null; rm -rf "$scratch"' EXIT
. "$(dirname "$0")/lib.sh"
cd "$scratch" || exit 2
mkdir specs
cat > specs/a.json <<'J'
{"figure": "model-compression", "output": "figs/a.png", "bars": [{"label": "x", "value": 2}]}
J
cat > specs/b.json <<'J'
{"figure": "letter-counting", "output": "figs/b.png", "text": "hello"}
J
cat > specs/c.json <<'J'
{"figure": "attention-heatmap", "output": "figs/c.png", "npy": "m.npy"}
J
echo '{"figure": "letter-counting", "output": "figs/bad.png", "text": ""}' > specs/bad.json
echo '{"tokens": ["not", "a", "figure"]}' > specs/tokens.json
# A 2x2 float32 identity written byte by byte.
{ printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
  printf '\x00\x00\x80\x3f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f'; } > specs/m.npy

"$vizgen" all specs --jobs 2 > log1 2> err1
check "all exits 2 when one spec is bad" test $? = 2
check "all renders the good specs" test -s figs/a.png -a -s figs/b.png -a -s figs/c.png
check "all reports the bad one" grep -q 'specs/bad.json: error: text: expected a non-empty string' err1
check "all prints one line per figure spec" test "$(wc -l < log1)" = 4
check "all leaves non-figure JSON alone" sh -c "! grep -q tokens log1"

rm specs/bad.json
"$vizgen" all specs > log2
check "second run finds all up to date" test "$(grep -c 'up to date' log2)" = 3
sleep 0.01; touch specs/b.json
"$vizgen" all specs > log3
check "touching a spec re-renders it alone" sh -c "grep 'specs/b.json' log3 | grep -qv 'up to date' && test \$(grep -c 'up to date' log3) = 2"
sleep 0.01; touch specs/m.npy
"$vizgen" all specs > log4
check "touching an .npy re-renders the spec that reads it" sh -c "grep 'specs/c.json' log4 | grep -qv 'up to date' && test \$(grep -c 'up to date' log4) = 2"
"$vizgen" all specs --force > log5
check "--force re-renders everything" test "$(grep -c 'up to date' log5)" = 0
# Staleness comes from the keys, before any input is opened: an input that became unreadable
# but kept its time stamp is not read for a figure that is up to date.
cp specs/m.npy m.npy.good && touch -r specs/m.npy m.npy.good
echo "not an array" > specs/m.npy && touch -r m.npy.good specs/m.npy
"$vizgen" all specs > log6 2> err6
check "an up-to-date figure's inputs are not opened" test "$(grep -c 'up to date' log6)" = 3
cp -p m.npy.good specs/m.npy

# Vector output and provenance.
check "svg renders" "$vizgen" render specs/a.json -o a.svg
check "svg is well-formed XML" xmllint --noout a.svg
check "svg carries the title" grep -q '<title>Memory Reduction Through Compression Techniques</title>' a.svg
check "pdf renders" "$vizgen" render specs/b.json -o b.pdf
check "pdf starts with %PDF" sh -c "head -c 5 b.pdf | grep -q '%PDF-'"
check "pdf has one page" sh -c "pdfinfo b.pdf | grep -Eq '^Pages: +1$'"
"$vizgen" render specs/b.json -o b2.pdf >/dev/null
check "pdf is deterministic" cmp -s b.pdf b2.pdf
"$vizgen" spec figs/b.png > round.json
check "spec round-trips through the PNG" sh -c "'$vizgen' render round.json -o round.png && cmp -s round.png figs/b.png"
check "spec of a non-vizgen file fails" sh -c "! '$vizgen' spec a.svg"

# watch: a rename-style save is picked up, a broken save keeps the last good figure, Ctrl-C stops.
mkdir w
"$vizgen" watch w > watch.out 2> watch.err &
watcher=$!
check "watch starts" wait_for grep -q watching watch.out
echo '{"figure": "letter-counting", "output": "w/out.png", "text": "abca"}' > w/.s.tmp && mv w/.s.tmp w/s.json
check "watch renders after a rename-style save" wait_for test -s w/out.png
cp w/out.png good.png
echo '{"figure": "letter-counting", "output": "w/out.png", "text": 7}' > w/.s.tmp && mv w/.s.tmp w/s.json
check "watch reports an invalid save" wait_for grep -q 'text: expected a non-empty string, got 7' watch.err
check "watch keeps the last good figure" cmp -s w/out.png good.png
echo '{"figure": "letter-counting", "output": "w/out.png", "text": "abcab"}' > w/s.json
check "watch renders after an in-place save" wait_for sh -c "! cmp -s w/out.png good.png"
# An input in another folder: saving it re-renders the spec that reads it.
mkdir wlogs
cp specs/m.npy wlogs/m.npy
echo '{"figure": "attention-heatmap", "output": "w/heat.png", "npy": "../wlogs/m.npy"}' > w/h.json
check "watch renders a spec that reads another folder" wait_for test -s w/heat.png
cp w/heat.png heat1.png
{ printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
  printf '\x00\x00\x00\x3f\x00\x00\x00\x3f\x00\x00\x00\x00\x00\x00\x80\x3f'; } > wlogs/.m.tmp && mv wlogs/.m.tmp wlogs/m.npy
check "watch re-renders when an input elsewhere is saved" wait_for sh -c "! cmp -s w/heat.png heat1.png"
# A burst of saves (an editor, a script writing many times): no save is caught half-written and
# reported as an error, and the figure ends up showing the last one.
for i in $(seq 30); do
    echo "{\"figure\": \"letter-counting\", \"output\": \"w/burst.png\", \"text\": \"burst $i\"}" > w/burst.json
done
echo '{"figure": "letter-counting", "output": "w/burst-last.png", "text": "burst 30"}' > last.json
"$vizgen" render last.json >/dev/null
check "after a burst of saves the figure shows the last one" wait_for sh -c "'$vizgen' spec w/burst.png | grep -q 'burst 30'"
check "and no save was reported as an error" sh -c "! grep -q 'burst.json' watch.err"
kill -INT "$watcher"
check "watch stops on SIGINT with status 0" wait "$watcher"
watcher=
check "watch says it stopped" grep -q stopped watch.out

# A watched folder that is deleted is reported, and watching ends.
mkdir gone
"$vizgen" watch gone > gone.out 2> gone.err &
watcher=$!
check "watch starts on a folder" wait_for grep -q watching gone.out
rm -rf gone
check "deleting the folder ends the watch" timeout 10 sh -c "while kill -0 $watcher 2>/dev/null; do sleep 0.02; done"
wait "$watcher"
check "with status 1" test $? = 1
watcher=
check "saying why" grep -q 'gone: error: the folder was deleted or moved; stopped watching' gone.err

# Interruption is tested in test_outputs.sh, where it cannot race.

finish batch

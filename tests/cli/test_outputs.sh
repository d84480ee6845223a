#!/usr/bin/env bash
# What happens to files: no output may destroy an input or another output, devices and pipes
# are written in place, outputs of one run are committed together, modes and symlinks are kept,
# leftovers are cleaned, the embedded spec regenerates the figure exactly, and a signal stops a
# render at once without leaving anything partial. Signals are sent while vizgen is provably
# blocked writing into a pipe that nobody reads, so no check depends on timing.
set -u
vizgen=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. "$(dirname "$0")/lib.sh"
cd "$scratch" || exit 2
spec='{"figure": "model-compression", "bars": [{"label": "a", "value": 2}, {"label": "b", "value": 1}]}'
echo "$spec" > s.json
cp s.json s.orig
status() { "$@" >/dev/null 2>err; echo $?; }

# Output = input.
check "-o naming the spec fails" test "$(status "$vizgen" render s.json -o s.json)" = 2
check "the spec survives -o" cmp -s s.json s.orig
check "the message says it is the spec" grep -q 'is the spec being rendered' err
check "--dump-layout naming the spec fails" test "$(status "$vizgen" render s.json -o s.png --dump-layout s.json)" = 2
check "the spec survives --dump-layout" cmp -s s.json s.orig
check "one file for figure and dump fails" test "$(status "$vizgen" render s.json -o a.png --dump-layout a.png)" = 2
check "and writes neither" test ! -e a.png
echo '{"figure": "model-compression", "output": "self.json", "bars": [{"label": "a", "value": 1}]}' > self.json
cp self.json self.orig
check "a spec whose output is itself fails" test "$(status "$vizgen" render self.json)" = 2
mkdir batch && cp self.json batch/self.json
check "all --force refuses it too" test "$(status "$vizgen" all batch --force)" = 2
check "and the spec survives all --force" cmp -s batch/self.json self.orig
{ printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
  printf '\x00\x00\x80\x3f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f'; } > m.npy
cp m.npy m.orig
echo '{"figure": "attention-heatmap", "npy": "m.npy"}' > h.json
check "an output that is the figure's input fails" test "$(status "$vizgen" render h.json -o m.npy --format png)" = 2
check "the input survives" cmp -s m.npy m.orig
ln -s m.npy link.npy
check "an output that is an input through a symlink fails" test "$(status "$vizgen" render h.json -o link.npy --format png)" = 2
check "the input survives the symlink" cmp -s m.npy m.orig

# Two specs, one output: both fail before anything is drawn, naming each other.
mkdir two
echo '{"figure": "model-compression", "output": "same.png", "bars": [{"label": "a", "value": 1}]}' > two/a.json
echo '{"figure": "letter-counting", "output": "same.png", "text": "abc"}' > two/b.json
check "two specs with one output fail" test "$(status "$vizgen" all two)" = 2
check "each names the other" sh -c "grep -q 'two/a.json: error: output: same.png is also the output of two/b.json' err && grep -q 'two/b.json: error: output: same.png is also the output of two/a.json' err"
check "and nothing is written" test ! -e same.png

# Devices, pipes and standard output are written in place.
check "-o - writes a PNG to standard output" sh -c "'$vizgen' render s.json -o - | head -c 8 | od -An -c | grep -q 'P   N   G'"
check "-o - --format svg writes SVG" sh -c "'$vizgen' render s.json -o - --format svg | grep -q '<svg'"
check "-o - prints nothing else" sh -c "'$vizgen' render s.json -o - --format svg | tail -c 7 | grep -q '</svg>'"
check "-o /dev/null succeeds" "$vizgen" render s.json -o /dev/null
check "/dev/null is still a device" test -c /dev/null
check "-o /dev/stdout into a pipe writes the PNG" sh -c "'$vizgen' render s.json -o /dev/stdout | head -c 8 | od -An -c | grep -q 'P   N   G'"
check "/dev/stdout is still a symlink" test -L /dev/stdout
mkfifo nobody.png
check "a pipe no one reads fails at once" test "$(timeout 10 "$vizgen" render s.json -o nobody.png 2>err >/dev/null; echo $?)" = 1
check "saying so" grep -q 'is a pipe that no process is reading' err

# A full disk: the error says so, and outputs of one run are committed together.
check "/dev/full fails with status 1" test "$(status "$vizgen" render s.json -o /dev/full)" = 1
check "saying there is no space" grep -q 'No space left on device' err
"$vizgen" render s.json -o keep.png >/dev/null
cp keep.png keep.orig
echo '{"figure": "model-compression", "bars": [{"label": "changed", "value": 3}]}' > s2.json
check "a dump that cannot be written fails the run" test "$(status "$vizgen" render s2.json -o keep.png --dump-layout /dev/full)" = 1
check "and the figure is not replaced" cmp -s keep.png keep.orig
check "nor is a temporary left" no_temporaries .
check "/dev/full is still a device" test -c /dev/full

# Extensions.
check "fig.SVG is SVG" sh -c "'$vizgen' render s.json -o fig.SVG >/dev/null && head -c 100 fig.SVG | grep -q '<svg'"
check "fig.PDF is PDF" sh -c "'$vizgen' render s.json -o fig.PDF >/dev/null && head -c 5 fig.PDF | grep -q '%PDF'"
check "fig.jpg is refused" test "$(status "$vizgen" render s.json -o fig.jpg)" = 2
check "naming the formats" grep -q 'must end in .png, .svg or .pdf' err
check "and not written" test ! -e fig.jpg
check "a name without extension is refused" test "$(status "$vizgen" render s.json -o figure)" = 2
check "unless --format says" sh -c "'$vizgen' render s.json -o figure --format png >/dev/null && head -c 4 figure | od -An -c | grep -q 'P   N   G'"
check "--format contradicting the extension is refused" test "$(status "$vizgen" render s.json -o x.svg --format pdf)" = 2

# Leftovers of a killed run are removed; a live process's temporary is not.
true & dead=$!
wait $dead
touch "keep.png.tmp.$dead.abcdef" "keep.png.tmp.$$.ghijkl" "other.png.tmp.$dead.mnopqr"
"$vizgen" render s.json -o keep.png >/dev/null
check "a dead process's temporary is removed" test ! -e "keep.png.tmp.$dead.abcdef"
check "a live process's temporary is kept" test -e "keep.png.tmp.$$.ghijkl"
check "another output's temporary is not touched" test -e "other.png.tmp.$dead.mnopqr"
rm -f ./*.tmp.*

# Modes follow the umask for new files and are kept for existing ones; symlinks are followed.
(umask 077 && "$vizgen" render s.json -o private.png >/dev/null)
check "a new figure follows the umask" test "$(stat -c %a private.png)" = 600
(umask 022 && "$vizgen" render s.json -o shared.png >/dev/null)
check "a new figure follows another umask" test "$(stat -c %a shared.png)" = 644
chmod 640 shared.png
"$vizgen" render s2.json -o shared.png >/dev/null
check "an existing figure keeps its mode" test "$(stat -c %a shared.png)" = 640
mkdir real && "$vizgen" render s.json -o real/fig.png >/dev/null && ln -s real/fig.png linked.png
cp real/fig.png before.png
"$vizgen" render s2.json -o linked.png >/dev/null
check "a symlinked output stays a symlink" test -L linked.png
check "and the file it names is replaced" sh -c "! cmp -s real/fig.png before.png"

# Regeneration is exact, overrides included.
"$vizgen" render s.json -o over.png --theme dark --scale 2 --size 6in --transparent >/dev/null
"$vizgen" spec over.png > regen.json
check "the embedded spec carries the overrides" sh -c "grep -q '\"scale\":2' regen.json && grep -q '\"size\":\"6in\"' regen.json"
check "and regenerates the same bytes" sh -c "'$vizgen' render regen.json -o regen.png >/dev/null && cmp -s regen.png over.png"

# A render blocked writing into a pipe that nobody reads: SIGTERM ends it at once, its other
# output's temporary is removed and the file already there is intact.
mkfifo slow.png
"$vizgen" render s.json -o keep.png >/dev/null && cp keep.png keep.orig
exec 3<>slow.png # holds the pipe open without reading it
"$vizgen" render s.json --scale 4 -o slow.png --dump-layout keep.png >/dev/null 2>&1 &
pid=$!
check "the render is under way (its temporary exists)" wait_for sh -c 'ls keep.png.tmp.* >/dev/null'
kill -TERM $pid
check "SIGTERM stops it within seconds" timeout 5 sh -c "while kill -0 $pid 2>/dev/null; do sleep 0.02; done"
wait $pid
check "with status 143" test $? = 143
check "removing its temporary" no_temporaries .
check "and leaving the file there whole" cmp -s keep.png keep.orig
exec 3<&-

# The same in a batch: SIGINT stops it, says so, and leaves only whole figures.
mkdir stuck && mkfifo stuck.png
# (A spec's "output" is relative to the working folder, its inputs to the spec's.)
echo '{"figure": "model-compression", "output": "stuck.png", "scale": 4, "bars": [{"label": "a", "value": 1}]}' > stuck/z.json
for i in 1 2 3; do
    echo "{\"figure\": \"letter-counting\", \"output\": \"done$i.png\", \"text\": \"abc$i\"}" > "stuck/a$i.json"
done
exec 3<>stuck.png
"$vizgen" all stuck --jobs 1 >batch.out 2>batch.err &
pid=$!
check "the batch reaches the render that blocks" wait_for test -s done3.png
kill -INT $pid
check "SIGINT stops the batch within seconds" timeout 5 sh -c "while kill -0 $pid 2>/dev/null; do sleep 0.02; done"
wait $pid
check "with status 130" test $? = 130
check "saying so" grep -q interrupted batch.err
check "listing what it finished" test "$(grep -c 'done[0-9].png' batch.out)" = 3
check "leaving no temporary" no_temporaries .
check "and only whole PNGs" sh -c 'for f in done*.png; do pngcheck -q "$f" || exit 1; done'
exec 3<&-

# Inputs that are not regular files are refused at once, never waited on.
mkfifo fifo.json fifo.npy
check "a FIFO as a spec fails at once" test "$(timeout 10 "$vizgen" render fifo.json -o x.png 2>err >/dev/null; echo $?)" = 2
check "saying it is not a regular file" grep -q 'not a regular file' err
echo '{"figure": "attention-heatmap", "npy": "fifo.npy"}' > f.json
check "a FIFO as an .npy fails at once" test "$(timeout 10 "$vizgen" render f.json -o x.png 2>/dev/null >/dev/null; echo $?)" = 2
mkdir fifos && mkfifo fifos/a.json && echo "$spec" > fifos/b.json
check "a FIFO among a batch's specs does not hang it" test "$(timeout 10 "$vizgen" all fifos >/dev/null 2>err; echo $?)" = 2
check "the FIFO fails alone" sh -c "grep -q 'fifos/a.json: error: not a regular file' err && test -s out/model-compression.png"

# Reading a PNG back: limits and honest messages.
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90\x77\x53\xde\x7f\xf0\x00\x00iTXtvizgen-spec\x00\x01\x00\x00\x00xxxx' > big.png
check "a PNG declaring a 2 GB chunk is refused" test "$(status "$vizgen" spec big.png)" = 2
check "as a chunk too large" grep -q 'chunk data is too large' err
printf '\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x00\x00\x00\x00' > crc.png
check "a bad CRC is called damaged, with libpng's reason" sh -c "'$vizgen' spec crc.png 2>&1 | grep -q 'damaged PNG file: IHDR: CRC error'"

finish outputs

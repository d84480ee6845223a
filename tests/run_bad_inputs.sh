#!/usr/bin/env bash
# Runs every bad input in tests/bad and compares vizgen's exit status and stderr line with
# NAME.expect (line 1: status, line 2: stderr). NAME.args, if present, holds the arguments
# with {} for the file and {out} for the output (default: render {} -o {out}). A failing run
# must not create its output or leave a temporary file.
set -u
vizgen=$(realpath "$1")
dir=$(dirname "$0")/bad
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$dir" || exit 2
pass=0 fail=0
for spec in *.json; do
    name=${spec%.json}
    args="render {} -o {out}"
    [ -f "$name.args" ] && args=$(cat "$name.args")
    args=${args//\{out\}/$scratch/out.png}
    args=${args//\{\}/$spec}
    # shellcheck disable=SC2086
    timeout 20 "$vizgen" $args >/dev/null 2>"$scratch/err"
    status=$?
    got="$status
$(cat "$scratch/err")"
    want=$(cat "$name.expect" 2>/dev/null)
    if [ "$got" != "$want" ]; then
        fail=$((fail + 1))
        printf 'MISMATCH %s\n  want: %s\n  got:  %s\n' "$name" "$(echo "$want" | tr '\n' '|')" "$(echo "$got" | tr '\n' '|')"
    elif [ -e "$scratch/out.png" ] || ls "$scratch" | grep -q tmp; then
        fail=$((fail + 1))
        printf 'LEFT A FILE %s\n' "$name"
        rm -f "$scratch"/*
    else
        pass=$((pass + 1))
    fi
done
echo "bad inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

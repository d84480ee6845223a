#!/usr/bin/env bash
# Runs every bad input in tests/bad and compares vizgen's exit status and stderr line with
# NAME.expect (line 1: status, line 2: stderr). NAME.args, if present, holds the arguments
# with {} for the file and {out} for the output (default: render {} -o {out}). A failing run
# must not create its output or leave a temporary file.
set -u
vizgen=$(realpath "$1")
dir=$(dirname "$0")/../bad
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Work on a copy, with the .npy fixtures the specs name written byte by byte (no opaque binaries
# in the tree). npy NAME DESCR SHAPE DATA: DATA is printf escapes.
cp -r "$dir" "$scratch/bad"
cd "$scratch/bad" || exit 2
npy() {
    local dict="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
    { printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "$dict"; printf "$4"; } > "$1.npy"
}
one='\x00\x00\x80\x3f' zero='\x00\x00\x00\x00'
npy lying_header '<f4' '(3, 3)' "$one$zero$zero$one"
npy truncated '<f4' '(2, 2)' "$one$zero$zero"
npy int_dtype '<i4' '(2, 2)' "$one$zero$zero$one"
npy overflow_shape '<f4' '(18446744073709551615, 2)' "$one"
npy nan_value '<f4' '(2, 2)' "$one$zero"'\x00\x00\xc0\x7f'"$one"
npy rank1 '<f4' '(2,)' "$one$zero"
npy big_panel '<f4' '(11, 11)' "$(for _ in $(seq 121); do printf '%s' "$zero"; done)"
npy four_d '<f4' '(2, 2, 1, 1)' "$one$one$one$one"
npy three_d '<f4' '(2, 1, 1)' "$one$one"
half='\x00\x00\x00\x3f'
npy two_heads '<f4' '(2, 2, 2)' "$one$zero$half$half$one$zero$half$half"
npy one_layer '<f4' '(1, 1, 2)' "$one$one"
npy above_one '<f4' '(2, 2)' "$one$zero$zero"'\x00\x00\x00\x40'
npy beyond_float '<f8' '(2, 2)' '\x00\x00\x00\x00\x00\x00\xf0\x3f\x9c\x75\x00\x88\x3c\xe4\x37\x7e\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x3f'
echo "just text" > not_npy.npy
npy_dict() { # npy_dict NAME DICT DATA: a header dict written as given
    { printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "$2"; printf "$3"; } > "$1.npy"
}
npy_dict duplicate "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'shape': (4,), }" "$one$zero$zero$one"
npy_dict structured "{'descr': [('descr', '<f4')], 'fortran_order': False, 'shape': (2, 2), }" "$one$zero$zero$one"
npy_dict unknown_key "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'note': 'x', }" "$one$zero$zero$one"
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
    elif [ -e "$scratch/out.png" ] || ls -A "$scratch" | grep -q '\.tmp\.'; then
        fail=$((fail + 1))
        printf 'LEFT A FILE %s\n' "$name"
        rm -f "$scratch"/out.png "$scratch"/*.tmp.*
    else
        pass=$((pass + 1))
    fi
done
echo "bad inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

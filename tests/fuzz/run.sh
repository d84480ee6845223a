#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60),
# seeded with data/ and the bad-input corpus. New inputs that crash are left as crash-* files in
# the work folder and make this script fail; keep them as corpus cases once fixed.
# Usage: tests/fuzz/run.sh [SECONDS] [WORKDIR]
set -euo pipefail
seconds=${1:-60}
root=$(realpath "$(dirname "$0")/../..")
work=${2:-$root/build-fuzz}
mkdir -p "$work"
cd "$work"
flags="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -DVIZGEN_VERSION=\"fuzz\" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# The modules CMakeLists.txt asks pkg-config for, read from it, so the fuzzers link what the CLI
# links (a list kept here as well once missed a new one).
modules=$(sed -n '/pkg_check_modules(DEPS/,/)/p' "$root/CMakeLists.txt" | tr -d '()' | tr -s ' \n' ' ' |
    sed 's/.*IMPORTED_TARGET //; s/ $//')
# shellcheck disable=SC2086
cflags="$(pkg-config --cflags $modules)"
# shellcheck disable=SC2086
libs="$(pkg-config --libs $modules) -lm -lpthread"
sources=$(find "$root/src" -name "*.c" ! -name main.c | sort)
for target in spec npy trainlog model; do
    # shellcheck disable=SC2086
    clang $flags -I"$root/include" $cflags $sources "$root/tests/fuzz/fuzz_$target.c" $libs -o "fuzz_$target"
done

# Seeds: every spec we ship or test, a few .npy files written byte by byte, the logs the tests
# read, and a config.json and a safetensors header.
rm -rf seeds-spec seeds-npy seeds-trainlog seeds-model
mkdir -p seeds-spec seeds-npy seeds-trainlog seeds-model corpus-spec corpus-npy corpus-trainlog \
    corpus-model
cp "$root"/data/*.json "$root"/tests/bad/*.json seeds-spec/
npy() { # npy NAME DESCR SHAPE DATA-BYTES(printf escapes)
    local dict="{'descr': '$2', 'fortran_order': False, 'shape': $3, }"
    { printf '\x93NUMPY\x01\x00\x76\x00'; printf "%-117s\n" "$dict"; printf "$4"; } > "seeds-npy/$1.npy"
}
npy f4 '<f4' '(2, 2)' '\x00\x00\x80\x3f\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x3f'
npy f2 '<f2' '(1, 2, 2)' '\x00\x3c\x00\x00\x00\x38\x00\x38'
npy f8be '>f8' '(1, 1)' '\x3f\xf0\x00\x00\x00\x00\x00\x00'
cp "$root"/data/*/trainer_state.json "$root"/tests/logs/* seeds-trainlog/
cp "$root"/data/*/config.json seeds-model/
header='{"__metadata__":{"format":"pt"},"h.0.attn.bias":{"dtype":"F32","shape":[1,1,2,2],"data_offsets":[0,16]},"wte.weight":{"dtype":"BF16","shape":[2,3],"data_offsets":[16,28]}}'
{ printf "\\x$(printf %02x ${#header})\\x00\\x00\\x00\\x00\\x00\\x00\\x00"; printf '%s' "$header"; head -c 28 /dev/zero; } > seeds-model/model.safetensors

# fontconfig's process-lifetime caches are not leaks of ours (see tests/lsan.supp).
export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
status=0
for target in spec npy trainlog model; do
    log=fuzz_$target.log
    if ! ./fuzz_$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 "corpus-$target" "seeds-$target" >"$log" 2>&1; then
        status=1
        echo "fuzz_$target: FOUND A PROBLEM (see $work/$log and crash-* files)"
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5
    fi
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?')
    echo "fuzz_$target: $execs executions in ${seconds}s"
done
exit $status

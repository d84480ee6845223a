#!/usr/bin/env bash
# `cmake --install` puts the binary, its manual page and the schemas where GNUInstallDirs says,
# the manual page renders without a warning, every command of --help is in it, and the schemas
# installed are what the installed binary prints.
set -u
build=$(realpath "$1")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
. "$(dirname "$0")/lib.sh"
cmake --install "$build" --prefix "$scratch/usr" >/dev/null
vizgen="$scratch/usr/bin/vizgen"
man1="$scratch/usr/share/man/man1/vizgen.1"
check "the binary is installed and runs" "$vizgen" --version
check "the manual page is installed" test -s "$man1"
check "the manual page renders without warnings" sh -c "groff -man -Tutf8 -ww -z '$man1' 2>&1 | grep -q . && exit 1 || exit 0"
check "the manual page has its version" grep -q "\"vizgen $("$vizgen" --version | cut -d' ' -f2)\"" "$man1"
# Plain text, without the overstrike that terminals turn into bold.
groff -man -Tutf8 -P-cbou "$man1" 2>/dev/null > "$scratch/man.txt"
for cmd in render all watch stats spec schema list; do
    check "the manual page documents '$cmd'" grep -q "vizgen $cmd" "$scratch/man.txt"
done
for opt in $("$vizgen" --help | grep -Eo '^  (-o|--[a-z-]+)' | tr -d ' '); do
    check "the manual page documents $opt" grep -q -- "$opt" "$scratch/man.txt"
done
for kind in $("$vizgen" list | awk '{print $1}'); do
    check "the $kind schema is installed" cmp -s "$scratch/usr/share/vizgen/schema/$kind.schema.json" <("$vizgen" schema "$kind")
done
finish install

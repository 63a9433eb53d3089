#!/bin/sh
# Golden tests: each case directory holds `args` (rfpgen arguments, one
# line; the word TEMPLATE stands for the case's template) and optionally a
# `template.docx/` or `template.odt/` directory (an unpacked template, packed
# here with rfpgen-pack) or a `template` file naming one under tests/corpus/.
# The output is dumped with pkgdump and compared with `expected.txt`.
# RFP_UPDATE_GOLDEN=1 rewrites the expected files.
# Usage: run.sh RFPGEN PKGDUMP PACK SRCDIR
set -u
RFPGEN=$1 PKGDUMP=$2 PACK=$3 SRC=$4
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
export SOURCE_DATE_EPOCH=1764000000

# pack DIR OUT: entries in the order the formats require.
pack() {
	(cd "$1" && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
	    awk '$0 == "[Content_Types].xml" || $0 == "mimetype" { print; next } { rest[++n] = $0 }
	         END { for (i = 1; i <= n; i++) print rest[i] }') >"$T/entries"
	# shellcheck disable=SC2046
	"$PACK" "$2" "$1" $(cat "$T/entries")
}

for case in "$SRC"/tests/golden/*/; do
	name=$(basename "$case")
	[ -f "$case/args" ] || continue
	tmpl=
	for ext in docx odt; do
		if [ -d "$case/template.$ext" ]; then
			tmpl="$T/$name.$ext"
			pack "$case/template.$ext" "$tmpl"
		fi
	done
	if [ -f "$case/template" ]; then
		src="$SRC/tests/corpus/$(cat "$case/template")"
		ext=${src##*.}
		if [ -d "$src" ]; then
			case $src in *odt*) ext=odt ;; *) ext=docx ;; esac
			tmpl="$T/$name.$ext"
			pack "$src" "$tmpl"
		else
			tmpl=$src
		fi
	fi
	args=$(sed "s|TEMPLATE|$tmpl|g; s|OUT|$T/$name.out|g" "$case/args")
	# shellcheck disable=SC2086
	if ! eval "\"$RFPGEN\" -q $args" 2>"$T/err"; then
		echo "FAIL $name: rfpgen failed"; sed 's/^/  | /' "$T/err"; fail=$((fail + 1)); continue
	fi
	"$PKGDUMP" "$(ls "$T/$name.out"* | head -1)" >"$T/$name.txt"
	if [ "${RFP_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T/$name.txt" "$case/expected.txt"
		echo "updated $name"; pass=$((pass + 1)); continue
	fi
	if diff -u "$case/expected.txt" "$T/$name.txt" >"$T/diff"; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		echo "FAIL $name: output differs from expected.txt:"; head -40 "$T/diff"
		echo "  to accept: RFP_UPDATE_GOLDEN=1 meson test -C build golden"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

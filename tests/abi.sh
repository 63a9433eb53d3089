#!/bin/sh
# librfpgen exports exactly the functions marked RFP_API in the public
# header, and the rfpgen executable links it (readelf -d).
# Usage: abi.sh LIBRFPGEN.so RFPGEN HEADER
set -eu
lib=$1 exe=$2 header=$3
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
sed -n 's/^RFP_API .*\b\(rfp_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u >"$t/declared"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u >"$t/exported"
fail=0
if ! cmp -s "$t/declared" "$t/exported"; then
	echo "exported symbols differ from the RFP_API declarations (< declared, > exported):"
	diff "$t/declared" "$t/exported" || true
	fail=1
fi
if ! readelf -d "$exe" | grep -q 'NEEDED.*librfpgen\.so\.0'; then
	echo "$exe does not link librfpgen.so.0:"
	readelf -d "$exe" | grep NEEDED
	fail=1
fi
if readelf -d "$exe" | grep -q 'NEEDED.*\(libxml2\|libzip\)'; then
	echo "$exe links libxml2 or libzip itself; only librfpgen should"
	fail=1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = librfpgen.so.0 ] || { echo "soname is '$soname', not librfpgen.so.0"; fail=1; }
echo "abi: $(wc -l <"$t/declared") functions declared, $(wc -l <"$t/exported") exported, soname $soname"
exit $fail

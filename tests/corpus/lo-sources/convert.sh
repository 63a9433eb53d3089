#!/bin/sh
# Saves the flat ODF sources in this directory as DOCX and ODT with
# LibreOffice, into ../lo-saved/: templates as LibreOffice itself writes them
# (its own run splitting, style names, rsids and list ids).
#   tests/corpus/lo-sources/convert.sh [SOFFICE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../lo-saved
soffice=${1:-soffice}
mkdir -p "$out"
for src in "$here"/*.fodt; do
	for fmt in docx odt; do
		profile=$(mktemp -d /tmp/lo-corpus-XXXXXX)
		filter=$fmt
		[ $fmt = docx ] && filter='docx:MS Word 2007 XML'
		timeout 120 "$soffice" -env:UserInstallation="file://$profile" \
			--headless --convert-to "$filter" --outdir "$out" "$src" >/dev/null 2>&1 ||
			{ rm -rf "$profile"; echo "convert.sh: $src -> $fmt failed" >&2; exit 1; }
		rm -rf "$profile"
		echo "wrote $out/$(basename "$src" .fodt).$fmt"
	done
done

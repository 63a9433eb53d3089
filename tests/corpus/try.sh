#!/bin/sh
# Pack one unpacked corpus template, fill it with rfpgen, convert the result
# to PDF with LibreOffice and print its text.
#   tests/corpus/try.sh DIR [rfpgen options...]
# Environment: RFPGEN (default build/src/cli/rfpgen), OUT (default /tmp/rfpgen-corpus).
# DIR holding "mimetype" is packed as ODT, anything else as DOCX.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$1; shift
rfpgen=${RFPGEN:-$here/../../build/src/cli/rfpgen}
out=${OUT:-/tmp/rfpgen-corpus}
name=$(basename "$dir")
mkdir -p "$out"
if [ -f "$dir/mimetype" ]; then ext=odt; else ext=docx; fi
tpl=$out/$name.tpl.$ext
res=$out/$name.$ext
rm -f "$tpl" "$res" "$out/$name.pdf"
if [ $ext = odt ]; then
	(cd "$dir" && zip -q -X0 "$tpl" mimetype && zip -q -X -r "$tpl" . -x mimetype)
else
	(cd "$dir" && zip -q -X -r "$tpl" '[Content_Types].xml' .)
fi
[ $# -gt 0 ] || set -- --type 系統發展 --level 高
rc=0
"$rfpgen" "$@" --agency 測試機關 --project 測試專案 --date 2026-01-15 \
	--template "$tpl" -o "$res" || rc=$?
[ $rc -eq 0 ] || { echo "rfpgen exit $rc" >&2; exit $rc; }
timeout 120 soffice -env:UserInstallation=file:///tmp/lo-corpus-$$ --headless \
	--convert-to pdf --outdir "$out" "$res" >/dev/null 2>&1
rm -rf /tmp/lo-corpus-$$
pdftotext -layout "$out/$name.pdf" -

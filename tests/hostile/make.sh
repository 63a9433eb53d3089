#!/bin/sh
# Builds the hostile inputs of tests/hostile.sh into OUTDIR, from the shipped
# templates (BUILDDIR/templates) and the test catalogue (SRCDIR/tests/data).
# Everything is made at test time so that nothing binary is kept in git and
# the attacks follow the templates when they change.
# Usage: make.sh OUTDIR BUILDDIR SRCDIR
set -eu
mkdir -p "$1"
O=$(cd "$1" && pwd)
B=$(cd "$2" && pwd)
S=$(cd "$3" && pwd)
H=$S/tests/hostile
DOCX=$B/templates/annex.docx
ODT=$B/templates/annex.odt
CAT=$S/tests/data/mini-baseline.xml
# Byte-wise sed and head/tr: the inputs deliberately hold invalid UTF-8.
export LC_ALL=C
PY=/usr/bin/python3

W=$O/work
rm -rf "$W"
mkdir -p "$W/docx" "$W/odt"
(cd "$W/docx" && unzip -q "$DOCX")
(cd "$W/odt" && unzip -q "$ODT")

# pack_docx DIR OUT [zip options]: zips DIR's files into OUT.
pack_docx() {
	d=$1 out=$2
	shift 2
	rm -f "$out"
	(cd "$d" && zip -q -X -r "$@" "$out" .)
}
# pack_odt DIR OUT: mimetype first and stored, as ODF wants.
pack_odt() {
	rm -f "$2"
	(cd "$1" && zip -q -X -0 "$2" mimetype && zip -q -X -r "$2" . -x mimetype)
}
# variant KIND NAME: a fresh copy of the unpacked template, printed.
variant() {
	rm -rf "$W/$2"
	cp -r "$W/$1" "$W/$2"
	echo "$W/$2"
}
# with_dtd SRC DTD ROOT SEDEXPR: SRC with the DOCTYPE of DTD (its @ROOT@
# replaced) after the XML declaration, and SEDEXPR applied to the body
# (to place a reference to the entity &x;).
with_dtd() {
	sed -n '1s/?>.*/?>/p' "$1"
	sed "s/@ROOT@/$3/" "$2"
	sed '1s/^<?xml[^>]*?>//' "$1" | sed "$4"
}
DOCX_REF='0,/<w:t>/s//<w:t>\&x;/'
ODT_REF='0,/<text:p\([^/>]*\)>/s//<text:p\1>\&x;/'
CAT_REF='0,/<text>/s//<text>\&x;/'

# --- package problems -------------------------------------------------------
printf 'PK this is plain text, not a zip package\n' >"$O/not-a-zip.docx"
size=$(wc -c <"$DOCX")
head -c $((size / 2)) "$DOCX" >"$O/truncated.docx"

v=$(variant docx encrypted)
(cd "$v" && rm -f "$O/encrypted.docx" && zip -q -X -r -P secret "$O/encrypted.docx" .)

# Duplicate entries: the zip tool refuses them, zipfile only warns.
if [ -x "$PY" ]; then
	cp "$DOCX" "$O/duplicate.docx"
	"$PY" -W ignore -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "a") as z:
    z.writestr("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>")
' "$O/duplicate.docx"
fi

v=$(variant docx no-document)
rm "$v/word/document.xml"
pack_docx "$v" "$O/no-document.docx"

v=$(variant odt no-content)
rm "$v/content.xml"
pack_odt "$v" "$O/no-content.odt"

# Zip bomb: 100 MiB of zeros as word/document.xml deflate to about 100 KiB.
v=$(variant docx bomb)
dd if=/dev/zero of="$v/word/document.xml" bs=1048576 count=100 2>/dev/null
pack_docx "$v" "$O/bomb.docx"
# A smaller bomb under the part size limit: only the ratio can stop it.
dd if=/dev/zero of="$v/word/document.xml" bs=1048576 count=8 2>/dev/null
pack_docx "$v" "$O/bomb-ratio.docx"
rm -rf "$v"

# Too many entries: the real parts plus 5000 empty files.
v=$(variant docx many)
mkdir "$v/many"
(cd "$v/many" && i=0 && while [ $i -lt 5000 ]; do : >"e$i"; i=$((i + 1)); done)
pack_docx "$v" "$O/many-entries.docx"
rm -rf "$v"

# --- XML attacks in a template part ----------------------------------------
for a in xxe-file xxe-http billion-laughs; do
	v=$(variant docx "tpl-$a")
	with_dtd "$W/docx/word/document.xml" "$H/$a.dtd" w:document "$DOCX_REF" \
	    >"$v/word/document.xml"
	pack_docx "$v" "$O/tpl-$a.docx"
done
v=$(variant odt tpl-xxe-file-odt)
with_dtd "$W/odt/content.xml" "$H/xxe-file.dtd" office:document-content "$ODT_REF" \
    >"$v/content.xml"
pack_odt "$v" "$O/tpl-xxe-file.odt"

# 100000 nested elements, stored (not deflated) so the ratio check passes.
deep() { # deep N OPEN CLOSE
	i=0
	while [ $i -lt "$1" ]; do printf '%s' "$2"; i=$((i + 1)); done
	i=0
	while [ $i -lt "$1" ]; do printf '%s' "$3"; i=$((i + 1)); done
}
# printf in a shell loop is slow for 100000; build 1000 once and repeat.
deep_fast() { # deep_fast OPEN CLOSE: 100000 levels
	o=$(deep 1000 "$1" '') c=$(deep 1000 '' "$2")
	i=0; while [ $i -lt 100 ]; do printf '%s' "$o"; i=$((i + 1)); done
	i=0; while [ $i -lt 100 ]; do printf '%s' "$c"; i=$((i + 1)); done
}
v=$(variant docx tpl-deep)
{
	printf '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
	printf '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
	deep_fast '<w:r>' '</w:r>'
	printf '</w:p></w:body></w:document>\n'
} >"$v/word/document.xml"
pack_docx "$v" "$O/tpl-deep.docx" -0

# --- bad text in a template part -------------------------------------------
v=$(variant docx tpl-bad-utf8)
sed "0,/<w:t>/s//<w:t>A$(printf '\377\377')B/" "$W/docx/word/document.xml" >"$v/word/document.xml"
pack_docx "$v" "$O/tpl-bad-utf8.docx"
v=$(variant docx tpl-charref)
sed '0,/<w:t>/s//<w:t>A\&#1;B/' "$W/docx/word/document.xml" >"$v/word/document.xml"
pack_docx "$v" "$O/tpl-charref.docx"

# The same XXE with the part in UTF-16: "<!DOCTYPE" is not in ASCII bytes.
v=$(variant docx tpl-utf16-xxe)
with_dtd "$W/docx/word/document.xml" "$H/xxe-file.dtd" w:document "$DOCX_REF" |
    sed '1s/encoding="UTF-8"/encoding="UTF-16"/' | iconv -f UTF-8 -t UTF-16 \
    >"$v/word/document.xml"
pack_docx "$v" "$O/tpl-utf16-xxe.docx"

# A document part in another encoding than UTF-8, valid XML: the text
# rfpgen fills in is UTF-8, which the part would then wrongly declare.
v=$(variant docx tpl-utf16)
sed '1s/encoding="UTF-8"/encoding="UTF-16"/' "$W/docx/word/document.xml" |
    iconv -f UTF-8 -t UTF-16 >"$v/word/document.xml"
pack_docx "$v" "$O/tpl-utf16.docx"
v=$(variant docx tpl-latin1)
sed '1s/encoding="UTF-8"/encoding="ISO-8859-1"/' "$W/docx/word/document.xml" |
    iconv -f UTF-8 -t ISO-8859-1//TRANSLIT >"$v/word/document.xml" || true
pack_docx "$v" "$O/tpl-latin1.docx"

# --- catalogues -------------------------------------------------------------
for a in xxe-file xxe-http billion-laughs; do
	with_dtd "$CAT" "$H/$a.dtd" catalogue "$CAT_REF" >"$O/cat-$a.xml"
done
with_dtd "$CAT" "$H/xxe-file.dtd" catalogue "$CAT_REF" |
    sed '1s/encoding="UTF-8"/encoding="UTF-16"/' | iconv -f UTF-8 -t UTF-16 \
    >"$O/cat-utf16-xxe.xml"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<catalogue xmlns="urn:rfpgen:catalogue:1" schema-version="1" id="deep" kind="baseline">'
	deep_fast '<header>' '</header>'
	printf '</catalogue>\n'
} >"$O/cat-deep.xml"
sed "0,/<text>/s//<text>A$(printf '\377')B/" "$CAT" >"$O/cat-bad-utf8.xml"

# --- portfolios -------------------------------------------------------------
printf 'id,type,level,project\nP1,development,high,ok\nP2,development,high,A\377\377B\nP3,development,high,ok\n' \
    >"$O/pf-bad-utf8.csv"
# The same with the Chinese header Excel users write: the only bad bytes
# are still on row 3.
printf '系統編號,委外類型,防護需求等級,案名\nP1,系統發展,高,好\nP2,系統發展,高,A\377\377B\nP3,系統發展,高,好\n' \
    >"$O/pf-bad-utf8-zh.csv"
printf 'id,type,level,project\nP1,development,high,ok\nP2,development,high,A\001B\nP3,development,high,ok\n' \
    >"$O/pf-control.csv"
{
	printf 'id,type,level,project\nP1,development,high,ok\nP2,development,high,'
	head -c 10485760 /dev/zero | tr '\0' 'x'
	printf '\nP3,development,high,ok\n'
} >"$O/pf-big-cell.csv"
{
	echo "系統編號,委外類型,防護需求等級"
	i=0; while [ $i -lt 4000 ]; do echo "S$i,系統發展,高"; i=$((i + 1)); done
} >"$O/pf-4000.csv"
printf 'id,type,level\nP1,development,high\n' >"$O/pf-one.csv"

rm -rf "$W"

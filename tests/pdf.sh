#!/bin/sh
# PDF output through LibreOffice (docs/pdf.md): generate from the DOCX and
# the ODT template, PDF/A-2b by default and a plain PDF with
# --pdf-standard none, SOURCE_DATE_EPOCH, batch --format pdf, and what
# happens without LibreOffice, after a timeout and on a signal. A few
# conversions only: each costs LibreOffice seconds.
# Usage: pdf.sh RFPGEN
set -u
RFPGEN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: soffice, pdftotext or pdfinfo missing on CI"; exit 1
	fi
	echo "skipped: install libreoffice-writer-nogui and poppler-utils"; exit 77
fi
ODT=${RFP_BUILDDIR:-$(dirname "$RFPGEN")/../..}/templates/annex.odt
# rfpgen's temporary directories and LibreOffice profiles go here: it must
# be empty again after every command.
export TMPDIR="$T/tmp"
mkdir "$TMPDIR"
clean() { [ -z "$(ls -A "$TMPDIR")" ]; }
flat() { pdftotext "$1" - 2>/dev/null | tr -d ' \n\f'; }
a4() { pdfinfo "$1" | grep -Eq '^Page size: +595(\.[0-9]+)? x 84[12](\.[0-9]+)? pts'; }
pages() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }
# Every cross-reference offset points at its object, startxref at the
# table, each stream's /Length ends at endstream: what rewriting the
# colour profile's stream must keep right.
xref_ok() {
	python3 - "$1" <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
x = int(re.findall(rb"startxref\s+(\d+)", d)[-1])
assert d[x:x + 4] == b"xref", "startxref"
m = re.match(rb"xref\s+(\d+) (\d+)\s+", d[x:])
first, count = int(m.group(1)), int(m.group(2))
at = x + m.end()
offs = {}
for i in range(count):
    e = d[at + 20 * i:at + 20 * i + 20]
    if e[17:18] == b"n":
        offs[first + i] = int(e[:10])
for num, off in offs.items():
    assert re.match(rb"%d 0 obj\s" % num, d[off:off + 20]), "object %d at %d" % (num, off)
for m in re.finditer(rb"/Length (\d+)( 0 R)?[^>]*>>\s*stream\r?\n", d):
    n = int(m.group(1))
    if m.group(2):
        n = int(re.match(rb"\d+ 0 obj\s+(\d+)", d[offs[n]:]).group(1))
    assert re.match(rb"\r?\nendstream", d[m.end() + n:m.end() + n + 12]), "stream at %d" % m.end()
PY
}
# The first words of the first requirement text, as `list` prints it.
want=$("$RFPGEN" list --type 系統發展 --level 高 | sed -n '3p' | awk '{ print $NF }' |
    LC_ALL=C.UTF-8 sed -E 's/^(.{8}).*/\1/')

# ---- no LibreOffice: the message, its code, exit 8, no file ------------
# The PATH has no soffice (the binary is found by its absolute path).
PATH=/nonexistent "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/nopath.pdf" 2>"$T/err"
rc=$?
check "no soffice on PATH: exit 8" '[ $rc -eq 8 ]'
check "no soffice: RFP-PDF-MISSING names the package" 'grep -q "RFP-PDF-MISSING" "$T/err" && grep -q libreoffice-writer-nogui "$T/err"'
check "no soffice: no file" '[ ! -e "$T/nopath.pdf" ]'
RFPGEN_SOFFICE=/nonexistent/soffice "$RFPGEN" -q --type 系統發展 --level 高 --format pdf -o "$T/env.pdf" 2>"$T/err"
rc=$?
check "RFPGEN_SOFFICE=/nonexistent: exit 8, named, no file" '[ $rc -eq 8 ] && grep -q "/nonexistent/soffice was not found" "$T/err" && [ ! -e "$T/env.pdf" ]'
check "no soffice: DOCX still works" 'RFPGEN_SOFFICE=/nonexistent/soffice "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/still.docx" && [ -s "$T/still.docx" ]'
RFPGEN_SOFFICE=/nonexistent/soffice "$RFPGEN" batch /dev/null -O "$T/nobatch" --format pdf -q 2>"$T/err"
rc=$?
check "batch --format pdf without soffice: exit 8, no directory" '[ $rc -eq 8 ] && grep -q RFP-PDF-MISSING "$T/err" && [ ! -e "$T/nobatch" ]'
cat >"$T/mixed.csv" <<'CSV'
系統編號,委外類型,防護需求等級,輸出檔名
M1,顧問訓練,普,m1.pdf
M2,顧問訓練,普,m2.docx
CSV
RFPGEN_SOFFICE=/nonexistent/soffice "$RFPGEN" batch "$T/mixed.csv" -O "$T/mixed" -q 2>"$T/err"
rc=$?
check "a .pdf row without soffice fails alone (exit 7)" '[ $rc -eq 7 ] && grep -q "row 2 M1.*RFP-PDF-MISSING" "$T/err" && [ -s "$T/mixed/m2.docx" ] && [ ! -e "$T/mixed/m1.pdf" ]'

# ---- usage ---------------------------------------------------------------
"$RFPGEN" -q --type 系統發展 --level 高 -o "$T/u.pdf" --pdf-standard pdfa-9 2>"$T/err"
rc=$?
check "--pdf-standard pdfa-9: exit 2, RFP-PDF-STANDARD" '[ $rc -eq 2 ] && grep -q RFP-PDF-STANDARD "$T/err" && [ ! -e "$T/u.pdf" ]'
"$RFPGEN" -q --type 系統發展 --level 高 -o "$T/u.docx" --pdf-standard none 2>"$T/err"
rc=$?
check "--pdf-standard with a DOCX output: exit 2" '[ $rc -eq 2 ] && [ ! -e "$T/u.docx" ]'
"$RFPGEN" -q --type 系統發展 --level 高 -o "$T/u.pdf" --format docx 2>"$T/err"
rc=$?
check "-o x.pdf --format docx: exit 2" '[ $rc -eq 2 ] && grep -q "says pdf but --format says docx" "$T/err"'

# ---- a timeout, a conversion that writes nothing, a signal ---------------
# slow-soffice says it has started (LibreOffice is "running"), then waits.
printf '#!/bin/sh\n: >"%s/started"\nsleep 60\n' "$T" >"$T/slow-soffice"
printf '#!/bin/sh\necho "Error: source file could not be loaded"\n' >"$T/lazy-soffice"
chmod +x "$T/slow-soffice" "$T/lazy-soffice"
start=$(date +%s)
RFPGEN_PDF_TIMEOUT=1 RFPGEN_SOFFICE="$T/slow-soffice" "$RFPGEN" -q --type 顧問訓練 --level 普 -o "$T/slow.pdf" 2>"$T/err"
rc=$?
check "timeout: exit 6 ($rc), RFP-PDF-TIMEOUT, killed at once, no file" '[ $rc -eq 6 ] && grep -q RFP-PDF-TIMEOUT "$T/err" && [ $(($(date +%s) - start)) -lt 10 ] && [ ! -e "$T/slow.pdf" ]'
check "timeout: its process group is gone" '! pgrep -f "$T/slow-soffice" >/dev/null'
RFPGEN_SOFFICE="$T/lazy-soffice" "$RFPGEN" -q --type 顧問訓練 --level 普 -o "$T/lazy.pdf" 2>"$T/err"
rc=$?
check "no PDF written: exit 5 ($rc), LibreOffice's words" '[ $rc -eq 5 ] && grep -q "RFP-PDF-CONVERT" "$T/err" && grep -q "could not be loaded" "$T/err" && [ ! -e "$T/lazy.pdf" ]'
rm -f "$T/started"
RFPGEN_SOFFICE="$T/slow-soffice" "$RFPGEN" -q --type 顧問訓練 --level 普 -o "$T/term.pdf" 2>"$T/err" &
pid=$!
i=0
while [ ! -e "$T/started" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
rc=$?
check "SIGTERM: the conversion is stopped, then the signal ends rfpgen (143: $rc)" '[ $rc -eq 143 ] && grep -q RFP-PDF-INTERRUPTED "$T/err" && [ ! -e "$T/term.pdf" ]'
check "temporary files removed after failures" 'clean'

# ---- the DOCX template, PDF/A-2b (the default) ---------------------------
export SOURCE_DATE_EPOCH=1700000000
if "$RFPGEN" -q --type 系統發展 --level 高 --agency 數位發展部 -o "$T/docx.pdf" 2>"$T/err"; then
	txt=$(flat "$T/docx.pdf")
	check "docx → pdf: title, checklist and an item's text" 'case $txt in *資通安全需求附件*資安需求查檢表*) true ;; *) false ;; esac && case $txt in *"$(printf %s "$want" | tr -d " ")"*) true ;; *) false ;; esac'
	check "docx → pdf: A4, more than 10 pages ($(pages "$T/docx.pdf"))" 'a4 "$T/docx.pdf" && [ "$(pages "$T/docx.pdf")" -gt 10 ]'
	check "docx → pdf: PDF/A-2b metadata" 'grep -aq "<pdfaid:part>2</pdfaid:part>" "$T/docx.pdf" && grep -aq "<pdfaid:conformance>B</pdfaid:conformance>" "$T/docx.pdf"'
	# LibreOffice writes the time of the conversion (also into the PDF/A
	# colour profile); rfpgen puts SOURCE_DATE_EPOCH in its place.
	"$RFPGEN" --type 系統發展 --level 高 --agency 數位發展部 -o "$T/docx2.pdf" 2>"$T/err"
	check "SOURCE_DATE_EPOCH: a PDF/A-2b twice is the same bytes" 'cmp -s "$T/docx.pdf" "$T/docx2.pdf"'
	check "SOURCE_DATE_EPOCH: no warning (RFP-PDF-EPOCH)" '! grep -q RFP-PDF-EPOCH "$T/err"'
	check "SOURCE_DATE_EPOCH: cross-references and stream lengths right" 'xref_ok "$T/docx.pdf"'
	check "SOURCE_DATE_EPOCH: the creation date" 'pdfinfo "$T/docx.pdf" | grep -q "^CreationDate: .*Nov 14 22:13:20 2023"'
else
	bad "generate -o docx.pdf: $(tail -2 "$T/err")"
fi

# ---- the ODT template, --format pdf --------------------------------------
if "$RFPGEN" -q --type 系統發展 --level 高 --template "$ODT" --format pdf -o "$T/odt.pdf" 2>"$T/err"; then
	txt=$(flat "$T/odt.pdf")
	check "odt → pdf: title, checklist and an item's text" 'case $txt in *資通安全需求附件*資安需求查檢表*) true ;; *) false ;; esac && case $txt in *"$(printf %s "$want" | tr -d " ")"*) true ;; *) false ;; esac'
	check "odt → pdf: A4, more than 10 pages ($(pages "$T/odt.pdf"))" 'a4 "$T/odt.pdf" && [ "$(pages "$T/odt.pdf")" -gt 10 ]'
	check "odt → pdf: PDF/A-2b metadata" 'grep -aq "<pdfaid:part>2</pdfaid:part>" "$T/odt.pdf"'
else
	bad "generate --template annex.odt --format pdf: $(tail -2 "$T/err")"
fi

# ---- --pdf-standard none, and SOURCE_DATE_EPOCH --------------------------
for n in 1 2; do
	"$RFPGEN" -q --type 顧問訓練 --level 普 -o "$T/plain$n.pdf" --pdf-standard none 2>"$T/err" ||
	    bad "--pdf-standard none ($n): $(tail -2 "$T/err")"
done
if [ -s "$T/plain1.pdf" ] && [ -s "$T/plain2.pdf" ]; then
	check "--pdf-standard none: no PDF/A metadata" '! grep -aq "pdfaid:part" "$T/plain1.pdf" && head -c 8 "$T/plain1.pdf" | grep -q "%PDF-1.6"'
	check "SOURCE_DATE_EPOCH: a plain PDF twice is the same bytes" 'cmp -s "$T/plain1.pdf" "$T/plain2.pdf"'
fi
unset SOURCE_DATE_EPOCH

# ---- batch --format pdf: every row, of either template -------------------
cat >"$T/p.csv" <<CSV
系統編號,委外類型,防護需求等級,輸出檔名,範本
B1,系統發展,中,,
B2,雲端服務,普,b2.pdf,$ODT
CSV
if "$RFPGEN" batch "$T/p.csv" -O "$T/out" --format pdf -j 2 -q --report "$T/report.json" 2>"$T/err"; then
	check "batch --format pdf: a PDF for every row" '[ "$(ls "$T/out" | sort | tr "\n" " ")" = "B1-系統發展-中.pdf b2.pdf " ]'
	check "batch: each PDF has its annex" 'case $(flat "$T/out/B1-系統發展-中.pdf") in *資安需求查檢表*) true ;; *) false ;; esac && case $(flat "$T/out/b2.pdf") in *雲端服務*) true ;; *) false ;; esac'
	check "batch: PDF/A-2b, A4" 'grep -aq "<pdfaid:part>2</pdfaid:part>" "$T/out/b2.pdf" && a4 "$T/out/b2.pdf"'
	check "batch: the report's digest is the PDF's" '/usr/bin/python3 -c "import json,sys,hashlib; r=json.load(open(sys.argv[1])); assert all(hashlib.sha256(open(x[\"output\"],\"rb\").read()).hexdigest()==x[\"sha256\"] and x[\"output\"].endswith(\".pdf\") for x in r[\"rows\"])" "$T/report.json"'
else
	bad "batch --format pdf: $(tail -3 "$T/err")"
fi
check "temporary files and profiles removed" 'clean'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Real consumers: LibreOffice converts the annexes to PDF and pdftotext
# finds the Chinese title and requirement texts in them; python-docx and
# pandoc read the DOCX. Each conversion gets its own LibreOffice profile and
# a timeout. Usage: consumer.sh RFPGEN
set -u
RFPGEN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

if ! command -v soffice >/dev/null || ! command -v pdftotext >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: soffice or pdftotext missing on CI"; exit 1
	fi
	echo "skipped: install libreoffice-writer-nogui and poppler-utils"; exit 77
fi

# Text with spaces and line breaks removed, so wrapped lines still match.
flat() { tr -d ' \n\f' <"$1"; }

for spec in "系統發展 高" "顧問訓練 普"; do
	set -- $spec
	for fmt in docx odt; do
		name="$1-$2.$fmt"
		"$RFPGEN" -q --type "$1" --level "$2" --agency 數位發展部 --project 測試案 -o "$T/$name" || { bad "generate $name"; continue; }
		prof="$T/profile-$fmt-$1"
		if ! timeout 180 soffice "-env:UserInstallation=file://$prof" --headless \
		    --convert-to pdf --outdir "$T/pdf-$fmt" "$T/$name" >"$T/lo.log" 2>&1; then
			bad "soffice $name: $(tail -1 "$T/lo.log")"; continue
		fi
		pdf="$T/pdf-$fmt/$1-$2.pdf"
		[ -s "$pdf" ] || { bad "soffice $name: no PDF"; continue; }
		pdftotext "$pdf" "$T/out.txt"
		txt=$(flat "$T/out.txt")
		missing=
		for want in 資通安全需求附件 數位發展部 "委外類型" "$1" "資安需求查檢表" "說明及佐證頁次"; do
			case $txt in *"$want"*) ;; *) missing="$missing $want" ;; esac
		done
		# The first words of three requirement texts, from the listing.
		"$RFPGEN" list --type "$1" --level "$2" | sed -n '3p;5p;$p' |
		    awk '{ print $NF }' | LC_ALL=C.UTF-8 sed -E 's/^(.{8}).*/\1/' >"$T/wants"
		while read -r want; do
			w=$(printf '%s' "$want" | tr -d ' ')
			case $txt in *"$w"*) ;; *) missing="$missing $w" ;; esac
		done <"$T/wants"
		if [ -n "$missing" ]; then bad "pdf $name lacks:$missing"; else ok "pdf $name ($(pdfinfo "$pdf" | awk '/^Pages/ {print $2}') pages)"; fi
	done
done

# Latin text is tagged en-US and East Asian text zh-TW, so LibreOffice
# breaks lines between words, not inside 「mgmt-2/019」 as it does in text
# tagged zh-TW. The token is written 20 times, each after one more 案, so
# that some fall at the end of a line of the 案名 cell.
proj= pad=
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	pad="${pad}案"
	proj="$proj${pad}mgmt-2/019"
done
for fmt in docx odt; do
	if ! "$RFPGEN" -q --type 顧問訓練 --level 普 --agency 數位發展部 --project "$proj" \
	    -o "$T/latin-$fmt.$fmt"; then
		bad "generate latin-$fmt.$fmt"
		continue
	fi
	if ! timeout 180 soffice "-env:UserInstallation=file://$T/profile-latin-$fmt" --headless \
	    --convert-to pdf --outdir "$T/pdf-latin" "$T/latin-$fmt.$fmt" >"$T/lo.log" 2>&1 ||
	    [ ! -s "$T/pdf-latin/latin-$fmt.pdf" ]; then
		bad "soffice latin-$fmt.$fmt: $(tail -1 "$T/lo.log")"
		continue
	fi
	pdftotext "$T/pdf-latin/latin-$fmt.pdf" "$T/latin.txt"
	whole=$(grep -o 'mgmt-2/019' "$T/latin.txt" | wc -l)
	joined=$(tr -d '\n' <"$T/latin.txt" | grep -o 'mgmt-2/019' | wc -l)
	if [ "$joined" -lt 20 ]; then
		bad "pdf latin-$fmt: the project name is not in the PDF ($joined of 20)"
	elif [ "$whole" -ne "$joined" ]; then
		bad "pdf latin-$fmt: 'mgmt-2/019' broken across lines $((joined - whole)) times: $(grep -n 'mg\|019' "$T/latin.txt" | grep -v 'mgmt-2/019$' | head -3 | tr '\n' ' ')"
	else
		ok "pdf latin-$fmt: 'mgmt-2/019' never broken across lines ($whole times)"
	fi
done

PY=/usr/bin/python3
if $PY -c 'import docx' 2>/dev/null; then
	if $PY - "$T/系統發展-高.docx" <<'PYEOF'
import sys, docx
d = docx.Document(sys.argv[1])
text = "\n".join(p.text for p in d.paragraphs)
assert "資通安全需求附件" in text, "title missing"
assert len(d.tables) >= 2, "tables missing"
# The checklist: the longest table (its last row sits, with 「（以下空白）」,
# in a table of its own after it).
rows = max(d.tables, key=lambda t: len(t.rows)).rows
assert rows[0].cells[0].text == "編號", rows[0].cells[0].text
assert len(rows) > 90, len(rows)
assert d.sections[0].page_width.mm > 209 and d.sections[0].page_width.mm < 211
PYEOF
	then ok "python-docx reads the DOCX"; else bad "python-docx"; fi
elif [ "${CI:-}" = true ]; then bad "python3-docx missing on CI"; fi
if command -v pandoc >/dev/null; then
	if pandoc "$T/系統發展-高.docx" -t plain 2>/dev/null | grep -q '資安需求查檢表'; then
		ok "pandoc reads the DOCX"; else bad "pandoc"; fi
	if pandoc "$T/顧問訓練-普.odt" -t plain 2>/dev/null | grep -q '資通安全需求附件'; then
		ok "pandoc reads the ODT"; else bad "pandoc odt"; fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

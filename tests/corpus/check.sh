#!/bin/sh
# Runs rfpgen over every unpacked template in tests/corpus/ and lo-saved/ and
# checks the text of the result (no LibreOffice needed). Expected results
# are those listed in README.md.
#   tests/corpus/check.sh [RFPGEN] [--pdf]
# With --pdf, LibreOffice also converts every rendered output to PDF (one
# profile of its own, a timeout) and each PDF must be non-empty.
# Ends with "N passed, M failed"; exit status 0 only if none failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rfpgen=${1:-${RFPGEN:-$here/../../build/src/cli/rfpgen}}
pdf=${2:-}
passes=0
tmp=$(mktemp -d /tmp/rfpgen-check-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
opts="--agency 測試機關 --project 測試專案 --date 2026-01-15"

pack() { # DIR -> prints the packed file
	name=$(basename "$1")
	if [ -f "$1/mimetype" ]; then
		f=$tmp/$name.tpl.odt
		(cd "$1" && zip -q -X0 "$f" mimetype && zip -q -X -r "$f" . -x mimetype)
	else
		f=$tmp/$name.tpl.docx
		(cd "$1" && zip -q -X -r "$f" '[Content_Types].xml' .)
	fi
	echo "$f"
}
text() { # FILE PART -> one line per paragraph, tags removed
	unzip -p "$1" "$2" | tr -d '\n' |
		sed 's#>[[:space:]]*<#><#g; s#</w:p>#\n#g; s#</text:p>#\n#g; s#</text:h>#\n#g; s#<text:s\( [^>]*\)\{0,1\}/># #g; s#<[^>]*>##g'
}
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
has() { # NAME FILE PART STRING...
	n=$1 f=$2 p=$3; shift 3
	t=$(text "$f" "$p")
	for s in "$@"; do
		case $t in *"$s"*) ;; *) fail "$n" "$p lacks '$s'";; esac
	done
}
lacks() { # NAME FILE PART STRING
	case $(text "$2" "$3") in *"$4"*) fail "$1" "$3 still has '$4'";; esac
}
run() { # NAME TEMPLATE-FILE TYPE LEVEL -> sets out
	ext=${2##*.}
	out=$tmp/$1.out.$ext
	# shellcheck disable=SC2086
	if ! "$rfpgen" -q --type "$3" --level "$4" $opts --template "$2" -o "$out" 2>"$tmp/$1.err"; then
		fail "$1" "rfpgen failed: $(head -1 "$tmp/$1.err")"
		return 1
	fi
	echo "$out" >>"$tmp/outputs"
	echo "ok   $1"
	passes=$((passes + 1))
}
render() { run "$1" "$(pack "$here/$1")" "${2:-系統發展}" "${3:-高}"; }

if render split-runs; then
	has split-runs "$out" word/document.xml 機關：測試機關（拼字標記） 案名：測試專案（語言切換） \
		委外類型：系統發展（中間粗體） 防護需求等級：高（書籤） 承辦機關：測試機關（智慧標籤） \
		'日期：中華民國115年1月15日（同一 run 多個 w:t）' 本案由測試機關辦理。 一、存取控制 十三、驗收與保固
	lacks split-runs "$out" word/document.xml '{{'
fi
if render header-footer; then
	has header-footer "$out" word/header1.xml 案名：測試專案
	has header-footer "$out" word/footer1.xml 測試機關
	has header-footer "$out" word/document.xml 資通安全需求附件 '全部項次：1.1.1 '
fi
if render textbox; then
	[ "$(unzip -p "$out" word/document.xml | grep -o 測試機關 | wc -l)" -eq 2 ] ||
		fail textbox "the agency is not in both text box copies"
	has textbox "$out" word/footnotes.xml 法源依據：資通安全管理法
fi
if render loops 系統發展 普; then
	has loops "$out" word/document.xml 一、存取控制 '全部項次：1.1.1 1.3.1 ' 機關應辦事項：（無機關自行辦理事項）
	lacks loops "$out" word/document.xml '{{'
fi
if render restart 系統發展 普; then
	# {{#families@restart}}: each family after the first gets its own
	# numbering instance, which starts again at 1.
	n=$(unzip -p "$out" word/numbering.xml | grep -o '<w:startOverride w:val="1"/>' | wc -l)
	fams=$(unzip -p "$out" word/document.xml | grep -o '<w:numId w:val="[0-9]*"/>' | sort -u | wc -l)
	[ "$n" -ge 1 ] && [ "$fams" -eq $((n + 1)) ] ||
		fail restart "$n restarted instances for $fams distinct numIds"
	unzip -p "$out" word/numbering.xml | xmllint --noout - 2>/dev/null ||
		fail restart "numbering.xml is not well-formed"
fi
# The same when the list's numbering comes from the paragraph style (List
# Number, through w:basedOn): each paragraph gets its own w:numPr, after
# w:pStyle and w:keepNext as ECMA-376 orders them.
if render restart-style 系統發展 普; then
	n=$(unzip -p "$out" word/numbering.xml | grep -o '<w:startOverride w:val="1"/>' | wc -l)
	fams=$(unzip -p "$out" word/document.xml | grep -o '<w:numId w:val="[0-9]*"/>' | sort -u | wc -l)
	[ "$n" -ge 1 ] && [ "$fams" -eq $((n + 1)) ] ||
		fail restart-style "$n restarted instances for $fams distinct numIds"
	unzip -p "$out" word/document.xml | grep -q '<w:pStyle w:val="ab"/><w:keepNext/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="[0-9]*"/></w:numPr><w:ind' ||
		fail restart-style "the style-numbered paragraphs have no w:numPr in the right place"
fi
# ODT: the first list of each family after the first loses
# text:continue-numbering, so its numbering starts again.
if render odt-restart 系統發展 普; then
	lists=$(unzip -p "$out" content.xml | grep -o '<text:list [^>]*>' | wc -l)
	cont=$(unzip -p "$out" content.xml | grep -o '<text:list [^>]*continue-numbering[^>]*>' | wc -l)
	fams=$(unzip -p "$out" content.xml | grep -o 'outline-level="2"' | wc -l)
	[ "$fams" -gt 1 ] && [ "$((lists - cont))" -eq "$((fams - 1))" ] ||
		fail odt-restart "$lists lists, $cont continue, for $fams families"
fi
# What the author set on the {{requirements}} paragraph stays: keep with
# next and page break before on the first inserted paragraph, in ECMA-376
# order after w:pStyle; its section break (landscape) after the fragment.
if render pagebreak 系統發展 普; then
	unzip -p "$out" word/document.xml | grep -q '<w:p><w:pPr><w:pStyle w:val="1"/><w:keepNext/><w:pageBreakBefore/></w:pPr><w:r><w:t[^>]*>壹、資安需求項目' ||
		fail pagebreak "the first inserted paragraph lost keepNext or pageBreakBefore"
	unzip -p "$out" word/document.xml | grep -q '<w:p><w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>' ||
		fail pagebreak "the section break of the {{requirements}} paragraph is lost"
fi
if render single-tag; then
	has single-tag "$out" word/document.xml 壹、資安需求項目 貳、資安需求查檢表 '測試機關　中華民國115年1月15日'
	lacks single-tag "$out" word/document.xml '{{'
fi
if render scopes 系統發展 普; then
	has scopes "$out" word/document.xml 機關：測試機關（註解後文字） 本案屬系統發展類。 等級為普。 \
		'type_development=[是] level_high=[] level_low=[是]' '（構面識別碼 AC）' '1.1.1；1.3.1；'
	lacks scopes "$out" word/document.xml 範本註解
	lacks scopes "$out" word/document.xml 行內註解
	lacks scopes "$out" word/document.xml 非普級
fi
if render odt-split; then
	has odt-split "$out" content.xml '機關：測試機關（span 切開）' 案名：測試專案 \
		'類型：系統發展（text:s 壓縮空白）' 等級：高（書籤） 日期：中華民國115年1月15日（軟換頁） 本案由測試機關辦理。 十三、驗收與保固
	case $(unzip -p "$out" content.xml) in *'系統發展<text:s'*) fail odt-split "text:s inside {{ type }} left in the output";; esac
fi
if render odt-loops 系統發展 普; then
	has odt-loops "$out" content.xml 一、存取控制 '全部項次：1.1.1 1.3.1 ' 機關應辦事項：（無機關自行辦理事項）
	lacks odt-loops "$out" content.xml '{{'
fi
if render odt-list-xmlid 系統發展 普; then
	has odt-list-xmlid "$out" content.xml 一、存取控制
fi
if render odt-single-tag; then
	has odt-single-tag "$out" content.xml 壹、資安需求項目 貳、資安需求查檢表 '測試機關　中華民國115年1月15日'
fi
# Macros, an attached template on a file server, thumbnails and the
# template's own properties stay out of the annex; a web hyperlink stays.
parts() { unzip -Z1 "$1"; }
if render macro-docx; then
	if parts "$out" | grep -q 'vbaProject\|thumbnail'; then fail macro-docx "a macro or thumbnail part is left: $(parts "$out" | tr '\n' ' ')"; fi
	for p in '[Content_Types].xml' word/settings.xml word/_rels/document.xml.rels _rels/.rels word/_rels/settings.xml.rels; do
		if unzip -p "$out" "$p" 2>/dev/null | grep -q 'macroEnabled\|vbaProject\|attachedTemplate\|fileserver\|thumbnail'; then
			fail macro-docx "$p still names the macro, thumbnail or attached template"
		fi
	done
	unzip -p "$out" word/_rels/document.xml.rels | grep -q 'https://www.example.gov.tw/' || fail macro-docx "the hyperlink was removed"
	has macro-docx "$out" docProps/app.xml 'rfpgen '
	has macro-docx "$out" docProps/core.xml 「測試專案」資通安全需求附件 系統發展／防護需求等級高 2026-01-15T00:00:00Z
	lacks macro-docx "$out" docProps/core.xml 'rfpgen test corpus'
fi
"$rfpgen" inspect "$(pack "$here/macro-docx")" >"$tmp/insp.out" 2>"$tmp/insp.err"
if grep -q RFP-TPL-MACRO "$tmp/insp.err" && grep -q 'fileserver.*RFP-TPL-EXTERNAL' "$tmp/insp.err"; then
	echo "ok   macro-docx-inspect"; passes=$((passes + 1))
else
	fail macro-docx-inspect "inspect does not warn: $(head -2 "$tmp/insp.err")"
fi
if render odt-macro; then
	if parts "$out" | grep -q '^Basic/\|^Thumbnails/'; then fail odt-macro "Basic/ or Thumbnails/ is left"; fi
	if unzip -p "$out" META-INF/manifest.xml | grep -q 'Basic/\|Thumbnails/'; then fail odt-macro "the manifest still lists them"; fi
	unzip -p "$out" META-INF/manifest.xml | grep -q 'full-path="meta.xml"' || fail odt-macro "meta.xml is not in the manifest"
	has odt-macro "$out" meta.xml 'rfpgen ' 「測試專案」資通安全需求附件
	if unzip -p "$out" meta.xml | grep -q 'document-statistic\|LibreOffice\|meta:template'; then fail odt-macro "meta.xml keeps the template's generator, statistics or template link"; fi
fi

# Every character of a tag in its own run or span, with a character style,
# direct formatting or none; tags split by a hyperlink, a field result, a
# comment anchor or a bookmark.
if render char-runs; then
	has char-runs "$out" word/document.xml 機關：測試機關（逐字） 案名：測試專案（逐字無樣式） \
	    委外類型：系統發展（超連結） 中華民國115年1月15日（功能變數） 防護需求等級：高（註解） '項次：1.1.1' \
	    壹、資安需求項目
	lacks char-runs "$out" word/document.xml '{'
fi
if render odt-char-spans; then
	has odt-char-spans "$out" content.xml 機關：測試機關（逐字） 案名：測試專案（逐字無樣式） \
	    委外類型：系統發展（超連結） 防護需求等級：高 日期：中華民國115年1月15日（書籤） '項次：1.1.1'
	lacks odt-char-spans "$out" content.xml '{'
fi
if render odt-header-footer; then
	has odt-header-footer "$out" styles.xml 案名：測試專案 '測試機關 第 '
	has odt-header-footer "$out" content.xml 資通安全需求附件
fi
for f in "$here"/lo-saved/*.docx "$here"/lo-saved/*.odt; do
	[ -f "$f" ] || continue
	n=lo-saved/$(basename "$f")
	part=word/document.xml
	case $f in *.odt) part=content.xml;; esac
	if run "$(basename "$f")" "$f" 系統發展 普; then
		lacks "$n" "$out" $part '{{'
		case $f in
		*agency-memo*) has "$n" "$out" $part 於測試機關資訊室 「測試專案」 本案無另列之機關自行辦理事項。;;
		*loops-table*) has "$n" "$out" $part 壹、測試專案資安需求（系統發展，普級） 一、存取控制 貳、資安需求查檢表 '□符合 □不符合';;
		esac
	fi
done

# Templates that must fail (exit status 4) with these message fragments.
expect_error() { # NAME FRAGMENT...
	n=$1; shift
	f=$(pack "$here/$n")
	"$rfpgen" -q --type 系統發展 --level 高 --template "$f" -o "$tmp/$n.out.docx" 2>"$tmp/$n.err"
	rc=$?
	[ $rc -eq 4 ] || { fail "$n" "exit status $rc, expected 4"; return; }
	for s in "$@"; do
		grep -qF -- "$s" "$tmp/$n.err" || fail "$n" "no '$s' in: $(head -1 "$tmp/$n.err")"
	done
	echo "ok   $n"
	passes=$((passes + 1))
}
expect_error errors-unclosed-section 'section is never closed: {{#families}}' RFP-TPL-UNCLOSED
expect_error errors-mismatch 'closing tag does not match the open section: {{/checklist}}' RFP-TPL-MISMATCH
expect_error errors-unopened 'closing tag without an opening tag: {{/items}}' RFP-TPL-UNOPENED
expect_error errors-unclosed-tag 'tag not closed before the end of its paragraph' RFP-TPL-UNCLOSED-TAG
expect_error errors-scope 'cannot tell what this section repeats: {{#checklist}}' RFP-TPL-LOOP-SCOPE
expect_error errors-unknown-field '{{agencyy}}' RFP-TPL-UNKNOWN-FIELD 'did you mean {{agency}}?'
expect_error errors-many RFP-TPL-UNKNOWN-FIELD RFP-TPL-MISMATCH RFP-TPL-UNCLOSED-TAG
expect_error errors-suffix 'rows of this section are not in one table' 'inline section spans paragraphs'

expect_error errors-fullwidth 'full-width braces, left in the document as text: ｛｛agency｝｝ (paragraph 1)' \
    'tag not closed before the end of its paragraph: {{project｝｝' 'type }} half-width (半形)' \
    'invalid tag name in {{ｔｙｐｅ}}' 'the name has full-width (全形) characters' RFP-TPL-FULLWIDTH
if [ "$(grep -c 'error:' "$tmp/errors-fullwidth.err")" -ne 3 ]; then
	fail errors-fullwidth "want 3 errors, one per mistake: $(grep -c 'error:' "$tmp/errors-fullwidth.err")"
fi
expect_error errors-no-requirements 'no tag that inserts the requirements' RFP-TPL-NO-REQUIREMENTS
expect_error errors-no-tags 'no tag that inserts the requirements' RFP-TPL-NO-REQUIREMENTS
# A lexical error hides no other: all five kinds in one run, each once.
expect_error errors-all-at-once 'tag not closed before the end of its paragraph: {{agency (paragraph 1)' \
    'invalid tag name in {{bad name}} (paragraph 2)' 'unknown field: {{projcet}} (paragraph 3)' \
    'cannot tell what this section repeats: {{#checklist}} (paragraph 4)' \
    'closing tag without an opening tag: {{/items}} (paragraph 6)'
if [ "$(grep -c 'error:' "$tmp/errors-all-at-once.err")" -ne 5 ]; then
	fail errors-all-at-once "want 5 errors: $(grep -c 'error:' "$tmp/errors-all-at-once.err")"
fi
# After {{requirements}} a position is still the template's own: line 7,
# paragraph 4 of a 4-paragraph document.
expect_error errors-after-splice 'word/document.xml):7:44: error: unknown field: {{dat}} (paragraph 4)'

if [ "$pdf" = --pdf ]; then
	if ! command -v soffice >/dev/null; then
		fail pdf "soffice is not installed"
	else
		# shellcheck disable=SC2046
		timeout 600 soffice "-env:UserInstallation=file://$tmp/lo-profile" --headless \
		    --convert-to pdf --outdir "$tmp/pdf" $(cat "$tmp/outputs") >"$tmp/lo.log" 2>&1
		while read -r o; do
			b=$(basename "$o"); b=${b%.*}
			if [ -s "$tmp/pdf/$b.pdf" ] && pdftotext "$tmp/pdf/$b.pdf" - | grep -q .; then
				echo "ok   pdf $b"; passes=$((passes + 1))
			else
				fail "pdf $b" "LibreOffice did not convert it"
			fi
		done <"$tmp/outputs"
	fi
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

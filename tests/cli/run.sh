#!/bin/sh
# Black-box CLI tests: arguments in; exit status, messages and files out.
# Usage: run.sh RFPGEN SRCDIR
set -u
RFPGEN=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# expect NAME STATUS PATTERN -- ARGS...: runs rfpgen, checks the exit status
# and that stderr+stdout match the extended regex PATTERN.
expect() {
	name=$1 status=$2 pattern=$3
	shift 4
	"$RFPGEN" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne "$status" ]; then
		echo "FAIL $name: exit $rc, expected $status"; sed 's/^/  | /' "$T/err" | head -5
		fail=$((fail + 1)); return 1
	fi
	if ! cat "$T/out" "$T/err" | grep -Eq -- "$pattern"; then
		echo "FAIL $name: output does not match /$pattern/"; sed 's/^/  | /' "$T/err" "$T/out" | head -8
		fail=$((fail + 1)); return 1
	fi
	echo "ok   $name"
	pass=$((pass + 1))
}

# absent NAME FILE: the file must not exist (no partial output).
absent() {
	base=$(basename "$2")
	if [ -e "$2" ] || ls -A "$(dirname "$2")" | grep -q "^\.$base\."; then
		echo "FAIL $1: $2 or its temporary file exists"; fail=$((fail + 1))
	else
		echo "ok   $1"; pass=$((pass + 1))
	fi
}

expect help 0 'usage: rfpgen' -- --help
expect version 0 '^rfpgen [0-9]+\.[0-9]+' -- --version
expect unknown-type 2 "unknown type '系統開發'; did you mean 系統發展\\? valid: 顧問訓練 \(consulting\), 系統發展" -- --type 系統開發 --level 高 -o "$T/a.docx"
absent unknown-type-no-output "$T/a.docx"
expect unknown-level 2 "unknown level '超高'; did you mean 高\\? valid: 普 \(low\), 中 \(moderate\), 高 \(high\)" -- --type 系統發展 --level 超高 -o "$T/a.docx"
expect missing-level 2 '--level or --impact is required' -- --type cloud -o "$T/a.docx"
expect both-level-impact 2 'not both' -- --type cloud --level 高 --impact C=高,I=中,A=普,L=普 -o "$T/a.docx"
expect bad-impact 2 'impact: all four ratings are needed' -- --type cloud --impact C=高 -o "$T/a.docx"
expect unknown-option 2 "unknown option '--colour'" -- --colour
expect bad-extension 2 "cannot tell the format from" -- --type cloud --level 高 -o "$T/a.rtf"
expect control-char 2 'control character 0x01' -- --type cloud --level 高 --agency "$(printf 'a\001b')" -o "$T/a.docx"
expect bad-date 2 "'2025-02-29' is not a date" -- --type cloud --level 高 --date 2025-02-29 -o "$T/a.docx"
expect bad-date-roc 2 "is not a date" -- --type cloud --level 高 --date 中華民國114年13月1日 -o "$T/a.docx"
expect unknown-baseline 2 "unknown baseline '1999'" -- --type cloud --level 高 --baseline 1999 -o "$T/a.docx"
absent usage-errors-no-output "$T/a.docx"

# Generation: aliases, impact derivation, the summary line.
expect generate-docx 0 'wrote .*系統發展/高, 97 items' -- --type 系統發展 --level 高 --catalogue "$SRC/requirements/baseline-2021.xml" --catalogue "$SRC/requirements/module-project-management.xml" -o "$T/dev.docx"
expect generate-odt-alias 0 'wrote .*維運服務/中' -- --type 維運管理 --level moderate -o "$T/ops.odt"
expect impact-derives-high 0 '雲端服務/高' -- --type cloud --impact C=普,I=高,A=普,L=普 -o "$T/cloud.docx"
if unzip -p "$T/cloud.docx" word/document.xml | grep -q '機密性普、完整性高、可用性普、法律遵循性普，取其最高者'; then
	echo "ok   impact-recorded"; pass=$((pass + 1))
else
	echo "FAIL impact-recorded: the four ratings are not in the annex"; fail=$((fail + 1))
fi
expect stdout 0 '' -- --type consulting --level 普 -o - -f docx
if "$RFPGEN" --type consulting --level 普 -o - -f docx 2>/dev/null | head -c 2 | grep -q PK; then
	echo "ok   stdout-is-zip"; pass=$((pass + 1))
else
	echo "FAIL stdout-is-zip"; fail=$((fail + 1))
fi
expect list 0 '^編號 +等級 +措施 +安全需求項目' -- list --type 系統發展 --level 普
expect list-count 0 '顧問訓練／普：' -- list --type consulting --level low

# Determinism: the same inputs give the same bytes; SOURCE_DATE_EPOCH sets the date.
SOURCE_DATE_EPOCH=1764000000 "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/d1.docx"
SOURCE_DATE_EPOCH=1764000000 "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/d2.docx"
SOURCE_DATE_EPOCH=1764000000 "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/d1.odt"
SOURCE_DATE_EPOCH=1764000000 "$RFPGEN" -q --type 系統發展 --level 高 -o "$T/d2.odt"
if cmp -s "$T/d1.docx" "$T/d2.docx" && cmp -s "$T/d1.odt" "$T/d2.odt"; then
	echo "ok   deterministic"; pass=$((pass + 1))
else
	echo "FAIL deterministic: two runs differ"; fail=$((fail + 1))
fi
if unzip -p "$T/d1.docx" docProps/core.xml | grep -q '2025-11-24T16:00:00Z'; then
	echo "ok   source-date-epoch"; pass=$((pass + 1))
else
	echo "FAIL source-date-epoch"; fail=$((fail + 1))
fi

# Bad catalogues: file:line, exit 3, no output file.
expect malformed-catalogue 3 'bad-malformed\.xml:6(:[0-9]+)?: error: not well-formed XML.*\[RFP-XML\]' -- --type cloud --level 高 --catalogue "$SRC/tests/data/bad-malformed.xml" -o "$T/bad.docx"
absent malformed-no-output "$T/bad.docx"
expect schema-catalogue 3 'bad-schema\.xml:9: error: catalogue does not match the schema.*\[RFP-CAT-SCHEMA\]' -- --type cloud --level 高 --catalogue "$SRC/tests/data/bad-schema.xml" -o "$T/bad.docx"
absent schema-no-output "$T/bad.docx"
# The build validated the shipped files' bytes, not their paths: a shipped
# file changed by one attribute is validated again.
sed 's/<catalogue /<catalogue bogus="1" /' "$SRC/requirements/module-common.xml" > "$T/module-common.xml"
expect schema-shipped-changed 3 'module-common\.xml:2: error: catalogue does not match the schema.*bogus.*\[RFP-CAT-SCHEMA\]' -- --type cloud --level 高 --catalogue "$T/module-common.xml" -o "$T/bad.docx"
absent schema-shipped-changed-no-output "$T/bad.docx"
expect xxe-catalogue 3 'bad-xxe\.xml:2: error: document type declarations are not allowed' -- --type cloud --level 高 --catalogue "$SRC/tests/data/bad-xxe.xml" -o "$T/bad.docx"
absent xxe-no-output "$T/bad.docx"
expect missing-catalogue 5 'cannot read: No such file' -- --type cloud --level 高 --catalogue "$T/nope.xml" -o "$T/bad.docx"

# Bad templates and output locations.
printf 'not a zip' >"$T/fake.docx"
expect not-a-zip-template 4 'cannot open as a zip package' -- --type cloud --level 高 --template "$T/fake.docx" -o "$T/bad.docx"
absent bad-template-no-output "$T/bad.docx"
expect format-mismatch 2 'is a DOCX template but the output is ODT' -- --type cloud --level 高 --template "$RFPGEN_DATA/templates/annex.docx" -o "$T/x.odt"
expect missing-dir 5 'cannot create a file in the output directory.*' -- --type cloud --level 高 -o "$T/no/such/dir/a.docx"
mkdir "$T/isdir.docx"
expect output-is-dir 5 'output path is a directory' -- --type cloud --level 高 -o "$T/isdir.docx"

# Conditions, parameters and agency duties, checked in the rendered text.
# has NAME FILE.docx PATTERN / lacks NAME FILE.docx PATTERN
has() {
	if unzip -p "$2" word/document.xml | grep -q -- "$3"; then
		echo "ok   $1"; pass=$((pass + 1))
	else
		echo "FAIL $1: '$3' not in $2"; fail=$((fail + 1))
	fi
}
lacks() {
	if unzip -p "$2" word/document.xml | grep -q -- "$3"; then
		echo "FAIL $1: '$3' is in $2"; fail=$((fail + 1))
	else
		echo "ok   $1"; pass=$((pass + 1))
	fi
}
g() { out=$1; shift; "$RFPGEN" -q "$@" -o "$T/$out" || echo "FAIL generate $out"; }
g plain.docx --type 系統發展 --level 高
g core.docx --type 系統發展 --level 高 --core-system
g big.docx --type 系統發展 --level 高 --contract-value 10000000
g small.docx --type 系統發展 --level 高 --contract-value 9999999
g secret.docx --type 系統發展 --level 高 --classified
g gdpr.docx --type 雲端服務 --level 普 --eu-personal-data
g nogdpr.docx --type 雲端服務 --level 普
g duties.docx --type 維運服務 --level 中 --agency-checklist "$T/agency.docx"
g set.docx --type 系統發展 --level 高 --set session-timeout=15分鐘 --set log-retention=1年
g y2025.docx --type 系統發展 --level 高 --baseline 2025
lacks core-off "$T/plain.docx" '識別碼 MG.09）'
has core-on "$T/core.docx" '識別碼 MG.09）'
has contract-value-10m "$T/big.docx" '識別碼 MG.09）'
lacks contract-value-below "$T/small.docx" '識別碼 MG.09）'
lacks classified-off "$T/plain.docx" '適任性查核'
has classified-on "$T/secret.docx" '識別碼 MG.06）'
has gdpr-on "$T/gdpr.docx" 'GDPR'
lacks gdpr-off "$T/nogdpr.docx" 'GDPR'
lacks duties-off "$T/plain.docx" '機關自行辦理事項'
lacks duties-not-in-annex "$T/duties.docx" '機關自行辦理事項'
lacks duties-item-not-in-annex "$T/duties.docx" 'AG.01'
has duties-own-document "$T/agency.docx" '機關自行辦理事項檢核表'
has duties-item "$T/agency.docx" '識別碼 AG.01）'
has duties-checklist "$T/agency.docx" '□已辦理 □辦理中 □未辦理 □不適用'
lacks duties-no-vendor-items "$T/agency.docx" '識別碼 AC.ACCT.1）'
has param-default "$T/plain.docx" '保留日誌至少6個月'
has param-set "$T/set.docx" '保留日誌至少1年'
has param-set-2 "$T/set.docx" '閒置達15分鐘未活動'
lacks param-set-replaces "$T/set.docx" '閒置達30分鐘'
has baseline-2025-notice "$T/y2025.docx" '未經核對'
has baseline-2025-items "$T/y2025.docx" '識別碼 SA.ACQ.2）'
expect unknown-param 2 "unknown parameter 'nosuch'" -- --type 系統發展 --level 高 --set nosuch=1 -o "$T/p.docx"
expect bad-contract-value 2 "is not a whole number" -- --type 系統發展 --level 高 --contract-value 1e7 -o "$T/p.docx"
absent param-errors-no-output "$T/p.docx"
expect explain 0 '需求：.*〔參數 log-retention「日誌保存期限」，預設 6個月〕' -- explain AU.EVENT.1
expect explain-source 0 '來源：資通安全責任等級分級辦法附表十' -- explain AU.EVENT.1
expect explain-unknown 2 "no item has the id or number 'XX.1'" -- explain XX.1
expect explain-number 0 '^AC.ACCT.1　1.1.1' -- explain 1.1.1
expect explain-any-case 0 '^MG.11　MG-11' -- explain mg-11
expect explain-did-you-mean 2 "did you mean AC.ACCT.1\\?" -- explain AC.ACCT.9
expect params 0 'session-timeout' -- params

# A .dotx or .ott template renders into a document, not a template.
mkdir "$T/dotx" && (cd "$T/dotx" && unzip -q "$RFPGEN_DATA/templates/annex.docx" &&
    sed -i 's/wordprocessingml.document.main+xml/wordprocessingml.template.main+xml/' '[Content_Types].xml' &&
    zip -q -X -r ../t.dotx '[Content_Types].xml' . )
expect dotx-template 0 '' -- --type cloud --level 高 --template "$T/t.dotx" -o "$T/from-dotx.docx"
if unzip -p "$T/from-dotx.docx" '\[Content_Types\].xml' | grep -q 'document.main+xml' &&
    ! unzip -p "$T/from-dotx.docx" '\[Content_Types\].xml' | grep -q 'template.main+xml'; then
	echo "ok   dotx-becomes-docx"; pass=$((pass + 1))
else
	echo "FAIL dotx-becomes-docx"; fail=$((fail + 1))
fi
mkdir "$T/ott" && (cd "$T/ott" && unzip -q "$RFPGEN_DATA/templates/annex.odt" &&
    printf 'application/vnd.oasis.opendocument.text-template' >mimetype &&
    zip -q -X0 ../t.ott mimetype && zip -q -X -r ../t.ott . -x mimetype)
expect ott-template 0 '' -- --type cloud --level 高 --template "$T/t.ott" -o "$T/from-ott.odt"
if [ "$(unzip -p "$T/from-ott.odt" mimetype)" = application/vnd.oasis.opendocument.text ]; then
	echo "ok   ott-becomes-odt"; pass=$((pass + 1))
else
	echo "FAIL ott-becomes-odt"; fail=$((fail + 1))
fi

# A flat ODT template (.fodt, as LibreOffice saves it) renders into an ODT.
expect fodt-template 0 '' -- --type 系統發展 --level 高 --template "$SRC/examples/agency-template.fodt" -o "$T/from-fodt.odt"
if [ "$(unzip -p "$T/from-fodt.odt" mimetype)" = application/vnd.oasis.opendocument.text ] &&
    unzip -p "$T/from-fodt.odt" content.xml | grep -q '1.1.1' &&
    unzip -p "$T/from-fodt.odt" styles.xml | grep -q 'master-page' &&
    unzip -p "$T/from-fodt.odt" META-INF/manifest.xml | grep -q 'full-path="styles.xml"'; then
	echo "ok   fodt-becomes-odt"; pass=$((pass + 1))
else
	echo "FAIL fodt-becomes-odt"; fail=$((fail + 1))
fi
expect fodt-inspect 0 'agency-template.fodt: OK' -- inspect "$SRC/examples/agency-template.fodt"
printf '<?xml version="1.0"?>\n<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"/>\n' >"$T/sheet.fods"
expect fodt-not-text 4 'not a Word or ODF text package.*RFP-TPL-FORMAT' -- --type cloud --level 高 --template "$T/sheet.fods" -o "$T/x.odt"
absent fodt-not-text-no-output "$T/x.odt"

# inspect: every tag, valid or not, as typed (entities decoded), then the
# errors; --format json for pipelines. The template is a corpus one.
mkdir "$T/insp" && cp -r "$SRC/tests/corpus/errors-all-at-once/." "$T/insp/" &&
    sed -i 's|{{bad name}}|{{\&apos;x\&apos;}}|' "$T/insp/word/document.xml" &&
    (cd "$T/insp" && zip -q -X -r ../insp.docx '[Content_Types].xml' .)
expect inspect-errors 4 'has errors' -- inspect "$T/insp.docx"
expect inspect-valid-tags-listed 4 "paragraph 5  \{\{no\}\}  field" -- inspect "$T/insp.docx"
expect inspect-bad-tags-listed 4 "paragraph 1  \{\{agency  error" -- inspect "$T/insp.docx"
expect inspect-as-typed 4 "invalid tag name in \{\{'x'\}\} \(paragraph 2\)" -- inspect "$T/insp.docx"
if grep -q '&apos;' "$T/err" "$T/out"; then
	echo "FAIL inspect-as-typed: an entity is shown escaped"; fail=$((fail + 1))
fi
if [ "$(grep -c "\{\{'x'\}\}" "$T/err")" -ne 1 ]; then
	echo "FAIL inspect-one-message: the bad name has $(grep -c "{{'x'}}" "$T/err") messages"; fail=$((fail + 1))
else
	echo "ok   inspect-one-message"; pass=$((pass + 1))
fi
expect inspect-json 4 '"ok": false' -- inspect --format json "$T/insp.docx"
if /usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["tags"]) == 8, d["tags"]
assert sum(not t["ok"] for t in d["tags"]) == 5
assert sorted(x["code"] for x in d["diagnostics"]) == sorted(["RFP-TPL-UNCLOSED-TAG", "RFP-TPL-NAME",
    "RFP-TPL-UNKNOWN-FIELD", "RFP-TPL-LOOP-SCOPE", "RFP-TPL-UNOPENED"]), d["diagnostics"]
' "$T/out"; then
	echo "ok   inspect-json-content"; pass=$((pass + 1))
else
	echo "FAIL inspect-json-content"; fail=$((fail + 1))
fi
# 250 bad tags: 200 messages, then one note with the count.
mkdir "$T/many" && cp -r "$SRC/tests/corpus/errors-no-tags/." "$T/many/" &&
    /usr/bin/python3 -c 'import sys
p = sys.argv[1] + "/word/document.xml"
s = open(p, encoding="utf-8").read()
ps = "".join("<w:p><w:r><w:t>%d {{projcet}}</w:t></w:r></w:p>" % i for i in range(250))
open(p, "w", encoding="utf-8").write(s.replace("<w:body>", "<w:body>" + ps, 1))' "$T/many" &&
    (cd "$T/many" && zip -q -X -r ../many.docx '[Content_Types].xml' .)
expect inspect-capped 4 '50 more errors in this part not shown \[RFP-TPL-MORE\]' -- inspect "$T/many.docx"
if [ "$(grep -c 'error:' "$T/err")" -eq 200 ] && [ "$(grep -c 'projcet}}  error' "$T/out")" -eq 250 ]; then
	echo "ok   inspect-capped-counts"; pass=$((pass + 1))
else
	echo "FAIL inspect-capped-counts: $(grep -c 'error:' "$T/err") messages, $(grep -c 'projcet}}  error' "$T/out") listed"
	fail=$((fail + 1))
fi
expect inspect-ok 0 'annex.docx: OK' -- inspect "$RFPGEN_DATA/templates/annex.docx"
expect inspect-bad-format 2 "inspect --format: 'csv'" -- inspect --format csv "$RFPGEN_DATA/templates/annex.docx"

# --- Output places: never followed, mode from the umask, no hang -----------
check() { if eval "$2"; then echo "ok   $1"; pass=$((pass + 1)); else echo "FAIL $1"; fail=$((fail + 1)); fi; }
mkdir "$T/places" && echo precious >"$T/victim" && chmod 600 "$T/victim"
ln -s "$T/victim" "$T/places/a.docx"
"$RFPGEN" -q --type cloud --level 高 -o "$T/places/a.docx" 2>"$T/err"
check symlink-replaced-not-followed '[ "$(cat "$T/victim")" = precious ] && [ ! -L "$T/places/a.docx" ] && [ -f "$T/places/a.docx" ]'
(umask 077 && "$RFPGEN" -q --type cloud --level 高 -o "$T/places/private.docx")
check umask-honoured '[ "$(stat -c %a "$T/places/private.docx")" = 600 ]'
(umask 022 && "$RFPGEN" -q --type cloud --level 高 -o "$T/places/public.docx")
check umask-default '[ "$(stat -c %a "$T/places/public.docx")" = 644 ]'
chmod 640 "$T/places/public.docx"
"$RFPGEN" -q --type cloud --level 高 -o "$T/places/public.docx"
check existing-mode-kept '[ "$(stat -c %a "$T/places/public.docx")" = 640 ]'
mkfifo "$T/places/fifo.docx"
timeout 10 "$RFPGEN" -q --type cloud --level 高 -o "$T/places/fifo.docx" 2>"$T/err"; rc=$?
check fifo-refused '[ $rc -eq 5 ] && grep -q "device, FIFO or socket.*RFP-IO-WRITE" "$T/err" && [ -p "$T/places/fifo.docx" ]'
long=$(printf 'x%.0s' $(seq 1 250)).docx
"$RFPGEN" -q --type cloud --level 高 -o "$T/places/$long" 2>"$T/err"
check long-name '[ -f "$T/places/$long" ] && [ "$(ls -A "$T/places" | grep -c "^\.")" -eq 0 ]'
# --- No format lies -----------------------------------------------------------
expect odt-name-docx-format 2 "says odt but --format says docx" -- --type cloud --level 高 -o "$T/lie.odt" -f docx
absent odt-name-docx-format-no-output "$T/lie.odt"
expect docx-template-odt-output 2 'is a DOCX template but the output is ODT' -- --type cloud --level 高 -T "$RFPGEN_DATA/templates/annex.docx" -o "$T/lie2.odt"
absent docx-template-odt-output-no-output "$T/lie2.odt"
if /usr/bin/python3 -c 'import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--type", "cloud", "--level", "高", "-o", "-"])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.exit(0 if os.WEXITSTATUS(st) == 2 and b"RFP-TTY" in out and b"PK" not in out else 1)' "$RFPGEN"; then
	echo "ok   stdout-terminal-refused"; pass=$((pass + 1))
else
	echo "FAIL stdout-terminal-refused"; fail=$((fail + 1))
fi
# --- A command line that teaches -------------------------------------------
expect option-did-you-mean 2 "unknown option '--lvl'; did you mean --level\\?" -- --type cloud --lvl 高 -o "$T/a.docx"
expect command-did-you-mean 2 "unknown command 'lst'; did you mean list\\?" -- lst --type cloud --level 高
if [ "$(wc -l <"$T/err")" -le 2 ] && ! grep -q usage: "$T/err"; then
	echo "ok   usage-error-short"; pass=$((pass + 1))
else
	echo "FAIL usage-error-short: $(wc -l <"$T/err") lines"; fail=$((fail + 1))
fi
expect usage-error-code 2 "\\[RFP-USAGE\\]" -- lst
expect option-not-used 2 "--to-level is not an option of generate" -- --type cloud --level 高 --to-level 中 -o "$T/a.docx"
expect option-not-used-list 2 "--agency is not an option of list" -- list --type cloud --level 高 --agency X
expect help-command 0 'usage: rfpgen' -- help
expect baseline-2025-warns 0 'baseline 2025 is not verified.*RFP-BASELINE-UNVERIFIED' -- list --type cloud --level 高 --baseline 2025
expect list-json 0 '"items"' -- list --type cloud --level 高 -f json
"$RFPGEN" list --type cloud --level 高 -o "$T/l.csv" 2>"$T/err"
check list-o-csv "head -1 '$T/l.csv' | grep -q ',' && [ \"\$(wc -l <'$T/l.csv')\" -gt 10 ]"
"$RFPGEN" diff --type cloud --level 中 --to-level 高 -o "$T/d.json" 2>"$T/err"
check diff-o-json "/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' '$T/d.json'"
expect diff-o-format-disagree 2 "says json but --format says md" -- diff --type cloud --level 中 --to-level 高 -o "$T/d2.json" -f md

# --- Exports that cannot hurt their reader ----------------------------------
sed 's|<text>日誌應保存<insert param="keep"/>以上。</text>|<text><insert param="keep"/>以上。</text>|' \
    "$SRC/tests/data/mini-baseline.xml" >"$T/evil-cat.xml"
"$RFPGEN" --catalogue "$T/evil-cat.xml" --type 系統發展 --level 普 -f csv -o "$T/evil.csv" \
    --set 'keep==HYPERLINK("http://x.example/","y")' 2>"$T/err"
check csv-no-formula "grep -q \"^F1.A.1,1.1.1,.*,\\\"'=HYPERLINK\" '$T/evil.csv'"
"$RFPGEN" --catalogue "$T/evil-cat.xml" --type 系統發展 --level 普 -f md -o "$T/evil.md" \
    --set 'keep=a|b\<script>x</script>' 2>"$T/err"
check md-escaped "grep -qF 'a\\|b\\\\&lt;script&gt;x&lt;/script&gt;' '$T/evil.md' && ! grep -q '<script>' '$T/evil.md'"
"$RFPGEN" diff --catalogue "$T/evil-cat.xml" --type 系統發展 --level 普 --to-level 高 -f csv -o "$T/evil-diff.csv" \
    --set 'keep=@SUM(1)|cmd' 2>"$T/err"
check diff-csv-quoted "/usr/bin/python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=\"\"))); assert all(len(x)==5 for x in r), r' '$T/evil-diff.csv'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# Batch generation and pipeline outputs, through the CLI.
# Usage: batch.sh RFPGEN SRCDIR
set -u
RFPGEN=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
export SOURCE_DATE_EPOCH=1764000000
P=$SRC/tests/data/portfolio
PY=/usr/bin/python3

# -j1 and -j2 give the same bytes.
mkdir "$T/j1" "$T/j2" "$T/x" "$T/o"
"$RFPGEN" batch "$P/sample.csv" -O "$T/j1" -j 1 -q --report "$T/j1.json"; rc1=$?
"$RFPGEN" batch "$P/sample.csv" -O "$T/j2" -j 2 -q --report "$T/j2.json"; rc2=$?
check "batch-exit-0" '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]'
check "batch-wrote-all" '[ "$(ls "$T/j1" | wc -l)" -eq 10 ]'
check "j1-equals-j2" 'diff -r "$T/j1" "$T/j2" >/dev/null'
check "report-json" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"written\"]==10 and r[\"failed\"]==0; assert all(x[\"status\"]==\"written\" and x[\"items\"]>0 for x in r[\"rows\"]); assert r[\"rows\"][0][\"row\"]==2; assert r[\"tool\"].startswith(\"rfpgen \") and r[\"baseline\"]' '$T/j1.json'"
# The report's digest is the file's; its type and level are the resolved ones.
check "report-sha256" "$PY -c 'import json,sys,hashlib; r=json.load(open(sys.argv[1])); x=r[\"rows\"][0]; assert hashlib.sha256(open(x[\"output\"],\"rb\").read()).hexdigest()==x[\"sha256\"]; assert x[\"type\"] and x[\"level\"]' '$T/j1.json'"
# XLSX and ODS made by LibreOffice from the same CSV give the same annexes.
"$RFPGEN" batch "$P/sample.xlsx" -O "$T/x" -j 2 -q
"$RFPGEN" batch "$P/sample.ods" -O "$T/o" -j 2 -q
check "xlsx-equals-csv" 'diff -r "$T/j1" "$T/x" >/dev/null'
check "ods-equals-csv" 'diff -r "$T/j1" "$T/o" >/dev/null'
check "document-content" 'unzip -p "$T/j1/SYS-002-系統發展-高.docx" word/document.xml | grep -q "臺北市政府"'

# A failed row among good ones: reported with row and column, no file, exit 7.
cat >"$T/mixed.csv" <<'CSV'
系統編號,系統名稱,機關,案名,委外類型,防護需求等級
A1,好系統,甲機關,甲案,系統發展,高
A2,壞系統,乙機關,乙案,系統開發,高
A3,也好,丙機關,丙案,cloud,low
A4,評等,丁機關,丁案,雲端服務,
,,,,,
CSV
mkdir "$T/m"
"$RFPGEN" batch "$T/mixed.csv" -O "$T/m" -j 2 --report "$T/m.json" 2>"$T/m.err"; rc=$?
check "failed-row-exit-7" '[ $rc -eq 7 ]'
check "failed-row-message" 'grep -q "row 3 A2: error: column 委外類型: unknown type .系統開發." "$T/m.err"'
check "missing-rating-message" 'grep -q "row 5 A4: error: column 防護需求等級 is empty in this row \[RFP-ROW-EMPTY-CELL\]" "$T/m.err"'
check "failed-row-no-file" '! ls "$T/m" | grep -q A2'
check "good-rows-written" '[ -f "$T/m/A1-系統發展-高.docx" ] && [ -f "$T/m/A3-雲端服務-普.docx" ]'
check "summary" 'grep -q "2 written, 2 failed, 0 skipped" "$T/m.err"'
check "report-failed" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); s=[x[\"status\"] for x in r[\"rows\"]]; assert s==[\"written\",\"failed\",\"written\",\"failed\",\"empty\"], s' '$T/m.json'"
# Only a written file has an output and a digest; a failed row has its
# code and column.
check "report-truth" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); f=r[\"rows\"][1]; assert \"output\" not in f and \"sha256\" not in f, f; assert f[\"code\"]==\"RFP-ROW-TYPE\" and f[\"column\"]==\"委外類型\", f; assert r[\"empty\"]==1' '$T/m.json'"
mkdir "$T/ff"
"$RFPGEN" batch "$T/mixed.csv" -O "$T/ff" -j 1 --fail-fast 2>"$T/ff.err"
check "fail-fast-skips" 'grep -q "1 written, 1 failed, 2 skipped" "$T/ff.err"'

# Ratings, conditions and parameters from columns; Big5/CP950 input.
cat >"$T/ratings.csv" <<'CSV'
id,name,agency,project,type,C,I,A,L,core_system,set:session-timeout
R1,評等系統,戊機關,戊案,development,普,高,普,普,是,10分鐘
CSV
mkdir "$T/r"
"$RFPGEN" batch "$T/ratings.csv" -O "$T/r" -q
check "ratings-derive-level" '[ -f "$T/r/R1-系統發展-高.docx" ]'
check "ratings-recorded" 'unzip -p "$T/r/R1-系統發展-高.docx" word/document.xml | grep -q "完整性高"'
check "condition-column" 'unzip -p "$T/r/R1-系統發展-高.docx" word/document.xml | grep -q "識別碼 MG.09）"'
check "set-column" 'unzip -p "$T/r/R1-系統發展-高.docx" word/document.xml | grep -q "閒置達10分鐘"'
iconv -f UTF-8 -t CP950 "$T/mixed.csv" >"$T/big5.csv"
mkdir "$T/b5"
"$RFPGEN" batch "$T/big5.csv" -O "$T/b5" -q 2>/dev/null
check "cp950-detected" '[ -f "$T/b5/A1-系統發展-高.docx" ] && unzip -p "$T/b5/A1-系統發展-高.docx" word/document.xml | grep -q "甲機關"'
printf '系統編號,備註\nX,Y\n' >"$T/nohdr.csv"
"$RFPGEN" batch "$T/nohdr.csv" -O "$T/m" 2>"$T/nh.err"; rc=$?
check "no-type-column" '[ $rc -eq 3 ] && grep -q "no outsourcing-type column" "$T/nh.err"'

# SIGINT: finished files are complete, no temporary file remains.
{
	echo "系統編號,委外類型,防護需求等級"
	i=0; while [ $i -lt 4000 ]; do echo "S$i,系統發展,高"; i=$((i + 1)); done
} >"$T/many.csv"
mkdir "$T/int"
"$RFPGEN" batch "$T/many.csv" -O "$T/int" -j 1 -q 2>/dev/null &
pid=$!
# Interrupt as soon as the first annex exists: a batch of identical rows
# runs at over 1000 annexes/s.
i=0
while [ -z "$(ls "$T/int")" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -INT $pid
wait $pid; rc=$?
n=$(ls "$T/int" | wc -l)
check "sigint-exit-130" '[ $rc -eq 130 ]'
check "sigint-stopped-early" '[ "$n" -lt 4000 ] && [ "$n" -gt 0 ]'
check "sigint-no-temporary" '[ -z "$(ls -A "$T/int" | grep "^\.")" ]'
allgood=1
for f in "$T"/int/*.docx; do unzip -tq "$f" >/dev/null 2>&1 || allgood=0; done
check "sigint-files-complete" '[ $allgood -eq 1 ]'

# Pipeline outputs.
"$RFPGEN" --type 雲端服務 --level 中 --format json -o "$T/sel.json"
check "export-json" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"count\"]==118==len(r[\"items\"]); assert r[\"parameters\"][\"log-retention\"][\"value\"]==\"6個月\"; assert r[\"items\"][0][\"id\"]==\"AC.ACCT.1\"' '$T/sel.json'"
"$RFPGEN" --type 雲端服務 --level 中 --format csv -o "$T/sel.csv"
check "export-csv" "$PY -c 'import csv,sys; rows=list(csv.reader(open(sys.argv[1], newline=\"\"))); assert rows[0][0]==\"id\" and len(rows)==119, len(rows)' '$T/sel.csv'"
"$RFPGEN" --type 雲端服務 --level 中 --format md -o "$T/sel.md"
check "export-md" 'grep -q "^| 1.1.1 | AC.ACCT.1 |" "$T/sel.md"'
"$RFPGEN" diff --type 系統發展 --level 中 --to-level 高 --format json -o "$T/diff.json"
check "diff-levels-json" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r[\"counts\"]; assert c==dict(added=20,removed=0,changed=0), c; assert all(x[\"min_level\"]==\"高\" for x in r[\"added\"])' '$T/diff.json'"
"$RFPGEN" diff --type 系統發展 --level 高 --to-type 維運服務 >"$T/diff.txt"
check "diff-types-text" 'grep -q "^- SA.DEV.1 " "$T/diff.txt" && grep -q "removed" "$T/diff.txt"'
"$RFPGEN" diff --type 系統發展 --level 高 --to-baseline 2025 --format md >"$T/diff.md"
check "diff-baselines-md" 'grep -q "^| ~ | AC.ACCT.2 |" "$T/diff.md" && grep -q "added, .* removed, .* changed" "$T/diff.md"'

# --- Rows checked as strictly as the command line; defaults from it --------
cat >"$T/rows.csv" <<'CSV'
系統編號,機關,委外類型,防護需求等級,機密性,完整性,可用性,法律遵循性,契約金額,輸出檔名
B1,,系統發展,高 ,,,,,"10,000,000",
B2,乙機關,系統發展,高,高,中,普,普,,
B3,丙機關,雲端服務,中,,,,,"NT$12,000,000元",
B4,,,,,,,,,b4.docx
B5,,系統發展,普,,,,,,annex.odt
B6,,系統發展,普,,,,,,Annex.ODT
B7,,系統發展,普,,,,,,CON.docx
B8,戊機關,系統發展,普,,,,,,odt-in-docx.docx
CSV
mkdir "$T/rows"
"$RFPGEN" batch "$T/rows.csv" -O "$T/rows" -j 2 --agency 預設機關 --level 中 --report "$T/rows.json" 2>"$T/rows.err"; rc=$?
check "rows-exit-7" '[ $rc -eq 7 ]'
check "rows-amounts-and-spaces" '[ -f "$T/rows/B1-系統發展-高.docx" ] && [ -f "$T/rows/B3-雲端服務-中.docx" ]'
check "rows-agency-default" 'unzip -p "$T/rows/B1-系統發展-高.docx" word/document.xml | grep -q 預設機關'
check "rows-contract-value-adds-testing" "[ \"\$(unzip -p '$T/rows/B1-系統發展-高.docx' word/document.xml | grep -c 第三方)\" -ge 1 ]"
check "rows-level-and-ratings" 'grep -q "row 3 B2: error: the row has a level (高) and ratings.*RFP-ROW-BOTH" "$T/rows.err"'
check "rows-type-required" 'grep -q "row 5 B4: error: column 委外類型 is empty" "$T/rows.err"'
check "rows-case-duplicate" 'grep -q "row 7 B6: error: output name .Annex.ODT. is already used by row 6" "$T/rows.err"'
check "rows-windows-device" '[ -f "$T/rows/_CON.docx" ] && [ ! -e "$T/rows/CON.docx" ]'
"$RFPGEN" batch "$T/rows.csv" -O "$T/rows2" -T "$SRC/examples/agency-template.odt" --level 中 2>"$T/rows2.err"
check "rows-template-format-lie" 'grep -q "row 9 B8: error: the output .odt-in-docx.docx. and the template disagree on the format (ODT).*RFP-ROW-FORMAT" "$T/rows2.err" && [ ! -e "$T/rows2/odt-in-docx.docx" ]'
# A template whose name says nothing of its format is checked after loading.
cp "$SRC/examples/agency-template.odt" "$T/agency.tpl"
"$RFPGEN" batch "$T/rows.csv" -O "$T/rows5" -T "$T/agency.tpl" --level 中 2>"$T/rows5.err"
check "rows-template-content-lie" 'grep -q "row 9 B8: error: the template .*agency.tpl is a ODT package, but the output .odt-in-docx.docx. is DOCX.*RFP-ROW-TEMPLATE-FORMAT" "$T/rows5.err" && [ ! -e "$T/rows5/odt-in-docx.docx" ]'
"$RFPGEN" batch "$T/rows.csv" -O "$T/rows3" --format odt --level 中 2>"$T/rows3.err"
check "rows-format-option-lie" 'grep -q "row 9 B8: error: the output .odt-in-docx.docx. and --format disagree on the format (ODT).*RFP-ROW-FORMAT" "$T/rows3.err" && [ -f "$T/rows3/B1-系統發展-高.odt" ]'
# --check: every row checked, its report printed, nothing written.
"$RFPGEN" batch "$T/rows.csv" --check --level 中 >"$T/check.json" 2>"$T/check.err"; rc=$?
check "check-only" "[ $rc -eq 7 ] && [ ! -e '$T/B1-系統發展-高.docx' ] && $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"written\"]==0 and r[\"checked\"]==5 and r[\"failed\"]==3, r; assert r[\"rows\"][0][\"would_write\"].endswith(\"B1-系統發展-高.docx\")' '$T/check.json'"
# A near-miss column name would drop a legal duty silently: refused.
printf '系統編號,委外類型,防護需求等級,核心資通系統\nC1,系統發展,高,是\n' >"$T/near.csv"
"$RFPGEN" batch "$T/near.csv" -O "$T/near" 2>"$T/near.err"; rc=$?
check "near-miss-column" '[ $rc -eq 3 ] && grep -q "column .核心資通系統. is not one rfpgen reads; did you mean .核心系統.?.*RFP-BATCH-COLUMN-NEAR" "$T/near.err" && [ ! -e "$T/near/C1-系統發展-高.docx" ]'
"$RFPGEN" batch "$T/near.csv" -O "$T/near" --ignore-column 核心資通系統 -q 2>"$T/near.err"; rc=$?
check "near-miss-ignored" '[ $rc -eq 0 ] && [ -f "$T/near/C1-系統發展-高.docx" ]'
# A carriage return in a cell cannot rewrite the terminal line.
printf '系統編號,委外類型,防護需求等級\n"D1\rEVIL",系統開發,高\n' >"$T/cr.csv"
"$RFPGEN" batch "$T/cr.csv" -O "$T/cr" 2>"$T/cr.err"
check "control-chars-escaped" 'grep -q "row 2 D1\\\\rEVIL: error" "$T/cr.err" && ! grep -q "$(printf "\r")" "$T/cr.err"'
# --- Output names (tests/fuzz/README.md, fixed findings 2-7) -----------------
# Every file a row writes counts for duplicates, the agency's document too
# (6), and names that differ only in non-ASCII case are one (3); a cell
# that is only an extension gives the format, never a name without one (2,
# 7); Win32's other device names (4); a name too long fails up front (5).
long=$(printf '%0240d' 0 | tr 0 L)
cat >"$T/names.csv" <<CSV
系統編號,委外類型,防護需求等級,輸出檔名,機關檢核表
N1,系統發展,普,x.docx,是
N2,系統發展,普,x-機關自行辦理事項.docx,
N3,系統發展,普,Y-機關自行辦理事項.docx,
N4,系統發展,普,y.docx,是
N5,系統發展,普,.odt,是
N6,系統發展,普,É.docx,
N7,系統發展,普,é.docx,
N8,系統發展,普,Ａ.odt,
N9,系統發展,普,ａ.odt,
N10,系統發展,普,CONIN\$.docx,
N11,系統發展,普,CON .docx,
N12,系統發展,普,COM¹.docx,
N13,系統發展,普,$long.docx,是
N14,系統發展,普,$long.docx,
CSV
mkdir "$T/names"
"$RFPGEN" batch "$T/names.csv" -O "$T/names" -j 2 --report "$T/names.json" 2>"$T/names.err"; rc=$?
check "names-exit-7" '[ $rc -eq 7 ]'
check "names-agency-doc-taken" 'grep -q "row 3 N2: error: output name .x-機關自行辦理事項.docx. is already used by row 2 (letter case aside) \[RFP-ROW-DUPLICATE\]" "$T/names.err" && unzip -p "$T/names/x-機關自行辦理事項.docx" word/document.xml | grep -q 機關自行辦理事項檢核表'
check "names-agency-doc-clashes" 'grep -q "row 5 N4: error: output name .y-機關自行辦理事項.docx. is already used by row 4" "$T/names.err" && [ ! -e "$T/names/y.docx" ] && [ -f "$T/names/Y-機關自行辦理事項.docx" ]'
check "names-extension-only" '[ -f "$T/names/N5-系統發展-普.odt" ] && [ -f "$T/names/N5-系統發展-普-機關自行辦理事項.odt" ] && ! ls "$T/names" | grep -q -e "_odt" -e "(null)"'
check "names-unicode-case" 'grep -q "row 8 N7: error: output name .é.docx. is already used by row 7" "$T/names.err" && grep -q "row 10 N9: error: output name .ａ.odt. is already used by row 9" "$T/names.err" && [ ! -e "$T/names/é.docx" ] && [ ! -e "$T/names/ａ.odt" ]'
check "names-devices" '[ -f "$T/names/_CONIN\$.docx" ] && [ -f "$T/names/_CON .docx" ] && [ -f "$T/names/_COM¹.docx" ] && [ ! -e "$T/names/CON .docx" ]'
check "names-too-long" 'grep -q "row 14 N13: error: the file name .L*-機關自行辦理事項.docx. is 270 bytes long; a file system takes at most 255 \[RFP-ROW-NAME-LONG\]" "$T/names.err" && [ -f "$T/names/$long.docx" ]'
check "names-report" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"written\"]==9 and r[\"failed\"]==5, r; f=[x for x in r[\"rows\"] if x[\"status\"]==\"failed\"]; assert [x[\"code\"] for x in f]==[\"RFP-ROW-DUPLICATE\"]*4+[\"RFP-ROW-NAME-LONG\"], f' '$T/names.json'"
# --agency-checklist-dir naming -O another way is the same directory.
printf '系統編號,委外類型,防護需求等級,輸出檔名\nD1,系統發展,普,a.docx\nD2,系統發展,普,A-機關自行辦理事項.docx\n' >"$T/samedir.csv"
mkdir "$T/sd" "$T/sd2"
"$RFPGEN" batch "$T/samedir.csv" -O "$T/sd" --agency-checklist-dir "$T/sd/." 2>"$T/sd.err"; rc=$?
check "names-agency-dir-same" '[ $rc -eq 7 ] && grep -q "row 3 D2: error: output name .A-機關自行辦理事項.docx. is already used by row 2" "$T/sd.err"'
"$RFPGEN" batch "$T/samedir.csv" -O "$T/sd2" --agency-checklist-dir "$T/sd2/agency" -q; rc=$?
check "names-agency-dir-apart" '[ $rc -eq 0 ] && [ -f "$T/sd2/A-機關自行辦理事項.docx" ] && [ -f "$T/sd2/agency/A-機關自行辦理事項-機關自行辦理事項.docx" ]'
# --report is checked before any annex is written.
"$RFPGEN" batch "$T/rows.csv" -O "$T/rows4" --level 中 --report "$T/no/such/dir/r.json" 2>"$T/rep.err"; rc=$?
check "report-unwritable-first" '[ $rc -eq 5 ] && grep -q "RFP-REPORT" "$T/rep.err" && [ -z "$(ls -A "$T/rows4")" ]'
# A failed row is printed as it happens, with --progress on a pipe.
"$RFPGEN" batch "$T/mixed.csv" -O "$T/prog" --progress 2>"$T/prog.err"
check "progress-lines" 'grep -q "rfpgen: batch: 4/4 rows (100%), 2 failed" "$T/prog.err" && ! grep -q "$(printf "\r")" "$T/prog.err"'
# SIGTERM: rows not started are skipped, no temporary file is left.
mkdir "$T/term"
"$RFPGEN" batch "$SRC/tests/data/portfolio/sample.csv" -O "$T/term" -j 1 -q 2>/dev/null &
pid=$!
kill -TERM $pid 2>/dev/null
wait $pid; rc=$?
check "sigterm-clean" '{ [ $rc -eq 130 ] || [ $rc -eq 143 ] || [ $rc -eq 0 ]; } && [ "$(ls -A "$T/term" | grep -c "^\.")" -eq 0 ]'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

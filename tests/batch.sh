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
check "report-json" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[\"written\"]==10 and r[\"failed\"]==0; assert all(x[\"status\"]==\"ok\" and x[\"items\"]>0 for x in r[\"rows\"]); assert r[\"rows\"][0][\"row\"]==2' '$T/j1.json'"
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
CSV
mkdir "$T/m"
"$RFPGEN" batch "$T/mixed.csv" -O "$T/m" -j 2 --report "$T/m.json" 2>"$T/m.err"; rc=$?
check "failed-row-exit-7" '[ $rc -eq 7 ]'
check "failed-row-message" 'grep -q "row 3 A2: error: column 委外類型: unknown type .系統開發." "$T/m.err"'
check "missing-rating-message" 'grep -q "row 5 A4: error: column 機密性: no level and no rating" "$T/m.err"'
check "failed-row-no-file" '! ls "$T/m" | grep -q A2'
check "good-rows-written" '[ -f "$T/m/A1-系統發展-高.docx" ] && [ -f "$T/m/A3-雲端服務-普.docx" ]'
check "summary" 'grep -q "2 written, 2 failed, 0 skipped" "$T/m.err"'
check "report-failed" "$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); s=[x[\"status\"] for x in r[\"rows\"]]; assert s==[\"ok\",\"failed\",\"ok\",\"failed\"], s' '$T/m.json'"
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
printf '系統編號,名稱\nX,Y\n' >"$T/nohdr.csv"
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

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

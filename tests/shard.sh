#!/bin/sh
# batch --shard K/N: the N shards of a portfolio write the files of one
# unsharded run, byte for byte, each file once, and their reports add up
# to its report; names and duplicates are decided over the whole portfolio.
# Usage: shard.sh RFPGEN SRCDIR
set -u
RFPGEN=$1 SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
export SOURCE_DATE_EPOCH=1764000000
PY=/usr/bin/python3

# compare FULL_DIR FULL_REPORT N PREFIX: the shard runs PREFIX1..PREFIXN
# (directories, and PREFIXk.json reports) against the full run.
cat >"$T/compare.py" <<'PY'
import filecmp, json, os, sys
full, full_report, n, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
fr = json.load(open(full_report))
seen, rows = {}, []
totals = dict.fromkeys(("written", "checked", "failed", "skipped", "empty"), 0)
for k in range(1, n + 1):
    d = "%s%d" % (prefix, k)
    r = json.load(open(d + ".json"))
    assert r["shard"] == {"k": k, "n": n, "portfolio_rows": len(fr["rows"])}, r["shard"]
    for key in totals:
        totals[key] += r[key]
    # Its rows are the portfolio's rows i with i % n == k - 1, in order.
    want = [x["row"] for i, x in enumerate(fr["rows"]) if i % n == k - 1]
    assert [x["row"] for x in r["rows"]] == want, (k, [x["row"] for x in r["rows"]], want)
    rows += r["rows"]
    for f in (os.listdir(d) if os.path.isdir(d) else []):
        assert f not in seen, "%s written by shards %d and %d" % (f, seen[f], k)
        seen[f] = k
names = sorted(os.listdir(full))
assert sorted(seen) == names, (sorted(set(seen) ^ set(names)))
for f in names:
    assert filecmp.cmp(os.path.join(full, f), os.path.join("%s%d" % (prefix, seen[f]), f),
                       shallow=False), "%s differs" % f
for key in totals:
    assert totals[key] == fr[key], (key, totals[key], fr[key])
# Row by row the same record as in the full run (the directory aside).
def norm(x):
    x = dict(x)
    for key in ("output", "would_write"):
        if key in x:
            x[key] = os.path.basename(x[key])
    return x
rows.sort(key=lambda x: x["row"])
assert [norm(x) for x in rows] == [norm(x) for x in fr["rows"]], "the rows' records differ"
print("%d files, %d rows" % (len(names), len(rows)))
PY

# shards NAME PORTFOLIO N [OPTIONS]: runs the N shards into $T/NAME-N-K.
shards() {
	name=$1 portfolio=$2 n=$3
	shift 3
	k=1
	while [ "$k" -le "$n" ]; do
		"$RFPGEN" batch "$portfolio" -O "$T/$name-$n-$k" --shard "$k/$n" -q \
		    --report "$T/$name-$n-$k.json" "$@" 2>>"$T/$name.err"
		k=$((k + 1))
	done
}

# The example portfolio (20 rows), N = 1 to 4 and a prime bigger than the
# number of rows (some shards are empty).
P=$SRC/examples/portfolio.csv
"$RFPGEN" batch "$P" -O "$T/full" -q --report "$T/full.json"; rc=$?
check "full-run" '[ $rc -eq 0 ] && [ "$(ls "$T/full" | wc -l)" -eq 20 ]'
for n in 1 2 3 4 23; do
	: >"$T/ex.err"
	shards ex "$P" $n
	check "example-union-n$n" "$PY '$T/compare.py' '$T/full' '$T/full.json' $n '$T/ex-$n-' >/dev/null"
done
check "example-exit-0" '! [ -s "$T/ex.err" ]'

# Duplicate names across shards (the second of two rows fails, in whichever
# shard it is), letter case, an empty row and a failed row.
cat >"$T/dup.csv" <<'CSV'
系統編號,委外類型,防護需求等級,輸出檔名
D1,系統發展,高,
D2,系統發展,高,same.docx
D1,系統發展,高,
,,,
D4,系統開發,高,
D5,雲端服務,中,Same.DOCX
D6,雲端服務,中,same.docx
D7,維運服務,普,
D1,雲端服務,普,
D8,維運服務,普,d1-系統發展-高.docx
CSV
"$RFPGEN" batch "$T/dup.csv" -O "$T/dfull" -q --report "$T/dfull.json" 2>"$T/dfull.err"; rc=$?
check "dup-full-run" "[ $rc -eq 7 ] && $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert (r[\"written\"], r[\"failed\"], r[\"empty\"]) == (4, 5, 1), r' '$T/dfull.json'"
for n in 2 3 4; do
	rm -f "$T/dup.err"
	shards dup "$T/dup.csv" $n -j 2
	check "dup-union-n$n" "$PY '$T/compare.py' '$T/dfull' '$T/dfull.json' $n '$T/dup-$n-' >/dev/null"
done
# Shard 3/4 holds rows 4 and 8 but not rows 2 and 3, whose names they
# repeat: both still fail, and it writes nothing.
check "dup-decided-over-portfolio" "grep -q 'row 4 D1: error: output name .D1-系統發展-高.docx. is already used by row 2' '$T/dup.err' && [ -z \"\$(ls -A '$T/dup-4-3')\" ] && $PY -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [(x[\"row\"], x[\"code\"]) for x in r[\"rows\"]] == [(4, \"RFP-ROW-DUPLICATE\"), (8, \"RFP-ROW-DUPLICATE\")], r' '$T/dup-4-3.json'"

# --check: the shards check the rows of one --check run.
"$RFPGEN" batch "$P" --check -q >"$T/cfull.json"; rc=$?
n=3 k=1 crc=0
while [ $k -le $n ]; do
	mkdir -p "$T/chk-$n-$k"
	"$RFPGEN" batch "$P" --check --shard $k/$n -q >"$T/chk-$n-$k.json" || crc=1
	k=$((k + 1))
done
check "check-shards" "[ $rc -eq 0 ] && [ $crc -eq 0 ] && $PY '$T/compare.py' '$T/chk-$n-1' '$T/cfull.json' $n '$T/chk-$n-' >/dev/null && [ -z \"\$(find '$T/chk-3-1' '$T/chk-3-2' '$T/chk-3-3' -type f)\" ]"

# Shards run at the same time into one directory, which none of them made.
k=1
while [ $k -le 4 ]; do
	"$RFPGEN" batch "$P" -O "$T/together" --shard $k/4 -q 2>>"$T/together.err" &
	k=$((k + 1))
done
wait
check "concurrent-shards-one-dir" 'diff -r "$T/full" "$T/together" >/dev/null && ! [ -s "$T/together.err" ]'

# The summary and the progress lines name the shard.
"$RFPGEN" batch "$P" -O "$T/prog" --shard 2/4 --progress 2>"$T/prog.err"
check "summary-names-shard" 'grep -q "^rfpgen: batch: 5 written, 0 failed, 0 skipped (shard 2/4)$" "$T/prog.err"'
check "progress-names-shard" 'grep -q "^rfpgen: batch: 5/5 rows (100%), 0 failed (shard 2/4)$" "$T/prog.err"'

# Bad values: a usage error with its code, before anything is written.
for v in 0/3 4/3 a/b 3 1/0 /3 3/ -1/3 1/3/3 " 1/3" 1/10001 99999999999999999999/3; do
	"$RFPGEN" batch "$P" -O "$T/badshard" --shard "$v" 2>"$T/bad.err"; rc=$?
	check "bad-shard-'$v'" '[ $rc -eq 2 ] && grep -q "RFP-BATCH-SHARD" "$T/bad.err" && grep -q "hint:" "$T/bad.err" && [ ! -e "$T/badshard" ]'
done
"$RFPGEN" batch "$P" -O "$T/bigshard" --shard 10000/10000 -q; rc=$?
check "shard-n-10000" '[ $rc -eq 0 ] && [ -z "$(ls -A "$T/bigshard")" ]'
# --shard is an option of batch only.
"$RFPGEN" --type 系統發展 --level 高 -o "$T/a.docx" --shard 1/2 2>"$T/gen.err"; rc=$?
check "generate-refuses-shard" '[ $rc -eq 2 ] && grep -q "shard is not an option of generate.*RFP-USAGE" "$T/gen.err" && [ ! -e "$T/a.docx" ]'
"$RFPGEN" list --type 系統發展 --level 高 --shard 1/2 >/dev/null 2>"$T/list.err"; rc=$?
check "list-refuses-shard" '[ $rc -eq 2 ] && grep -q "shard is not an option of list" "$T/list.err"'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# The front executable (src/cli/front.c) against rfpgen-full: for what the
# front serves from its snapshot, the same bytes, messages and exit codes;
# for everything else, a hand-over that gives the full executable's result.
# RFPGEN_TRACE=1 tells which executable served a command.
# Usage: front.sh RFPGEN RFPGEN_FULL SRCDIR
set -u
FRONT=$1
FULL=$2
SRC=$3
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
export SOURCE_DATE_EPOCH=1764000000

# same LABEL WHO ARGS...: front and full give the same exit status, standard
# output, standard error and -o file (the front's file is $T/f.*, the full
# one's $T/g.*; write "@OUT@.ext" for it); WHO says who must serve it: front,
# full (handed over) or either.
same() {
	label=$1 who=$2
	shift 2
	fargs= gargs=
	for a in "$@"; do
		case $a in
		@OUT@*) fargs="$fargs $T/f${a#@OUT@}" gargs="$gargs $T/g${a#@OUT@}" ;;
		*) fargs="$fargs $(printf '%s' "$a" | sed 's/ /\\ /g')"
		   gargs="$gargs $(printf '%s' "$a" | sed 's/ /\\ /g')" ;;
		esac
	done
	rm -f "$T"/f.* "$T"/g.*
	eval "RFPGEN_TRACE=1 \"\$FRONT\" $fargs" >"$T/fout" 2>"$T/ferr"
	frc=$?
	eval "\"\$FULL\" $gargs" >"$T/gout" 2>"$T/gerr"
	grc=$?
	grep -v '^rfpgen: trace: ' "$T/ferr" | sed "s#$T/f#$T/X#g" >"$T/ferr2"
	sed "s#$T/g#$T/X#g" "$T/gerr" >"$T/gerr2"
	if [ "$frc" -ne "$grc" ]; then
		bad "$label: exit $frc from the front, $grc from rfpgen-full"; sed 's/^/  | /' "$T/ferr" | head -5
		return
	fi
	if ! cmp -s "$T/fout" "$T/gout" || ! cmp -s "$T/ferr2" "$T/gerr2"; then
		bad "$label: output or messages differ"; diff "$T/gerr2" "$T/ferr2" | head -5
		return
	fi
	for f in "$T"/g.*; do
		[ -e "$f" ] || continue
		if ! cmp -s "$f" "$T/f${f#"$T"/g}"; then
			bad "$label: ${f##*/} differs from the front's"
			return
		fi
	done
	case $who in
	front) want='served by the front' ;;
	full) want='handed to rfpgen-full' ;;
	*) want= ;;	# help and version exit before any trace
	esac
	if [ -n "$want" ] && ! grep -q "trace: $want" "$T/ferr"; then
		bad "$label: not $want: $(grep trace "$T/ferr")"
		return
	fi
	ok "$label ($who, exit $frc)"
}

# The front links neither libxml2 nor libzip: that is what it is for.
needed=$(readelf -d "$FRONT" 2>/dev/null | grep NEEDED)
if [ -n "$needed" ] && ! printf '%s\n' "$needed" | grep -Eq 'libxml2|libzip'; then
	ok "the front needs only: $(printf '%s\n' "$needed" | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')"
else
	bad "the front links libxml2 or libzip (or readelf failed): $needed"
fi

# Every type and level, both formats: the same bytes.
for t in 顧問訓練 系統發展 維運服務 雲端服務; do
	for l in 普 中 高; do
		same "$t/$l docx" front -t "$t" -l "$l" --agency 測試機關 --project "快照 測試案" -o @OUT@.docx
		same "$t/$l odt" front -t "$t" -l "$l" -o @OUT@.odt
	done
done
# The snapshot's compressed chunks serve all but what the request changed
# (the cover table), and the bytes above show they change nothing.
RFPGEN_TRACE=1 "$FRONT" -q -t 系統發展 -l 高 --agency 測試機關 --project 其他案 -o "$T/s.docx" 2>"$T/err"
counts=$(sed -n 's/.*text chunks: \([0-9]*\) reused, \([0-9]*\) compressed.*/\1 \2/p' "$T/err")
reused=${counts% *} compressed=${counts#* }
if [ -n "$counts" ] && [ "$reused" -ge 5 ] && [ "$compressed" -le 3 ]; then
	ok "snapshot chunks: $reused reused, $compressed compressed"
else
	bad "snapshot chunks not reused: $(cat "$T/err")"
fi
same "conditions, parameters, agency checklist" front -t development --impact C=高,I=中,A=普,L=普 \
	--core-system --eu-personal-data --classified --agency-checklist --set log-retention=2年 \
	--date 2026-05-01 -o @OUT@.docx
same "contract value" front -t cloud -l 中 --contract-value 12000000 -o @OUT@.odt
same "baseline 2025" front -t 系統發展 -l 高 --baseline 2025 -o @OUT@.docx
same "standard output" front -t 雲端服務 -l 普 -f docx -o -
for f in json csv md; do
	same "--format $f" front -t 維運服務 -l 中 -f "$f" -o @OUT@.$f
done
same "list" front list -t 顧問訓練 -l 普
same "quiet" front -q -t cloud -l low -o @OUT@.docx

# Errors found before anything is loaded: the same message and code.
same "unknown type" front -t 系統開發 -l 高 -o @OUT@.docx
same "unknown level" front -t cloud -l 超高 -o @OUT@.docx
same "unknown baseline" front -t cloud -l 高 --baseline 1999 -o @OUT@.docx
same "unknown parameter" front -t cloud -l 高 --set no-such-param=1 -o @OUT@.docx
same "bad date" front -t cloud -l 高 --date 2026/01/01 -o @OUT@.docx
same "unwritable output" front -t cloud -l 高 -o "$T/no/such/dir/a.docx"
same "help" either --help
same "version" either --version

# What the front does not serve is handed over, with the same result.
same "agency template" full -t 系統發展 -l 高 --template "$SRC/examples/agency-template.docx" -o @OUT@.docx
same "--catalogue" full -t 系統發展 -l 高 --catalogue "$SRC/requirements/baseline-2021.xml" -o @OUT@.docx
same "--verify" full -t 雲端服務 -l 中 --verify -o @OUT@.odt
same "--max-file-size" full -t 雲端服務 -l 中 --max-file-size 1K -o @OUT@.odt
same "explain" full explain AC.ACCT.1
same "params" full params
same "diff" full diff -t 系統發展 -l 中 --to-level 高 --format json
same "inspect" full inspect "$SRC/examples/agency-template.odt"
same "batch usage" full batch
same "unknown command" front frobnicate

# A data directory of other files is handed over; the same files are not.
DATA=$(cd "$(dirname "$FULL")/../.." && pwd)
mkdir -p "$T/data"
cp -R "$DATA/requirements" "$DATA/templates" "$T/data/"
same "a copy of the data directory" front -t 系統發展 -l 中 --data-dir "$T/data" -o @OUT@.docx
sed -i 's/主管機關/主管機关/' "$T/data/requirements/module-common.xml"
if cmp -s "$T/data/requirements/module-common.xml" "$DATA/requirements/module-common.xml"; then
	bad "could not change module-common.xml for the test"
fi
same "an edited catalogue file" full -t 系統發展 -l 中 --data-dir "$T/data" -o @OUT@.docx
if unzip -p "$T/f.docx" word/document.xml | grep -q 主管機关; then
	ok "the edit is in the document"
else
	bad "the edited catalogue text is not in the document"
fi
cp "$DATA/requirements/module-common.xml" "$T/data/requirements/"
sed 's/id="[A-Za-z-]*"/id="module-extra"/' "$DATA/requirements/module-agency.xml" >"$T/data/requirements/module-extra.xml"
same "an added catalogue file (duplicate ids)" full -t 系統發展 -l 中 --data-dir "$T/data" -o @OUT@.docx
rm "$T/data/requirements/module-extra.xml"
printf 'x' >>"$T/data/templates/annex.odt"
same "another default template" full -t 系統發展 -l 中 --data-dir "$T/data" -o @OUT@.odt
export RFPGEN_DATA_DIR="$T/data"
same "RFPGEN_DATA_DIR, the same files" front -t 系統發展 -l 中 -o @OUT@.docx
unset RFPGEN_DATA_DIR

# Without rfpgen-full the front still serves what it can, and says what it
# cannot do.
mkdir "$T/alone"
cp "$FRONT" "$T/alone/rfpgen"
"$T/alone/rfpgen" -q -t cloud -l 中 --data-dir "$DATA" -o "$T/alone.docx" 2>"$T/err"
if [ $? -eq 0 ] && unzip -p "$T/alone.docx" word/document.xml | grep -q 資通安全需求附件; then
	ok "the front alone generates"
else
	bad "the front alone does not generate: $(head -n 2 "$T/err")"
fi
"$T/alone/rfpgen" explain AC.ACCT.1 >/dev/null 2>"$T/err"
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'cannot run rfpgen-full' "$T/err" && grep -q 'hint:' "$T/err"; then
	ok "the front alone: explain exits 1 naming rfpgen-full"
else
	bad "the front alone: explain exit $rc: $(head -n 2 "$T/err")"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

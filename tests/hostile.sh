#!/bin/sh
# Hostile inputs (issue 6, item 4): broken and malicious templates,
# catalogues and portfolios, bad output locations, an interrupted batch.
# Each case asserts the exit status, a fragment of the message (the file and
# what is wrong), and that no output file and no temporary .NAME.XXXXXX file
# is left behind. The inputs are built by hostile/make.sh at test time.
# Usage: hostile.sh RFPGEN SRCDIR
set -u
RFPGEN=$1 SRC=$2
BUILD=${RFP_BUILDDIR:-$(cd "$(dirname "$RFPGEN")/.." && pwd)}
T=$(mktemp -d)
cleanup() {
	chmod -R u+w "$T" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export SOURCE_DATE_EPOCH=1764000000
pass=0 fail=0
ok() { echo "ok   $1${2:+ # $2}"; pass=$((pass + 1)); }
bad() { echo "FAIL $1: $2"; fail=$((fail + 1)); }

H=$T/in
if ! sh "$SRC/tests/hostile/make.sh" "$H" "$BUILD" "$SRC" >"$T/make.log" 2>&1; then
	cat "$T/make.log"
	bad make-inputs "tests/hostile/make.sh failed"
	echo "$pass passed, $fail failed"
	exit 1
fi

# A fresh, empty output directory per case.
OUT=
new_out() { OUT=$T/out/$1; mkdir -p "$OUT"; }

# run ARGS...: rfpgen with a time limit; sets rc, stderr in $T/err.
run() {
	timeout 120 "$RFPGEN" "$@" >"$T/stdout" 2>"$T/err"
	rc=$?
}
first_line() { head -n 1 "$T/err" | cut -c 1-300; }

# verdict NAME WANT_RC PATTERN [DIR]: checks the last run: exit status
# (one code, or several as 4|6), message (an extended regexp), and that DIR
# (default $OUT) is empty.
verdict() {
	name=$1 want=$2 pat=$3 dir=${4:-$OUT}
	if [ "$rc" -eq 124 ]; then
		bad "$name" "timed out after 120 s (hang?)"
	elif [ "$rc" -gt 128 ]; then
		bad "$name" "killed by signal $((rc - 128)) (crash): $(first_line)"
	elif ! case "|$want|" in *"|$rc|"*) true ;; *) false ;; esac; then
		bad "$name" "exit $rc, want $want: $(first_line)"
	elif ! grep -Eq -- "$pat" "$T/err"; then
		bad "$name" "message does not match /$pat/: $(first_line)"
	elif [ -n "$(ls -A "$dir")" ]; then
		bad "$name" "left files behind: $(ls -A "$dir" | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

# gen NAME WANT_RC PATTERN ARGS...: one generate run into a fresh directory.
gen() {
	name=$1 want=$2 pat=$3
	shift 3
	new_out "$name"
	run --type 系統發展 --level 高 "$@" -o "$OUT/annex.docx"
	verdict "$name" "$want" "$pat"
}

# === Package problems (--template) ===========================================
gen pkg-not-a-zip 4 'not-a-zip\.docx: error: cannot open as a zip package.*\[RFP-ZIP\]' \
    -T "$H/not-a-zip.docx"
gen pkg-truncated 4 'truncated\.docx: error: .*(zip|corrupt|damaged|truncated).*\[RFP-ZIP' \
    -T "$H/truncated.docx"
gen pkg-encrypted 4 'encrypted\.docx\([^)]*\): error: entry is encrypted \[RFP-ZIP-ENCRYPTED\]' \
    -T "$H/encrypted.docx"
if [ -f "$H/duplicate.docx" ]; then
	# The package reader has a dedicated check that names the entry.
	gen pkg-duplicate 4 'duplicate\.docx: error: .*two entries with the same name.*\[RFP-ZIP-DUPLICATE\]' \
	    -T "$H/duplicate.docx"
else
	ok pkg-duplicate "SKIP: /usr/bin/python3 is needed to write duplicate entries"
fi
gen pkg-no-document 4 'no-document\.docx: error: .*word/document\.xml.*missing.*\[RFP-TPL-FORMAT\]' \
    -T "$H/no-document.docx"
gen pkg-no-content 4 'no-content\.odt: error: .*content\.xml.*missing.*\[RFP-TPL-FORMAT\]' \
    -T "$H/no-content.odt"
gen pkg-zip-bomb 6 'bomb\.docx\(word/document\.xml\): error: .*\[RFP-LIMIT-(RATIO|PART)\]' \
    -T "$H/bomb.docx"
# A hint may only recommend options the program has.
opt=$(grep -o -- '--max-[a-z-]*' "$T/err" | head -n 1)
if [ -z "$opt" ] || "$RFPGEN" --help 2>&1 | grep -q -- "$opt"; then
	ok pkg-zip-bomb-hint-option
else
	bad pkg-zip-bomb-hint-option "the hint recommends $opt, which rfpgen --help does not know"
fi
gen pkg-zip-bomb-ratio 6 'bomb-ratio\.docx\(word/document\.xml\): error: .*over the limit of [0-9]+:1 \[RFP-LIMIT-RATIO\]' \
    -T "$H/bomb-ratio.docx"
gen pkg-many-entries 6 'many-entries\.docx: error: package has [0-9]+ entries, over the limit.*\[RFP-LIMIT-ENTRIES\]' \
    -T "$H/many-entries.docx"

# === XML attacks =============================================================
# In a template part: any DOCTYPE is refused before parsing.
for a in xxe-file xxe-http billion-laughs; do
	gen "tpl-$a" 4 "tpl-$a\\.docx\\(word/document\\.xml\\):[0-9]+: error: document type declarations are not allowed \\[RFP-XML-DTD\\]" \
	    -T "$H/tpl-$a.docx"
done
gen tpl-xxe-file-odt 4 'tpl-xxe-file\.odt\(content\.xml\):[0-9]+: error: document type declarations are not allowed \[RFP-XML-DTD\]' \
    -T "$H/tpl-xxe-file.odt"
# The same DOCTYPE in a UTF-16 part must be refused as well: it must neither
# pass into the annex nor leave the part's tags unrendered.
new_out tpl-utf16-xxe
run --type 系統發展 --level 高 -T "$H/tpl-utf16-xxe.docx" -o "$OUT/annex.docx"
if [ "$rc" -eq 0 ]; then
	bad tpl-utf16-xxe "exit 0: the UTF-16 part with <!DOCTYPE ... SYSTEM \"file:///etc/passwd\"> was accepted and copied into the annex with its {{tags}} unrendered"
else
	verdict tpl-utf16-xxe 4 'tpl-utf16-xxe\.docx\(word/document\.xml\).*error: .*(document type|DTD|UTF-16|encoding)'
fi
# Deeply nested: a clean error, no crash, no file.
gen tpl-deep '4|6' 'tpl-deep\.docx\(word/document\.xml\)(:[0-9]+)*: error: ' -T "$H/tpl-deep.docx"
# ... and reported as the nesting limit the README documents (exit 6).
if [ "$rc" -eq 6 ] && grep -q 'RFP-LIMIT-DEPTH' "$T/err" && ! grep -q XML_PARSE_HUGE "$T/err"; then
	ok tpl-deep-limit
else
	bad tpl-deep-limit "exit $rc, want 6 (nesting limit, RFP-LIMIT-DEPTH, no advice to use XML_PARSE_HUGE): $(first_line)"
fi

# In a catalogue (--catalogue).
for a in xxe-file xxe-http billion-laughs; do
	gen "cat-$a" 3 "cat-$a\\.xml:[0-9]+: error: document type declarations are not allowed \\[RFP-XML-DTD\\]" \
	    --catalogue "$H/cat-$a.xml"
done
for e in utf16 latin1; do
	new_out tpl-$e
	run --type 系統發展 --level 高 -T "$H/tpl-$e.docx" -o "$OUT/annex.docx"
	verdict tpl-$e 4 "tpl-$e\.docx\(word/document\.xml\):1: error: the part is in (UTF-16|ISO-8859-1); .*\[RFP-TPL-ENCODING\]"
done
new_out cat-utf16-xxe
run --type 系統發展 --level 高 --catalogue "$H/cat-utf16-xxe.xml" -o "$OUT/annex.docx"
if grep -q 'root:' "$T/err" "$T/stdout"; then
	bad cat-utf16-xxe "the content of /etc/passwd appears in the output"
else
	verdict cat-utf16-xxe 3 'cat-utf16-xxe\.xml: error: document type declarations are not allowed \[RFP-XML-DTD\]'
fi
gen cat-deep '3|6' 'cat-deep\.xml(:[0-9]+)*: error: ' --catalogue "$H/cat-deep.xml"
if [ "$rc" -eq 6 ] && grep -q 'RFP-LIMIT-DEPTH' "$T/err" && ! grep -q XML_PARSE_HUGE "$T/err"; then
	ok cat-deep-limit
else
	bad cat-deep-limit "exit $rc, want 6 (nesting limit, RFP-LIMIT-DEPTH, no advice to use XML_PARSE_HUGE): $(first_line)"
fi

# === Bad text ================================================================
gen cat-bad-utf8 3 'cat-bad-utf8\.xml:[0-9]+:[0-9]+: error: not well-formed XML: .*UTF-8' \
    --catalogue "$H/cat-bad-utf8.xml"
gen tpl-bad-utf8 4 'tpl-bad-utf8\.docx\(word/document\.xml\):[0-9]+:[0-9]+: error: not well-formed XML: .*UTF-8' \
    -T "$H/tpl-bad-utf8.docx"
gen tpl-charref 4 'tpl-charref\.docx\(word/document\.xml\):[0-9]+:[0-9]+: error: not well-formed XML: .*(CharRef|char).*\[RFP-XML\]' \
    -T "$H/tpl-charref.docx"
gen arg-control-char 2 'agency: control character 0x01' --agency "$(printf 'A\001B')"
gen arg-bad-utf8 2 'project: not valid UTF-8' --project "$(printf 'A\377\377B')"

# Portfolio CSV: 0xFF 0xFF is neither UTF-8 nor CP950. The encoding is
# decided for the whole file, so the whole file is refused (exit 3), and the
# message names the row and column of the bad bytes.
batch() { # batch NAME CSV ARGS...: one batch run into a fresh directory.
	new_out "$1"
	csv=$2
	shift 2
	run batch "$csv" -O "$OUT" -j 1 "$@"
}
batch pf-bad-utf8 "$H/pf-bad-utf8.csv"
verdict pf-bad-utf8 3 'pf-bad-utf8\.csv:3:4: error: row 3, column 4: byte 0xFF .*is not valid UTF-8 or CP950 \[RFP-CSV-ENCODING\]'
batch pf-bad-utf8-zh "$H/pf-bad-utf8-zh.csv"
verdict pf-bad-utf8-zh 3 'pf-bad-utf8-zh\.csv:3:4: error: row 3, column 4: byte 0xFF'
batch pf-bad-utf8-forced "$H/pf-bad-utf8.csv" --encoding utf-8
verdict pf-bad-utf8-forced 3 'pf-bad-utf8\.csv:3:4: error: row 3, column 4: byte 0xFF .*not valid UTF-8'

# A bad cell fails its row only: the others are written, exit 7.
# verdict_rows NAME PATTERN: exit 7, message, only P1 and P3 written.
verdict_rows() {
	if [ "$rc" -ne 7 ]; then
		bad "$1" "exit $rc, want 7 (the row fails, the other rows go on): $(first_line)"
	elif ! grep -Eq -- "$2" "$T/err"; then
		bad "$1" "message does not match /$2/: $(first_line)"
	elif [ "$(ls -A "$OUT" | tr '\n' ' ')" != "P1-系統發展-高.docx P3-系統發展-高.docx " ]; then
		bad "$1" "want exactly P1 and P3 written, have: $(ls -A "$OUT" | tr '\n' ' ')"
	else
		ok "$1"
	fi
}
batch pf-control-char "$H/pf-control.csv"
verdict_rows pf-control-char 'pf-control\.csv: row 3 P2: error: column 4 \(line 3\): character U\+0001 is not allowed in a document \[RFP-CSV-CHAR\]'
batch pf-big-cell "$H/pf-big-cell.csv"
verdict_rows pf-big-cell 'pf-big-cell\.csv: row 3 P2: error: row 3, column 4: the cell is longer than the limit of [0-9]+ bytes \[RFP-LIMIT-FIELD\]'

# A 10 MB --project: Linux refuses one argument over 128 KiB (MAX_ARG_STRLEN)
# at exec, so rfpgen never sees it. The longest argument that can be passed
# is rendered whole and escaped.
new_out arg-project-10mb
big=$(head -c 10485760 /dev/zero | tr '\0' 'x')
timeout 120 "$RFPGEN" --type 系統發展 --level 高 --project "$big" -o "$OUT/annex.docx" >/dev/null 2>"$T/err"
rc=$?
unset big
if [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ] || grep -q 'Argument list too long' "$T/err"; then
	ok arg-project-10mb "SKIP: the kernel refuses a 10 MB argument (E2BIG) before rfpgen runs"
elif [ "$rc" -eq 0 ] && unzip -tq "$OUT/annex.docx" >/dev/null 2>&1; then
	ok arg-project-10mb "accepted"
else
	verdict arg-project-10mb 6 'RFP-LIMIT'
fi
new_out arg-project-128k
# 43000 times '<&"' is 129000 bytes, under MAX_ARG_STRLEN.
long=$(head -c 43000 /dev/zero | tr '\0' x | sed 's/x/<\&"/g')
run --type 系統發展 --level 高 --project "$long" -o "$OUT/annex.docx"
unset long
if [ "$rc" -ne 0 ]; then
	bad arg-project-128k "exit $rc, want 0: $(first_line)"
elif ! unzip -p "$OUT/annex.docx" word/document.xml >"$T/doc.xml" 2>/dev/null; then
	bad arg-project-128k "no readable word/document.xml"
elif command -v xmllint >/dev/null && ! xmllint --noout "$T/doc.xml" 2>/dev/null; then
	bad arg-project-128k "word/document.xml is not well-formed"
elif [ "$(grep -o '&lt;&amp;&quot;\|&lt;&amp;"' "$T/doc.xml" | wc -l)" -lt 43000 ]; then
	bad arg-project-128k "the project name is not in the annex whole and escaped"
elif [ -n "$(ls -A "$OUT" | grep '^\.')" ]; then
	bad arg-project-128k "temporary file left: $(ls -A "$OUT" | grep '^\.')"
else
	ok arg-project-128k
fi

# === Bad output locations ====================================================
new_out out-missing-dir
run --type 系統發展 --level 高 -o "$OUT/missing/annex.docx"
verdict out-missing-dir 5 'missing/annex\.docx: error: cannot create a file in the output directory: No such file or directory \[RFP-IO-WRITE\]'

new_out out-read-only
chmod 555 "$OUT"
if touch "$OUT/probe" 2>/dev/null; then
	rm -f "$OUT/probe"
	ok out-read-only "SKIP: running as root (or with CAP_DAC_OVERRIDE), chmod 555 does not stop writes"
else
	run --type 系統發展 --level 高 -o "$OUT/annex.docx"
	verdict out-read-only 5 'annex\.docx: error: cannot create a file in the output directory: Permission denied \[RFP-IO-WRITE\]'
fi
chmod 755 "$OUT"

new_out out-is-directory
mkdir "$OUT/annex.docx"
run --type 系統發展 --level 高 -o "$OUT/annex.docx"
if [ "$(ls -A "$OUT")" = annex.docx ] && [ -z "$(ls -A "$OUT/annex.docx")" ]; then
	rmdir "$OUT/annex.docx"
fi
verdict out-is-directory 5 'annex\.docx: error: cannot write: the output path is a directory \[RFP-IO-WRITE\]'

# A full disk: standard output on /dev/full fails with ENOSPC.
new_out out-stdout-full
timeout 120 "$RFPGEN" --type 系統發展 --level 高 -f docx -o - >/dev/full 2>"$T/err"
rc=$?
verdict out-stdout-full 5 'cannot write to standard output: No space left on device \[RFP-IO-WRITE\]'

# -o /dev/full: the device must be left alone and the run must fail. As root
# /dev is writable and a rename over the device would replace the system's
# /dev/full, so root tests a copy of the device node in the scratch space.
new_out out-dev-full
if [ -w /dev ]; then
	if mknod "$OUT/full" c 1 7 2>/dev/null; then
		target=$OUT/full
	else
		target=
	fi
else
	target=/dev/full
fi
if [ -z "$target" ]; then
	ok out-dev-full "SKIP: /dev is writable and mknod is not permitted"
else
	run --type 系統發展 --level 高 -f docx -o "$target"
	[ "$target" = "$OUT/full" ] && [ -c "$target" ] && rm -f "$target"
	leftover=$(ls -A "$OUT"; [ "$target" = /dev/full ] && ls -A /dev | grep '^\.full\.')
	if [ "$target" != /dev/full ] && [ -e "$target" ]; then
		bad out-dev-full "exit $rc: the character device $target was replaced by a $(stat -c %F "$target")"
	elif [ "$target" = /dev/full ] && [ ! -c /dev/full ]; then
		bad out-dev-full "/dev/full is no longer a character device"
	elif [ "$rc" -ne 5 ]; then
		bad out-dev-full "exit $rc, want 5: $(first_line)"
	elif ! grep -q 'full: error: .*\[RFP-IO-WRITE\]' "$T/err"; then
		bad out-dev-full "message does not name the file and RFP-IO-WRITE: $(first_line)"
	elif [ -n "$leftover" ]; then
		bad out-dev-full "left files behind: $leftover"
	else
		ok out-dev-full "$target"
	fi
fi

# -O is made when it is missing, as the README's example needs; its parent
# must exist.
new_out batch-missing-dir
run batch "$H/pf-one.csv" -O "$OUT/missing/deeper" -j 1
verdict batch-missing-dir 5 'missing/deeper: error: cannot use it as the output directory: No such file or directory \[RFP-BATCH-OUTDIR\]'
new_out batch-new-dir
if "$RFPGEN" batch "$H/pf-one.csv" -O "$OUT/new" -j 1 -q 2>"$T/err" && [ -d "$OUT/new" ] &&
    [ "$(ls "$OUT/new" | wc -l)" -eq 1 ]; then
	ok batch-new-dir "-O made, one annex in it"
else
	bad batch-new-dir "-O not made, or no annex in it: $(first_line)"
fi

# === Endless and special inputs ==============================================
# /dev/zero is no file: refused at once, not read to the limit.
new_out in-dev-zero
run batch /dev/zero -O "$OUT"
verdict in-dev-zero 5 'zero: error: cannot read: not a regular file or a pipe \[RFP-IO-READ\]'
new_out cat-dev-zero
run --type 系統發展 --level 高 --catalogue /dev/zero -o "$OUT/annex.docx"
verdict cat-dev-zero 5 'zero: error: cannot read: not a regular file or a pipe \[RFP-IO-READ\]'
# A FIFO as template or portfolio: refused, no waiting for a writer.
mkfifo "$T/fifo.docx" "$T/fifo.csv"
new_out tpl-fifo
run --type 系統發展 --level 高 -T "$T/fifo.docx" -o "$OUT/annex.docx"
verdict tpl-fifo 5 'fifo\.docx: error: cannot read: not a regular file \[RFP-IO-READ\]'
# 30 MB of commas: millions of empty cells, bounded like a workbook.
new_out pf-commas
/usr/bin/python3 -c 'import sys; sys.stdout.write("系統編號,委外類型,防護需求等級\n" + "," * 30000000 + "\n")' >"$T/commas.csv"
run batch "$T/commas.csv" -O "$OUT"
verdict pf-commas 6 'commas\.csv:2:[0-9]+: error: row 2, column [0-9]+: the cells of the sheet take more than [0-9]+ bytes \[RFP-LIMIT-SHEET\]'
rm -f "$T/commas.csv"

# === Interrupted batch =======================================================
new_out batch-sigint
"$RFPGEN" batch "$H/pf-4000.csv" -O "$OUT" -j 1 -q 2>"$T/err" &
pid=$!
# Interrupt as soon as the first annex exists: identical rows run at over
# 1000 annexes/s.
i=0
while [ -z "$(ls "$OUT")" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
n=$(ls "$OUT" | wc -l)
incomplete=
for f in "$OUT"/*.docx; do
	[ -e "$f" ] || continue
	unzip -tq "$f" >/dev/null 2>&1 || incomplete="$incomplete $(basename "$f")"
done
if [ "$rc" -ne 130 ]; then
	bad batch-sigint "exit $rc, want 130: $(first_line)"
elif [ "$n" -eq 0 ] || [ "$n" -ge 4000 ]; then
	bad batch-sigint "$n files written; want some but not all 4000"
elif [ -n "$(ls -A "$OUT" | grep '^\.')" ]; then
	bad batch-sigint "temporary files remain: $(ls -A "$OUT" | grep '^\.' | tr '\n' ' ')"
elif [ -n "$incomplete" ]; then
	bad batch-sigint "incomplete files:$incomplete"
else
	ok batch-sigint "$n of 4000 written, all complete"
fi

# No case may leave a temporary file beside its inputs either.
if [ -n "$(ls -A "$H" | grep '^\.')" ]; then
	bad no-stray-temporaries "$(ls -A "$H" | grep '^\.' | tr '\n' ' ')"
else
	ok no-stray-temporaries
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

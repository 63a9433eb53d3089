#!/bin/sh
# The installed rfpgen: `meson install` into a scratch DESTDIR, then run the
# installed binary with no RFPGEN_DATA_DIR, from outside the build tree, so
# it must find its data through its own location (<bindir>/../share/rfpgen).
# Also checks the library, its header and pkg-config file (a client
# program is built against them), the man page, the guides and the bash
# completion.
# Usage: install.sh BUILD_DIR   (the build must be up to date)
set -u
if [ $# -ne 1 ]; then
	echo "usage: install.sh BUILD_DIR" >&2
	exit 2
fi
BUILD=$(cd "$1" && pwd) || exit 2
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}
unset RFPGEN_DATA_DIR
export LC_ALL=C.UTF-8 TZ=UTC SOURCE_DATE_EPOCH=1764000000

# The test's dependencies are built; do not run ninja from inside a test.
if meson install -C "$BUILD" --no-rebuild --quiet --destdir "$T/dest" >"$T/install.log" 2>&1; then
	ok "meson install --destdir"
else
	bad "meson install --destdir"
	cat "$T/install.log"
	finish
fi

# The prefix may be anything (/usr/local by default): find what was installed.
BIN=$(find "$T/dest" -type f -path '*/bin/rfpgen' | head -n 1)
if [ -n "$BIN" ] && [ -x "$BIN" ]; then
	ok "binary installed: ${BIN#"$T/dest"}"
else
	bad "no bin/rfpgen under the DESTDIR"
	finish
fi
PREFIX=$(dirname "$(dirname "$BIN")")
SHARE=$(find "$T/dest" -type f -path '*/rfpgen/requirements/catalogue.xsd' | head -n 1)
SHARE=${SHARE%/requirements/catalogue.xsd}
if [ "$SHARE" = "$PREFIX/share/rfpgen" ]; then
	ok "data installed beside the binary: ${SHARE#"$T/dest"}"
else
	bad "data dir '${SHARE#"$T/dest"}' is not <bindir>/../share/rfpgen"
fi
for f in requirements/baseline-2021.xml templates/annex.docx templates/annex.odt; do
	if [ -s "$SHARE/$f" ]; then ok "installed $f"; else bad "missing $f"; fi
done

# Run far from the build tree, so only the binary's location can lead to the data.
mkdir "$T/work" && cd "$T/work" || exit 1

# gen LABEL FILE [rfpgen args]: generate 雲端服務/中 and look for the title.
gen() {
	label=$1 file=$2
	shift 2
	"$@" -q --type 雲端服務 --level 中 --agency 測試縣政府 -o "$file" 2>"$T/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$label: exit $rc: $(head -n 3 "$T/err")"
		return
	fi
	case $file in
	*.docx) part=word/document.xml ;;
	*) part=content.xml ;;
	esac
	if unzip -p "$file" "$part" 2>/dev/null | grep -q 資通安全需求附件; then
		ok "$label: $part has 資通安全需求附件"
	else
		bad "$label: $part lacks 資通安全需求附件"
	fi
}
gen "installed binary, DOCX" annex.docx "$BIN"
gen "installed binary, ODT" annex.odt "$BIN"
gen "RFPGEN_DATA_DIR" env.docx env RFPGEN_DATA_DIR="$SHARE" "$BIN"
gen "--data-dir" dir.odt "$BIN" --data-dir "$SHARE"

# explained LABEL RFPGEN: explain runs in the one executable.
explained() {
	"$2" explain AC.ACCT.1 >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q AC.ACCT.1 "$T/out"; then
		ok "$1: explain"
	else
		bad "$1: explain: exit $rc: $(head -n 3 "$T/err")"
	fi
}
explained "installed binary" "$BIN"

# The library: a shared object with its soname, linked by the binary, and
# the header and pkg-config file to build against it.
LIB=$(find "$T/dest" -name 'librfpgen.so.0' | head -n 1)
LIBDIR=$(dirname "$LIB")
if [ -n "$LIB" ] && [ -e "$LIBDIR/librfpgen.so" ] &&
    readelf -d "$LIB" | grep -q 'SONAME.*\[librfpgen\.so\.0\]'; then
	ok "librfpgen installed with soname librfpgen.so.0: ${LIBDIR#"$T/dest"}"
else
	bad "no librfpgen.so.0 with its soname and librfpgen.so link"
fi
if readelf -d "$BIN" | grep -q 'NEEDED.*librfpgen\.so\.0' && [ ! -e "$PREFIX/libexec/rfpgen" ]; then
	ok "bin/rfpgen links librfpgen.so.0; no libexec/rfpgen"
else
	bad "bin/rfpgen does not link librfpgen.so.0, or libexec/rfpgen exists"
fi
PC=$(find "$T/dest" -name rfpgen.pc | head -n 1)
if [ -n "$PC" ] && [ -f "$PREFIX/include/rfpgen/rfpgen.h" ]; then
	ok "installed rfpgen.pc and include/rfpgen/rfpgen.h"
else
	bad "no rfpgen.pc or include/rfpgen/rfpgen.h"
fi
# A program of the library's own user (install/client.c), built with the
# installed header and library only (pkg-config, the DESTDIR as sysroot).
# A library built with sanitizers (tests/release-check.sh) needs a program
# built with them too: their runtime must come first.
san=
if ldd "$LIBDIR"/librfpgen.so.* 2>/dev/null | grep -q libasan; then
	san="-fsanitize=address,undefined"
elif ldd "$LIBDIR"/librfpgen.so.* 2>/dev/null | grep -q libtsan; then
	san="-fsanitize=thread"
fi
if [ -n "$PC" ] && flags=$(PKG_CONFIG_PATH=$(dirname "$PC") PKG_CONFIG_SYSROOT_DIR=$T/dest \
    pkg-config --cflags --libs rfpgen) &&
    cc -std=c11 -Wall -Werror $san -o "$T/client" "$HERE/install/client.c" $flags 2>"$T/err"; then
	ok "a C program builds with 'pkg-config rfpgen' against the installed files"
	if LD_LIBRARY_PATH=$LIBDIR "$T/client" "$SHARE" client.docx >"$T/out" 2>"$T/err" &&
	    grep -q '^[0-9][0-9]* items$' "$T/out" &&
	    unzip -p client.docx word/document.xml | grep -q 測試機關; then
		ok "it makes an annex through librfpgen: $(cat "$T/out")"
	else
		bad "the client program failed: $(cat "$T/out" "$T/err" | head -n 3)"
	fi
else
	bad "cannot build a program against the installed library: $(head -n 3 "$T/err")"
fi
# The guides that hints point to.
for d in catalogue.md templates.md; do
	if [ -s "$PREFIX/share/doc/rfpgen/$d" ]; then ok "installed share/doc/rfpgen/$d"; else bad "missing share/doc/rfpgen/$d"; fi
done
# A hint names the installed guide, not the source tree's docs/.
mkdir -p "$T/tpl/word" && printf '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{{agencyy}}</w:t></w:r></w:p><w:p><w:r><w:t>{{requirements}}</w:t></w:r></w:p></w:body></w:document>' >"$T/tpl/word/document.xml"
printf '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>' >"$T/tpl/[Content_Types].xml"
mkdir -p "$T/tpl/_rels" && printf '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>' >"$T/tpl/_rels/.rels"
(cd "$T/tpl" && zip -qr "$T/typo.docx" .)
"$BIN" inspect "$T/typo.docx" >/dev/null 2>"$T/err"
guide=$(grep -o '/[^ ]*/templates\.md' "$T/err" | head -n 1)
if [ -n "$guide" ] && [ -s "$guide" ] && case $guide in "$PREFIX"/*) true;; *) false;; esac; then
	ok "a hint names the installed guide ($guide)"
else
	bad "the hint names no installed guide: $(grep hint "$T/err")"
fi

# The installed binary must really depend on its relative data dir: without
# it, it fails cleanly (unless the configured prefix holds a real install).
CONFIGURED=${PREFIX#"$T/dest"}/share/rfpgen
if [ -e "$CONFIGURED/requirements/catalogue.xsd" ]; then
	echo "skip relocation check: $CONFIGURED exists on this system"
else
	mv "$SHARE" "$SHARE.moved"
	"$BIN" -q --type 雲端服務 --level 中 -o gone.docx 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 5 ] && [ ! -e gone.docx ]; then
		ok "without its data dir: exit 5, no output"
	else
		bad "without its data dir: exit $rc (expected 5)"
	fi
	mv "$SHARE.moved" "$SHARE"
	# A relocated installation finds its data too.
	mv "$PREFIX" "$T/relocated"
	gen "relocated installation" moved.docx "$T/relocated/bin/rfpgen"
	explained "relocated installation" "$T/relocated/bin/rfpgen"
	mv "$T/relocated" "$PREFIX"
fi

# The manual page.
MAN=$(find "$T/dest" -type f -path '*/man1/rfpgen.1*' | head -n 1)
if [ -n "$MAN" ] && [ "$MAN" = "$PREFIX/share/man/man1/rfpgen.1" ]; then
	ok "man page installed: ${MAN#"$T/dest"}"
	if command -v man >/dev/null; then
		if man -l "$MAN" 2>/dev/null | grep -q 'EXIT STATUS'; then
			ok "man -l renders the page"
		else
			bad "man -l does not render the page"
		fi
	fi
else
	bad "no share/man/man1/rfpgen.1 (found '${MAN#"$T/dest"}')"
fi

# rfpgen serve: the pages and the unit installed, and the installed server
# finds its pages through its own location.
if [ -f "$SHARE/web/index.html" ] && [ -f "$SHARE/web/app.js" ]; then
	ok "rfpgen serve's pages installed: ${SHARE#"$T/dest"}/web"
else
	bad "no $SHARE/web/index.html"
fi
if [ -f "$PREFIX/share/doc/rfpgen/examples/rfpgen.service" ] && [ -f "$PREFIX/share/doc/rfpgen/openapi.json" ]; then
	ok "systemd unit and openapi.json installed under share/doc/rfpgen"
else
	bad "no share/doc/rfpgen/examples/rfpgen.service or openapi.json"
fi
"$BIN" serve --listen 127.0.0.1:0 -q 2>"$T/serve.log" &
serve_pid=$!
i=0
while ! grep -q 'listening on' "$T/serve.log" && [ $i -lt 300 ] && kill -0 "$serve_pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\) .*/\1/p' "$T/serve.log")
if [ -n "$url" ] && /usr/bin/env python3 -c 'import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1], timeout=30)
sys.exit(0 if r.status == 200 and r.headers["Content-Type"].startswith("text/html") and b"zh-Hant-TW" in r.read() else 1)' "$url" 2>>"$T/serve.log"; then
	ok "the installed rfpgen serve serves its pages"
else
	bad "the installed rfpgen serve: $(cat "$T/serve.log")"
fi
kill -TERM "$serve_pid" 2>/dev/null
if wait "$serve_pid"; then
	ok "the installed rfpgen serve stops cleanly on SIGTERM"
else
	bad "rfpgen serve did not stop cleanly: $(tail -n 3 "$T/serve.log")"
fi

# The bash completion: source it and call the function as bash would.
COMP=$PREFIX/share/bash-completion/completions/rfpgen
if [ -f "$COMP" ]; then
	ok "bash completion installed: ${COMP#"$T/dest"}"
else
	bad "no share/bash-completion/completions/rfpgen"
fi
if [ -f "$COMP" ] && command -v bash >/dev/null; then
	# complete WORDS...: the candidates for the last word, one per line.
	cat >"$T/complete.bash" <<'EOF'
. "$1"
shift
complete -p rfpgen >/dev/null || exit 1
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
_rfpgen
printf '%s\n' "${COMPREPLY[@]}"
EOF
	# expect DESCRIPTION WANTED WORDS...: WANTED (space-separated) must all
	# be among the candidates.
	expect() {
		desc=$1 want=$2
		shift 2
		got=$(PATH="$(dirname "$BIN"):$PATH" bash "$T/complete.bash" "$COMP" "$@" 2>"$T/err")
		for w in $want; do
			if ! printf '%s\n' "$got" | grep -qxF -- "$w"; then
				bad "completion $desc: '$w' missing (got: $(printf '%s' "$got" | tr '\n' ' '))"
				return
			fi
		done
		ok "completion $desc"
	}
	expect "commands" "generate list explain params inspect diff batch" rfpgen ''
	expect "command prefix" "batch" rfpgen ba
	expect "--type" "系統發展 雲端服務 維運服務 維運管理 顧問訓練 cloud development" rfpgen --type ''
	expect "--type 雲" "雲端服務" rfpgen --type 雲
	expect "--type=" "cloud consulting" rfpgen --type = c
	expect "--level" "普 中 高 low moderate high" rfpgen list --level ''
	expect "--format" "docx odt json csv md" rfpgen --type cloud --format ''
	expect "diff --format" "text json md" rfpgen diff --format ''
	expect "batch --format" "docx odt" rfpgen batch x.csv --format ''
	expect "--baseline" "2021 2025" rfpgen --baseline ''
	expect "batch options" "-O --output-dir -j --jobs --sheet --encoding --report --fail-fast --progress" rfpgen batch -
	expect "diff options" "--to-type --to-level --to-baseline" rfpgen diff --to
	expect "--set names (from rfpgen params)" "session-timeout=" rfpgen --set sess
	mkdir -p portfolio.d out.d
	: >inv.csv
	: >inv.xlsx
	: >tpl.odt
	: >notes.txt
	expect "-o files" "annex.docx" rfpgen -o ann
	expect "batch PORTFOLIO" "inv.csv inv.xlsx portfolio.d" rfpgen batch ''
	expect "--template" "tpl.odt" rfpgen --template t
	expect "-O directories" "out.d" rfpgen batch inv.csv -O o
	expect "--data-dir directories" "out.d portfolio.d" rfpgen --data-dir ''
	expect "--output-dir directories" "out.d" rfpgen batch inv.csv --output-dir o
	got=$(bash "$T/complete.bash" "$COMP" rfpgen batch '' 2>/dev/null)
	if printf '%s\n' "$got" | grep -qx notes.txt; then
		bad "batch PORTFOLIO offers notes.txt"
	else
		ok "batch PORTFOLIO offers only portfolio files"
	fi
	got=$(bash "$T/complete.bash" "$COMP" rfpgen -O '' 2>/dev/null)
	if printf '%s\n' "$got" | grep -qx inv.csv; then
		bad "-O offers files"
	else
		ok "-O offers only directories"
	fi
fi

finish

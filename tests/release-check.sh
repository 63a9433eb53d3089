#!/bin/sh
# One command before a release: the whole suite (fuzz replays included)
# under AddressSanitizer and UndefinedBehaviorSanitizer, the unit, batch
# and serve suites under ThreadSanitizer (batch -j 2 runs two worker
# threads; rfpgen serve a pool of them), then
# the C test programs under valgrind memcheck.
# Usage: tests/release-check.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
asan=$root/build-asan
tsan=$root/build-tsan

echo "== sanitizers (address, undefined): $asan"
[ -d "$asan" ] || meson setup "$asan" "$root" -Db_sanitize=address,undefined \
	-Db_lundef=false -Dwerror=true
meson compile -C "$asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$asan" --print-errorlogs

echo "== thread sanitizer (unit, batch and serve suites): $tsan"
[ -d "$tsan" ] || meson setup "$tsan" "$root" -Db_sanitize=thread \
	-Db_lundef=false -Dwerror=true
meson compile -C "$tsan"
# Reports also go to files: some tests discard the CLI's stderr, and a
# report must fail the leg even there (exit code 66 and the files).
tsanlog=$tsan/meson-logs/tsan
rm -rf "$tsanlog"
mkdir -p "$tsanlog"
rc=0
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:exitcode=66:history_size=7:log_path=$tsanlog/report \
	meson test -C "$tsan" --suite unit --suite batch --suite serve --print-errorlogs || rc=$?
if [ -n "$(ls "$tsanlog")" ]; then
	cat "$tsanlog"/*
	echo "ThreadSanitizer reported (the reports are in $tsanlog)"
	exit 1
fi
[ "$rc" -eq 0 ] || exit "$rc"

echo "== valgrind memcheck: $build"
[ -d "$build" ] || meson setup "$build" "$root"
meson compile -C "$build"
meson test -C "$build" --setup=valgrind --print-errorlogs
echo "release check passed"

#!/bin/sh
# One command before a release: the whole suite (fuzz replays included)
# under AddressSanitizer and UndefinedBehaviorSanitizer, then the C test
# programs under valgrind memcheck. Usage: tests/release-check.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
asan=$root/build-asan

echo "== sanitizers (address, undefined): $asan"
[ -d "$asan" ] || meson setup "$asan" "$root" -Db_sanitize=address,undefined \
	-Db_lundef=false -Dwerror=true
meson compile -C "$asan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C "$asan" --print-errorlogs

echo "== valgrind memcheck: $build"
[ -d "$build" ] || meson setup "$build" "$root"
meson compile -C "$build"
meson test -C "$build" --setup=valgrind --print-errorlogs
echo "release check passed"

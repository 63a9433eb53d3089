#!/bin/sh
# The pages of rfpgen serve in a real browser (run.js): Debian's chromium
# driven by playwright-core (pinned in package.json and package-lock.json;
# `npm ci --prefix tests/web` installs it). Skipped (77) only when node or
# chromium is not installed; without `npm ci` it fails and says so.
# Usage: run.sh RFPGEN SRCDIR BUILDDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
node=$(command -v node || command -v nodejs || true)
if [ -z "$node" ]; then
	echo "SKIP: node is not installed (apt-get install nodejs npm)"
	exit 77
fi
chrome=${RFPGEN_CHROMIUM:-}
for c in /usr/lib/chromium/chromium /usr/bin/chromium /usr/bin/chromium-browser; do
	[ -z "$chrome" ] && [ -x "$c" ] && chrome=$c
done
if [ -z "$chrome" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 77
fi
if [ ! -f "$here/node_modules/playwright-core/package.json" ]; then
	echo "FAIL: playwright-core is not installed: run 'npm ci --prefix tests/web' (package-lock.json pins it)"
	exit 1
fi
export RFPGEN_CHROMIUM=$chrome
exec "$node" "$here/run.js" "$@"

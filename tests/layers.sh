#!/bin/sh
# Layers go one way: a file in src/ includes headers only from its own
# folder and from the folders before it in the order written in
# src/meson.build ("util → pkg → ... → cli"). tools/ are build programs and
# may use any layer. Usage: layers.sh SRCDIR
set -eu
src=$1/src
order=$(sed -n '/^#   util →/,/^#$/p' "$src/meson.build" | tr -d '#→' | tr -s ' \n' ' ')
[ -n "$order" ] || { echo "no layer order in src/meson.build"; exit 1; }
rank() {
	i=0
	for l in $order; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}
bad=0 n=0
for f in $(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort); do
	dir=${f%%/*}
	[ "$dir" = tools ] && continue
	from=$(rank "$dir")
	if [ "$from" -lt 0 ]; then
		echo "$f: folder '$dir' is not in the layer order of src/meson.build"
		bad=$((bad + 1))
		continue
	fi
	for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$src/$f"); do
		n=$((n + 1))
		to=$(rank "$inc")
		if [ "$to" -lt 0 ] || [ "$to" -gt "$from" ]; then
			echo "$f includes $inc/: against the layer order ($order)"
			bad=$((bad + 1))
		fi
	done
done
echo "layers: $n includes checked, $bad against the order"
[ "$bad" -eq 0 ]

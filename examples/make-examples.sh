#!/bin/sh
# Builds the example files in this directory:
#   1. agency-template.fodt (the reviewable source) -> agency-template.odt and
#      agency-template.docx, saved by LibreOffice; LibreOffice (7.4) writes
#      w:pStyle before w:numFmt in word/numbering.xml, against the order of
#      CT_Lvl in ECMA-376 (start, numFmt, lvlRestart, pStyle, ...), so the
#      DOCX's numbering.xml is put in order afterwards;
#   2. fills both with rfpgen: agency-annex-系統發展-高.docx and .odt.
#
#   examples/make-examples.sh [--no-convert]
# Environment: RFPGEN (default: build/src/cli/rfpgen), SOFFICE (default: soffice).
# --no-convert skips step 1 and uses the committed agency-template.odt/.docx.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rfpgen=${RFPGEN:-$here/../build/src/cli/rfpgen}
soffice=${SOFFICE:-soffice}
SOURCE_DATE_EPOCH=1764000000
export SOURCE_DATE_EPOCH

if [ "${1:-}" != --no-convert ]; then
	for fmt in odt docx; do
		profile=$(mktemp -d /tmp/lo-examples-XXXXXX)
		filter=$fmt
		[ $fmt = docx ] && filter='docx:MS Word 2007 XML'
		timeout 120 "$soffice" -env:UserInstallation="file://$profile" \
			--headless --convert-to "$filter" --outdir "$here" \
			"$here/agency-template.fodt" >/dev/null 2>&1 ||
			{ rm -rf "$profile"; echo "make-examples.sh: soffice failed ($fmt)" >&2; exit 1; }
		rm -rf "$profile"
		echo "wrote examples/agency-template.$fmt"
	done
fi

# Idempotent, so it also mends a template converted before it existed.
fix_numbering() { # DOCX: w:pStyle after w:numFmt (and w:lvlRestart) in every w:lvl
	python3 - "$1" <<'EOF'
import re, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    items = [(i, z.read(i.filename)) for i in z.infolist()]
out = []
for info, data in items:
    if info.filename == 'word/numbering.xml':
        data = re.sub(rb'(<w:pStyle [^>]*/>)((?:<w:numFmt [^>]*/>)(?:<w:lvlRestart [^>]*/>)?)',
                      rb'\2\1', data)
    out.append((info, data))
with zipfile.ZipFile(path, 'w') as z:
    for info, data in out:
        z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
EOF
}
fix_numbering "$here/agency-template.docx"

for fmt in docx odt; do
	"$rfpgen" --type 系統發展 --level 高 \
		--agency 範例縣政府 --project 範例縣民服務系統建置案 \
		--template "$here/agency-template.$fmt" \
		-o "$here/agency-annex-系統發展-高.$fmt"
done

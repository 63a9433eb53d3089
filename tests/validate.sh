#!/bin/sh
# Schema-valid output. tests/conformance/tools/validate-package (ODF 1.2/1.3 RELAX
# NG, ISO/IEC 29500 Transitional and OPC XSDs, with xmllint) must accept:
#   - the 24 shipped annexes: 4 types x 3 levels x DOCX/ODT, those at 高
#     with --agency-checklist (and the agency's document it writes), plus a
#     tailored one of each format (--exclude/--include: the appendix tables);
#   - examples/*.docx and *.odt as committed;
#   - the annexes made from examples/agency-template.docx, .odt and .fodt;
#   - the annex of every template in tests/corpus/ (unpacked folders,
#     lo-saved/, lo-sources/) that renders; the error cases do not.
# The same outputs are checked for their layout (the Python below): Latin
# text tagged en-US and East Asian text zh-TW, the fragment's tables as
# wide as the page's text and kept with what follows them, the closing
# paragraph in one unsplittable row with the last table row.
# Ends with the counts; exit status 0 only if everything passed.
# Usage: validate.sh RFPGEN SRCDIR
set -u
RFPGEN=$1 SRC=$2
VALIDATE=$SRC/tests/conformance/tools/validate-package
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1764000000
fail=0
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
: >"$T/list"
# add CATEGORY FILE: a package to validate and check.
add() { printf '%s\t%s\n' "$1" "$2" >>"$T/list"; }
gen() { # CATEGORY OUT ARGS...
	c=$1 o=$2; shift 2
	if "$RFPGEN" -q "$@" -o "$o" 2>"$T/err"; then add "$c" "$o"; else bad "rfpgen $*: $(head -1 "$T/err")"; fi
}

for t in 顧問訓練 系統發展 維運服務 雲端服務; do
	for l in 普 中 高; do
		for f in docx odt; do
			o=$T/shipped-$t-$l.$f
			if [ "$l" = 高 ]; then
				gen shipped "$o" --type "$t" --level "$l" --agency-checklist "$T/agency-$t-$l.$f"
				[ -f "$T/agency-$t-$l.$f" ] && add agency "$T/agency-$t-$l.$f"
			else
				gen shipped "$o" --type "$t" --level "$l"
			fi
		done
	done
done
for f in docx odt; do
	gen tailored "$T/tailored.$f" --type 系統發展 --level 普 --exclude 1.1.1=不適用於本案 --include 1.1.2
done
for f in "$SRC"/examples/*.docx "$SRC"/examples/*.odt; do add examples "$f"; done
for f in docx odt fodt; do
	ext=$f
	[ $f = fodt ] && ext=odt
	gen example-annex "$T/example-$f.$ext" --type 系統發展 --level 高 --agency 範例縣政府 \
	    --project 範例縣民服務系統建置案 --template "$SRC/examples/agency-template.$f"
done

# The corpus, packed as tests/corpus/check.sh packs it.
skipped=0
corpus() { # NAME TEMPLATE LEVEL
	ext=${2##*.}
	[ "$ext" = fodt ] && ext=odt
	if "$RFPGEN" -q --type 系統發展 --level "$3" --agency 測試機關 --project 測試專案 \
	    --date 2026-01-15 --template "$2" -o "$T/corpus-$1.$ext" 2>/dev/null; then
		add corpus "$T/corpus-$1.$ext"
	else
		skipped=$((skipped + 1))
	fi
}
for d in "$SRC"/tests/corpus/*/; do
	n=$(basename "$d")
	case $n in lo-saved | lo-sources) continue ;; esac
	if [ -f "$d/mimetype" ]; then
		p=$T/$n.tpl.odt
		(cd "$d" && zip -q -X0 "$p" mimetype && zip -q -X -r "$p" . -x mimetype)
	else
		p=$T/$n.tpl.docx
		(cd "$d" && zip -q -X -r "$p" '[Content_Types].xml' .)
	fi
	corpus "$n" "$p" 高
done
for f in "$SRC"/tests/corpus/lo-saved/*.docx "$SRC"/tests/corpus/lo-saved/*.odt \
    "$SRC"/tests/corpus/lo-sources/*.fodt; do
	[ -f "$f" ] || continue
	b=$(basename "$f")
	corpus "lo-${b%.*}-${b##*.}" "$f" 普
done

# Layout first: it needs no schemas, only Python's standard library.
cat >"$T/layout.py" <<'EOF'
import re, sys, zipfile
import xml.etree.ElementTree as ET

SRC, LIST = sys.argv[1], sys.argv[2]
W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
ST = '{urn:oasis:names:tc:opendocument:xmlns:style:1.0}'
FO = '{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}'
TB = '{urn:oasis:names:tc:opendocument:xmlns:table:1.0}'
OF = '{urn:oasis:names:tc:opendocument:xmlns:office:1.0}'
TX = '{urn:oasis:names:tc:opendocument:xmlns:text:1.0}'
problems = []
def bad(f, msg): problems.append('%s: %s' % (f, msg))

# The fragments set no language of their own, so the template's holds.
frag_docx = open(SRC + '/templates/fragments/requirements-docx.xml', encoding='utf-8').read()
frag_odt = open(SRC + '/templates/fragments/requirements-odt.xml', encoding='utf-8').read()
for name, text, pat in (('requirements-docx.xml', frag_docx, '<w:lang'),
                        ('requirements-odt.xml', frag_odt, 'language')):
    if pat in text:
        bad('templates/fragments/' + name, 'sets a language (%s)' % pat)

def cell_text(tc):
    return ''.join(t.text or '' for t in tc.iter(W + 't'))
def header(tbl):
    tr = tbl.find(W + 'tr')
    return tuple(cell_text(tc) for tc in tr.findall(W + 'tc')) if tr is not None else ()
# The fragment's tables, known by their header row (DOCX) or name (ODT).
frag_headers = {header(t) for t in ET.fromstring(frag_docx).iter(W + 'tbl')}
frag_names = set(re.findall(r'table:name="([^"]*)"', frag_odt))

def wint(el, attr, default=None):
    v = el.get(W + attr) if el is not None else None
    return int(v) if v is not None else default

def docx_width(sect):
    w = wint(sect.find(W + 'pgSz'), 'w')
    m = sect.find(W + 'pgMar')
    width = w - wint(m, 'left', 0) - wint(m, 'right', 0) - wint(m, 'gutter', 0)
    cols = sect.find(W + 'cols')
    if cols is not None and wint(cols, 'num', 1) > 1:
        n = wint(cols, 'num')
        width = (width - (n - 1) * wint(cols, 'space', 0)) // n
    return width

def style_chain(styles, sid):
    while sid:
        st = next((s for s in styles.iter(W + 'style') if s.get(W + 'styleId') == sid), None)
        if st is None:
            return
        yield st
        b = st.find(W + 'basedOn')
        sid = b.get(W + 'val') if b is not None else None

def check_docx(cat, f, z):
    doc = ET.fromstring(z.read('word/document.xml'))
    styles = ET.fromstring(z.read('word/styles.xml'))
    if cat in ('shipped', 'agency', 'tailored'):
        lang = styles.find('%sdocDefaults/%srPrDefault/%srPr/%slang' % (W, W, W, W))
        if lang is None or lang.get(W + 'val') != 'en-US' or lang.get(W + 'eastAsia') != 'zh-TW':
            bad(f, 'styles.xml: docDefaults do not tag Latin en-US and East Asian zh-TW')
        for part in z.namelist():
            if re.match(r'word/[^/]+\.xml$', part) and b'w:val="zh-TW"' in z.read(part) and \
               any(l.get(W + 'val') == 'zh-TW' for l in ET.fromstring(z.read(part)).iter(W + 'lang')):
                bad(f, '%s: Latin text tagged zh-TW' % part)
    body = doc.find(W + 'body')
    pending, found = [], 0
    def done(sect):
        for tbl in pending:
            check_docx_table(cat, f, styles, tbl, docx_width(sect))
        pending.clear()
    for el in body:
        if el.tag == W + 'tbl':
            if cat in ('shipped', 'agency', 'tailored') or header(el) in frag_headers:
                pending.append(el)
        sect = el.find('%spPr/%ssectPr' % (W, W)) if el.tag == W + 'p' else \
            el if el.tag == W + 'sectPr' else None
        if sect is not None:
            done(sect)
        found += el.tag == W + 'tbl' and header(el) in frag_headers
    if (cat in ('shipped', 'agency', 'tailored', 'example-annex') or cat == 'examples') and not found:
        bad(f, 'none of the fragment\'s tables')
    if cat in ('shipped', 'agency', 'tailored', 'example-annex'):
        check_end_docx(f, body, styles)

def check_docx_table(cat, f, styles, tbl, width):
    what = '%s table %s' % (f, '|'.join(header(tbl))[:24])
    grid = [wint(g, 'w') for g in tbl.find(W + 'tblGrid').findall(W + 'gridCol')]
    tw = tbl.find('%stblPr/%stblW' % (W, W))
    if sum(grid) != width or (tw is not None and tw.get(W + 'type') == 'dxa' and wint(tw, 'w') != width):
        problems.append('%s: %s twips wide (grid %s), the text is %s' %
                        (what, wint(tw, 'w'), sum(grid), width))
    for tr in tbl.findall(W + 'tr'):
        tcw = [wint(tc.find('%stcPr/%stcW' % (W, W)), 'w', 0) for tc in tr.findall(W + 'tc')]
        if all(tcw) and sum(tcw) != width:
            problems.append('%s: a row\'s cells add up to %d' % (what, sum(tcw)))
            break
    if header(tbl) not in frag_headers:
        return
    # Kept with what follows: rows never split, and the table style gives
    # the paragraphs of the last row keepNext (its lastRow conditional
    # formatting, which tblLook turns on).
    if any(tr.find('%strPr/%scantSplit' % (W, W)) is None for tr in tbl.findall(W + 'tr')):
        problems.append('%s: a row may split' % what)
    look = tbl.find('%stblPr/%stblLook' % (W, W))
    if look is None or not (look.get(W + 'lastRow') in ('1', 'true', 'on') or
                            int(look.get(W + 'val', '0'), 16) & 0x40):
        problems.append('%s: tblLook does not turn the last row formatting on' % what)
    ts = tbl.find('%stblPr/%stblStyle' % (W, W))
    if not any(c.get(W + 'type') == 'lastRow' and c.find('%spPr/%skeepNext' % (W, W)) is not None
               for s in style_chain(styles, ts.get(W + 'val') if ts is not None else None)
               for c in s.findall(W + 'tblStylePr')):
        problems.append('%s: its style does not keep the last row with the next paragraph' % what)

UNITS = {'cm': 1.0, 'mm': 0.1, 'in': 2.54, 'pt': 2.54 / 72, 'pc': 2.54 / 6, 'px': 2.54 / 96}
def cm(v):
    m = re.fullmatch(r'([0-9.]+)([a-z]+)', v or '')
    return float(m.group(1)) * UNITS[m.group(2)] if m and m.group(2) in UNITS else None

def own_columns(t):
    """The columns of table t, not those of the tables in its cells."""
    for c in t:
        if c.tag == TB + 'table-column':
            yield c
        elif c.tag in (TB + 'table-columns', TB + 'table-header-columns', TB + 'table-column-group'):
            yield from own_columns(c)

# The closing paragraph (「（以下空白）」) and the last checklist row share one
# row that may not split: the body's last table holds, in its one cell, the
# last row as a table of its own and the paragraph after it.
def check_end_docx(f, body, styles):
    tbls = body.findall(W + 'tbl')
    rows = tbls[-1].findall(W + 'tr') if tbls else []
    cell = rows[0].find(W + 'tc') if len(rows) == 1 else None
    if cell is None or cell.find(W + 'tbl') is None or rows[0].find('%strPr/%scantSplit' % (W, W)) is None or \
       not ''.join(t.text or '' for p in cell.findall(W + 'p') for t in p.iter(W + 't')).strip():
        bad(f, 'the closing paragraph is not kept with the last row')

def check_end_odt(f, text, autos):
    tbls = text.findall(TB + 'table')
    rows = tbls[-1].findall(TB + 'table-row') if tbls else []
    cell = rows[0].find(TB + 'table-cell') if len(rows) == 1 else None
    rs = autos.get(rows[0].get(TB + 'style-name')) if len(rows) == 1 else None
    rp = rs.find(ST + 'table-row-properties') if rs is not None else None
    if cell is None or cell.find(TB + 'table') is None or rp is None or \
       rp.get(FO + 'keep-together') != 'always' or \
       not ''.join(''.join(p.itertext()) for p in cell.findall(TX + 'p')).strip():
        bad(f, 'the closing paragraph is not kept with the last row')

def check_odt(cat, f, z):
    content = ET.fromstring(z.read('content.xml'))
    styles = ET.fromstring(z.read('styles.xml'))
    if cat in ('shipped', 'agency', 'tailored'):
        tp = next((d.find(ST + 'text-properties') for d in styles.iter(ST + 'default-style')
                   if d.get(ST + 'family') == 'paragraph'), None)
        want = {FO + 'language': 'en', FO + 'country': 'US',
                ST + 'language-asian': 'zh', ST + 'country-asian': 'TW'}
        if tp is None or any(tp.get(k) != v for k, v in want.items()):
            bad(f, 'styles.xml: the default paragraph style does not tag Latin en-US and East Asian zh-TW')
        for part, root in (('content.xml', content), ('styles.xml', styles)):
            if any(e.get(FO + 'language') == 'zh' for e in root.iter()):
                bad(f, '%s: Latin text tagged zh' % part)
    masters = list(styles.iter(ST + 'master-page'))
    master = next((m for m in masters if m.get(ST + 'name') == 'Standard'), masters[0] if masters else None)
    layout = next(l for l in styles.iter(ST + 'page-layout')
                  if l.get(ST + 'name') == master.get(ST + 'page-layout-name'))
    pp = layout.find(ST + 'page-layout-properties')
    margin = lambda side: cm(pp.get(FO + 'margin-' + side) or pp.get(FO + 'margin') or '0cm')
    width = cm(pp.get(FO + 'page-width')) - margin('left') - margin('right')
    autos = {s.get(ST + 'name'): s for s in content.find(OF + 'automatic-styles').iter(ST + 'style')}
    found = 0
    for t in content.iter(TB + 'table'):
        name = t.get(TB + 'name')
        if cat not in ('shipped', 'agency', 'tailored') and name not in frag_names:
            continue
        found += name in frag_names
        what = '%s table %s' % (f, name)
        st = autos.get(t.get(TB + 'style-name'))
        props = st.find(ST + 'table-properties') if st is not None else None
        tw = cm(props.get(ST + 'width')) if props is not None else None
        cols = 0.0
        for c in own_columns(t):
            cs = autos.get(c.get(TB + 'style-name'))
            cp = cs.find(ST + 'table-column-properties') if cs is not None else None
            cols += (cm(cp.get(ST + 'column-width')) if cp is not None else 0) * \
                int(c.get(TB + 'number-columns-repeated', '1'))
        if tw is None or abs(tw - width) > 0.002 or abs(cols - tw) > 0.002:
            problems.append('%s: %s cm wide (columns %.3f cm), the text is %.3f cm' % (what, tw, cols, width))
        if name not in frag_names:
            continue
        if props is None or props.get(FO + 'keep-with-next') != 'always':
            problems.append('%s: not kept with the next paragraph' % what)
        for r in t.iter(TB + 'table-row'):
            rs = autos.get(r.get(TB + 'style-name'))
            rp = rs.find(ST + 'table-row-properties') if rs is not None else None
            if rp is None or rp.get(FO + 'keep-together') != 'always':
                problems.append('%s: a row may split' % what)
                break
    if (cat in ('shipped', 'agency', 'tailored', 'example-annex') or cat == 'examples') and not found:
        bad(f, 'none of the fragment\'s tables')
    if cat in ('shipped', 'agency', 'tailored', 'example-annex'):
        check_end_odt(f, content.find(OF + 'body').find(OF + 'text'), autos)

n = 0
for line in open(LIST, encoding='utf-8'):
    cat, f = line.rstrip('\n').split('\t')
    if cat == 'examples' and 'annex' not in f:
        continue    # the templates themselves
    with zipfile.ZipFile(f) as z:
        try:
            (check_odt if 'content.xml' in z.namelist() else check_docx)(cat, f, z)
        except Exception as e:
            bad(f, 'cannot check: %r' % e)
    n += 1
for p in problems:
    print('  ' + p)
print('%d packages checked for their layout, %d problems' % (n, len(problems)))
sys.exit(1 if problems else 0)
EOF
if python3 "$T/layout.py" "$SRC" "$T/list"; then
	echo "ok   layout of $(wc -l <"$T/list") packages"
else
	bad "layout"
fi

# The copy in tests/conformance/ is the workplace's ../shared, kept in the
# repository so that a clean clone validates too; it must not drift.
if [ -d "$SRC/../shared/schemas" ]; then
	if diff -r "$SRC/../shared/schemas" "$SRC/tests/conformance/schemas" >/dev/null &&
	    cmp -s "$SRC/../shared/tools/validate-package" "$VALIDATE"; then
		echo "ok   tests/conformance/ is the same as ../shared"
	else
		bad "tests/conformance/ differs from ../shared/schemas or ../shared/tools/validate-package: copy them again"
	fi
fi
valid=0 invalid=0
while IFS="$(printf '\t')" read -r cat f; do
	if "$VALIDATE" "$f" >"$T/v.out" 2>&1; then
		valid=$((valid + 1))
		echo "$cat" >>"$T/valid"
	else
		invalid=$((invalid + 1))
		bad "$cat $(basename "$f"):"
		sed 's/^/  | /' "$T/v.out" | head -20
	fi
done <"$T/list"
for c in shipped agency tailored examples example-annex corpus; do
	printf '%s %s valid; ' "$(grep -cx "$c" "$T/valid" 2>/dev/null || echo 0)" "$c"
done
echo
echo "$valid valid, $invalid invalid ($skipped corpus templates do not render: the error cases)"
[ "$fail" -eq 0 ]

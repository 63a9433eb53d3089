#!/usr/bin/env python3
"""Heading numbers: an agency's own numbering is never doubled (issue 13).

The fragment numbers its headings in text (壹、, 貳、, 一、, {{family_no}}、,
{{service_no}}、, and 「{{#has_services}}參{{/has_services}}{{^has_services}}貳
{{/has_services}}、」 before 資安需求查檢表). When the template's heading style
numbers itself, as examples/agency-template.* do (壹、 for 標題 1, 一、 for
標題 2), that text must go, or the annex shows 「貳、貳、資安需求查檢表」.

For the agency template as DOCX, ODT and flat ODT, with and without
--service and with a tailoring appendix, the text of every heading of the
annex (w:p of the Heading 1/2 styles, text:h) must start with no number;
with the shipped templates, whose headings are not numbered, the numbers
stay. Reads the packages with the standard library only.
Usage: headings.py RFPGEN SRCDIR
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

RFPGEN, SRC = sys.argv[1], sys.argv[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TX = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
NUMBER = re.compile(r"^([壹貳參肆伍陸柒捌玖拾一二三四五六七八九十]+|附錄)、")
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s: %s" % (name, detail))


def headings(path):
    """[(level, text)] of the document's headings, in order."""
    out = []
    with zipfile.ZipFile(path) as z:
        if path.endswith(".docx"):
            styles = ET.fromstring(z.read("word/styles.xml"))
            level = {}
            for s in styles.iter(W + "style"):
                n = s.find(W + "name")
                m = re.fullmatch(r"heading ([12])", (n.get(W + "val") if n is not None else "").lower())
                if m:
                    level[s.get(W + "styleId")] = int(m.group(1))
            body = ET.fromstring(z.read("word/document.xml")).find(W + "body")
            for p in body.iter(W + "p"):
                ps = p.find("%spPr/%spStyle" % (W, W))
                if ps is not None and ps.get(W + "val") in level:
                    out.append((level[ps.get(W + "val")], "".join(t.text or "" for t in p.iter(W + "t"))))
        else:
            text = ET.fromstring(z.read("content.xml")).find(OF + "body").find(OF + "text")
            for h in text.iter(TX + "h"):
                out.append((int(h.get(TX + "outline-level", "1")), "".join(h.itertext())))
    return out


RUNS = {  # name: (arguments, level-1 headings of the annex, level-2 headings that must be there)
    "plain": (["--type", "系統發展", "--level", "高"], ["資安需求項目", "資安需求查檢表"], ["存取控制"]),
    "service": (["--type", "系統發展", "--level", "高", "--service", "弱點掃描"],
                ["資安服務需求", "資安需求項目", "資安需求查檢表"], ["弱點掃描", "存取控制"]),
    "service-only": (["--service", "滲透測試", "--service", "資安健診"],
                     ["資安服務需求", "資安需求項目", "資安需求查檢表"], ["資安健診", "滲透測試"]),
    "tailored": (["--type", "系統發展", "--level", "普", "--exclude", "1.1.1=不適用於本案", "--include", "1.1.2"],
                 ["資安需求項目", "資安需求查檢表", "需求項目之調整"], ["不適用項目及理由", "機關增列項目"]),
}
# The shipped templates number in text: the numbers stay.
SHIPPED = {
    "plain": ["貳、資安需求查檢表"],
    "service": ["壹、資安服務需求", "貳、資安需求項目", "參、資安需求查檢表"],
    "tailored": ["附錄、需求項目之調整"],
}


def main():
    with tempfile.TemporaryDirectory() as tmp:
        def run(args, out):
            r = subprocess.run([RFPGEN, "-q", "--agency", "範例縣政府", "--project", "範例案"] + args +
                               ["-o", out], capture_output=True, text=True)
            check("generate %s" % os.path.basename(out), r.returncode == 0, r.stderr.strip()[:300])
            return r.returncode == 0

        for tpl in ("docx", "odt", "fodt"):
            ext = "odt" if tpl == "fodt" else tpl
            template = os.path.join(SRC, "examples", "agency-template." + tpl)
            for name, (args, want1, want2) in RUNS.items():
                out = os.path.join(tmp, "agency-%s-%s.%s" % (tpl, name, ext))
                if not run(args + ["--template", template], out):
                    continue
                hs = headings(out)
                what = "agency-template.%s, %s" % (tpl, name)
                numbered = [t for _, t in hs if NUMBER.match(t)]
                check(what + ": no heading starts with a number of its own", not numbered, numbered[:5])
                h1 = [t for lv, t in hs if lv == 1]
                check(what + ": the annex's level-1 headings", h1[-len(want1):] == want1, h1)
                h2 = [t for lv, t in hs if lv == 2]
                check(what + ": level-2 headings as the names alone", all(w in h2 for w in want2), h2[:20])
        for fmt in ("docx", "odt"):
            for name, want in SHIPPED.items():
                out = os.path.join(tmp, "shipped-%s.%s" % (name, fmt))
                if not run(RUNS[name][0], out):
                    continue
                h1 = [t for lv, t in headings(out) if lv == 1]
                check("shipped %s, %s: the numbers stay (%s)" % (fmt, name, "、".join(want)),
                      all(w in h1 for w in want), h1)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())

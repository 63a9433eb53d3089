#!/usr/bin/env python3
"""What closes the annex is never alone on its last page (issue 13).

The shipped templates end with 「（以下空白）」 after {{requirements}}; an
agency template ends with what it puts there (examples/agency-template.*
close with the agency and the date). LibreOffice 7.4 used to push that
paragraph alone onto a page of its own in some layouts, the checklist (or
the last table of the annex) filling the page before it.

For many layouts (type x level, the services, each with the shipped and
the agency template, as DOCX and as ODT), rfpgen writes the annex,
LibreOffice converts it to PDF (each conversion with its own profile and a
timeout) and pdftotext reads the last page: it must hold the last row of
the annex's last table, so the closing paragraph moved with it.

Ends with the counts: layouts checked, those whose closing paragraph was
alone. Exit 77 (skip) without soffice or pdftotext, unless CI=true.
Usage: endmark.py RFPGEN SRCDIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

RFPGEN, SRC = sys.argv[1], sys.argv[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OF = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TB = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TX = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

TYPES = ["顧問訓練", "系統發展", "維運服務", "雲端服務"]
LEVELS = ["普", "中", "高"]
SERVICES = ["資安健診", "資安監控", "弱點掃描", "滲透測試", "社交工程演練"]


def flat(s):
    return re.sub(r"\s+", "", s)


def odt_text(el):
    """The text of an ODF element, text:s and text:tab as spaces."""
    out = [el.text or ""]
    for c in el:
        if c.tag in (TX + "s", TX + "tab", TX + "line-break"):
            out.append(" ")
        else:
            out.append(odt_text(c))
        out.append(c.tail or "")
    return "".join(out)


def ending(path):
    """(first cell of the document's last table row, text after that row).

    The last row at any depth: rfpgen keeps it, as a table of its own, in
    one cell with the closing paragraph."""
    with zipfile.ZipFile(path) as z:
        if path.endswith(".docx"):
            body = ET.fromstring(z.read("word/document.xml")).find(W + "body")
            row_tag, cell_tag, para_tags = W + "tr", W + "tc", (W + "p",)
            text = lambda e: "".join(t.text or "" for t in e.iter(W + "t"))
        else:
            body = ET.fromstring(z.read("content.xml")).find(OF + "body").find(OF + "text")
            row_tag, cell_tag, para_tags = TB + "table-row", TB + "table-cell", (TX + "p", TX + "h")
            text = odt_text
        order = list(body.iter())
        row = [e for e in order if e.tag == row_tag][-1]
        inside = set(row.iter())
        after = order[order.index(row):]
        cell = text(row.find(cell_tag))
        closing = "".join(text(e) for e in after if e.tag in para_tags and e not in inside)
    return flat(cell), flat(closing)


def layouts():
    """(name, rfpgen arguments, format) of every layout checked."""
    out = []
    for tpl in ("shipped", "agency"):
        for fmt in ("docx", "odt"):
            targs = [] if tpl == "shipped" else \
                ["--template", os.path.join(SRC, "examples", "agency-template." + fmt)]
            for t in TYPES:
                for lv in LEVELS:
                    out.append(("%s-%s-%s" % (tpl, t, lv),
                                ["--type", t, "--level", lv] + targs, fmt))
            for s in SERVICES:
                out.append(("%s-%s" % (tpl, s), ["--service", s, "--agency-level", "A"] + targs, fmt))
            out.append(("%s-系統發展-高-弱點掃描" % tpl,
                        ["--type", "系統發展", "--level", "高", "--service", "弱點掃描"] + targs, fmt))
            out.append(("%s-tailored" % tpl,
                        ["--type", "系統發展", "--level", "普", "--exclude", "1.1.1=不適用於本案",
                         "--include", "1.1.2"] + targs, fmt))
    return out


def main():
    if not shutil.which("soffice") or not shutil.which("pdftotext") or not shutil.which("pdfinfo"):
        if os.environ.get("CI") == "true":
            print("FAIL: soffice, pdftotext or pdfinfo missing on CI")
            return 1
        print("skipped: install libreoffice-writer-nogui and poppler-utils")
        return 77
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764000000")
    checked = alone = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, args, fmt in layouts():
            out = os.path.join(tmp, "%s.%s" % (name, fmt))
            r = subprocess.run([RFPGEN, "-q", "--agency", "數位發展部", "--project", "測試案"] + args +
                               ["-o", out], env=env, capture_output=True, text=True)
            if r.returncode != 0:
                print("FAIL generate %s.%s: %s" % (name, fmt, r.stderr.strip()[:200]))
                failed += 1
                continue
            cell, after = ending(out)
            profile = tempfile.mkdtemp(dir=tmp, prefix="profile-")
            pdfdir = os.path.join(tmp, "pdf")
            try:
                subprocess.run(["soffice", "-env:UserInstallation=file://" + profile, "--headless",
                                "--convert-to", "pdf", "--outdir", pdfdir, out],
                               env=env, capture_output=True, timeout=180)
            except subprocess.TimeoutExpired:
                pass
            shutil.rmtree(profile, ignore_errors=True)
            pdf = os.path.join(pdfdir, "%s.pdf" % name)
            if not os.path.exists(pdf) or os.path.getsize(pdf) == 0:
                print("FAIL soffice %s.%s: no PDF" % (name, fmt))
                failed += 1
                continue
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
            pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
            last = flat(subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), pdf, "-"],
                                       capture_output=True, text=True).stdout)
            os.unlink(pdf)
            checked += 1
            what = "%s.%s (%d pages; last row %s, then %s)" % (name, fmt, pages, cell[:12],
                                                              after[:16] or "nothing")
            if after and after[:4] not in last:
                print("FAIL %s: the closing text is not on the last page" % what)
                failed += 1
            elif cell not in last:
                print("FAIL %s: the closing text is alone on the last page: %s" % (what, last[:60]))
                alone += 1
                failed += 1
            else:
                print("ok   %s" % what)
    print("%d layouts checked, %d with the closing text alone on the last page, %d failures" %
          (checked, alone, failed))
    return 1 if failed else 0


sys.exit(main())

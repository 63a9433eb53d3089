#!/usr/bin/env python3
"""rfpgen review: returned annexes read back (issue 16, docs/review.md).

Generates an annex, fills its controls the way Word and LibreOffice store
them (the XML of word/document.xml and content.xml edited in place),
tampers with it the ways a bidder might, and checks what review reports:
every answer, 說明 and 佐證頁次, each problem, the exit status, the
outputs (text, JSON, CSV, Markdown, the bidder matrix as CSV and XLSX,
the 審查意見表), hostile files, and with LibreOffice the files it saves
again (--convert-to docx / odt, each run with its own profile).
Usage: review.py RFPGEN SRCDIR
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from xml.sax.saxutils import escape

RFPGEN, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(RFPGEN)))
passed = failed = 0
REPLIES = ["符合", "部分符合", "不符合", "不適用"]
KINDS = ("reply", "note", "pages")


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:1500]))


def run(*args, env=None):
    e = dict(os.environ, LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH="1764000000")
    e.update(env or {})
    return subprocess.run([RFPGEN] + [str(a) for a in args], capture_output=True, text=True, env=e)


def review(*args):
    """rfpgen review ARGS --format json: (exit status, the files' records, stderr)."""
    r = run("review", *args, "--format", "json")
    try:
        files = json.loads(r.stdout)["files"] if r.stdout else []
    except ValueError:
        files = []
    return r.returncode, files, r.stderr


def rewrite(src, dst, edits=None, drop=()):
    """Copies a package, edits[name](text) -> text, leaves out drop."""
    edits = edits or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data, compress_type=zipfile.ZIP_STORED
                          if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)


def fill_docx(src, dst, answers, extra=None):
    """As Word stores a filled control: showingPlcHdr gone, the list's
    lastValue set, the chosen or typed text the control's content."""
    def sdt(m):
        pr = m.group(1)
        t = re.search(r'<w:tag w:val="rfp:(reply|note|pages):([^"]*)"/>', pr)
        if not t or t.group(2) not in answers:
            return m.group(0)
        val = answers[t.group(2)][KINDS.index(t.group(1))]
        if val is None:
            return m.group(0)
        pr = pr.replace("<w:showingPlcHdr/>", "")
        pr = pr.replace("<w:dropDownList>", '<w:dropDownList w:lastValue="%s">' % escape(val))
        return ('<w:sdt>%s<w:sdtContent><w:r><w:t xml:space="preserve">%s</w:t></w:r>'
                '</w:sdtContent></w:sdt>' % (pr, escape(val)))

    def fn(d):
        d = re.sub(r"<w:sdt>(<w:sdtPr>.*?</w:sdtPr>)<w:sdtContent>.*?</w:sdtContent></w:sdt>", sdt, d)
        return extra(d) if extra else d
    rewrite(src, dst, {"word/document.xml": fn})


def fill_odt(src, dst, answers, extra=None):
    """As LibreOffice stores a chosen input-list entry (its text and the
    current-selected label) and typed input fields."""
    def dd(m):
        iid = m.group(1)
        if iid not in answers or answers[iid][0] is None:
            return m.group(0)
        val = answers[iid][0]
        labels = "".join('<text:label text:value="%s"%s/>' % (v, ' text:current-selected="true"'
                         if v == val else "") for v in ["請選擇"] + REPLIES)
        return '<text:drop-down text:name="rfp:reply:%s">%s%s</text:drop-down>' % (iid, labels, escape(val))

    def ti(m):
        kind, iid = m.group(1), m.group(2)
        if iid not in answers or answers[iid][KINDS.index(kind)] is None:
            return m.group(0)
        return '<text:text-input text:description="rfp:%s:%s">%s</text:text-input>' % (
            kind, iid, escape(answers[iid][KINDS.index(kind)]))

    def fn(d):
        d = re.sub(r'<text:drop-down text:name="rfp:reply:([^"]*)">.*?</text:drop-down>', dd, d)
        d = re.sub(r'<text:text-input text:description="rfp:(reply|note|pages):([^"]*)">.*?</text:text-input>', ti, d)
        return extra(d) if extra else d
    rewrite(src, dst, {"content.xml": fn})


def row_span(d, iid, odt=False):
    """(start, end) of the checklist row holding item iid's reply control."""
    tag = ('text:name="rfp:reply:%s"' if odt else 'w:val="rfp:reply:%s"') % iid
    pos = d.index(tag)
    open_, close = ("<table:table-row ", "</table:table-row>") if odt else ("<w:tr>", "</w:tr>")
    start = d.rindex(open_, 0, pos)
    return start, d.index(close, pos) + len(close)


def reply_sdt(d, iid):
    """(start, end) of item iid's reply content control."""
    pos = d.index('w:val="rfp:reply:%s"' % iid)
    start = d.rindex("<w:sdt>", 0, pos)
    return start, d.index("</w:sdt>", pos) + len("</w:sdt>")


def soffice(src, fmt, outdir):
    """LibreOffice headless, its own profile, saves src as fmt into outdir."""
    prof = tempfile.mkdtemp()
    try:
        subprocess.run(["timeout", "120", "soffice", "-env:UserInstallation=file://" + prof, "--headless",
                        "--convert-to", fmt, "--outdir", outdir, src], capture_output=True)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    base = os.path.splitext(os.path.basename(src))[0]
    ext = fmt.split(":")[0]
    out = os.path.join(outdir, base + "." + ext)
    return out if os.path.exists(out) else None


def by_no(files, k=0):
    return {it["no"]: it for it in files[k]["items"]}


def codes(f, item=None):
    return [p["code"] for p in f["problems"] if (item is None and not p["no"]) or p["no"] == item]


def main():
    validator = os.path.join(os.path.abspath(SRC), "tests", "conformance", "tools", "validate-package")
    t = tempfile.mkdtemp()
    os.chdir(t)
    for ext in ("docx", "odt"):
        r = run("--type", "系統發展", "--level", "高", "--agency", "範例機關", "--project", "範例案",
                "-o", "annex." + ext)
        check("generate annex." + ext, r.returncode == 0, r.stderr)
    r = run("--type", "系統發展", "--level", "中", "-o", "annex-mid.docx")
    check("generate annex-mid.docx", r.returncode == 0, r.stderr)

    # ---- unfilled --------------------------------------------------------
    rc, files, err = review("annex.docx")
    f = files[0] if files else {}
    items = f.get("items", [])
    n = len(items)
    check("unfilled docx: exit 9, RFP-REVIEW-OPEN", rc == 9 and "RFP-REVIEW-OPEN" in err, (rc, err))
    check("unfilled docx: every item unanswered", n > 100 and all(it["flags"] == ["unanswered"] and
          it["reply"] == "" for it in items) and f["counts"]["unanswered"] == n, f.get("counts"))
    check("unfilled docx: the manifest part, digest verified", f["manifest"]["source"] ==
          "customXml/rfpgen-manifest.xml" and f["manifest"]["digest"] == "verified" and
          f["manifest"]["type"] == "系統發展" and f["manifest"]["level"] == "高" and
          f["manifest"]["items"] == n, f["manifest"])
    check("unfilled docx: no problem of the file", codes(f) == [], codes(f))
    ids = [it["id"] for it in items]
    nos = {it["id"]: it["no"] for it in items}
    rc, files, err = review("annex.odt")
    check("unfilled odt: the ODT entry, digest verified, every item unanswered", rc == 9 and
          files[0]["manifest"]["source"] == "rfpgen-manifest.xml" and files[0]["manifest"]["digest"] ==
          "verified" and files[0]["counts"]["unanswered"] == n, files[0]["manifest"] if files else err)

    # ---- every item answered, as Word and LibreOffice store them ----------
    answers = {iid: (REPLIES[i % 4], "依 ISO 27001 第%d章辦理；說明 %d" % (i % 9 + 1, i), "第%d頁" % (i + 10))
               for i, iid in enumerate(ids)}
    fill_docx("annex.docx", "full.docx", answers)
    fill_odt("annex.odt", "full.odt", answers)

    def same_answers(files, what, exp=answers):
        got = by_no(files)
        bad = [(iid, got[nos[iid]]) for iid in ids if (got[nos[iid]]["reply"], got[nos[iid]]["note"],
               got[nos[iid]]["pages"]) != tuple(exp[iid])]
        check(what + ": every answer, 說明 and 佐證頁次 read back", not bad and len(got) == n, bad[:3])

    for name in ("full.docx", "full.odt"):
        rc, files, err = review(name)
        check(name + ": exit 0, complete, no problem", rc == 0 and files[0]["complete"] and
              files[0]["problems"] == [], (rc, err, files[0]["problems"][:3] if files else ""))
        same_answers(files, name)
        c = files[0]["counts"]
        check(name + ": counts per answer", [c[x] for x in REPLIES] == [len(ids[k::4]) for k in range(4)]
              and c["none"] == 0, c)

    # ---- partly filled -----------------------------------------------------
    part = {}
    for i, iid in enumerate(ids[:12]):
        part[iid] = [(REPLIES[i % 4]), None if i in (2, 6) else "說明%d" % i, None if i in (0, 4) else "p.%d" % i]
    fill_docx("annex.docx", "part.docx", part)
    fill_odt("annex.odt", "part.odt", part)
    for name in ("part.docx", "part.odt"):
        rc, files, err = review(name)
        f = files[0]
        got = by_no(files)
        check(name + ": exit 9, 12 answered, the rest unanswered", rc == 9 and f["counts"]["unanswered"] ==
              n - 12 and all(got[nos[iid]]["flags"] == ["unanswered"] for iid in ids[12:]), f["counts"])
        check(name + ": 不符合/部分符合 without 說明 flagged no-note", got[nos[ids[2]]]["flags"] ==
              ["no-note"] and got[nos[ids[6]]]["flags"] == ["no-note"] and "no-note" in codes(f, nos[ids[2]]),
              (got[nos[ids[2]]], got[nos[ids[6]]]))
        check(name + ": 符合 without 佐證頁次 flagged no-pages", got[nos[ids[0]]]["flags"] == ["no-pages"] and
              got[nos[ids[4]]]["flags"] == ["no-pages"], got[nos[ids[0]]])
        check(name + ": 不適用 without 佐證頁次 is fine", got[nos[ids[3]]]["flags"] == [] and
              got[nos[ids[3]]]["reply"] == "不適用", got[nos[ids[3]]])

    # ---- an agency's own checklist table with the control fields ---------
    # {{reply_control}}, {{note_control}} and {{pages_control}} in a table of
    # the agency's template (docs/templates.md): the annex is schema-valid,
    # the text around a control keeps its run and formatting, and review
    # reads the answers back from it as from the shipped table.
    def tc(body):
        return '<w:tc><w:tcPr><w:tcW w:w="2400" w:type="dxa"/></w:tcPr>%s</w:tc>' % body

    def wp(text, bold=False):
        return '<w:p><w:r>%s<w:t>%s</w:t></w:r></w:p>' % ("<w:rPr><w:b/></w:rPr>" if bold else "", text)
    own_docx = ('<w:tbl><w:tblPr><w:tblW w:w="9600" w:type="dxa"/></w:tblPr><w:tblGrid>' +
                '<w:gridCol w:w="2400"/>' * 4 + '</w:tblGrid><w:tr>' +
                "".join(tc(wp(h)) for h in ("編號", "需求", "廠商回覆", "說明及頁次")) + '</w:tr><w:tr>' +
                tc(wp("{{#checklist}}{{no}}")) + tc(wp("{{text}}")) + tc(wp("{{reply_control}}")) +
                tc(wp("說明：{{note_control}}（必填）", True) + wp("頁次：{{pages_control}}{{/checklist}}")) +
                '</w:tr></w:tbl><w:p/>')
    own_odt = ('<table:table table:name="Own"><table:table-column table:number-columns-repeated="4"/>'
               '<table:table-row>' + "".join('<table:table-cell office:value-type="string"><text:p>%s</text:p>'
                                             '</table:table-cell>' % h for h in ("編號", "需求", "廠商回覆", "說明及頁次")) +
               '</table:table-row><table:table-row>' + "".join(
                   '<table:table-cell office:value-type="string">%s</table:table-cell>' % c for c in (
                       "<text:p>{{#checklist}}{{no}}</text:p>", "<text:p>{{text}}</text:p>",
                       "<text:p>{{reply_control}}</text:p>",
                       "<text:p>說明：{{note_control}}（必填）</text:p><text:p>頁次：{{pages_control}}{{/checklist}}</text:p>")) +
               '</table:table-row></table:table>')
    for ext, part_name, repl in (("docx", "word/document.xml",
                                       ("<w:p><w:r><w:t>{{requirements}}</w:t></w:r></w:p>", own_docx)),
                                      ("odt", "content.xml",
                                       ('<text:p text:style-name="Standard">{{requirements}}</text:p>', own_odt))):
        def own(x, repl=repl, ext=ext):
            check("own table (%s): the template has {{requirements}} to replace" % ext, repl[0] in x)
            return x.replace(repl[0], repl[1])
        rewrite(os.path.join(BUILD, "templates", "annex." + ext), "own-template." + ext, {part_name: own})
        r = run("--type", "系統發展", "--level", "高", "--template", "own-template." + ext, "-o", "own." + ext)
        check("own table (%s): generated" % ext, r.returncode == 0, r.stderr)
        v = subprocess.run([validator, "own." + ext], capture_output=True, text=True)
        check("own table (%s): valid against the schemas" % ext, v.returncode == 0, (v.stdout + v.stderr)[-800:])
        if ext == "docx":
            d = zipfile.ZipFile("own.docx").read("word/document.xml").decode("utf-8")
            s, e = row_span(d, ids[0])
            check("own table (docx): 說明： and （必填） keep the run's bold, no empty run",
                  re.search(r'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">說明：</w:t></w:r><w:sdt>.*?</w:sdt>'
                            r'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">（必填）</w:t></w:r>', d[s:e])
                  and '<w:t xml:space="preserve"></w:t>' not in d[s:e], d[s:e][-1500:])
            fill_docx("own.docx", "own-full.docx", answers)
        else:
            fill_odt("own.odt", "own-full.odt", answers)
        rc, files, err = review("own-full." + ext)
        check("own table (%s): filled, exit 0, no problem" % ext, rc == 0 and files and files[0]["problems"] == [],
              (rc, err, files[0]["problems"][:3] if files else ""))
        if files:
            same_answers(files, "own table (%s)" % ext)
        if ext == "docx":
            def add_mid(x):
                a, b = row_span(x, ids[1])
                plain = re.sub(r"<w:sdt>.*?</w:sdt>", "", x[a:b], flags=re.S).replace(">%s<" % nos[ids[1]], "><")
                return x[:a] + plain + x[a:]
            fill_docx("own.docx", "own-added.docx", answers, add_mid)
            rc, files, err = review("own-added.docx")
            check("own table (docx): a row put between items is reported", rc == 9 and files and
                  [p["code"] for p in files[0]["problems"]] == ["added"], files[0]["problems"][:3] if files else err)

    # ---- tampered requirement text ---------------------------------------
    d = zipfile.ZipFile("annex.docx").read("word/document.xml").decode("utf-8")
    i3 = ids[2]
    s, e = row_span(d, i3)
    row3 = d[s:e]
    cell = re.search(r"帳號管理：([^<]*停用[^<]*)<", row3)
    check("the checklist row holds measure：text", cell is not None, row3[:300])
    orig = cell.group(1)
    altered = orig.replace("停用", "保留", 1)

    def tamper(x):
        a, b = row_span(x, i3)
        return x[:a] + x[a:b].replace(orig, altered) + x[b:]
    fill_docx("annex.docx", "tampered.docx", answers, tamper)
    rc, files, err = review("tampered.docx")
    f = files[0]
    it = by_no(files)[nos[i3]]
    check("tampered: exit 9, the item altered with a word diff", rc == 9 and "altered" in it["flags"] and
          "[-停用-]{+保留+}" in it["diff"] and it["returned_text"].endswith(altered) and
          "altered" in codes(f, nos[i3]), it)
    check("tampered: only that item", f["counts"]["altered"] == 1 and not f["complete"], f["counts"])
    check("tampered: its answer still read", it["reply"] == answers[i3][0], it)

    def whitespace(x):
        a, b = row_span(x, i3)
        return x[:a] + x[a:b].replace(orig, orig[:3] + "\u3000" + orig[3:6] + "</w:t><w:br/><w:t>" + orig[6:]) + x[b:]
    fill_docx("annex.docx", "spaced.docx", answers, whitespace)
    rc, files, err = review("spaced.docx")
    check("white space and a line break in the text are no alteration", rc == 0 and
          files[0]["counts"]["altered"] == 0, (rc, files[0]["problems"][:2] if files else err))

    # ---- deleted, added and duplicated rows -------------------------------
    i2 = ids[1]

    def delete(x):
        a, b = row_span(x, i2)
        return x[:a] + x[b:]
    fill_docx("annex.docx", "deleted.docx", answers, delete)
    rc, files, err = review("deleted.docx")
    it = by_no(files)[nos[i2]]
    check("deleted row: the item deleted and unanswered", rc == 9 and it["flags"] == ["unanswered", "deleted"]
          and "deleted" in codes(files[0], nos[i2]) and files[0]["counts"]["deleted"] == 1, it)

    def add(x):
        a, b = row_span(x, ids[0])
        new = x[a:b].replace(">%s<" % nos[ids[0]], ">9.9.9<").replace(":%s\"" % ids[0], ":X.NEW.1\"")
        new = re.sub(r"帳號管理：[^<]*", "本公司另增之承諾事項", new, count=1)
        dup = x[a:b]
        return x[:b] + new + dup + x[b:]
    fill_docx("annex.docx", "added.docx", answers, add)
    rc, files, err = review("added.docx")
    f = files[0]
    added = [p for p in f["problems"] if p["code"] == "added"]
    check("added row: reported with its text", rc == 9 and len(added) == 1 and "9.9.9" in added[0]["message"]
          and "本公司另增之承諾事項" in added[0]["message"] and f["counts"]["added"] == 1, f["problems"][:3])
    check("duplicated row: the item flagged duplicate", "duplicate" in by_no(files)[nos[ids[0]]]["flags"],
          by_no(files)[nos[ids[0]]])

    def add_top(x):
        a, b = row_span(x, ids[0])
        plain = re.sub(r"<w:sdt>.*?</w:sdt>", "", x[a:b], flags=re.S)
        plain = plain.replace(">%s<" % nos[ids[0]], "><")
        plain = re.sub(r"帳號管理：[^<]*", "廠商補充：本表各項均依契約辦理", plain, count=1)
        return x[:a] + plain + x[a:]
    fill_docx("annex.docx", "added-top.docx", answers, add_top)
    rc, files, err = review("added-top.docx")
    added = [p for p in files[0]["problems"] if p["code"] == "added"] if files else []
    check("a plain row put above the first item (the table marks its heading): reported", rc == 9 and
          len(added) == 1 and "廠商補充" in added[0]["message"], files[0]["problems"][:3] if files else err)

    # ---- answers typed outside the controls --------------------------------
    typed = {ids[4]: "■符合 □部分符合 □不符合 □不適用", ids[5]: "不符合", ids[6]: "□符合 □部分符合 V不適用 □不符合",
             ids[7]: "☑部分符合", ids[8]: "■符合 ■不符合", ids[9]: "好"}

    def type_over(x):
        for iid, text in typed.items():
            a, b = reply_sdt(x, iid)
            x = x[:a] + '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % text + x[b:]
        a, b = reply_sdt(x, ids[10])   # the control says one thing, text another
        other = REPLIES[(REPLIES.index(answers[ids[10]][0]) + 1) % 4]
        x = x[:b] + '<w:r><w:t xml:space="preserve"> ■%s</w:t></w:r>' % other + x[b:]
        return x
    fill_docx("annex.docx", "typed.docx", answers, type_over)
    rc, files, err = review("typed.docx")
    got = by_no(files)
    exp = {ids[4]: "符合", ids[5]: "不符合", ids[6]: "不適用", ids[7]: "部分符合"}
    check("typed: ■/V/☑ marks and a bare word read by the rule, flagged typed",
          all(got[nos[i]]["reply"] == v and "typed" in got[nos[i]]["flags"] for i, v in exp.items()),
          [got[nos[i]] for i in exp])
    check("typed: two marked answers are invalid", got[nos[ids[8]]]["reply"] == "other" and
          "invalid-answer" in got[nos[ids[8]]]["flags"], got[nos[ids[8]]])
    check("typed: other text is no answer", got[nos[ids[9]]]["reply"] == "" and
          "unanswered" in got[nos[ids[9]]]["flags"], got[nos[ids[9]]])
    check("typed: a mark contradicting the control is a conflict", got[nos[ids[10]]]["reply"] ==
          answers[ids[10]][0] and "typed-conflict" in got[nos[ids[10]]]["flags"], got[nos[ids[10]]])
    check("typed: exit 9 (an invalid answer and a conflict)", rc == 9, rc)

    # ---- not an annex, manifest lost, --against -------------------------
    with zipfile.ZipFile("plain.docx", "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>符合</w:t></w:r></w:p></w:body></w:document>')
    r = run("review", "plain.docx")
    check("a DOCX rfpgen did not write: exit 4, RFP-REVIEW-NOT-ANNEX", r.returncode == 4 and
          "RFP-REVIEW-NOT-ANNEX" in r.stderr, r.stderr)
    with zipfile.ZipFile("sheet.zip", "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    r = run("review", "sheet.zip")
    check("a zip that is no document: RFP-REVIEW-FORMAT", r.returncode == 4 and "RFP-REVIEW-FORMAT" in r.stderr, r.stderr)
    open("text.docx", "w").write("not a zip")
    r = run("review", "text.docx")
    check("not a zip: RFP-ZIP, exit 4", r.returncode == 4 and "RFP-ZIP" in r.stderr, r.stderr)
    manifest_parts = [x for x in zipfile.ZipFile("full.docx").namelist() if x.startswith("customXml/")]
    rewrite("full.docx", "nomanifest.docx", drop=manifest_parts)
    r = run("review", "nomanifest.docx")
    check("manifest removed: exit 4, RFP-REVIEW-NO-MANIFEST", r.returncode == 4 and
          "RFP-REVIEW-NO-MANIFEST" in r.stderr, r.stderr)
    rc, files, err = review("nomanifest.docx", "--against", "annex.docx")
    check("manifest removed, --against the original: complete, digest verified", rc == 0 and
          files[0]["manifest"]["source"] == "--against annex.docx" and files[0]["manifest"]["digest"] ==
          "verified" and codes(files[0]) == ["manifest-copy"], (rc, err, files[0]["manifest"] if files else ""))
    same_answers(files, "--against")
    rc, files, err = review("nomanifest.docx", "--against", "annex-mid.docx")
    check("--against another annex: manifest-mismatch (the recorded digest differs)", rc == 9 and
          "manifest-mismatch" in codes(files[0]) and files[0]["manifest"]["digest"] == "mismatch",
          (rc, codes(files[0]) if files else err))
    check("--against another annex: the rows it lacks are added rows", files[0]["counts"]["added"] > 0,
          files[0]["counts"])
    rc, files, err = review("full.docx", "--against", "annex-mid.docx")
    check("a returned annex whose manifest is not the original's: manifest-mismatch",
          rc == 9 and "manifest-mismatch" in codes(files[0]), codes(files[0]) if files else err)
    r = run("review", "full.docx", "--against", "plain.docx")
    check("--against a file rfpgen did not write: exit 2, RFP-REVIEW-AGAINST", r.returncode == 2 and
          "RFP-REVIEW-AGAINST" in r.stderr, r.stderr)

    def edit_manifest(x):
        i = x.index("<rfp:item ")
        j = x.index("</rfp:item>", i)
        return x[:j] + "（廠商修改）" + x[j:]
    rewrite("full.docx", "manifest-edited.docx", {"customXml/rfpgen-manifest.xml": edit_manifest})
    rc, files, err = review("manifest-edited.docx")
    check("manifest edited: the item and the file flagged manifest-edited", rc == 9 and
          "manifest-edited" in codes(files[0], nos[ids[0]]) and "manifest-edited" in codes(files[0]) and
          files[0]["manifest"]["digest"] == "mismatch", codes(files[0]) if files else err)
    r = run("--type", "系統發展", "--level", "高", "--agency-checklist", "agency.docx", "-o", "with-agency.docx")
    r = run("review", "agency.docx")
    check("the agency's own checklist: RFP-REVIEW-AGENCY", r.returncode == 4 and "RFP-REVIEW-AGENCY" in r.stderr,
          r.stderr)

    # ---- hostile files -------------------------------------------------------
    rewrite("annex.docx", "dtd.docx", {"word/document.xml": lambda x: x.replace(
        "?>", '?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">]>', 1)})
    r = run("review", "dtd.docx")
    check("hostile: a DTD is refused (RFP-XML-DTD)", r.returncode == 4 and "RFP-XML-DTD" in r.stderr, r.stderr)
    with zipfile.ZipFile("annex.docx") as zin, zipfile.ZipFile("bomb.docx", "w", zipfile.ZIP_DEFLATED) as z:
        for x in zin.namelist():
            z.writestr(x, zin.read(x))
        z.writestr("customXml/item9.xml", b"<a>" + b" " * (40 << 20) + b"</a>")
    r = run("review", "bomb.docx")
    check("hostile: a zip bomb is refused (RFP-LIMIT-RATIO, exit 6)", r.returncode == 6 and
          "RFP-LIMIT-RATIO" in r.stderr, r.stderr)
    r = run("review", "full.docx", "--max-file-size", "1K")
    check("hostile: --max-file-size holds (exit 6)", r.returncode == 6 and "RFP-LIMIT-FILE" in r.stderr, r.stderr)
    with zipfile.ZipFile("annex.docx") as zin, zipfile.ZipFile("slip.docx", "w") as z:
        for x in zin.namelist():
            z.writestr(x, zin.read(x))
        z.writestr("../evil.xml", "<a/>")
    r = run("review", "slip.docx")
    check("hostile: an entry named ../ is refused", r.returncode == 4 and "RFP-ZIP-NAME" in r.stderr, r.stderr)
    rewrite("annex.docx", "deep.docx", {"customXml/rfpgen-manifest.xml": lambda x: x.replace(
        "</rfp:manifest>", "<a>" * 300 + "</a>" * 300 + "</rfp:manifest>")})
    r = run("review", "deep.docx")
    check("hostile: a manifest nested 300 deep is refused", r.returncode == 6 and "RFP-LIMIT-DEPTH" in r.stderr,
          r.stderr)

    # ---- outputs ---------------------------------------------------------
    evil = dict(answers)
    evil[ids[0]] = ("符合", "=HYPERLINK(\"http://x\")", "+1")
    fill_docx("annex.docx", "=廠商甲.docx", evil)
    shutil.copy("part.docx", "廠商乙.docx")
    shutil.copy("typed.docx", "廠商丙.docx")
    bidders = ["=廠商甲.docx", "廠商乙.docx", "廠商丙.docx"]
    r = run("review", bidders[0], "--format", "csv")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    check("csv: a header and a row per item", rows[0][:5] == ["file", "no", "id", "measure", "reply"] and
          len(rows) == n + 1, rows[:2])
    check("csv: formulas neutralised", rows[1][6] == "'=HYPERLINK(\"http://x\")" and rows[1][7] == "'+1",
          rows[1])
    r = run("review", "part.docx", "--format", "md")
    check("md: a table row per item with the marks", "| 1.1.1 | 符合（缺佐證頁次） |" in r.stdout and
          r.stdout.count("\n| ") >= n, r.stdout[:400])
    r = run("review", "part.docx")
    check("text: counts per answer and the problems", "回覆：符合 3、部分符合 3、不符合 3、不適用 3、未答 %d" % (n - 12)
          in r.stdout and "缺說明（提醒）" in r.stdout and r.returncode == 9, r.stdout[:500])
    r = run("review", *bidders, "--matrix", "-o", "matrix.csv")
    check("matrix csv: written, exit 9", r.returncode == 9 and os.path.exists("matrix.csv"), r.stderr)
    mrows = list(csv.reader(open("matrix.csv", encoding="utf-8")))
    check("matrix csv: a column per bidder, the name neutralised", mrows[0] == ["編號", "識別碼", "需求項目",
          "'=廠商甲", "廠商乙", "廠商丙"], mrows[0])
    check("matrix csv: a row per item, then the totals", len(mrows) == n + 1 + 5 and mrows[1][:2] ==
          [nos[ids[0]], ids[0]] and mrows[-1][2] == "結果", mrows[-1])
    mi = {row[1]: row for row in mrows[1:n + 1]}
    check("matrix csv: cells are the answers and the marks", mi[ids[0]][3] == "符合" and
          mi[ids[0]][4] == "符合（缺佐證頁次）" and mi[ids[2]][4] == "不符合（缺說明）" and
          mi[ids[20]][4] == "未答" and mi[ids[4]][5] == "符合（文字填寫）", [mi[ids[0]], mi[ids[2]]])
    r = run("review", *bidders, "-o", "matrix.xlsx")
    check("matrix xlsx: written", r.returncode == 9 and zipfile.is_zipfile("matrix.xlsx"), r.stderr)
    with zipfile.ZipFile("matrix.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = z.read("xl/styles.xml").decode("utf-8")
    check("matrix xlsx: the header row and item columns frozen", re.search(
          r'<pane xSplit="3" ySplit="1" topLeftCell="D2" activePane="bottomRight" state="frozen"/>', sheet)
          is not None, re.findall(r"<pane[^>]*>", sheet))
    check("matrix xlsx: 不符合 red, 未答 yellow", "FFFFC7CE" in styles and "FFFFEB9C" in styles, styles[:300])
    r2 = run("review", *bidders, "-o", "matrix2.xlsx")
    check("matrix xlsx: the same bytes every run", open("matrix.xlsx", "rb").read() ==
          open("matrix2.xlsx", "rb").read())
    for ext in ("docx", "odt"):
        r = run("review", *bidders, "-o", "審查意見表." + ext)
        main = "word/document.xml" if ext == "docx" else "content.xml"
        body = zipfile.ZipFile("審查意見表." + ext).read(main).decode("utf-8") if r.returncode == 9 else ""
        check("審查意見表.%s: a block per bidder, a row per item, the findings" % ext,
              len(re.findall("(?<!受審)廠商：", body)) == 3 and "廠商乙" in body and "回覆「不符合」但未填說明" in body and
              "依填寫規則判讀為「符合」" in body and "{{" not in body, (r.returncode, r.stderr, body[:200]))
    for out in ("審查意見表.docx", "審查意見表.odt", "matrix.xlsx"):
        v = subprocess.run([validator, out], capture_output=True, text=True)
        check("%s is valid against the schemas (validate-package)" % out, v.returncode == 0,
              (v.stdout + v.stderr)[-800:])
    # Every content control removed (a bidder's editor that drops them):
    # the rows are found by their numbers, the last one too, which the
    # annex keeps with its closing line in a table without a heading.
    with zipfile.ZipFile("annex.docx") as z, zipfile.ZipFile("stripped.docx", "w", zipfile.ZIP_DEFLATED) as o:
        for i in z.infolist():
            d = z.read(i.filename)
            if i.filename == "word/document.xml":
                x = d.decode("utf-8")
                while True:
                    x, k = re.subn(r"<w:sdt>(?:(?!<w:sdt>).)*?<w:sdtContent>((?:(?!<w:sdt>).)*?)"
                                   r"</w:sdtContent></w:sdt>", r"\1", x, flags=re.S)
                    if not k:
                        break
                d = x.encode("utf-8")
            o.writestr(i, d)
    rc, files, err = review("stripped.docx")
    items = files[0].get("items", []) if files else []
    check("controls removed: every row found, none reported deleted", rc == 9 and len(items) > 100 and
          not any("deleted" in it["flags"] for it in items), [it for it in items if "deleted" in it["flags"]][:2])

    r = run("review", "part.docx", "-o", "x.pdf")
    check("usage: an output it cannot write is refused (exit 2)", r.returncode == 2 and "RFP-USAGE" in r.stderr,
          r.stderr)
    r = run("review", "part.docx", "--format", "xml")
    check("usage: an unknown format (exit 2)", r.returncode == 2, r.stderr)
    r = run("review")
    check("usage: no file (exit 2)", r.returncode == 2, r.stderr)

    # ---- LibreOffice saves the returned file again -----------------------
    if not shutil.which("soffice"):
        check("LibreOffice round trips # SKIP: soffice not installed", os.environ.get("CI") != "true")
    else:
        os.mkdir("lo")
        out = soffice("full.docx", "docx", "lo")
        rc, files, err = review(out)
        check("LibreOffice DOCX → DOCX: manifest kept (renamed), digest verified", rc == 0 and
              files[0]["manifest"]["source"].startswith("customXml/item") and
              files[0]["manifest"]["digest"] == "verified", (rc, err, files[0]["manifest"] if files else ""))
        check("LibreOffice DOCX → DOCX: the controls lost their names, said so", codes(files[0]) ==
              ["controls-unnamed"], codes(files[0]))
        same_answers(files, "LibreOffice DOCX → DOCX")
        out = soffice("full.odt", "odt", "lo")
        rc, files, err = review(out)
        check("LibreOffice ODT → ODT: the manifest read from meta.xml, said so", rc == 0 and
              files[0]["manifest"]["source"] == "meta.xml" and codes(files[0]) == ["manifest-copy"],
              (rc, err, files[0]["manifest"] if files else ""))
        same_answers(files, "LibreOffice ODT → ODT")
        os.mkdir("cross")
        out = soffice("full.odt", "docx", "cross")
        rc, files, err = review(out)
        check("LibreOffice ODT → DOCX: the manifest read from docProps/custom.xml", rc == 0 and
              files[0]["manifest"]["source"] == "docProps/custom.xml", (rc, err, files[0]["manifest"] if files else ""))
        same_answers(files, "LibreOffice ODT → DOCX")
        out = soffice("full.docx", "odt", "cross")
        r = run("review", out)
        check("LibreOffice DOCX → ODT: the manifest is lost: RFP-REVIEW-NO-MANIFEST", r.returncode == 4 and
              "RFP-REVIEW-NO-MANIFEST" in r.stderr, r.stderr)
        rc, files, err = review(out, "--against", "annex.docx")
        check("LibreOffice DOCX → ODT, --against: the recorded digest verifies the original", rc == 0 and
              files[0]["manifest"]["digest"] == "verified", (rc, err, files[0]["manifest"] if files else ""))
        same_answers(files, "LibreOffice DOCX → ODT --against")
        out = soffice("part.docx", "docx", "lo")
        rc, files, err = review(out)
        got = by_no(files)
        check("LibreOffice, partly filled: unanswered stay unanswered", rc == 9 and files[0]["counts"]["unanswered"]
              == n - 12 and got[nos[ids[2]]]["flags"] == ["no-note"], files[0]["counts"] if files else err)
        # The XLSX matrix in LibreOffice Calc: its cells, as CSV.
        calc = os.path.exists("/usr/lib/libreoffice/program/libsclo.so")
        if not calc:
            check("matrix xlsx in Calc # SKIP: libreoffice-calc-nogui", os.environ.get("CI") != "true")
        else:
            out = soffice("matrix.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1", "lo")
            crows = list(csv.reader(open(out, encoding="utf-8"))) if out else []
            check("matrix xlsx opens in LibreOffice Calc with the matrix's cells", crows and
                  [c.lstrip("'") for c in crows[0]] == [c.lstrip("'") for c in mrows[0]] and
                  crows[1:] == mrows[1:], (len(crows), crows[:2], mrows[:2]))
    shutil.rmtree(t, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())

#!/usr/bin/env python3
"""Tailoring, cover fields, 民國 dates and the agency's own document (issue 15).

Runs rfpgen and reads the documents it writes: the paragraphs and the
tables of word/document.xml (content.xml for ODT), so that every check is
on what a reader sees. Usage: tailoring.py RFPGEN SRCDIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

RFPGEN, SRC = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))


def run(*args, env=None):
    e = dict(os.environ, LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH="1764000000")
    e.update(env or {})
    return subprocess.run([RFPGEN] + list(args), capture_output=True, text=True, env=e)


def paragraphs(xml, odt=False):
    """The text of each paragraph, in order."""
    if odt:
        paras = re.findall(r"<text:(?:p|h)\b[^>]*>(.*?)</text:(?:p|h)>", xml, re.S)
        return [re.sub(r"<[^>]+>", "", p) for p in paras]
    return ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
            for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)]


def tables(xml):
    """Each w:tbl of the body as a list of rows, each a list of cell texts.

    The annex's last table ends with a table of one cell that holds its
    last row (a table of its own) and the closing paragraph: that row is
    read as the table's, and a whole table moved there as itself."""
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

    def rows_of(t):
        return [["".join(x.text or "" for x in c.iter(W + "t")) for c in r.findall(W + "tc")]
                for r in t.findall(W + "tr")]
    out = []
    for t in ET.fromstring(xml).find(W + "body").findall(W + "tbl"):
        rs = t.findall(W + "tr")
        cells = rs[0].findall(W + "tc") if len(rs) == 1 else []
        inner = cells[0].find(W + "tbl") if len(cells) == 1 else None
        if inner is None:
            out.append(rows_of(t))
        elif inner.find("%str/%strPr/%stblHeader" % (W, W, W)) is not None or not out:
            out.append(rows_of(inner))
        else:
            out[-1].extend(rows_of(inner))
    return out


def document(path):
    with zipfile.ZipFile(path) as z:
        name = "content.xml" if path.endswith(".odt") else "word/document.xml"
        return z.read(name).decode("utf-8")


def table_with(xml, head):
    for t in tables(xml):
        if t and head in t[0]:
            return t
    return []


with tempfile.TemporaryDirectory() as T:
    annex, agency = os.path.join(T, "annex.docx"), os.path.join(T, "agency.docx")
    r = run("--type", "維運服務", "--level", "中", "--exclude", "3.2.1=本案無備援架構之建置",
            "--exclude", "ac.acct.4=帳號由機關單一登入系統管理", "--include", "1.1.7=機關內規要求",
            "--field", "case_no=A114-001", "--field", "contact=王承辦",
            "--field", "budget=NT$3,000,000", "--date", "中華民國114年5月1日",
            "--agency-checklist", agency, "-o", annex)
    check("generate with tailoring", r.returncode == 0, r.stderr)
    x = document(annex)
    text = paragraphs(x)
    checklist = [row[0] for row in table_with(x, "廠商回覆（符合／部分符合／不符合／不適用）")[1:]]
    check("the checklist lacks the excluded rows", "3.2.1" not in checklist and "1.1.4" not in checklist
          and "1.1.1" in checklist, checklist[:8])
    check("the checklist has the included row", "1.1.7" in checklist)
    check("the body lacks the excluded item", not any(p.startswith("3.2.1　") for p in text))
    excl = table_with(x, "不適用理由")
    check("the appendix lists each exclusion with its reason",
          [row[0] for row in excl[1:]] == ["1.1.4", "3.2.1"] and excl[1][2] == "帳號由機關單一登入系統管理"
          and excl[2][2] == "本案無備援架構之建置", excl)
    check("the appendix has the item's text", "系統備援" in excl[2][1] if len(excl) > 2 else False)
    incl = table_with(x, "增列理由")
    check("the appendix lists the inclusion", len(incl) == 2 and incl[1][0] == "1.1.7"
          and incl[1][2] == "機關內規要求", incl)
    check("the included item says so", any(p.startswith("機關增列：機關內規要求") for p in text))
    check("附錄 heading", "附錄、需求項目之調整" in text)
    cover = table_with(x, "機關")
    labels = [row[0] for row in cover]
    check("the cover shows the fields given", ["案號", "A114-001"] in cover and ["承辦人", "王承辦"] in cover
          and ["預算金額", "NT$3,000,000"] in cover, cover)
    check("the cover leaves out the fields not given", "聯絡電話" not in labels and "履約期間" not in labels)
    check("the date is printed in the 民國 calendar", any("中華民國114年5月1日" in p for p in text))
    with zipfile.ZipFile(annex) as z:
        core = z.read("docProps/core.xml").decode()
    check("document properties keep ISO dates", re.search(r"<dcterms:created[^>]*>\d{4}-\d\d-\d\dT", core)
          and "民國" not in core, core[-300:])
    check("the annex holds no agency duty", "機關自行辦理事項" not in x and "AG.01" not in x)
    a = document(agency)
    atext = paragraphs(a)
    check("the agency's document is separate", os.path.exists(agency) and "機關自行辦理事項檢核表" in atext)
    ach = table_with(a, "辦理情形（已辦理／辦理中／未辦理／不適用）")
    check("it has a checklist with 辦理情形 columns", len(ach) > 3 and ach[1][0].startswith("AG-"), ach[:2])
    check("it has the same cover fields", ["案號", "A114-001"] in table_with(a, "機關"))
    check("it lists no vendor item", not table_with(a, "廠商回覆（符合／部分符合／不符合／不適用）")
          and not any(p.startswith("1.1.1　") for p in atext))

    out = os.path.join(T, "no.docx")
    # The same in ODT.
    oa, og = os.path.join(T, "annex.odt"), os.path.join(T, "agency.odt")
    r = run("--type", "維運服務", "--level", "中", "--exclude", "3.2.1=本案無備援架構之建置",
            "--field", "case_no=A114-001", "--agency-checklist", og, "-o", oa)
    ot = paragraphs(document(oa), odt=True) if r.returncode == 0 else []
    check("ODT: the appendix and the reason", "一、不適用項目及理由" in ot and "本案無備援架構之建置" in ot, r.stderr)
    check("ODT: the cover field", "A114-001" in ot)
    check("ODT: the agency's document", r.returncode == 0 and "機關自行辦理事項檢核表" in paragraphs(document(og), True)
          and "AG.01" not in document(oa))
    os.remove(og)
    r = run("--type", "維運服務", "--level", "中", "--agency-checklist", og, "-o", annex)
    with zipfile.ZipFile(og) as z:
        mt = z.read("mimetype")
    check("a DOCX annex and an ODT agency document, each from its template", r.returncode == 0 and
          mt == b"application/vnd.oasis.opendocument.text", r.stderr)
    r = run("--type", "維運服務", "--level", "中", "-T", os.path.join(SRC, "examples/agency-template.docx"),
            "--agency-checklist", os.path.join(T, "x.odt"), "-o", out)
    check("an agency template and the other format are refused", r.returncode == 2 and
          not os.path.exists(out) and not os.path.exists(os.path.join(T, "x.odt")), r.stderr)

    # Refusals: no output, a code, exit 2.
    for name, args, code in [
        ("a legal duty cannot be excluded", ["--exclude", "MG-01=不需要"], "RFP-TAILOR-LEGAL"),
        ("an exclusion needs a reason", ["--exclude", "1.1.1="], "RFP-TAILOR-REASON"),
        ("an item not in the selection", ["--exclude", "1.1.7=x"], "RFP-TAILOR-NOT-SELECTED"),
        ("an unknown item, with did-you-mean", ["--exclude", "1.1.l=x"], "RFP-TAILOR-UNKNOWN"),
        ("an inclusion already selected", ["--include", "1.1.1"], "RFP-TAILOR-SELECTED"),
        ("an agency duty is never the vendor's", ["--include", "AG-01"], "RFP-TAILOR-AGENCY"),
        ("an item tailored twice", ["--exclude", "1.1.4=a", "--exclude", "AC.ACCT.4=b"], "RFP-TAILOR-TWICE"),
        ("an impossible date", ["--date", "2025-02-30"], "RFP-USAGE"),
        ("a field that shadows a built-in", ["--field", "agency=x"], "RFP-FIELD-NAME"),
        ("a field name that is no tag name", ["--field", "案號=x"], "RFP-FIELD-NAME"),
    ]:
        r = run("--type", "維運服務", "--level", "中", *args, "-o", out)
        check(name, r.returncode == 2 and code in r.stderr and not os.path.exists(out),
              "exit %d: %s" % (r.returncode, r.stderr[:300]))
    r = run("--type", "維運服務", "--level", "中", "--exclude", "MG-01=不需要", "-o", out)
    check("the legal refusal names the law", "施行細則第4條" in r.stderr)
    r = run("--type", "維運服務", "--level", "中", "--exclude", "1.1.l=x", "-o", out)
    check("did you mean", "did you mean 1.1." in r.stderr, r.stderr)

    # 民國 dates in every spelling; the same document.
    for d in ["2025-05-01", "114-05-01", "114/05/01", "114.5.1", "中華民國114年5月1日", "民國１１４年５月１日"]:
        p = os.path.join(T, "d.docx")
        r = run("--type", "雲端服務", "--level", "普", "--date", d, "-o", p)
        check("--date " + d, r.returncode == 0 and any("中華民國114年5月1日" in t for t in paragraphs(document(p))),
              r.stderr)

    # The tailoring file, CSV and its action column.
    tf = os.path.join(T, "tailoring.csv")
    with open(tf, "w", encoding="utf-8") as f:
        f.write("編號或識別碼,理由,動作\n3.2.1,本案無備援架構之建置,排除\n1.1.7,機關內規要求,增列\n")
    j = os.path.join(T, "t.json")
    r = run("--type", "維運服務", "--level", "中", "--tailoring", tf, "-o", j)
    data = json.load(open(j, encoding="utf-8")) if r.returncode == 0 else {}
    check("--tailoring FILE: json lists the exclusion with its reason",
          [(e["no"], e["reason"]) for e in data.get("excluded", [])] == [("3.2.1", "本案無備援架構之建置")], r.stderr)
    check("--tailoring FILE: json marks the inclusion",
          [i["no"] for i in data.get("items", []) if i.get("tailoring") == "included"] == ["1.1.7"])
    with open(tf, "w", encoding="utf-8") as f:
        f.write("編號或識別碼,理由,動作\n3.2.1,x,刪除\n")
    r = run("--type", "維運服務", "--level", "中", "--tailoring", tf, "-o", out)
    check("a bad action names the file and line", r.returncode == 2 and "tailoring.csv:2" in r.stderr
          and "RFP-TAILOR-ACTION" in r.stderr, r.stderr)
    r = run("list", "--type", "維運服務", "--level", "中", "--exclude", "3.2.1=本案無備援架構之建置")
    check("list shows the exclusion", "3.2.1：不適用（排除），本案無備援架構之建置" in r.stdout, r.stdout[-300:])
    r = run("diff", "--type", "維運服務", "--level", "中", "--exclude", "3.2.1=本案無備援架構之建置")
    check("diff shows what the tailoring removes", "- CP.REDUND.1" in r.stdout and "不適用：本案無備援架構之建置" in r.stdout,
          r.stdout)
    r = run("--type", "維運服務", "--level", "中", "--exclude", "3.2.1=a|b", "-o", os.path.join(T, "t.md"))
    md = open(os.path.join(T, "t.md"), encoding="utf-8").read() if r.returncode == 0 else ""
    check("md lists the exclusion, escaped", "## 不適用項目及理由" in md and "a\\|b" in md)
    r = run("--type", "維運服務", "--level", "中", "--exclude", "3.2.1==cmd", "-o", os.path.join(T, "t.csv"))
    csv = open(os.path.join(T, "t.csv"), encoding="utf-8").read() if r.returncode == 0 else ""
    check("csv lists the exclusion, neutralised", ",excluded,\"'=cmd\"" in csv, csv[-200:])

    # A template field of the officer's own.
    tpl = os.path.join(T, "own.docx")
    with zipfile.ZipFile(os.path.join(SRC, "examples/agency-template.docx")) as z, \
            zipfile.ZipFile(tpl, "w") as w:
        for i in z.infolist():
            b = z.read(i.filename)
            if i.filename == "word/document.xml":
                b = b.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>\xe6\xa1\x88\xe8\x99\x9f{{case_ref}}"
                              b" {{param.log-retention}}</w:t></w:r></w:p>", 1)
            w.writestr(i, b)
    r = run("inspect", tpl)
    check("inspect says a template field needs --field", "field the run gives (--field NAME=VALUE)" in r.stdout
          and "{{case_ref}}" in r.stdout, r.stdout[:400])
    r = run("--type", "系統發展", "--level", "中", "-T", tpl, "-o", out)
    check("a run that does not give it is refused", r.returncode == 2 and "RFP-TPL-NEEDS-FIELD" in r.stderr
          and "case_ref" in r.stderr and not os.path.exists(out), r.stderr)
    r = run("--type", "系統發展", "--level", "中", "-T", tpl, "--field", "case_ref=B-7", "-o", out)
    t = paragraphs(document(out)) if r.returncode == 0 else []
    check("--field fills it, and param.NAME the parameter", any(p.startswith("案號B-7 6個月") for p in t),
          r.stderr + repr(t[:2]))

    # Batch: the 排除項目, field: and 機關檢核表 columns, the report.
    pf = os.path.join(T, "p.csv")
    with open(pf, "w", encoding="utf-8") as f:
        f.write("系統編號,委外類型,防護需求等級,排除項目,field:case_no,機關檢核表\n"
                "A,維運服務,中,3.2.1：本案無備援架構之建置；1.1.4：單一登入,A-1,是\n"
                "B,維運服務,中,MG-01:不需要,,\n"
                "C,系統發展,高,3.2.1,,\n"
                "D,雲端服務,普,,,\n")
    od, rep = os.path.join(T, "out"), os.path.join(T, "r.json")
    r = run("batch", pf, "-O", od, "--report", rep, "-q")
    rows = json.load(open(rep, encoding="utf-8"))["rows"] if os.path.exists(rep) else []
    check("batch: a row's exclusions, full-width separators too", r.returncode == 7 and rows
          and rows[0]["status"] == "written" and [t["item"] for t in rows[0].get("tailoring", [])] == ["3.2.1", "1.1.4"],
          r.stderr)
    bx = document(os.path.join(od, "A-維運服務-中.docx")) if rows and rows[0]["status"] == "written" else ""
    check("batch: the annex's appendix has the row's reasons",
          [row[2] for row in table_with(bx, "不適用理由")[1:]] == ["單一登入", "本案無備援架構之建置"])
    check("batch: field: column on the cover", ["案號", "A-1"] in table_with(bx, "機關"))
    check("batch: 機關檢核表 writes the row's agency document apart",
          os.path.exists(os.path.join(od, "A-維運服務-中-機關自行辦理事項.docx")) and "AG.01" not in bx
          and rows[0].get("agency_output", "").endswith("A-維運服務-中-機關自行辦理事項.docx"))
    check("batch: a legal duty cannot be dropped in a row", len(rows) > 1 and rows[1]["status"] == "failed"
          and rows[1]["code"] == "RFP-TAILOR-LEGAL" and not os.path.exists(os.path.join(od, "B-維運服務-中.docx")))
    check("batch: an exclusion without a reason", len(rows) > 2 and rows[2]["code"] == "RFP-TAILOR-SYNTAX"
          and rows[2]["column"] == "排除項目")
    check("batch: no agency document unless asked", not os.path.exists(os.path.join(od, "D-雲端服務-普-機關自行辦理事項.docx")))
    ad = os.path.join(T, "agency")
    r = run("batch", pf, "-O", os.path.join(T, "out2"), "--agency-checklist-dir", ad, "-q")
    check("batch --agency-checklist-dir: every written row's, in its own directory",
          sorted(os.listdir(ad)) == ["A-維運服務-中-機關自行辦理事項.docx", "D-雲端服務-普-機關自行辦理事項.docx"],
          os.listdir(ad) if os.path.isdir(ad) else r.stderr)
    r = run("batch", pf, "--check", "--report", rep, "-q")
    rows = json.load(open(rep, encoding="utf-8"))["rows"]
    check("batch --check finds the tailoring errors and writes nothing",
          [x["status"] for x in rows] == ["checked", "failed", "failed", "checked"])

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

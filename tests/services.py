#!/usr/bin/env python3
"""Security-service annexes (issue 18): 資安健診, 資安監控, 弱點掃描, 滲透測試, 社交工程演練.

Runs rfpgen and reads what it writes, as tailoring.py does:
  - for each service, the rounds and deadlines the document prints;
  - for each service and agency level A-E, the frequency it states, against
    the driver table of ../shared/reference/service-rfps.md (parsed when the
    file is there, else the copy below), with its caveat;
  - the cross-cutting vendor rules in every service annex;
  - a combined --type 系統發展 --service 弱點掃描 annex lists each item once;
  - unknown services and levels: did-you-mean, exit 2, no file;
  - list, explain, params, diff, json/csv/md, batch and tailoring;
  - DOCX and ODT packages valid (tests/conformance/tools/validate-package).
Usage: services.py RFPGEN SRCDIR
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

RFPGEN, SRC = sys.argv[1], sys.argv[2]
SHARED = os.path.normpath(os.path.join(SRC, "..", "shared"))
passed = failed = 0

SERVICES = {  # name: (alias, item prefix, frequency item)
    "資安健診": ("health-check", "HC", "HC.10"),
    "資安監控": ("soc", "SOC", "SOC.03"),
    "弱點掃描": ("vuln-scan", "VS", "VS.04"),
    "滲透測試": ("pentest", "PT", "PT.03"),
    "社交工程演練": ("social-engineering", "SE", "SE.04"),
}

# The driver table (service-rfps.md §3.8, "What 資通安全責任等級分級辦法 requires
# per level"), columns A, B, C, D, as the reference writes them. Used when
# ../shared is not there.
TABLE_COPY = {
    "弱點掃描": ["2×/year", "1×/year", "1× per 2 years", "–"],
    "滲透測試": ["1×/year", "1× per 2 years", "1× per 2 years", "–"],
    "資安健診": ["1×/year", "1× per 2 years", "1× per 2 years", "–"],
    "資安監控": ["✓", "✓", "–", "–"],
}
ROW_NAMES = {"弱點掃描": "網站安全弱點檢測", "滲透測試": "系統滲透測試", "資安健診": "資通安全健診",
             "資安監控": "資通安全威脅偵測管理"}

# The rounds and deadlines each service's annex must print (service-rfps.md §3.1-3.5).
ROUNDS = {
    "資安健診": ["HC-01至HC-07", "側錄封包至少6小時", "至少1個月或100 MB"],
    "資安監控": ["訂購後30日曆天內完成場地勘查及監控收集器之建置", "每季檢討監控之EPS",
             "資訊公布後3個工作天內通知機關", "通知後2個工作天內提供防護設定建議",
             "每年故障不得超過5次，每次應於24小時內修復或更換", "立即以電話、簡訊",
             "每月5日前"],
    "弱點掃描": ["機關通知後6個月內完成主機系統弱點掃描2次及Web網頁弱點掃描2次（各為初掃及複掃），"
             "以及網頁個資掃描1次", "掃描完成後1個月內"],
    "滲透測試": ["機關通知後6個月內完成測試2次（初測及複測）", "測試完成後1個月內",
             "測試前30日通知廠商", "服務期間不得變更"],
    "社交工程演練": ["訂購後1年內辦理電子郵件測試2次", "至少2週前", "社交工程郵件5封",
               "提出報告後1個月內，提供8x5之諮詢服務",
               "依資通安全事件通報及應變辦法第8條，每半年至少辦理1次社交工程演練"],
}
CROSS = ["不得為外籍勞工或大陸地區人民", "不得為大陸廠牌", "均應位於我國管轄範圍內",
         "提出工作計畫書"]
CAVEAT = "（依非官方轉載之分級辦法應辦事項整理，未經與正式條文核對）"
SE_CAVEAT = "（依110年8月23日修正之條文；該辦法已修正並更名為資通安全事件通報應變及演練辦法"


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:2000]))


def run(*args):
    e = dict(os.environ, LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH="1764000000")
    return subprocess.run([RFPGEN] + list(args), capture_output=True, text=True, env=e)


def document(path):
    with zipfile.ZipFile(path) as z:
        return z.read("content.xml" if path.endswith(".odt") else "word/document.xml").decode()


def text_of(xml, odt=False):
    """The document's text, paragraph by paragraph (markup removed)."""
    if odt:
        paras = re.findall(r"<text:(?:p|h)\b[^>]*>(.*?)</text:(?:p|h)>", xml, re.S)
        return "\n".join(re.sub(r"<[^>]+>", "", p) for p in paras)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p))
                     for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S))


def checklist_ids(xml, odt=False):
    """The items of the checklist, by the names of their answer controls."""
    pat = r'text:(?:name|description)="rfp:reply:([^"]+)"' if odt else r'w:tag w:val="rfp:reply:([^"]+)"'
    return re.findall(pat, xml)


def expected(service, level):
    """The sentence the annex must state for an agency of level (A-E)."""
    table = reference_table()
    cell = table[service]["ABCD".index(level)] if level in "ABCD" else table[service][3]
    cell = cell.replace("*", "").strip()
    if cell in ("–", "-", "—"):
        return "資通安全責任等級分級辦法未將本項列為%s級機關之應辦事項" % level
    if cell == "✓":
        return "依資通安全責任等級分級辦法，%s級機關應於1年內完成資通安全威脅偵測管理機制之建置並持續維運" % level
    m = re.fullmatch(r"(\d+)×/year", cell)
    if m:
        return "依資通安全責任等級分級辦法，%s級機關每年辦理%s次" % (level, m.group(1))
    m = re.fullmatch(r"(\d+)× per (\d+) years", cell)
    if m:
        return "依資通安全責任等級分級辦法，%s級機關每%s年辦理%s次" % (level, m.group(2), m.group(1))
    raise ValueError("cell %r of %s" % (cell, service))


_table = None


def reference_table():
    """§3.8 of service-rfps.md: {service: [A, B, C, D]}, or the copy."""
    global _table
    if _table is not None:
        return _table
    path = os.path.join(SHARED, "reference", "service-rfps.md")
    if not os.path.exists(path):
        _table = TABLE_COPY
        return _table
    text = open(path, encoding="utf-8").read()
    sec = text[text.index("### 3.8"):]
    sec = sec[:sec.index("Management and training items")]
    got = {}
    for line in sec.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for svc, row in ROW_NAMES.items():
            if len(cells) >= 5 and cells[0].startswith(row):
                got[svc] = [c.replace("*", "").strip() for c in cells[1:5]]
    missing = set(ROW_NAMES) - set(got)
    if missing:
        sys.exit("services.py: rows %s not found in %s" % (", ".join(sorted(missing)), path))
    _table = got
    return _table


def validate(paths):
    tool = os.path.join(SRC, "tests", "conformance", "tools", "validate-package")
    r = subprocess.run([tool] + paths, capture_output=True, text=True)
    check("packages are schema-valid (%d files)" % len(paths), r.returncode == 0, r.stdout + r.stderr)


with tempfile.TemporaryDirectory() as T:
    made = []
    check("reference table parsed", set(reference_table()) == set(TABLE_COPY), reference_table())
    # The table the tests use and the copy agree (the copy is the fallback).
    check("reference table matches the copy", reference_table() == TABLE_COPY
          or not os.path.exists(SHARED), reference_table())

    for svc, (alias, prefix, freq_item) in SERVICES.items():
        for fmt in ("docx", "odt"):
            out = os.path.join(T, "%s-B.%s" % (alias, fmt))
            r = run("--service", alias, "--agency-level", "B", "-o", out)
            check("%s %s: generated" % (svc, fmt), r.returncode == 0 and os.path.exists(out), r.stderr)
            if r.returncode:
                continue
            made.append(out)
            odt = fmt == "odt"
            xml = document(out)
            txt = text_of(xml, odt)
            for phrase in ROUNDS[svc]:
                check("%s %s: prints %s" % (svc, fmt, phrase[:30]), phrase in txt)
            for phrase in CROSS:
                check("%s %s: cross-cutting rule %s" % (svc, fmt, phrase), phrase in txt)
            check("%s %s: service section" % (svc, fmt), "壹、資安服務需求" in txt and
                  "（一）服務範圍" in txt and "參、資安需求查檢表" in txt)
            ids = checklist_ids(xml, odt)
            check("%s %s: fillable checklist with its items" % (svc, fmt),
                  ids and len(ids) == len(set(ids)) and any(i.startswith(prefix + ".") for i in ids)
                  and "SV.02" in ids, ids[:5])
            check("%s %s: no level columns in a service checklist" % (svc, fmt),
                  "普／中／高" not in txt and "{{" not in xml)
        # Frequency per agency level, against the table.
        for level in "ABCDE":
            r = run("--service", svc, "--agency-level", level, "--format", "json", "-o", "-")
            if r.returncode:
                check("%s %s: json" % (svc, level), False, r.stderr)
                continue
            items = {i["id"]: i for i in json.loads(r.stdout)["items"]}
            text = items[freq_item]["text"]
            if svc == "社交工程演練":
                ok = ("依資通安全事件通報及應變辦法第8條，每半年至少辦理1次社交工程演練" + SE_CAVEAT) in text
            else:
                ok = (expected(svc, level) in text) and CAVEAT in text
            check("%s level %s: frequency as the table says" % (svc, level), ok,
                  "%s || expected %s" % (text, svc != "社交工程演練" and expected(svc, level)))
        # No agency level: every level's frequency, and a warning that says so.
        r = run("--service", alias, "--format", "json", "-o", "-")
        check("%s without --agency-level: warns" % svc, r.returncode == 0 and
              (svc == "社交工程演練" or "RFP-SERVICE-AGENCY-LEVEL" in r.stderr), r.stderr)
        if svc != "社交工程演練" and r.returncode == 0:
            text = {i["id"]: i for i in json.loads(r.stdout)["items"]}[freq_item]["text"]
            check("%s without --agency-level: every level's" % svc, "A級" in text and "E級" in text, text)

    # A value given with --set replaces the frequency, with no caveat.
    r = run("--service", "弱點掃描", "--agency-level", "B", "--set", "vs-frequency=每季辦理1次",
            "--format", "json", "-o", "-")
    text = {i["id"]: i for i in json.loads(r.stdout)["items"]}["VS.04"]["text"] if r.returncode == 0 else ""
    check("--set replaces the frequency", "每季辦理1次。" in text and CAVEAT not in text, text or r.stderr)
    # The suggested target of the drills is printed as a suggestion.
    r = run("--service", "社交工程", "--format", "md", "-o", "-")
    check("suggested default marked", "（建議值，機關得依需求調整：--set se-target=…）" in r.stdout, r.stderr)

    # The agency's duties: the regulation's frequency is the agency's, in its own document.
    ann, ag = os.path.join(T, "vs-annex.docx"), os.path.join(T, "vs-agency.docx")
    r = run("--service", "弱點掃描", "--agency-level", "A", "--agency-checklist", ag, "-o", ann)
    check("agency checklist of a service", r.returncode == 0, r.stderr)
    if r.returncode == 0:
        made += [ann, ag]
        atext, gtext = text_of(document(ann)), text_of(document(ag))
        check("agency duty only in the agency's document",
              "VS-08" in gtext and "對全部核心資通系統辦理網站安全弱點檢測" in gtext
              and "對全部核心資通系統辦理網站安全弱點檢測" not in atext)

    # Combined: --type 系統發展 --service 弱點掃描, each item once.
    def ids_of(*args):
        r = run(*args, "--format", "json", "-o", "-")
        return [i["id"] for i in json.loads(r.stdout)["items"]] if r.returncode == 0 else None

    both = ids_of("--type", "系統發展", "--level", "中", "--service", "弱點掃描", "--agency-level", "B")
    typ = ids_of("--type", "系統發展", "--level", "中")
    svc = ids_of("--service", "弱點掃描", "--agency-level", "B")
    check("combined: ids unique", both is not None and len(both) == len(set(both)))
    check("combined: the union of both selections", both is not None and typ and svc and
          set(both) == set(typ) | set(svc) and len(both) < len(typ) + len(svc),
          "%s %s %s" % (len(both or []), len(typ or []), len(svc or [])))
    for fmt in ("docx", "odt"):
        out = os.path.join(T, "combined.%s" % fmt)
        r = run("--type", "系統發展", "--level", "中", "--service", "弱點掃描", "--agency-level", "B",
                "-o", out)
        if r.returncode:
            check("combined %s" % fmt, False, r.stderr)
            continue
        made.append(out)
        xml = document(out)
        ids = checklist_ids(xml, fmt == "odt")
        check("combined %s: checklist ids unique, one per item" % fmt,
              len(ids) == len(set(ids)) == len(both or []), "%d %d" % (len(ids), len(set(ids))))
        txt = text_of(xml, fmt == "odt")
        check("combined %s: three parts" % fmt, all(h in txt for h in
              ("壹、資安服務需求", "貳、資安需求項目", "參、資安需求查檢表")))
        check("combined %s: service items not repeated in the families" % fmt,
              txt.count("識別碼 VS.04）") == 1 and txt.count("識別碼 MG.01）") == 1)

    # Unknown names: did-you-mean, exit 2, no file.
    for args, want in ((["--service", "弱掃"], "did you mean 弱點掃描?"),
                       (["--service", "pentset"], "did you mean pentest?"),
                       (["--service", "弱點掃描", "--agency-level", "F"], "valid: A, B, C, D, E"),
                       (["--service", "弱點掃描", "--level", "中"], "go with --type"),
                       ([], "--type or --service is required")):
        out = os.path.join(T, "never.docx")
        r = run(*args, "-o", out)
        check("refused: %s" % " ".join(args), r.returncode == 2 and want in r.stderr
              and not os.path.exists(out), r.stderr)
    r = run("list", "--service", "soc", "--agency-level", "b")
    check("list of a service", r.returncode == 0 and r.stdout.startswith("資安監控（B級機關）") and
          "SOC-03" in r.stdout, r.stdout[:200] + r.stderr)
    r = run("explain", "VS-04")
    check("explain a service item", r.returncode == 0 and "資安服務：弱點掃描" in r.stdout, r.stderr)
    r = run("params")
    check("params shows the agency levels", "B級機關：依資通安全責任等級分級辦法，B級機關每年辦理1次" in r.stdout
          and "附註：依非官方轉載" in r.stdout)
    r = run("diff", "--service", "弱點掃描", "--agency-level", "C", "--to-agency-level", "A")
    check("diff between agency levels", r.returncode == 0 and "~ VS.04" in r.stdout and
          "0 added, 0 removed, 1 changed" in r.stdout, r.stdout[-300:] + r.stderr)
    r = run("--service", "弱點掃描", "--format", "csv", "-o", "-")
    rows = list(csv.reader(io.StringIO(r.stdout)))
    check("csv has the services column", rows and rows[0][-1] == "services" and
          any(row[0] == "VS.01" and row[-1] == "弱點掃描" for row in rows[1:]))

    # Tailoring: an optional service item dropped with its reason; a legal duty is not.
    out = os.path.join(T, "tailored.docx")
    r = run("--service", "資安健診", "--agency-level", "B", "--exclude", "HC-09=本案無資料庫",
            "-o", out)
    txt = text_of(document(out)) if r.returncode == 0 else ""
    check("exclude a service item", r.returncode == 0 and "不適用項目及理由" in txt and "本案無資料庫" in txt
          and "HC.09" not in checklist_ids(document(out)), r.stderr)
    r = run("--service", "資安健診", "--exclude", "MG-01=不需要", "-o", os.path.join(T, "x.docx"))
    check("a legal duty cannot be excluded", r.returncode == 2 and "RFP-TAILOR-LEGAL" in r.stderr, r.stderr)

    # Cover fields of a service.
    # review names the case as issued: the services and the agency level,
    # not an empty type and level.
    alone = os.path.join(T, "alone.odt")
    r = run("--service", "弱點掃描", "--agency-level", "B", "-o", alone)
    combined = os.path.join(T, "combined.docx")
    r = run("review", alone, combined)
    first = [l for l in r.stdout.splitlines() if l.startswith(T)]
    check("review: a service annex's case", r.returncode == 9 and len(first) == 2 and
          "：弱點掃描（B級機關），24 項" in first[0] and
          "：系統發展/中＋弱點掃描（B級機關），" in first[1], r.stdout[:400] + r.stderr)
    r = run("review", alone, "--format", "json")
    try:
        m = json.loads(r.stdout)["files"][0]["manifest"]
    except (ValueError, KeyError, IndexError):
        m = {}
    check("review json: services and agency level", m.get("services") == "弱點掃描" and
          m.get("agency_level") == "B" and m.get("type") == "", r.stdout[:400])
    sheet = os.path.join(T, "審查意見表.docx")
    r = run("review", alone, combined, "-o", sheet)
    txt = text_of(document(sheet)) if os.path.exists(sheet) else ""
    check("review sheet: the case of each bidder", "案件：弱點掃描（B級機關）" in txt and
          "案件：系統發展／防護需求等級中＋弱點掃描（B級機關）" in txt, r.stderr + txt[:300])

    out = os.path.join(T, "cover.docx")
    r = run("--service", "弱點掃描", "--agency-level", "B", "--field", "target_ips=120",
            "--field", "target_urls=8", "--field", "sites=本部及南區辦公室", "-o", out)
    txt = text_of(document(out)) if r.returncode == 0 else ""
    check("service cover fields shown", all(s in txt for s in
          ("標的IP數量\n120", "標的網址（URL）數量\n8", "服務場所\n本部及南區辦公室",
           "機關資通安全責任等級\nB級")) and
          "委外類型" not in txt and "防護需求等級" not in txt, txt[:600])

    # Batch: 服務 and 機關資安責任等級 columns.
    port = os.path.join(T, "portfolio.csv")
    with open(port, "w", encoding="utf-8") as f:
        f.write("系統編號,委外類型,防護需求等級,服務,機關資安責任等級,field:target_ips\n"
                "S1,,,弱點掃描、滲透測試,A,50\n"
                "S2,系統發展,中,弱點掃描,C,\n"
                "S3,,,社交工程,,\n"
                "S4,,高,弱點掃描,B,\n"
                "S5,,,弱點,B,\n")
    outdir, report = os.path.join(T, "batch"), os.path.join(T, "report.json")
    r = run("batch", port, "-O", outdir, "--report", report, "-q")
    rep = json.load(open(report)) if os.path.exists(report) else {"rows": []}
    by = {row.get("system_id"): row for row in rep["rows"]}
    check("batch: service rows written", r.returncode == 7 and
          by.get("S1", {}).get("status") == "written" and by["S1"].get("services") == "弱點掃描 滲透測試"
          and by["S1"].get("agency_level") == "A" and by.get("S2", {}).get("status") == "written"
          and by.get("S3", {}).get("status") == "written", json.dumps(rep, ensure_ascii=False)[:1500])
    check("batch: a service row with a level fails", by.get("S4", {}).get("code") == "RFP-ROW-LEVEL-UNUSED",
          by.get("S4"))
    check("batch: an unknown service fails", by.get("S5", {}).get("code") == "RFP-ROW-SERVICE", by.get("S5"))
    names = sorted(os.listdir(outdir)) if os.path.isdir(outdir) else []
    check("batch: output names", "S1-弱點掃描+滲透測試.docx" in names and
          "S2-系統發展-中-弱點掃描.docx" in names and "S3-社交工程演練.docx" in names, names)
    if "S1-弱點掃描+滲透測試.docx" in names:
        txt = text_of(document(os.path.join(outdir, "S1-弱點掃描+滲透測試.docx")))
        check("batch: row's agency level and field", "A級機關每年辦理2次" in txt and "標的IP數量\n50" in txt, txt[:400])

    # The catalogue's own checks of service items and agency-level defaults.
    vs = open(os.path.join(SRC, "requirements", "module-service-vuln-scan.xml"), encoding="utf-8").read()
    broken = {
        "RFP-CAT-SELECTOR": vs.replace('sort="430101" services="弱點掃描"', 'sort="430101"', 1),
        "RFP-CAT-MIN-LEVEL": vs.replace('sort="430101" services="弱點掃描"',
                                        'sort="430101" min-level="普" services="弱點掃描"', 1),
        "RFP-CAT-SERVICE": vs.replace('sort="430102" services="弱點掃描"', 'sort="430102" services="弱掃"', 1),
        "RFP-CAT-PARAM-AGENCY": re.sub(r'<default agency-level="E">.*?</default>', "", vs, count=1),
        "RFP-CAT-PARAM-BOTH": vs.replace('<default agency-level="D">', '<default level="中" agency-level="D">', 1),
    }
    for code, xml in broken.items():
        bad = os.path.join(T, "bad.xml")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(xml)
        r = run("list", "--service", "vuln-scan", "--catalogue",
                os.path.join(SRC, "requirements", "baseline-2021.xml"), "--catalogue", bad)
        check("catalogue check %s" % code, r.returncode == 3 and code in r.stderr, r.stderr)

    validate(made)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Every figure in the catalogue comes from a named source or is a parameter.

A figure is a period, a frequency, a count, an amount or a percentage:
digits (6個月, 99.9%, 30日), Chinese numerals before a unit (一千萬元, 一次),
or a frequency word (每月, 每年). In every item's prose (text, guidance,
verification) each figure must be either

  - inside an <insert param="..."/> (the value comes from the parameter), or
  - listed in one of the item's <stated> elements: the source named by the
    item's @source and @clause states that figure (or, when the <stated>
    element names its own @source and @clause, that source does).

Parameters must say where their defaults come from, explicitly in the shipped
catalogue: basis="suggested" (the annex prints the default as a suggestion
with the --set name that changes it) or basis="stated" with @source (a
declared source) and @clause. Each <stated> figure must occur in the item's
prose, so a stale marking is an error too.

Parameters whose defaults depend on the agency's 資通安全責任等級 (the
security services' frequencies, <default agency-level="…">) must be stated by
a source, give every level A-E (saying so where the source requires
nothing), name the level in each value, have a default for requests without a
level, and carry a caveat when their source is unverified. Service items
list only known services, list their family's service, and carry no
min-level unless they are also selected by type.

Not figures: names and numbers of things (ISO 27001, CNS 27001, OWASP Top 10,
第4條, 附表十, item numbers such as 4.2.4, version years such as 2021年版) and
words such as 單一, 同一, 唯一, 每一, 第三方.

Usage: figures.py SRCDIR [FILE.xml ...]   (default: SRCDIR/requirements/*.xml)
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "{urn:rfpgen:catalogue:1}"
ZH = "零〇一二三四五六七八九十百千萬兩"
UNITS = ("個月|月|年|週|星期|日曆天|工作天|天|日|小時|時|分鐘|秒|次|代|種|項|人|名|"
         "元|倍|%|％|公里|公尺|GB|MB|KB")
DIGITS = r"[0-9０-９]+(?:[.．][0-9０-９]+)?"
FIGURE = re.compile(
    r"(?P<num>" + DIGITS + r")\s*(?:" + UNITS + r")?"
    r"|(?P<zh>[" + ZH + r"]+)(?:" + UNITS + r")"
    r"|(?P<freq>每(?:半年|年|季|月|週|星期|日|天|小時))"
    r"|(?P<half>半(?:年|個月|小時|天|日))")
# Spans that hold digits or numerals but are names, not figures.
NOT_FIGURES = [
    re.compile(r"[A-Za-z][A-Za-z/-]*[ -]?" + DIGITS),        # ISO 27001, Top 10, SHA-256
    re.compile(r"[0-9]+(?:\.[0-9]+){2,}"),                  # item numbers 4.2.4
    re.compile(r"第[0-9" + ZH + r"]+[條項款目章節類級方人者]"),  # 第4條, 第三方, 第三人
    re.compile(r"附表[0-9" + ZH + r"]+"),                    # 附表十
    re.compile(r"(?:19|20)[0-9]{2}年(?:版|之)"),              # 2021年版
    re.compile(r"[單同唯統任每逐][" + ZH + r"]"),            # 單一, 同一, 每一
]


def prose(el):
    """The element's text with each insert replaced by a marker character."""
    if el is None:
        return ""
    out = [el.text or ""]
    for c in el:
        if c.tag == NS + "insert":
            out.append("\x01")
        out.append(c.tail or "")
    return re.sub(r"\s*\n\s*", "", "".join(out))


def masked(s):
    """s with the name-like spans blanked out (same length)."""
    for pat in NOT_FIGURES:
        s = pat.sub(lambda m: "\x00" * len(m.group(0)), s)
    return s


def figures(s):
    """(start, end, figure) of every figure in s."""
    m = masked(s)
    return [(f.start(), f.end(), s[f.start():f.end()]) for f in FIGURE.finditer(m)]


SERVICES = ("資安健診", "資安監控", "弱點掃描", "滲透測試", "社交工程演練")


def check_agency_param(name, p, kinds, problems):
    """A parameter whose defaults depend on the agency's 資通安全責任等級 (the
    services' frequencies): stated by a named source, one default for every
    level A-E that names its level (so a level the source leaves out says so,
    rather than falling back to another's value), one for a request without a
    level, and a caveat when the source is an unverified copy."""
    by = {d.get("agency-level"): (d.text or "") for d in p.findall(NS + "default")
          if d.get("agency-level")}
    if not by:
        return
    pid = p.get("id")
    if p.get("basis") != "stated" or not p.get("source"):
        problems.append("%s: parameter %s has defaults by agency level: they must be stated "
                        "by a source (basis=\"stated\", source=)" % (name, pid))
    for level in "ABCDE":
        if level not in by:
            problems.append("%s: parameter %s has no default for agency level %s: say what the "
                            "source requires of it, or that it requires nothing" % (name, pid, level))
        elif level + "級" not in by[level]:
            problems.append("%s: parameter %s: the default for agency level %s does not name "
                            "the level (%s級)" % (name, pid, level, level))
    if not any(not d.get("agency-level") and not d.get("level") for d in p.findall(NS + "default")):
        problems.append("%s: parameter %s has no default for a request without an agency "
                        "level" % (name, pid))
    if kinds.get(p.get("source")) == "unverified" and not p.get("caveat"):
        problems.append("%s: parameter %s is stated by an unverified source: give caveat=\"…\" "
                        "so that the annex says so where the value is" % (name, pid))


def check_file(path, problems):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        problems.append("%s: not well-formed: %s" % (path, e))
        return 0
    name = os.path.relpath(path)
    header = root.find(NS + "header")
    sources = {s.get("id") for s in header.iter(NS + "source")}
    for p in header.iter(NS + "param"):
        pid, basis = p.get("id"), p.get("basis")
        if basis not in ("suggested", "stated"):
            problems.append("%s: parameter %s: basis must be given as \"suggested\" or "
                            "\"stated\" (got %r)" % (name, pid, basis))
        elif basis == "stated" and (p.get("source") not in sources or not p.get("clause")):
            problems.append("%s: parameter %s is stated by a source: give source= "
                            "(a declared source) and clause=" % (name, pid))
    kinds = {s.get("id"): s.get("kind", "guidance") for s in header.iter(NS + "source")}
    for p in header.iter(NS + "param"):
        check_agency_param(name, p, kinds, problems)
    for fam in root.iter(NS + "family"):
        svc = fam.get("service")
        if svc and svc not in SERVICES:
            problems.append("%s: family %s: unknown service %r" % (name, fam.get("id"), svc))
        for item in fam.iter(NS + "item"):
            listed = (item.get("services") or "").split()
            for t in listed:
                if t not in SERVICES:
                    problems.append("%s: item %s: unknown service %r" % (name, item.get("id"), t))
            if svc and svc not in listed:
                problems.append("%s: item %s is in the family of %s but does not list it in "
                                "services" % (name, item.get("id"), svc))
            if listed and not item.get("types") and item.get("min-level"):
                problems.append("%s: item %s is selected by service only: the system's "
                                "min-level does not apply to it" % (name, item.get("id")))
    checked = 0
    for item in root.iter(NS + "item"):
        iid = item.get("id")
        fields = {f: prose(item.find(NS + f)) for f in ("text", "guidance", "verification")}
        stated = [(s.text or "").strip() for s in item.findall(NS + "stated")]
        for st in stated:
            if not st or not any(st in v for v in fields.values()):
                problems.append("%s: item %s: <stated>%s</stated> does not occur in its "
                                "text, guidance or verification" % (name, iid, st))
        for field, value in fields.items():
            covered = []
            for st in stated:
                if not st:
                    continue
                for m in re.finditer(re.escape(st), value):
                    covered.append((m.start(), m.end()))
            for a, b, fig in figures(value):
                checked += 1
                if any(x <= a and b <= y for x, y in covered):
                    continue
                problems.append("%s: item %s, %s: figure '%s' has no source: make it a "
                                "<param basis=\"suggested\"> inserted with <insert param>, "
                                "or list it in <stated> if %s states it (…%s…)"
                                % (name, iid, field, fig, item.get("source"),
                                   value[max(0, a - 12):b + 12].replace("\x01", "〔參數〕")))
    return checked


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    src = argv[1]
    files = argv[2:] or sorted(glob.glob(os.path.join(src, "requirements", "*.xml")))
    if not files:
        sys.exit("figures.py: no catalogue files under %s/requirements" % src)
    problems = []
    n = 0
    os.chdir(src)
    for f in files:
        n += check_file(os.path.relpath(f, src) if os.path.isabs(f) else f, problems)
    for p in problems:
        print(p)
    print("%d figures in %d files, %d problems" % (n, len(files), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

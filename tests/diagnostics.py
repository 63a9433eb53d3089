#!/usr/bin/env python3
"""The diagnostics table (src/util/diag.h) is the one list of message codes.

Checks that every "RFP-..." code written in src/ is defined there, that
every entry is used, and that docs/diagnostics.md shows exactly the table.
With --write, rewrites the table in docs/diagnostics.md instead.
Usage: diagnostics.py SRCDIR [--write]
"""
import glob
import os
import re
import sys

EXIT = {"0": "—", "RFP_EXIT_PHASE": "3 or 4"}
SEV = {"RFP_ERROR": "error", "RFP_WARNING": "warning", "RFP_NOTE": "note"}
BEGIN = "<!-- table: generated from src/util/diag.h by tests/diagnostics.py --write -->"
END = "<!-- end of table -->"


def entries(header):
    text = open(header, encoding="utf-8").read()
    pat = re.compile(r'#define RFP_D_(\w+)\s+"(RFP-[A-Z0-9-]+)", (\w+), (\w+), (\w+), \\\n'
                     r'\tN_\((".*?")\), \\\n\t(?:N_\()?(".*?"|NULL)\)?\n')
    out = [m.groups() for m in pat.finditer(text)]
    defined = re.findall(r'^#define RFP_D_(\w+)', text, re.M)
    if len(defined) != len(out):
        parsed = {e[0] for e in out}
        sys.exit("diag.h: entries not in the table's layout: %s" %
                 ", ".join(d for d in defined if d not in parsed))
    return out


def literal(s):
    return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def md_cell(s):
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("*", "\\*")


def table(rows):
    lines = ["| code | severity | exit | message | hint |", "| --- | --- | --- | --- | --- |"]
    for ident, code, sev, status, ext, fmt, hint in rows:
        lines.append("| `%s` | %s | %s | %s | %s |" % (
            code, SEV[sev], EXIT.get(ext, ext), md_cell(literal(fmt)),
            md_cell(literal(hint)) if hint != "NULL" else ""))
    return "\n".join(lines)


def main():
    root = sys.argv[1]
    header = os.path.join(root, "src/util/diag.h")
    rows = entries(header)
    codes = {r[1] for r in rows}
    ids = {r[0] for r in rows}
    bad = 0
    if len(codes) != len(rows):
        print("diag.h: a code is defined twice")
        bad += 1
    sources = [p for p in glob.glob(os.path.join(root, "src/**/*.[ch]"), recursive=True)
               if not p.endswith("util/diag.h")]
    used_ids = set()
    for p in sources:
        s = open(p, encoding="utf-8").read()
        for code in re.findall(r'"(RFP-[A-Z0-9-]+)', s):
            if code not in codes:
                print("%s: code %s is not in src/util/diag.h" % (os.path.relpath(p, root), code))
                bad += 1
        # An ID is used as an argument: rfp_diag(ctx, XML, ...), tag_error(c, t, TPL_NAME, ...).
        used_ids.update(re.findall(r'(?<=[(,])\s*([A-Z][A-Z0-9_]*)\s*(?=[,)])', s))
    for ident in sorted(ids - used_ids):
        print("diag.h: RFP_D_%s is never used in src/" % ident)
        bad += 1
    doc = os.path.join(root, "docs/diagnostics.md")
    text = open(doc, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        sys.exit("docs/diagnostics.md has no generated table (markers %s ... %s)" % (BEGIN, END))
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    want = head + BEGIN + "\n" + table(rows) + "\n" + END + tail
    if "--write" in sys.argv[2:]:
        open(doc, "w", encoding="utf-8").write(want)
        print("wrote the table of %d codes into docs/diagnostics.md" % len(rows))
    elif want != text:
        print("docs/diagnostics.md does not show the table of src/util/diag.h; "
              "run tests/diagnostics.py . --write")
        bad += 1
    print("diagnostics: %d codes, %d source files checked, %d problems" % (len(rows), len(sources), bad))
    return 1 if bad else 0


sys.exit(main())

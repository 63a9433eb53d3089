#!/usr/bin/env python3
"""Every command in README.md, docs/*.md, docs/rfpgen.1 and examples/README.md runs as written.

The commands of their indented code blocks that start with rfpgen (or
mkdir, man, soffice) run in a scratch copy of examples/ and docs/, with the
built rfpgen first on PATH; each must exit 0. Usage lines (with TYPE, FILE
… placeholders) and message examples ("rfpgen: …: error: …") are not
commands. A file a command names that no repository file is (本府範本.docx)
is the example agency template (.docx) or portfolio (.xlsx). The
man page's commands are its EXAMPLES' .Bd -literal blocks. The README's quick-start packages must be
the ones .ci/run installs.
Usage: docs.py RFPGEN SRCDIR
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

RUN = {"rfpgen", "mkdir", "man", "soffice"}
PLACEHOLDER = re.compile(r"^[A-Z][A-Z0-9_]*(\.[a-z]+)?$")


def joined(lines):
    """Commands of a sequence of code lines (None ends a block), each
    continuation line (a trailing backslash) joined to the next."""
    cmds, cur = [], ""
    for text in lines:
        if text is None:
            cur = ""
            continue
        if cur:
            text = cur + " " + text.strip()
        if text.endswith("\\"):
            cur = text[:-1].rstrip()
            continue
        cur = ""
        cmds.append(text)
    return cmds


def blocks(path):
    """Commands of a Markdown file's indented code blocks."""
    return joined(line[4:].rstrip("\n") if line.startswith("    ") else None
                  for line in open(path, encoding="utf-8"))


def man_blocks(path):
    """Commands of an mdoc page's literal displays (\\e is a backslash)."""
    def lines():
        literal = False
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if line.startswith(".Bd -literal") or line.startswith(".Ed"):
                literal = line.startswith(".Bd")
                yield None
            elif literal:
                yield line.replace("\\e", "\\")
    return joined(lines())


def command_word(cmd):
    words = cmd.split()
    while words and re.match(r"^[A-Z_]+=", words[0]):
        words.pop(0)
    return words[0] if words else ""


def is_command(cmd):
    w = command_word(cmd)
    if w not in RUN or w.endswith(":"):
        return False
    body = cmd.split("#", 1)[0]
    return not any(PLACEHOLDER.match(a) or a.startswith("[") for a in body.split()[1:])


def packages(text):
    m = re.search(r"apt-get install -y[^&\n]*--no-install-recommends ([^&\n]+?)(?: >/dev/null|\s*&&|\n)", text)
    return set(m.group(1).replace("\\", " ").split()) if m else set()


def main():
    rfpgen, src = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    bad = n = 0
    readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    ci = open(os.path.join(src, ".ci/run"), encoding="utf-8").read()
    ci_pkgs = set(re.sub(r"\\\n", " ", ci).split("--no-install-recommends", 1)[1].split(">/dev/null")[0].split())
    rd_pkgs = packages(readme)
    if not rd_pkgs or rd_pkgs != ci_pkgs - {"valgrind"}:
        print("FAIL packages: README %s, .ci/run %s" % (sorted(rd_pkgs ^ (ci_pkgs - {"valgrind"})), "differ"))
        bad += 1
    else:
        print("ok   packages: the README installs what CI installs (%d)" % len(rd_pkgs))
    soffice_calc = shutil.which("soffice") and os.path.exists("/usr/lib/libreoffice/program/libsclo.so")
    with tempfile.TemporaryDirectory() as t:
        work = os.path.join(t, "work")
        shutil.copytree(os.path.join(src, "examples"), os.path.join(work, "examples"))
        shutil.copytree(os.path.join(src, "docs"), os.path.join(work, "docs"))
        shutil.copy(os.path.join(src, "examples/agency-template.docx"), os.path.join(work, "本府範本.docx"))
        shutil.copy(os.path.join(src, "examples/portfolio.xlsx"), os.path.join(work, "盤點清冊.xlsx"))
        bindir = os.path.join(t, "bin")
        os.mkdir(bindir)
        os.symlink(rfpgen, os.path.join(bindir, "rfpgen"))
        env = dict(os.environ, PATH=bindir + ":" + os.environ.get("PATH", ""))
        env.pop("LC_ALL", None)
        env["LANG"] = "C.UTF-8"
        docs = ["README.md", "examples/README.md"] + sorted(
            os.path.relpath(p, src) for p in glob.glob(os.path.join(src, "docs/*.md"))) + ["docs/rfpgen.1"]
        for doc in docs:
            read = man_blocks if doc.endswith(".1") else blocks
            for cmd in read(os.path.join(src, doc)):
                if not is_command(cmd):
                    continue
                if command_word(cmd) == "soffice" and not soffice_calc:
                    print("ok   %s: %s # SKIP: needs libreoffice-calc-nogui" % (doc, cmd[:60]))
                    continue
                if command_word(cmd) == "soffice":
                    cmd = "timeout 300 " + cmd
                n += 1
                r = subprocess.run(cmd, shell=True, cwd=work, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=600)
                if r.returncode != 0:
                    print("FAIL %s: exit %d: %s\n  %s" % (doc, r.returncode, cmd,
                          r.stderr.decode("utf-8", "replace").strip().replace("\n", "\n  ")[:600]))
                    bad += 1
                else:
                    print("ok   %s: %s" % (doc, cmd[:100]))
    print("%d passed, %d failed" % (n + 1 - bad, bad))
    return 1 if bad else 0


sys.exit(main())

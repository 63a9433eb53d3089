#!/usr/bin/env python3
"""rfpgen serve's JSON API against the command line (docs/api.md).

Starts the server on a free loopback port and checks each endpoint: what
it answers is what the command line makes of the same request (the same
items, byte-identical DOCX and ODT, the same codes and hints for the same
errors), and the server's own guards: body caps, media types, methods,
the cap on requests at once (503), cross-site refusal, security headers,
no server path and no temporary file left, no document content in the
log, messages in zh-TW, and a clean stop on SIGTERM and SIGINT.
Usage: api.py RFPGEN SRCDIR
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, multipart  # noqa: E402

RFPGEN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
EPOCH = "1764000000"
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:1500]))


def cli(*args, env=None):
    e = dict(os.environ, LC_ALL="C.UTF-8", SOURCE_DATE_EPOCH=EPOCH)
    e.update(env or {})
    return subprocess.run([RFPGEN] + list(args), capture_output=True, env=e)


def hint_of(stderr, code):
    """The hint the command line printed under the line with [code]."""
    lines = stderr.decode("utf-8").splitlines()
    for i, line in enumerate(lines):
        if "[%s]" % code in line and i + 1 < len(lines) and "hint:" in lines[i + 1]:
            return lines[i + 1].split("hint:", 1)[1].strip()
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="rfpgen-api-test-")
    private_tmp = os.path.join(tmp, "tmp")
    os.mkdir(private_tmp)
    env = {"SOURCE_DATE_EPOCH": EPOCH, "LC_ALL": "C.UTF-8", "TMPDIR": private_tmp}
    s = Server(RFPGEN, "--workers", "2", env=env)
    try:
        run_checks(s, tmp, private_tmp)
    finally:
        rc = s.stop()
        check("SIGTERM: exit 0 and 'stopped'", rc == 0 and "stopped after" in s.log, "exit %s: %s" % (rc, s.log[-500:]))
        check("no temporary file left", os.listdir(private_tmp) == [], os.listdir(private_tmp))
        log = s.log
        check("the log has no document content", "秘密測試機關" not in log and "理由甲乙丙" not in log, log[-800:])
        check("the log has one line per request", len(re.findall(r"^rfpgen: serve: 127\.0\.0\.1 (GET|POST|HEAD|DELETE|PUT) ", log, re.M)) >= 30,
              log[-800:])
        others(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def run_checks(s, tmp, private_tmp):
    st, h, j = s.json("GET", "/healthz")
    check("GET /healthz", st == 200 and j["status"] == "ok" and j["version"], j)

    # Security headers on every answer.
    st, h, _ = s.request("GET", "/healthz")
    csp = h.get("content-security-policy", "")
    check("CSP forbids inline script", "script-src 'self'" in csp and "unsafe-inline" not in csp and
          "default-src 'none'" in csp, csp)
    check("nosniff, no-store, frame-ancestors", h.get("x-content-type-options") == "nosniff" and
          h.get("cache-control") == "no-store" and "frame-ancestors 'none'" in csp, h)

    st, h, t = s.json("GET", "/api/types")
    check("GET /api/types: four types, three levels", st == 200 and [x["name"] for x in t["types"]] ==
          ["顧問訓練", "系統發展", "維運服務", "雲端服務"] and [x["name"] for x in t["levels"]] == ["普", "中", "高"], t)
    check("GET /api/types: 附表九, four ratings with a text per level",
          [r["name"] for r in t["impact"]["ratings"]] == ["機密性", "完整性", "可用性", "法律遵循性"] and
          all(len(r["levels"]) == 3 and all(lv["text"] for lv in r["levels"]) for r in t["impact"]["ratings"]), t["impact"])
    check("GET /api/types: conditions and cover fields",
          {c["key"] for c in t["conditions"]} == {"core_system", "contract_value", "eu_personal_data", "classified"} and
          {"agency", "project", "case_no", "contact", "date"} <= {f["key"] for f in t["fields"]}, t)

    # Items: what `rfpgen list --format json` selects, with the legal flag.
    r = cli("list", "--type", "系統發展", "--level", "高", "--format", "json")
    want = json.loads(r.stdout)
    st, h, got = s.json("GET", "/api/items?type=development&level=high")
    check("GET /api/items = rfpgen list --format json", st == 200 and
          [x["id"] for x in got["items"]] == [x["id"] for x in want["items"]] and got["count"] == want["count"],
          (st, got.get("error") if isinstance(got, dict) else got))
    legal = [x for x in got["items"] if x["law"]]
    check("items say which a law binds", legal and all(not x["excludable"] for x in legal) and
          all(x["excludable"] for x in got["items"] if not x["law"]), len(legal))
    check("items offer candidates to add, none already selected", got["candidates"] and
          not {c["id"] for c in got["candidates"]} & {x["id"] for x in got["items"]}, len(got["candidates"]))

    req = {"type": "維運服務", "level": "中", "exclude": [{"id": "3.2.1", "reason": "本案無備援架構之建置"}],
           "include": [{"id": "1.1.7", "reason": "機關內規要求"}], "conditions": {"core_system": True}}
    r = cli("list", "--type", "維運服務", "--level", "中", "--core-system", "--exclude", "3.2.1=本案無備援架構之建置",
            "--include", "1.1.7=機關內規要求", "--format", "json")
    want = json.loads(r.stdout)
    st, h, got = s.json("POST", "/api/items", req)
    check("POST /api/items with tailoring = the command line's", st == 200 and
          [x["id"] for x in got["items"]] == [x["id"] for x in want["items"]] and
          [x["id"] for x in got["excluded"]] == [x["id"] for x in want["excluded"]] and got["excluded"], got.get("error"))
    st, h, got = s.json("GET", "/api/items?type=cloud&impact=C%3D%E6%99%AE,I%3D%E9%AB%98,A%3D%E4%B8%AD,L%3D%E6%99%AE")
    check("GET /api/items with impact: the highest rating", st == 200 and got["selection"]["level"] == "高", got.get("selection"))

    # The same error as the command line: code and hint.
    st, h, got = s.json("POST", "/api/items", {"type": "development", "level": "high",
                                               "exclude": [{"id": "MG-11", "reason": "x"}]})
    r = cli("list", "--type", "development", "--level", "high", "--exclude", "MG-11=x")
    check("excluding a legal duty: 400 RFP-TAILOR-LEGAL with the CLI's hint", st == 400 and
          got["error"]["code"] == "RFP-TAILOR-LEGAL" and got["error"]["hint"] == hint_of(r.stderr, "RFP-TAILOR-LEGAL"),
          (st, got, r.stderr[-300:]))
    st, h, got = s.json("POST", "/api/items", {"type": "development", "level": "high", "exclude": [{"id": "1.1.1"}]})
    check("excluding without a reason: RFP-TAILOR-REASON", st == 400 and got["error"]["code"] == "RFP-TAILOR-REASON", got)
    st, h, got = s.json("POST", "/api/items", {"type": "系統開發", "level": "超高", "levle": 1})
    codes = [d["code"] for d in got["diagnostics"]]
    msgs = " ".join(d["message"] for d in got["diagnostics"])
    check("every problem of a request at once, with did-you-mean", st == 400 and codes.count("RFP-SERVE-VALUE") == 2 and
          "RFP-SERVE-KEY" in codes and "系統發展" in msgs and "'level'" in msgs, got)
    st, h, got = s.json("POST", "/api/items", {"type": "development"})
    check("a missing level: RFP-SERVE-MISSING", st == 400 and got["error"]["code"] == "RFP-SERVE-MISSING", got)
    st, h, got = s.json("POST", "/api/items", {"type": "development", "level": "high", "date": "2025-02-30"})
    check("a date that does not exist is refused", st == 400 and got["error"]["code"] == "RFP-SERVE-VALUE", got)
    st, h, body = s.request("POST", "/api/items", '{"type": "development",\n "level": }', {"Content-Type": "application/json"})
    got = json.loads(body)
    check("bad JSON: RFP-SERVE-JSON with line and column", st == 400 and got["error"]["code"] == "RFP-SERVE-JSON" and
          "line 2" in got["error"]["message"], got)
    st, h, body = s.request("POST", "/api/items", '{"type": "x", "type": "y"}', {"Content-Type": "application/json"})
    check("duplicate keys are refused", st == 400 and json.loads(body)["error"]["code"] == "RFP-SERVE-JSON", body)
    st, h, body = s.request("POST", "/api/items", '{"type": "a\\u0000b", "level": "high"}', {"Content-Type": "application/json"})
    check("NUL in a string is refused", st == 400, body)

    # Documents: byte-identical to the command line's.
    fields = {"type": "系統發展", "level": "高", "agency": "秘密測試機關", "project": "測試系統建置案",
              "date": "中華民國114年5月1日", "fields": {"case_no": "A114-001", "contact": "王承辦"},
              "exclude": [{"id": "3.2.1", "reason": "理由甲乙丙"}]}
    cli_args = ["--type", "系統發展", "--level", "高", "--agency", "秘密測試機關", "--project", "測試系統建置案",
                "--date", "中華民國114年5月1日", "--field", "case_no=A114-001", "--field", "contact=王承辦",
                "--exclude", "3.2.1=理由甲乙丙"]
    for fmt in ("docx", "odt"):
        out = os.path.join(tmp, "cli." + fmt)
        r = cli(*cli_args, "-o", out, "-q")
        st, h, body = s.request("POST", "/api/annex", dict(fields, format=fmt))
        want_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                     else "application/vnd.oasis.opendocument.text")
        check("POST /api/annex %s = rfpgen -o x.%s, byte for byte" % (fmt, fmt), st == 200 and r.returncode == 0 and
              body == open(out, "rb").read(), (st, len(body), r.stderr[-300:]))
        check("%s: Content-Type and Content-Disposition" % fmt, h.get("content-type") == want_type and
              h.get("content-disposition", "").startswith('attachment; filename="annex-development-high.%s"' % fmt) and
              "filename*=UTF-8''" in h.get("content-disposition", ""), h)
    check("X-Rfpgen-Items", h.get("x-rfpgen-items", "").isdigit(), h)
    # Twice the same: the frozen cache keeps nothing of the first.
    st1, _, b1 = s.request("POST", "/api/annex", dict(fields, format="docx"))
    st2, _, b2 = s.request("POST", "/api/annex", dict(fields, format="docx", agency="另一機關"))
    st3, _, b3 = s.request("POST", "/api/annex", dict(fields, format="docx"))
    check("same request, same bytes; another request, other bytes", b1 == b3 and b1 != b2 and st1 == st2 == st3 == 200)
    if shutil.which("python3"):
        path = os.path.join(tmp, "api.docx")
        open(path, "wb").write(b1)
        r = subprocess.run(["/usr/bin/python3", "-c", "import docx,sys; d=docx.Document(sys.argv[1]); "
                            "print('\\n'.join(p.text for p in d.paragraphs)); "
                            "print('\\n'.join(c.text for t in d.tables for row in t.rows for c in row.cells))", path],
                           capture_output=True, text=True)
        check("python-docx opens it; the cover shows the agency", r.returncode == 0 and "秘密測試機關" in r.stdout and
              "A114-001" in r.stdout, r.stderr[-300:])

    out = os.path.join(tmp, "agency.docx")
    r = cli("--type", "系統發展", "--level", "高", "--date", "2025-05-01", "-o", os.path.join(tmp, "x.docx"),
            "--agency-checklist", out, "-q")
    st, h, body = s.request("POST", "/api/agency-checklist", {"type": "系統發展", "level": "高", "date": "2025-05-01"})
    check("POST /api/agency-checklist = --agency-checklist FILE", st == 200 and body == open(out, "rb").read() and
          "agency-checklist-development-high.docx" in h.get("content-disposition", ""), (st, h))

    # An agency template sent with the request.
    tpl = open(os.path.join(SRC, "examples/agency-template.docx"), "rb").read()
    out = os.path.join(tmp, "tpl.docx")
    r = cli("--type", "系統發展", "--level", "中", "--date", "2025-05-01", "--template",
            os.path.join(SRC, "examples/agency-template.docx"), "-o", out, "-q")
    body, ct = multipart([("request", "request.json", json.dumps({"type": "系統發展", "level": "中", "date": "2025-05-01"}).encode()),
                          ("template", "本府範本.docx", tpl)])
    st, h, got = s.request("POST", "/api/annex", body, {"Content-Type": ct})
    check("POST /api/annex with a template = --template", st == 200 and got == open(out, "rb").read(), (st, got[:300]))
    body, ct = multipart([("request", None, json.dumps({"type": "系統發展", "level": "中", "format": "odt"}).encode()),
                          ("template", "本府範本.docx", tpl)])
    st, h, got = s.json("POST", "/api/annex", body, {"Content-Type": ct})
    check("a DOCX template and format odt: refused", st == 400 and got["error"]["code"] == "RFP-SERVE-VALUE", got)

    # inspect: every error with its position, as `rfpgen inspect --format json`.
    broken = os.path.join(tmp, "broken.docx")
    srcdir = os.path.join(SRC, "tests/corpus/errors-all-at-once")
    with zipfile.ZipFile(broken, "w") as z:
        for root, _, files in os.walk(srcdir):
            for f in sorted(files):
                p = os.path.join(root, f)
                z.write(p, os.path.relpath(p, srcdir))
    r = cli("inspect", "--format", "json", broken)
    want = json.loads(r.stdout)
    body, ct = multipart([("template", "../../etc/範本.docx", open(broken, "rb").read())])
    st, h, got = s.json("POST", "/api/inspect", body, {"Content-Type": ct})
    check("POST /api/inspect = rfpgen inspect --format json", st == 200 and got["ok"] is False and
          [(d["code"], d["part"], d["line"], d["col"]) for d in got["diagnostics"]] ==
          [(d["code"], d["part"], d["line"], d["col"]) for d in want["diagnostics"]] and
          len(got["tags"]) == len(want["tags"]), (got, want))
    check("inspect: the upload's name without its path", got["template"] == "範本.docx", got.get("template"))
    body, ct = multipart([("template", "x.docx", b"PK\x03\x04 not a zip at all")])
    st, h, got = s.json("POST", "/api/inspect", body, {"Content-Type": ct})
    check("inspect: not a package: ok false, the reader's code", st == 200 and got["ok"] is False and
          got["diagnostics"][0]["code"].startswith("RFP-ZIP"), (st, got))
    body, ct = multipart([("template", "x.docx", b"")])
    st, h, got = s.json("POST", "/api/inspect", body, {"Content-Type": ct})
    check("inspect: an empty file", st == 200 and got["ok"] is False, (st, got))
    body, ct = multipart([("tempalte", "x.docx", tpl)])
    st, h, got = s.json("POST", "/api/inspect", body, {"Content-Type": ct})
    check("inspect: an unknown form field is refused", st == 400 and got["error"]["code"] == "RFP-SERVE-FIELD", got)
    body, ct = multipart([])
    st, h, got = s.json("POST", "/api/inspect", body, {"Content-Type": ct})
    check("inspect: no file", st == 400 and got["error"]["code"] == "RFP-SERVE-UPLOAD", got)

    # review: a returned annex (here, one never answered) and the matrix.
    annex = os.path.join(tmp, "cli.docx")
    body, ct = multipart([("file", "廠商甲.docx", open(annex, "rb").read()), ("file", "廠商乙.docx", open(annex, "rb").read())])
    st, h, got = s.json("POST", "/api/review", body, {"Content-Type": ct})
    check("POST /api/review: a report per file", st == 200 and [f["file"] for f in got["files"]] == ["廠商甲.docx", "廠商乙.docx"] and
          got["files"][0]["complete"] is False and got["files"][0]["counts"]["unanswered"] > 0, (st, str(got)[:500]))
    check("review: no server path in the report", private_tmp not in json.dumps(got, ensure_ascii=False) and
          "rfpgen-review-" not in json.dumps(got, ensure_ascii=False))
    st, h, got = s.request("POST", "/api/review?format=xlsx", body, {"Content-Type": ct})
    check("review: the bidder matrix as XLSX", st == 200 and got[:2] == b"PK" and "spreadsheetml" in h.get("content-type", ""), (st, h))
    st, h, got = s.request("POST", "/api/review?format=csv", body, {"Content-Type": ct})
    check("review: the bidder matrix as CSV", st == 200 and "廠商甲" in got.decode("utf-8") and private_tmp not in got.decode("utf-8"), got[:300])
    b2, ct2 = multipart([("file", "x.docx", b"garbage")])
    st, h, got = s.json("POST", "/api/review", b2, {"Content-Type": ct2})
    check("review: a file that is not an annex is an error", st >= 400 and got["error"]["code"].startswith("RFP-"), (st, got))

    # PDF when LibreOffice is there; a clear error when it is not.
    st, h, t = s.json("GET", "/api/types")
    pdf = [f for f in t["formats"] if f["id"] == "pdf"][0]["available"]
    st, h, body = s.request("POST", "/api/annex", {"type": "顧問訓練", "level": "普", "format": "pdf"}, timeout=300)
    if pdf:
        check("format pdf: a PDF", st == 200 and body[:5] == b"%PDF-" and h.get("content-type") == "application/pdf", (st, body[:200]))
    else:
        check("format pdf without LibreOffice: 501 RFP-SERVE-UNAVAILABLE", st == 501 and
              json.loads(body)["error"]["code"] == "RFP-SERVE-UNAVAILABLE", (st, body[:300]))

    # The server's guards.
    st, h, got = s.json("GET", "/api/nothing")
    check("404 as JSON", st == 404 and got["error"]["code"] == "RFP-SERVE-NOT-FOUND", got)
    st, h, got = s.json("GET", "/../../etc/passwd")
    check("no path outside the pages", st == 404, st)
    st, h, got = s.json("GET", "/%2e%2e/%2e%2e/etc/passwd")
    check("no escaped path either", st == 404, st)
    st, h, got = s.json("DELETE", "/api/annex")
    check("405 with Allow", st == 405 and h.get("allow") == "POST" and got["error"]["code"] == "RFP-SERVE-METHOD", (st, h))
    st, h, got = s.json("POST", "/api/annex", "type=x", {"Content-Type": "application/x-www-form-urlencoded"})
    check("415 for a form-encoded body", st == 415 and got["error"]["code"] == "RFP-SERVE-MEDIA", got)
    st, h, got = s.json("POST", "/api/inspect", {"template": "x"})
    check("415 for JSON where files are expected", st == 415, st)
    st, h, got = s.json("POST", "/api/annex", {"type": "development", "level": "high"}, {"Sec-Fetch-Site": "cross-site"})
    check("a cross-site request is refused", st == 403 and got["error"]["code"] == "RFP-SERVE-CROSS-SITE", got)
    st, h, got = s.request("POST", "/api/annex", {"type": "development", "level": "high"}, {"Sec-Fetch-Site": "same-origin"})
    check("a same-origin request is not", st == 200, st)

    # zh-TW messages when asked (the pages ask).
    if subprocess.run(["sh", "-c", "locale -a | grep -qi '^zh_TW.utf-\\?8$'"]).returncode == 0:
        st, h, zh = s.json("POST", "/api/items", {"type": "development", "level": "high", "exclude": [{"id": "MG-11", "reason": "x"}]},
                           {"Accept-Language": "zh-TW,zh;q=0.9"})
        st2, h2, en = s.json("POST", "/api/items", {"type": "development", "level": "high", "exclude": [{"id": "MG-11", "reason": "x"}]},
                             {"Accept-Language": "en"})
        check("Accept-Language zh-TW: the same code, Chinese words", zh["error"]["code"] == en["error"]["code"] and
              zh["error"]["message"] != en["error"]["message"] and re.search("[\u4e00-\u9fff]{4}", zh["error"]["hint"]) and
              re.match("[a-z]", en["error"]["hint"]), (zh, en))
        st, h, zh = s.json("POST", "/api/items", {"type": "development"}, {"Accept-Language": "zh-TW"})
        check("the server's own messages in zh-TW too", re.search("[\u4e00-\u9fff]", zh["error"]["hint"]), zh)
    else:
        print("ok   zh-TW messages # SKIP: no zh_TW.UTF-8 locale")

    # Pages: served from web/ with their types.
    st, h, body = s.request("GET", "/")
    check("GET / is the page, zh-TW, no inline script", st == 200 and h.get("content-type", "").startswith("text/html") and
          b'lang="zh-Hant-TW"' in body and not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", body) and
          not re.search(rb"\son[a-z]+=", body), (st, h))
    st, h, body = s.request("GET", "/app.js")
    check("GET /app.js", st == 200 and h.get("content-type", "").startswith("text/javascript"), h)
    etag = h.get("etag")
    st, h, body = s.request("GET", "/app.js", headers={"If-None-Match": etag})
    check("pages are revalidated by ETag", st == 304 and not body, st)
    st, h, body = s.request("HEAD", "/api/types")
    check("HEAD", st == 200 and not body, st)

    # A body over the cap is refused before it is read.
    st, h, got = s.json("POST", "/api/annex", b"x", {"Content-Type": "application/json", "Content-Length": str(1 << 40)})
    check("413 on a Content-Length over --max-upload", st == 413 and got["error"]["code"] == "RFP-SERVE-TOO-LARGE", (st, got))


def raw(port, data, wait=0.0):
    """Sends data on a new socket; returns the connection (open)."""
    c = socket.create_connection(("127.0.0.1", port), timeout=30)
    c.sendall(data)
    if wait:
        time.sleep(wait)
    return c


def reply_status(c):
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return None
    m = re.match(rb"HTTP/1\.[01] (\d+)", data)
    return int(m.group(1)) if m else None


def others(tmp):
    env = {"SOURCE_DATE_EPOCH": EPOCH, "LC_ALL": "C.UTF-8"}
    # A small --max-upload: a body growing past it is cut off with 413.
    s = Server(RFPGEN, "--max-upload", "64K", "--max-requests", "2", "--workers", "2", "-q", env=env)
    try:
        body, ct = multipart([("template", "big.docx", b"x" * (200 << 10))])
        head = ("POST /api/inspect HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n" % ct).encode()
        c = raw(s.port, head + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
        check("413 when a chunked body grows past --max-upload", reply_status(c) == 413)
        c.close()
        # Two requests under way (bodies not yet sent), a third gets 503.
        held = []
        for _ in range(2):
            held.append(raw(s.port, b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", 0.2))
        st, h, got = s.json("GET", "/api/types")
        check("503 with Retry-After over --max-requests", st == 503 and h.get("retry-after") == "1" and
              got["error"]["code"] == "RFP-SERVE-BUSY", (st, h, got))
        for c in held:
            c.close()
        time.sleep(0.5)
        st, h, got = s.json("GET", "/healthz")
        check("and 200 again once they are gone", st == 200, st)
        check("-q: no request lines in the log", " GET /healthz " not in s.log, s.log[-300:])
    finally:
        rc = s.stop(signal.SIGINT)
        check("SIGINT: exit 0", rc == 0 and "SIGINT: stopping" in s.log, (rc, s.log[-300:]))
    # A slow request meets the deadline.
    s = Server(RFPGEN, "--request-timeout", "1", env=env)
    try:
        c = raw(s.port, b"POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"type\"", 1.3)
        try:
            c.sendall(b': "development", "level": "high"}  ')
        except OSError:
            pass
        stt = reply_status(c)
        check("a request slower than --request-timeout does not succeed", stt in (None, 408), stt)
        c.close()
    finally:
        s.stop()
    # Another address than loopback: a warning.
    s = Server(RFPGEN, env=env, listen="0.0.0.0:0")
    try:
        check("a non-loopback address warns: no authentication", "RFP-SERVE-EXPOSED" in s.log and "reverse proxy" in s.log, s.log)
    finally:
        s.stop()
    r = subprocess.run([RFPGEN, "serve", "--listen", "nonsense"], capture_output=True, text=True)
    check("a bad --listen: exit 2, RFP-SERVE-ADDRESS", r.returncode == 2 and "RFP-SERVE-ADDRESS" in r.stderr, r.stderr)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        r = subprocess.run([RFPGEN, "serve", "--listen", "127.0.0.1:%d" % busy.getsockname()[1]], capture_output=True,
                           text=True, timeout=60)
        check("a port in use: exit 5, RFP-SERVE-LISTEN", r.returncode == 5 and "RFP-SERVE-LISTEN" in r.stderr, r.stderr)


sys.exit(main())

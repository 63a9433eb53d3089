#!/usr/bin/env python3
"""docs/openapi.json against the running server.

The routes of the file are those of `rfpgen serve --list-routes`, no more
and no fewer. Then every operation is called on a live server with the
file's own examples (and, for uploads, a shipped template or a generated
annex); each answer's status must be one the file documents for that
operation, its Content-Type one it documents for that status, and a JSON
body must match the documented schema. The request schema's keys are
exactly those the server takes. Usage: openapi.py RFPGEN SRCDIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server import Server, multipart  # noqa: E402

RFPGEN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SPEC = json.load(open(os.path.join(SRC, "docs/openapi.json"), encoding="utf-8"))
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, str(detail)[:1500]))


def resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        node = SPEC
        for part in ref[2:].split("/"):
            node = node[part]
    return node


def validate(value, schema, path="$"):
    """The subset of JSON Schema the file uses; returns a list of problems."""
    schema = resolve(schema)
    if value is None:
        return [] if schema.get("nullable") or not schema.get("type") else ["%s: null" % path]
    if "oneOf" in schema:
        ok = [s for s in schema["oneOf"] if not validate(value, s, path)]
        return [] if len(ok) == 1 else ["%s: matches %d of oneOf" % (path, len(ok))]
    t = schema.get("type")
    types = {"object": dict, "array": list, "string": str, "boolean": bool}
    if t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return ["%s: not an integer" % path]
    elif t == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return ["%s: not a number" % path]
    elif t and not isinstance(value, types[t]):
        return ["%s: not %s" % (path, t)]
    out = []
    if "enum" in schema and value not in schema["enum"]:
        out.append("%s: %r not in %s" % (path, value, schema["enum"]))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                out.append("%s: no %s" % (path, k))
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += validate(v, props[k], "%s.%s" % (path, k))
            elif extra is False:
                out.append("%s: undocumented key %s" % (path, k))
            elif isinstance(extra, dict):
                out += validate(v, extra, "%s.%s" % (path, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value[:50]):
            out += validate(v, schema["items"], "%s[%d]" % (path, i))
    return out


def documented(op, status, ctype, body, name):
    responses = op["responses"]
    resp = responses.get(str(status))
    if resp is None:
        check("%s: %d is documented" % (name, status), False, list(responses))
        return
    resp = resolve(resp)
    base = (ctype or "").split(";")[0].strip()
    content = resp.get("content", {})
    check("%s: %d %s is documented" % (name, status, base), base in content, list(content))
    if base == "application/json" and base in content:
        problems = validate(json.loads(body), content[base]["schema"])
        check("%s: %d body matches its schema" % (name, status), not problems, problems[:10])


def main():
    # Both ways: the file's routes are the server's.
    r = subprocess.run([RFPGEN, "serve", "--list-routes"], capture_output=True, text=True)
    server_routes = set(tuple(line.split()) for line in r.stdout.splitlines() if line.strip())
    file_routes = {(m.upper(), p) for p, ops in SPEC["paths"].items() for m in ops if m in ("get", "post", "put", "delete", "patch")}
    check("openapi.json has every route of the server", server_routes <= file_routes, server_routes - file_routes)
    check("and no route the server lacks", file_routes <= server_routes, file_routes - server_routes)
    check("OpenAPI 3", SPEC["openapi"].startswith("3."), SPEC["openapi"])

    tmp = tempfile.mkdtemp(prefix="rfpgen-openapi-")
    s = Server(RFPGEN, env={"LC_ALL": "C.UTF-8", "SOURCE_DATE_EPOCH": "1764000000"})
    try:
        ops = {op["operationId"]: (m, p, op) for p, pops in SPEC["paths"].items() for m, op in pops.items()}

        def call(op_id, body=None, headers=None, query=""):
            m, p, op = ops[op_id]
            st, h, data = s.request(m.upper(), p + query, body, headers)
            documented(op, st, h.get("content-type"), data, "%s %s%s" % (m.upper(), p, query[:40]))
            return st, h, data

        call("healthz")
        call("types")
        m, p, op = ops["itemsQuery"]
        ex = {prm["name"]: prm["example"] for prm in op["parameters"] if "example" in prm}
        call("itemsQuery", query="?type=%s&level=%s" % (ex["type"], ex["level"]))
        from urllib.parse import quote
        call("itemsQuery", query="?type=%s&impact=%s&conditions=%s" % (ex["type"], quote(ex["impact"]), ex["conditions"]))
        call("itemsQuery", query="?type=nonsense&level=high")
        ex_body = ops["items"][2]["requestBody"]["content"]["application/json"]["example"]
        st, _, _ = call("items", ex_body)
        check("the request example is a valid request", st == 200, st)
        check("the request example matches the request schema",
              not validate(ex_body, {"$ref": "#/components/schemas/AnnexRequest"}))
        call("items", {"type": "development"})
        call("items", "x=1", {"Content-Type": "text/plain"})
        st, h, data = call("annex", ops["annex"][2]["requestBody"]["content"]["application/json"]["example"])
        check("the annex example gives a DOCX", st == 200 and data[:2] == b"PK", st)
        for fmt in ("odt",):
            call("annex", dict(ex_body, format=fmt))
        call("annex", {"type": "development", "level": "high", "exclude": [{"id": "MG-11", "reason": "x"}]})
        open(os.path.join(tmp, "annex.docx"), "wb").write(data)
        call("agencyChecklist", ops["agencyChecklist"][2]["requestBody"]["content"]["application/json"]["example"])
        tpl = open(os.path.join(SRC, "examples/agency-template.docx"), "rb").read()
        body, ct = multipart([("request", None, json.dumps({"type": "系統發展", "level": "中"}).encode()), ("template", "t.docx", tpl)])
        call("annex", body, {"Content-Type": ct})
        body, ct = multipart([("template", "t.docx", tpl)])
        call("inspect", body, {"Content-Type": ct})
        body, ct = multipart([("template", "t.docx", b"not a zip")])
        call("inspect", body, {"Content-Type": ct})
        call("inspect", {"template": "x"})
        body, ct = multipart([("file", "甲.docx", data)])
        call("review", body, {"Content-Type": ct})
        call("review", body, {"Content-Type": ct}, query="?format=xlsx")
        call("review", body, {"Content-Type": ct}, query="?format=csv")
        call("review", body, {"Content-Type": ct}, query="?format=bogus")
        body, ct = multipart([("file", "x.docx", b"garbage")])
        call("review", body, {"Content-Type": ct})
        # Methods an endpoint lacks, and a body over the cap.
        for op_id in ("healthz", "annex", "inspect"):
            m, p, op = ops[op_id]
            st, h, data = s.request("PUT", p, b"{}", {"Content-Type": "application/json"})
            documented(op, st, h.get("content-type"), data, "PUT " + p)
        st, h, data = s.request("POST", "/api/annex", b"{}", {"Content-Type": "application/json", "Content-Length": str(1 << 40)})
        documented(ops["annex"][2], st, h.get("content-type"), data, "POST /api/annex over the cap")
        st, h, data = s.request("POST", "/api/annex", b"{}", {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"})
        documented(ops["annex"][2], st, h.get("content-type"), data, "POST /api/annex cross-site")

        # The request schema's keys are exactly those the server reads.
        props = resolve({"$ref": "#/components/schemas/AnnexRequest"})["properties"]
        samples = {"type": "development", "level": "high", "impact": "C=高,I=中,A=普,L=普", "services": [],
                   "agency_level": "B", "agency": "x", "project": "x", "date": "2025-05-01",
                   "conditions": {}, "fields": {}, "params": {}, "exclude": [], "include": [], "format": "docx",
                   "pdf_standard": "none", "agency_duties": False}
        check("every request key has a sample here", set(props) == set(samples), set(props) ^ set(samples))
        for k in props:
            req = {"type": "development"}
            if k != "impact":
                req["level"] = "high"
            req[k] = samples[k]
            st, h, got = s.json("POST", "/api/items", req)
            codes = [d["code"] for d in got.get("diagnostics", [])] if isinstance(got, dict) else []
            check("the server takes the documented key %s" % k, "RFP-SERVE-KEY" not in codes, got)
        st, h, got = s.json("POST", "/api/items", {"type": "development", "level": "high", "undocumented": 1})
        check("and refuses an undocumented one", st == 400 and got["error"]["code"] == "RFP-SERVE-KEY", got)
        # Pages are not the API: GET / is text/html, not in the file.
        st, h, data = s.request("GET", "/")
        check("GET / is a page", st == 200 and h.get("content-type", "").startswith("text/html"), st)
    finally:
        s.stop()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


sys.exit(main())

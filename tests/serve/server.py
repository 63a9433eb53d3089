"""Starting rfpgen serve for a test, and talking to it (tests/serve/*.py).

Server(rfpgen, *args) starts `rfpgen serve --listen 127.0.0.1:0 ARGS`,
reads the port it printed, and stops it (SIGTERM) on close(); its standard
error is kept in .log. request() sends one request on a fresh connection
and returns (status, headers, body). multipart() builds a form body.
"""
import http.client
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import uuid


class Server:
    def __init__(self, rfpgen, *args, env=None, listen="127.0.0.1:0"):
        self.errfile = tempfile.TemporaryFile()
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen([rfpgen, "serve", "--listen", listen] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=self.errfile, env=e)
        self.port = None
        deadline = time.time() + 60
        while time.time() < deadline:
            m = re.search(r"listening on http://[^ ]*:(\d+)/", self.log)
            if m:
                self.port = int(m.group(1))
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not self.port:
            self.close()
            raise RuntimeError("rfpgen serve did not start:\n" + self.log)

    @property
    def log(self):
        self.errfile.seek(0)
        return self.errfile.read().decode("utf-8", "replace")

    def request(self, method, path, body=None, headers=None, timeout=120):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
            h.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        c.close()
        return r.status, hdrs, data

    def json(self, method, path, body=None, headers=None):
        st, h, data = self.request(method, path, body, headers)
        return st, h, json.loads(data.decode("utf-8")) if data else None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def close(self):
        self.stop()


def multipart(fields):
    """fields: [(name, filename or None, bytes)] → (body, Content-Type)."""
    boundary = "rfpgen-" + uuid.uuid4().hex
    out = []
    for name, filename, data in fields:
        out.append(("--%s\r\n" % boundary).encode())
        disp = 'form-data; name="%s"' % name
        if filename is not None:
            disp += '; filename="%s"' % filename
        out.append(("Content-Disposition: %s\r\n" % disp).encode("utf-8"))
        if filename is not None:
            out.append(b"Content-Type: application/octet-stream\r\n")
        out.append(b"\r\n")
        out.append(data)
        out.append(b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary

"""Under gunicorn the answer's Date is the one the gateway signed.

gunicorn treats Date as hop-by-hop: left alone it drops the application's Date and writes its
own, read when it sends the headers, so an answer signed in one second and sent in the next
fails the kiosk's signature check (the fleet bench saw it: "answer 200 not signed by the
gateway"). This drives gunicorn's own response writer (its real Response class, a real socket)
in a fresh interpreter, before and after ``keep_the_signed_date_under_gunicorn``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60

SCRIPT = r"""
import json, socket, types
from gunicorn.http import wsgi as gunicorn_wsgi
from sync.gateway.wsgi import keep_the_signed_date_under_gunicorn

SIGNED = "Mon, 01 Jan 2024 00:00:00 GMT"  # a Date gunicorn's clock will never produce now

def date_lines():
    ours, theirs = socket.socketpair()
    req = types.SimpleNamespace(version=(1, 1), method="GET", should_close=lambda: False)
    cfg = types.SimpleNamespace(protocol="http", sendfile=False, is_ssl=False)
    response = gunicorn_wsgi.Response(req, ours, cfg)
    write = response.start_response("200 OK", [("Date", SIGNED), ("Content-Length", "2"),
                                               ("X-Gateway-Signature", "sig")])
    write(b"{}")
    ours.close()
    raw = b""
    while chunk := theirs.recv(4096):
        raw += chunk
    theirs.close()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    return [line.split(":", 1)[1].strip() for line in head if line.lower().startswith("date:")]

before = date_lines()
applied = keep_the_signed_date_under_gunicorn()
again = keep_the_signed_date_under_gunicorn()  # idempotent
after = date_lines()
print(json.dumps({"before": before, "after": after, "applied": [applied, again]}))
"""


def test_gunicorn_sends_the_date_the_gateway_signed() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True,
                          text=True, timeout=TIMEOUT_S, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    signed = "Mon, 01 Jan 2024 00:00:00 GMT"
    # Left alone, gunicorn replaces the signed Date with its own clock's (the bug).
    assert len(seen["before"]) == 1
    assert seen["before"] != [signed]
    # Patched: exactly one Date, the signed one (a duplicate would be merged into "A, B").
    assert seen["after"] == [signed]
    assert seen["applied"] == [True, True]

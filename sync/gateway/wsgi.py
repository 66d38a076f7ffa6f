"""The reference gateway as a WSGI application, for a production HTTP server (gunicorn).

Python's ``http.server`` (what ``python -m sync.gateway`` runs) is not meant for production;
a province runs the same protocol code under gunicorn, several worker processes behind one
address, all on one PostgreSQL database and one shared data folder:

    DVC_GATEWAY_DATA=/srv/dvc-gateway DVC_GATEWAY_DATABASE=postgresql://... \\
        gunicorn --workers 4 --bind 0.0.0.0:8780 sync.gateway.wsgi:application

(the URL may come from a file instead, ``DVC_GATEWAY_DATABASE_FILE``; its password from
libpq's PGPASSFILE: sync.gateway.database_url)

With ``DVC_GATEWAY_DOCUMENTS=s3://bucket/prefix`` (and ``DVC_GATEWAY_S3_ENDPOINT`` for a store
that is not AWS) the documents go to object storage instead of the shared folder
(sync.gateway.storage). ``--threads N`` (gthread workers) lets a worker serve N requests at once;
``DVC_GATEWAY_DB_POOL`` caps each worker's PostgreSQL connections.

Each worker builds its own GatewayApp (and its own pool of connections) on its first request,
after gunicorn has forked it. Answers are signed exactly as by the built-in server
(sync.gateway.wire). The signature covers the request target exactly as sent, which gunicorn
passes as ``RAW_URI``.
"""

from __future__ import annotations

import http
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from sync.gateway.app import GatewayApp
from sync.gateway.control import GatewayControl
from sync.gateway.database_url import database_url_from
from sync.gateway.limits import GatewayLimits
from sync.gateway.request import Request
from sync.gateway.responses import problem
from sync.gateway.storage import StorageConfig
from sync.gateway.store import DEFAULT_POOL_SIZE, ENV_POOL_SIZE
from sync.gateway.wire import REASONS, finish
from sync.protocol import headers as h
from sync.protocol.canonical import sha256_hex
from sync.protocol.problem import ProblemCode

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WsgiApp = Callable[[Mapping[str, Any], StartResponse], Iterable[bytes]]


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            out[key[5:].replace("_", "-").title()] = str(value)
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            out[name] = str(environ[key])
    return out


def _target(environ: Mapping[str, Any]) -> str:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return str(raw)
    query = environ.get("QUERY_STRING", "")
    return str(environ.get("PATH_INFO", "")) + (f"?{query}" if query else "")


def make_wsgi_app(app: GatewayApp) -> WsgiApp:
    """A WSGI callable serving ``app``."""

    def application(environ: Mapping[str, Any], start_response: StartResponse) -> list[bytes]:
        method = str(environ["REQUEST_METHOD"])
        headers = _headers(environ)
        length_text = headers.get("Content-Length", "0") or "0"
        req = Request(method, _target(environ), headers, b"",
                      str(environ.get("REMOTE_ADDR", "")))
        request_hash: str | None = None
        cap = app.limits.max_chunk * 2 + 65536 if method in ("PATCH", "POST") else (
            app.limits.max_json_body)
        if environ.get("HTTP_TRANSFER_ENCODING"):
            resp = problem(411, ProblemCode.VALIDATION, False, "Content-Length is required")
        elif not length_text.isdigit():
            resp = problem(400, ProblemCode.VALIDATION, False, "bad Content-Length")
        elif int(length_text) > max(cap, app.limits.max_json_body):
            resp = problem(413, ProblemCode.CHUNK_TOO_LARGE, True,
                           f"at most {app.limits.max_chunk} bytes per request body",
                           headers={h.MAX_CHUNK: str(app.limits.max_chunk)})
            request_hash = headers.get(h.CONTENT_SHA256, sha256_hex(b""))
        else:
            body = environ["wsgi.input"].read(int(length_text)) if int(length_text) else b""
            req = Request(method, req.target, headers, body, req.client_host)
            resp = app.dispatch(req)
        out, body = finish(app, req, resp, request_hash)
        reason = REASONS.get(resp.status) or _phrase(resp.status)
        start_response(f"{resp.status} {reason}", list(out.items()))
        return [body]

    return application


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def keep_the_signed_date_under_gunicorn() -> bool:
    """Make gunicorn send the gateway's own ``Date`` header; True if it is (now) so.

    gunicorn counts ``Date`` among the hop-by-hop headers: it drops the application's and writes
    its own, read from the clock when it sends the headers. The gateway's signature covers the
    Date it signed (gateway-api.md), so whenever a second boundary falls between the two (more
    often under load) the kiosk rightly refuses the answer as not the gateway's, counts a lost
    link and sends the request again (a whole chunk, on 2G). Under gunicorn the Date line is
    therefore the application's: ``date`` leaves gunicorn's hop-by-hop set, and gunicorn's own
    Date line is left out of a response that carries one."""
    try:
        from gunicorn import util  # type: ignore[import-untyped]
        from gunicorn.http import wsgi as gunicorn_wsgi  # type: ignore[import-untyped]
    except ImportError:  # not under gunicorn: nothing to do
        return False
    response: Any = gunicorn_wsgi.Response
    if getattr(response, "_dvc_keeps_the_signed_date", False):
        return True
    plain = response.default_headers

    def default_headers(self: Any) -> list[str]:
        lines: list[str] = plain(self)
        if any(str(name).lower() == "date" for name, _ in self.headers):
            lines = [line for line in lines if not line.lower().startswith("date:")]
        return lines

    util.hop_headers.discard("date")
    response.default_headers = default_headers
    response._dvc_keeps_the_signed_date = True
    return True


_lock = threading.Lock()
_app: WsgiApp | None = None


def gateway_from_env() -> GatewayApp:
    """The gateway in ``$DVC_GATEWAY_DATA``, on the database of ``$DVC_GATEWAY_DATABASE_FILE``
    or ``$DVC_GATEWAY_DATABASE`` (sync.gateway.database_url), ``$DVC_GATEWAY_DB_POOL``
    connections; documents as ``$DVC_GATEWAY_DOCUMENTS`` and ``$DVC_GATEWAY_S3_ENDPOINT`` say."""
    return GatewayApp(Path(os.environ["DVC_GATEWAY_DATA"]), time.time, GatewayLimits(),
                      database_url_from(), storage=StorageConfig.from_env(),
                      pool_size=int(os.environ.get(ENV_POOL_SIZE) or DEFAULT_POOL_SIZE))


def application(environ: Mapping[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """gunicorn's entry point: ``gateway_from_env()``, built in each worker on its first
    request."""
    global _app  # noqa: PLW0603 - one per worker process, made after the fork
    with _lock:
        if _app is None:
            keep_the_signed_date_under_gunicorn()
            gateway = gateway_from_env()
            control = GatewayControl(gateway)
            gateway.control_handler = control.handle_http
            _app = make_wsgi_app(gateway)
        served = _app
    return served(environ, start_response)

"""The gateway client: one signed HTTP exchange per call, one trusted answer or a Failure.

Every request is signed; every answer is verified against the gateway's key over this very
request's hash before anything in it is believed. An unsigned or wrongly signed answer (a
captive portal's ``200 text/html``, a proxy's error page, a replayed answer) is "no link", never
success: that rule is what keeps "success with missing attachments" out of the queue.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests
import urllib3
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from sync.client.failure import Failure, GatewayError, classify, no_link
from sync.protocol import headers as h
from sync.protocol.signing import (
    MAX_CLOCK_SKEW_S,
    SignatureError,
    clock_skew_s,
    request_target,
    sign_request,
    verify_response,
)

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
# Every request's whole exchange (connect, send, headers, body) ends within this, plus the time
# its body needs at min_rate_bps: a server dripping one byte at a time cannot hold the agent.
REQUEST_DEADLINE_S = 60.0
# The gateway's answers are small JSON documents (a status page of 100 items is ~20 KB): anything
# bigger is not the gateway, and is never read into memory whole.
MAX_RESPONSE_BYTES = 1 << 20
USER_AGENT = "dvc-kiosk-sync/1"


class _Exchange:
    """The connections one exchange is using, so a watchdog can cut them at the deadline."""

    def __init__(self) -> None:
        self.connections: list[HTTPConnection] = []
        self.expired = False
        self._lock = threading.Lock()

    def add(self, conn: HTTPConnection) -> None:
        with self._lock:
            self.connections.append(conn)
            if self.expired:
                _cut(conn)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for conn in self.connections:
                _cut(conn)


def _cut(conn: HTTPConnection) -> None:
    """Wake whoever is blocked on this connection's socket: it reads end-of-file or an error."""
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()
# (kiosk, method, target, body hash) -> the last Date (epoch s) a request was signed with
_RECENT: dict[tuple[str, str, str, str], float] = {}
_RECENT_LOCK = threading.Lock()


class _NoHeaderDump(logging.Filter):
    """urllib3 logs a malformed answer's unparsed header bytes with a traceback: whatever a
    hostile server sent, into the journal. The client reports such an answer itself (no link)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to parse headers")


logging.getLogger("urllib3.connection").addFilter(_NoHeaderDump())


def _register(conn: HTTPConnection) -> None:
    exchange: _Exchange | None = getattr(_current, "exchange", None)
    if exchange is not None:
        exchange.add(conn)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter whose connections a deadline can cut (requests' timeouts are per read)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedHTTPPool,
                                                   "https": _WatchedHTTPSPool}


class _TooLargeError(Exception):
    pass


def _read_capped(resp: requests.Response, cap: int) -> bytes:
    """The body, refusing more than ``cap`` bytes (announced or sent)."""
    announced = resp.headers.get("Content-Length")
    if announced is not None and announced.strip().isdigit() and int(announced) > cap:
        raise _TooLargeError(f"answer announces {int(announced)} bytes (cap {cap})")
    parts: list[bytes] = []
    size = 0
    for part in resp.iter_content(chunk_size=65536):
        size += len(part)
        if size > cap:
            raise _TooLargeError(f"answer longer than {cap} bytes")
        parts.append(part)
    return b"".join(parts)


@dataclass(frozen=True)
class Answer:
    """A verified gateway answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.body) if self.body else {}
        except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
            raise GatewayError(no_link("gateway answered a body that is not JSON")) from exc
        if not isinstance(value, dict):
            raise GatewayError(no_link("gateway answered JSON that is not an object"))
        return value

    def header(self, name: str) -> str | None:
        return h.get_header(self.headers, name)

    def offset(self) -> int:
        raw = self.header(h.UPLOAD_OFFSET)
        if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
            raise GatewayError(no_link(f"answer {self.status} without a valid Upload-Offset"))
        return int(raw)


@dataclass(frozen=True)
class Limits:
    """What /v1/ping told us about the link and the gateway."""

    max_chunk: int
    max_document: int
    clock_skew_s: float
    gateway_version: str
    creation_with_upload: bool = False  # Tus-Extension names it: a create may carry a chunk


def _positive_header(answer: Answer, name: str, default: int) -> int:
    raw = answer.header(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 15 or int(raw) <= 0:
        raise GatewayError(no_link(f"answer with an invalid {name}: {raw[:40]!r}"))
    return int(raw)


def _problem_code(body: bytes) -> str:
    try:
        value = json.loads(body) if body else {}
    except (ValueError, RecursionError):
        return ""
    return str(value.get("code", "")) if isinstance(value, dict) else ""


def sha256_b64(data: bytes) -> str:
    """The tus checksum form: ``sha256 <base64 digest>``."""
    return "sha256 " + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


class GatewayClient:
    """Speaks gateway protocol v1 for one kiosk. Not thread-safe: one per agent loop."""

    def __init__(
        self,
        base_url: str,
        kiosk_id: str,
        kiosk_key: Ed25519PrivateKey,
        gateway_key: Ed25519PublicKey,
        *,
        clock: Callable[[], float],
        timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S),
        min_rate_bps: float = 1024.0,
        deadline_s: float = REQUEST_DEADLINE_S,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self._key = kiosk_key
        self._gateway_key = gateway_key
        self._clock = clock
        self.timeout = timeout
        self.min_rate_bps = min_rate_bps
        self.deadline_s = deadline_s
        self.max_response_bytes = max_response_bytes
        self._monotonic = monotonic
        self.skew_s = 0.0  # gateway clock minus ours, learnt from signed answers
        self._session = self._new_session()
        self.bytes_sent = 0  # request bodies handed to the socket (for the bench)
        self.stale_answers = 0  # signed answers refused for their Date (replays, wrong clocks)
        self._last_stale = False

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> GatewayClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one exchange --------------------------------------------------------------------
    def exchange(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        extra: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        ok: tuple[int, ...],
        during_upload: bool = False,
    ) -> Answer:
        """Send, verify, and either return a trusted answer with a status in ``ok`` or raise."""
        url = self.base_url + path + (("?" + urlencode(query, quote_via=quote)) if query else "")
        target = request_target(url)
        headers = dict(sign_request(self._key, self.kiosk_id, method, target, body,
                                    now=self._signing_time(method, target, body)))
        headers.update(extra or {})
        status, resp_headers, content = self._send(method, url, body, headers)
        try:
            verify_response(self._gateway_key, status=status, method=method, target=target,
                            request_body=body, headers=resp_headers, body=content)
        except SignatureError as exc:
            ctype = h.get_header(resp_headers, "Content-Type") or "?"
            raise GatewayError(no_link(
                f"answer {status} ({ctype}) not signed by the gateway: {exc}")) from exc
        answer = Answer(status, resp_headers, content)
        self._last_stale = False
        self._check_date(answer)
        if status in ok:
            return answer
        raise GatewayError(self._failure(answer, during_upload=during_upload))

    def _signing_time(self, method: str, target: str, body: bytes) -> float:
        """Our clock plus the learnt skew; a repeat of the very same request within the same
        second (by any client of this process: the OTP calls make one client each) is dated a
        second later, so its signature differs: the gateway refuses a signed request twice."""
        now = float(int(self._clock() + self.skew_s))
        key = (self.kiosk_id, method, target, hashlib.sha256(body).hexdigest())
        with _RECENT_LOCK:
            last = _RECENT.get(key)
            if last is not None and last - 5 <= now <= last:  # (far off: another clock)
                now = last + 1
            if len(_RECENT) > 1024:
                for k in [k for k, v in _RECENT.items() if v < now - 2]:
                    del _RECENT[k]
            _RECENT[key] = now
        return now

    def _send(self, method: str, url: str, body: bytes,
              headers: Mapping[str, str]) -> tuple[int, dict[str, str], bytes]:
        """One HTTP exchange within the deadline, the answer's body capped; or GatewayError."""
        # A body crosses a slow link at min_rate_bps at worst before the answer can start.
        slack = len(body) / self.min_rate_bps
        timeout = (self.timeout[0], self.timeout[1] + slack)
        deadline = self.deadline_s + slack
        exchange = _Exchange()
        watchdog = threading.Timer(deadline, exchange.expire)
        watchdog.daemon = True
        started = self._monotonic()
        _current.exchange = exchange
        watchdog.start()
        resp: requests.Response | None = None
        try:
            resp = self._session.request(method, url, data=body or None, headers=dict(headers),
                                         timeout=timeout, allow_redirects=False, stream=True)
            self.bytes_sent += len(body)
            content = _read_capped(resp, self.max_response_bytes)
            if exchange.expired:  # cut mid-answer: what arrived is not the whole answer
                raise GatewayError(no_link(
                    f"no complete answer within the {deadline:.0f} s deadline"))
            return resp.status_code, dict(resp.headers), content
        except _TooLargeError as exc:
            raise GatewayError(no_link(str(exc))) from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError,
                http.client.HTTPException, OSError, ValueError) as exc:
            if exchange.expired:
                raise GatewayError(no_link(
                    f"no complete answer within the {deadline:.0f} s deadline")) from exc
            raise GatewayError(no_link(f"{type(exc).__name__}: {exc}"[:300])) from exc
        finally:
            watchdog.cancel()
            watchdog.join(1.0)  # no timer thread outlives its exchange
            _current.exchange = None
            if resp is not None:
                resp.close()
            if exchange.expired or self._monotonic() - started > deadline:
                # the connection was cut (or is suspect): never reuse it
                self._session.close()
                self._session = self._new_session()

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False
        # Every byte of header is paid on 2G for each chunk: send only what the protocol needs.
        session.headers.clear()
        session.headers["User-Agent"] = USER_AGENT
        adapter = _WatchedAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def _check_date(self, answer: Answer) -> None:
        """A signed answer counts only if it is fresh: its Date within the skew window.

        The signature binds the request's method, target and body hash, not a nonce: a GET ping
        or an ack query is the same request every time, so an answer recorded long ago verifies
        today. Its Date must be within 15 minutes (the gateway's own window) of our clock plus
        the skew we learnt. The one answer we learn a new skew from is the gateway's signed
        401 ``clock_skew`` refusal, which is a failure anyway: nothing replayed can look online.
        """
        date = answer.header(h.DATE)
        if date is None:  # verify_response refuses this already
            raise GatewayError(no_link("answer without Date"))
        try:
            skew = clock_skew_s(date, self._clock())
        except SignatureError as exc:
            raise GatewayError(no_link(f"answer Date {date[:40]!r} is not an HTTP-date")) from exc
        if answer.status == 401 and _problem_code(answer.body) == "clock_skew":
            self.skew_s = skew
            return
        if abs(skew - self.skew_s) > MAX_CLOCK_SKEW_S:
            self.stale_answers += 1
            self._last_stale = True
            raise GatewayError(no_link(
                f"answer {answer.status} dated {date} is {skew - self.skew_s:+.0f} s off our "
                "clock: stale or replayed, not believed"))
        self.skew_s = skew

    @staticmethod
    def _failure(answer: Answer, *, during_upload: bool) -> Failure:
        code, detail = "", ""
        try:
            problem = json.loads(answer.body) if answer.body else {}
        except (ValueError, RecursionError):
            problem = {}
        if isinstance(problem, dict):
            code = str(problem.get("code", ""))
            detail = str(problem.get("detail", "") or problem.get("title", ""))
            missing = problem.get("missing_documents")
            if missing:
                detail = f"{detail} missing={missing}"
        retry_after: float | None = None
        raw = answer.header(h.RETRY_AFTER)
        if raw is not None and raw.strip().isascii() and raw.strip().isdigit():
            retry_after = min(float(raw.strip()), 86400.0)  # a day at most, whatever it says
        action = classify(answer.status, code, during_upload=during_upload)
        return Failure(action, answer.status, (code or str(answer.status))[:64], detail[:300],
                       retry_after)

    # -- the protocol ----------------------------------------------------------------------
    def ping(self) -> Limits:
        """The signed link check. A ping answer dated outside our window is either a replay or
        our clock is wrong: one signed request then lets the gateway tell its time (401
        ``clock_skew``, which we learn from) and the ping is asked once more."""
        try:
            a = self.exchange("GET", "/v1/ping", ok=(200, 204))
        except GatewayError as stale:
            if not self._last_stale:
                raise
            try:
                self.ack()  # signed with our clock: a gateway that disagrees says clock_skew
            except GatewayError as probe:
                if probe.failure.code != "clock_skew":
                    raise stale from probe
            else:
                raise stale  # the gateway took our clock: the ping answer was a replay
            a = self.exchange("GET", "/v1/ping", ok=(200, 204))
        return Limits(
            max_chunk=_positive_header(a, h.MAX_CHUNK, 1 << 20),
            max_document=_positive_header(a, h.MAX_DOCUMENT, 1 << 30),
            clock_skew_s=self.skew_s,
            gateway_version=(a.header(h.GATEWAY_VERSION) or "")[:64],
            creation_with_upload=h.CREATION_WITH_UPLOAD in {
                x.strip() for x in (a.header(h.TUS_EXTENSION) or "").split(",")},
        )

    def put_application(self, application_id: str, manifest_json: bytes) -> dict[str, Any]:
        return self.exchange("PUT", f"/v1/applications/{application_id}", body=manifest_json,
                             extra={"Content-Type": h.JSON}, ok=(200, 201)).json()

    def _doc_path(self, application_id: str, doc_id: str) -> str:
        return f"/v1/applications/{application_id}/documents/{quote(doc_id, safe='')}"

    def create_upload(self, application_id: str, doc_id: str, size: int,
                      sha256_hex: str, first_chunk: bytes = b"") -> int:
        """Create (or find) the upload; its offset. ``first_chunk`` (only to a gateway whose
        ping named creation-with-upload) travels in the create as the bytes at offset 0."""
        full = "sha256 " + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")
        extra = {h.UPLOAD_LENGTH: str(size), h.UPLOAD_CHECKSUM_FULL: full}
        if first_chunk:
            extra["Content-Type"] = h.OFFSET_OCTET_STREAM
            if len(first_chunk) < size:  # the whole document: Upload-Checksum-Full covers it
                extra[h.UPLOAD_CHECKSUM] = sha256_b64(first_chunk)
        a = self.exchange("POST", self._doc_path(application_id, doc_id), body=first_chunk,
                          extra=extra, ok=(200, 201, 204), during_upload=True)
        return a.offset() if a.header(h.UPLOAD_OFFSET) is not None else 0

    def upload_offset(self, application_id: str, doc_id: str) -> int:
        a = self.exchange("HEAD", self._doc_path(application_id, doc_id),
                          ok=(200, 204),
                          during_upload=True)
        return a.offset()

    def patch_chunk(self, application_id: str, doc_id: str, offset: int, chunk: bytes) -> int:
        a = self.exchange("PATCH", self._doc_path(application_id, doc_id), body=chunk,
                          extra={"Content-Type": h.OFFSET_OCTET_STREAM,
                                 h.UPLOAD_OFFSET: str(offset),
                                 h.UPLOAD_CHECKSUM: sha256_b64(chunk)},
                          ok=(200, 204), during_upload=True)
        return a.offset()

    def commit(self, application_id: str) -> dict[str, Any]:
        return self.exchange("POST", f"/v1/applications/{application_id}/commit",
                             ok=(200, 202)).json()

    def application_status(self, application_id: str) -> dict[str, Any]:
        return self.exchange("GET", f"/v1/applications/{application_id}", ok=(200,)).json()

    def status_page(self, cursor: str | None, limit: int = 100) -> dict[str, Any]:
        query = {"limit": str(limit)}
        if cursor:
            query["cursor"] = cursor
        return self.exchange("GET", f"/v1/kiosks/{quote(self.kiosk_id, safe='')}/applications",
                             query=query, ok=(200,)).json()

    def ack(self) -> dict[str, Any]:
        return self.exchange("GET", f"/v1/kiosks/{quote(self.kiosk_id, safe='')}/ack",
                             ok=(200,)).json()

    def post_ratings(self, body: bytes) -> dict[str, Any]:
        return self.exchange("POST", "/v1/ratings", body=body,
                             extra={"Content-Type": h.JSON}, ok=(200,)).json()

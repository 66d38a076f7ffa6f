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
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.client.failure import Failure, GatewayError, classify, no_link
from sync.protocol import headers as h
from sync.protocol.signing import (
    SignatureError,
    clock_skew_s,
    request_target,
    sign_request,
    verify_response,
)

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
USER_AGENT = "dvc-kiosk-sync/1"


@dataclass(frozen=True)
class Answer:
    """A verified gateway answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        value = json.loads(self.body) if self.body else {}
        if not isinstance(value, dict):
            raise GatewayError(no_link("gateway answered JSON that is not an object"))
        return value

    def header(self, name: str) -> str | None:
        return h.get_header(self.headers, name)

    def offset(self) -> int:
        raw = self.header(h.UPLOAD_OFFSET)
        if raw is None or not raw.isdigit():
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
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self._key = kiosk_key
        self._gateway_key = gateway_key
        self._clock = clock
        self.timeout = timeout
        self.min_rate_bps = min_rate_bps
        self.skew_s = 0.0  # gateway clock minus ours, learnt from signed answers
        self._session = requests.Session()
        self._session.trust_env = False
        # Every byte of header is paid on 2G for each chunk: send only what the protocol needs.
        self._session.headers.clear()
        self._session.headers["User-Agent"] = USER_AGENT
        self.bytes_sent = 0  # request bodies handed to the socket (for the bench)

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
                                    now=self._clock() + self.skew_s))
        headers.update(extra or {})
        try:
            # A body crosses a slow link at min_rate_bps at worst before the answer can start.
            timeout = (self.timeout[0], self.timeout[1] + len(body) / self.min_rate_bps)
            resp = self._session.request(method, url, data=body or None, headers=headers,
                                         timeout=timeout, allow_redirects=False)
            self.bytes_sent += len(body)
            content = resp.content
            status = resp.status_code
            resp_headers = dict(resp.headers)
            resp.close()
        except requests.RequestException as exc:
            raise GatewayError(no_link(f"{type(exc).__name__}: {exc}"[:300])) from exc
        try:
            verify_response(self._gateway_key, status=status, method=method, target=target,
                            request_body=body, headers=resp_headers, body=content)
        except SignatureError as exc:
            ctype = h.get_header(resp_headers, "Content-Type") or "?"
            raise GatewayError(no_link(
                f"answer {status} ({ctype}) not signed by the gateway: {exc}")) from exc
        answer = Answer(status, resp_headers, content)
        self._learn_clock(answer)
        if status in ok:
            return answer
        raise GatewayError(self._failure(answer, during_upload=during_upload))

    def _learn_clock(self, answer: Answer) -> None:
        date = answer.header(h.DATE)
        if date is not None:
            with contextlib.suppress(SignatureError):
                self.skew_s = clock_skew_s(date, self._clock())

    @staticmethod
    def _failure(answer: Answer, *, during_upload: bool) -> Failure:
        code, detail = "", ""
        try:
            problem = json.loads(answer.body) if answer.body else {}
        except ValueError:
            problem = {}
        if isinstance(problem, dict):
            code = str(problem.get("code", ""))
            detail = str(problem.get("detail", "") or problem.get("title", ""))
            missing = problem.get("missing_documents")
            if missing:
                detail = f"{detail} missing={missing}"
        retry_after: float | None = None
        raw = answer.header(h.RETRY_AFTER)
        if raw is not None and raw.strip().isdigit():
            retry_after = float(raw.strip())
        action = classify(answer.status, code, during_upload=during_upload)
        return Failure(action, answer.status, code or str(answer.status), detail, retry_after)

    # -- the protocol ----------------------------------------------------------------------
    def ping(self) -> Limits:
        a = self.exchange("GET", "/v1/ping", ok=(200, 204))
        return Limits(
            max_chunk=int(a.header(h.MAX_CHUNK) or 1 << 20),
            max_document=int(a.header(h.MAX_DOCUMENT) or 1 << 30),
            clock_skew_s=self.skew_s,
            gateway_version=a.header(h.GATEWAY_VERSION) or "",
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
            extra.update({"Content-Type": h.OFFSET_OCTET_STREAM,
                          h.UPLOAD_CHECKSUM: sha256_b64(first_chunk)})
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

"""Request and response signatures (Ed25519) and HTTP dates.

A response counts only when signed by the gateway over the request's own hash, so a captive
portal's page or a replayed answer to another request is recognised as "no link".
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol import headers as h
from sync.protocol.canonical import sha256_hex
from sync.protocol.keys import KeyFormatError, b64decode, b64encode

MAX_CLOCK_SKEW_S = 15 * 60


class SignatureError(ValueError):
    """A signature, its headers or the body hash do not check out."""


def http_date(epoch_s: float) -> str:
    """RFC 9110 IMF-fixdate, e.g. ``Sun, 06 Nov 1994 08:49:37 GMT``."""
    return email.utils.formatdate(epoch_s, usegmt=True)


def parse_http_date(text: str) -> float:
    """Seconds since the epoch of an HTTP-date; raises SignatureError when unreadable."""
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"unreadable HTTP-date {text!r}") from exc
    if parsed.tzinfo is None:
        raise SignatureError(f"HTTP-date without zone {text!r}")
    return parsed.timestamp()


def request_target(url_or_target: str) -> str:
    """The request target as sent: percent-encoded path, and ``?query`` only if non-empty."""
    parts = urlsplit(url_or_target)
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def request_signing_string(method: str, target: str, date: str, content_sha256: str) -> bytes:
    return f"{method.upper()}\n{target}\n{date}\n{content_sha256}".encode()


def response_signing_string(
    status: int,
    method: str,
    *,
    target: str,
    date: str,
    request_content_sha256: str,
    upload_offset: str,
    response_content_sha256: str,
) -> bytes:
    return (
        f"{status}\n{method.upper()}\n{target}\n{date}\n{request_content_sha256}\n"
        f"{upload_offset}\n{response_content_sha256}"
    ).encode()


def sign_request(
    key: Ed25519PrivateKey,
    kiosk_id: str,
    method: str,
    target: str,
    body: bytes,
    *,
    now: float,
) -> dict[str, str]:
    """The four signature headers for a request; ``target`` as from ``request_target``."""
    date = http_date(now)
    digest = sha256_hex(body)
    signature = key.sign(request_signing_string(method, target, date, digest))
    return {
        h.KIOSK_ID: kiosk_id,
        h.DATE: date,
        h.CONTENT_SHA256: digest,
        h.KIOSK_SIGNATURE: b64encode(signature),
    }


def verify_signature(public: Ed25519PublicKey, signature_b64: str | None, message: bytes) -> None:
    if not signature_b64:
        raise SignatureError("signature missing")
    try:
        public.verify(b64decode(signature_b64.strip()), message)
    except (InvalidSignature, KeyFormatError) as exc:
        raise SignatureError("signature does not verify") from exc


@dataclass(frozen=True)
class SignedRequestHeaders:
    """The signature headers of a request, read but not yet trusted."""

    kiosk_id: str
    date: str
    content_sha256: str
    signature: str

    @classmethod
    def read(cls, headers: Mapping[str, str]) -> SignedRequestHeaders:
        values = [
            h.get_header(headers, name)
            for name in (h.KIOSK_ID, h.DATE, h.CONTENT_SHA256, h.KIOSK_SIGNATURE)
        ]
        kiosk_id, date, digest, signature = values
        if kiosk_id is None or date is None or digest is None or signature is None:
            raise SignatureError("signature headers missing")
        return cls(kiosk_id, date, digest, signature)


def verify_request(
    public: Ed25519PublicKey,
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
) -> SignedRequestHeaders:
    """Check the body hash and the kiosk's signature; return the headers read."""
    signed = SignedRequestHeaders.read(headers)
    if signed.content_sha256 != sha256_hex(body):
        raise SignatureError("Content-SHA256 does not match the body")
    verify_signature(
        public,
        signed.signature,
        request_signing_string(method, target, signed.date, signed.content_sha256),
    )
    return signed


def clock_skew_s(date_header: str, now: float) -> float:
    """Signed difference (their clock minus ours) in seconds."""
    return parse_http_date(date_header) - now


def within_skew(date_header: str, now: float, max_skew_s: float = MAX_CLOCK_SKEW_S) -> bool:
    try:
        return abs(clock_skew_s(date_header, now)) <= max_skew_s
    except SignatureError:
        return False


def sign_response(
    key: Ed25519PrivateKey,
    *,
    status: int,
    method: str,
    target: str,
    date: str,
    request_content_sha256: str,
    upload_offset: str,
    body: bytes,
) -> str:
    """The base64 X-Gateway-Signature value for a response."""
    message = response_signing_string(
        status,
        method,
        target=target,
        date=date,
        request_content_sha256=request_content_sha256,
        upload_offset=upload_offset,
        response_content_sha256=sha256_hex(body),
    )
    return b64encode(key.sign(message))


def verify_response(
    public: Ed25519PublicKey,
    *,
    status: int,
    method: str,
    target: str,
    request_body: bytes,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    """Raise SignatureError unless the response is the gateway's answer to this request."""
    date = h.get_header(headers, h.DATE)
    if date is None:
        raise SignatureError("response has no Date")
    offset = h.get_header(headers, h.UPLOAD_OFFSET) or ""
    message = response_signing_string(
        status,
        method,
        target=target,
        date=date,
        request_content_sha256=sha256_hex(request_body),
        upload_offset=offset,
        response_content_sha256=sha256_hex(body),
    )
    verify_signature(public, h.get_header(headers, h.GATEWAY_SIGNATURE), message)


def response_is_signed(
    public: Ed25519PublicKey,
    *,
    status: int,
    method: str,
    target: str,
    request_body: bytes,
    headers: Mapping[str, str],
    body: bytes,
) -> bool:
    try:
        verify_response(
            public,
            status=status,
            method=method,
            target=target,
            request_body=request_body,
            headers=headers,
            body=body,
        )
    except SignatureError:
        return False
    return True

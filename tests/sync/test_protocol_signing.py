"""Signatures recomputed with the cryptography primitives directly, and their refusals."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.protocol.signing import (
    SignatureError,
    http_date,
    parse_http_date,
    request_target,
    sign_request,
    sign_response,
    verify_request,
    verify_response,
    within_skew,
)

NOW = 1_795_000_000.0  # a fixed moment in 2026


def test_http_date_is_imf_fixdate() -> None:
    assert http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("http://h:1/v1/ping", "/v1/ping"),
        ("http://h:1/v1/kiosks/k1/applications?cursor=abc&limit=100",
         "/v1/kiosks/k1/applications?cursor=abc&limit=100"),
        ("http://h:1/v1/a%20b?", "/v1/a%20b"),
        ("/v1/x?y=1", "/v1/x?y=1"),
        ("http://h:1", "/"),
    ],
)
def test_request_target(url: str, target: str) -> None:
    assert request_target(url) == target


def test_request_signature_is_ed25519_over_the_four_lines() -> None:
    key = Ed25519PrivateKey.generate()
    body = b'{"x":1}'
    headers = sign_request(key, "kiosk-01", "put", "/v1/applications/a", body, now=NOW)
    digest = hashlib.sha256(body).hexdigest()
    assert headers["X-Kiosk-Id"] == "kiosk-01"
    assert headers["Content-SHA256"] == digest
    assert headers["Date"] == http_date(NOW)
    message = f"PUT\n/v1/applications/a\n{headers['Date']}\n{digest}".encode()
    key.public_key().verify(base64.b64decode(headers["X-Kiosk-Signature"]), message)
    signed = verify_request(key.public_key(), "PUT", "/v1/applications/a", headers, body)
    assert signed.kiosk_id == "kiosk-01"


def test_empty_body_is_hashed_too() -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_request(key, "k", "GET", "/v1/ping", b"", now=NOW)
    assert headers["Content-SHA256"] == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


def test_request_verification_refuses_tampering() -> None:
    key = Ed25519PrivateKey.generate()
    headers = sign_request(key, "k", "POST", "/v1/otp", b"abc", now=NOW)
    pub = key.public_key()
    lower = {k.lower(): v for k, v in headers.items()}
    verify_request(pub, "POST", "/v1/otp", lower, b"abc")  # case-insensitive headers
    with pytest.raises(SignatureError):
        verify_request(pub, "POST", "/v1/otp", headers, b"abd")
    with pytest.raises(SignatureError):
        verify_request(pub, "POST", "/v1/otp?x=1", headers, b"abc")
    with pytest.raises(SignatureError):
        verify_request(pub, "PUT", "/v1/otp", headers, b"abc")
    with pytest.raises(SignatureError):
        verify_request(Ed25519PrivateKey.generate().public_key(), "POST", "/v1/otp", headers,
                       b"abc")
    missing = dict(headers)
    del missing["X-Kiosk-Signature"]
    with pytest.raises(SignatureError):
        verify_request(pub, "POST", "/v1/otp", missing, b"abc")
    garbage = {**headers, "X-Kiosk-Signature": "not base64!"}
    with pytest.raises(SignatureError):
        verify_request(pub, "POST", "/v1/otp", garbage, b"abc")


def test_clock_skew_window() -> None:
    assert within_skew(http_date(NOW + 899), NOW)
    assert within_skew(http_date(NOW - 900), NOW)
    assert not within_skew(http_date(NOW + 901), NOW)
    assert not within_skew(http_date(NOW - 3600), NOW)
    assert not within_skew("yesterday", NOW)


def test_response_signature_binds_request_and_offset() -> None:
    key = Ed25519PrivateKey.generate()
    date = http_date(NOW)
    req, resp = b"chunk", b""
    sig = sign_response(key, status=204, method="PATCH", target="/v1/applications/a/documents/d",
                        date=date, request_content_sha256=hashlib.sha256(req).hexdigest(),
                        upload_offset="5", body=resp)
    message = (
        f"204\nPATCH\n/v1/applications/a/documents/d\n{date}\n"
        f"{hashlib.sha256(req).hexdigest()}\n5\n{hashlib.sha256(resp).hexdigest()}"
    ).encode()
    key.public_key().verify(base64.b64decode(sig), message)
    headers = {"Date": date, "Upload-Offset": "5", "X-Gateway-Signature": sig}
    pub = key.public_key()
    kwargs: dict[str, object] = {}
    verify_response(pub, status=204, method="PATCH", target="/v1/applications/a/documents/d",
                    request_body=req, headers=headers, body=resp, **kwargs)
    for change in (
        {"status": 200},
        {"request_body": b"other chunk"},
        {"headers": {**headers, "Upload-Offset": "6"}},
        {"headers": {k: v for k, v in headers.items() if k != "X-Gateway-Signature"}},
        {"body": b"<html>portal</html>"},
        {"target": "/v1/applications/b/documents/d"},
    ):
        args: dict[str, object] = {
            "status": 204, "method": "PATCH", "target": "/v1/applications/a/documents/d",
            "request_body": req, "headers": headers, "body": resp, **change,
        }
        with pytest.raises(SignatureError):
            verify_response(pub, **args)  # type: ignore[arg-type]


def test_response_without_offset_signs_an_empty_line() -> None:
    key = Ed25519PrivateKey.generate()
    date = http_date(NOW)
    body = b'{"ok":true}'
    sig = sign_response(key, status=200, method="GET", target="/v1/ping", date=date,
                        request_content_sha256=hashlib.sha256(b"").hexdigest(), upload_offset="",
                        body=body)
    message = (
        f"200\nGET\n/v1/ping\n{date}\n{hashlib.sha256(b'').hexdigest()}\n\n"
        f"{hashlib.sha256(body).hexdigest()}"
    ).encode()
    key.public_key().verify(base64.b64decode(sig), message)

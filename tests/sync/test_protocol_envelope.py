"""The envelope checked against an independent implementation from the primitives."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.protocol.envelope import (
    ALG,
    EnvelopeError,
    new_application_key,
    open_document,
    open_payload,
    seal_document,
    seal_payload,
    unwrap_key,
)

APP = "3f2b8c1e-9a7d-4e21-8b0c-5d6e7f809a1b"
PLAIN = {"identity": {"full_name": "Tr\u1ea7n Th\u1ecb B\u00ecnh"}, "answers": {"q": "c\u00f3"},
         "documents_meta": [{"doc_id": "cccd", "pages": 2}]}


def _independent_unwrap(wrapped_b64: str, gw: X25519PrivateKey, aad: bytes) -> bytes:
    raw = base64.b64decode(wrapped_b64)
    epk, nonce, ct = raw[:32], raw[32:44], raw[44:]
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    shared = gw.exchange(X25519PublicKey.from_public_bytes(epk))
    gw_pub = gw.public_key().public_bytes_raw()
    w = HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + gw_pub,
             info=b"dvc-kiosk/v1 wrap").derive(shared)
    return AESGCM(w).decrypt(nonce, ct, aad)


def test_sealed_payload_opens_with_an_independent_implementation() -> None:
    gw = X25519PrivateKey.generate()
    k = new_application_key()
    payload = seal_payload(k, APP, PLAIN, gw.public_key())
    assert payload["alg"] == ALG == "X25519-HKDF-SHA256-A256GCM"
    assert _independent_unwrap(payload["wrapped_key"], gw, APP.encode()) == k
    raw = base64.b64decode(payload["ciphertext"])
    plaintext = AESGCM(k).decrypt(raw[:12], raw[12:], APP.encode())
    assert json.loads(plaintext) == PLAIN
    assert "B\u00ecnh".encode() in plaintext  # canonical JSON: raw UTF-8, no escapes
    assert open_payload(payload, APP, gw) == PLAIN


def _rfc5869_hkdf_sha256(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    """HKDF from its RFC with the stdlib's HMAC: one 32-byte block."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def test_rfc5869_helper_matches_the_rfc_test_case_1() -> None:
    okm = _rfc5869_hkdf_sha256(bytes.fromhex("0b" * 22), bytes.fromhex("000102030405060708090a0b0c"),
                               bytes.fromhex("f0f1f2f3f4f5f6f7f8f9"))
    assert okm.hex() == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"


def test_payload_sealed_independently_opens() -> None:
    gw = X25519PrivateKey.generate()
    k = os.urandom(32)
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    gw_pub = gw.public_key().public_bytes_raw()
    w = _rfc5869_hkdf_sha256(eph.exchange(gw.public_key()), epk + gw_pub, b"dvc-kiosk/v1 wrap")
    n1, n2 = os.urandom(12), os.urandom(12)
    payload = {
        "alg": ALG,
        "wrapped_key": base64.b64encode(epk + n1 + AESGCM(w).encrypt(n1, k, APP.encode()))
        .decode(),
        "ciphertext": base64.b64encode(n2 + AESGCM(k).encrypt(n2, b'{"a":1}', APP.encode()))
        .decode(),
    }
    assert open_payload(payload, APP, gw) == {"a": 1}
    assert unwrap_key(payload["wrapped_key"], APP, gw) == k


def test_payload_refuses_other_gateway_other_id_and_tampering() -> None:
    gw = X25519PrivateKey.generate()
    payload = seal_payload(new_application_key(), APP, PLAIN, gw.public_key())
    with pytest.raises(EnvelopeError):
        open_payload(payload, APP, X25519PrivateKey.generate())
    with pytest.raises(EnvelopeError):
        open_payload(payload, APP.replace("3f", "4f"), gw)
    raw = bytearray(base64.b64decode(payload["ciphertext"]))
    raw[20] ^= 1
    with pytest.raises(EnvelopeError):
        open_payload({**payload, "ciphertext": base64.b64encode(raw).decode()}, APP, gw)
    with pytest.raises(EnvelopeError):
        open_payload({**payload, "alg": "none"}, APP, gw)
    with pytest.raises(EnvelopeError):
        open_payload({**payload, "wrapped_key": "AAAA"}, APP, gw)
    with pytest.raises(EnvelopeError):
        open_payload({**payload, "ciphertext": "%%%"}, APP, gw)


def test_document_is_bound_to_application_and_doc_id() -> None:
    k = new_application_key()
    pdf = b"%PDF-1.4 fake pages" * 100
    sealed = seal_document(k, APP, "cccd", pdf)
    assert len(sealed) == 12 + len(pdf) + 16
    assert AESGCM(k).decrypt(sealed[:12], sealed[12:], f"{APP}/cccd".encode()) == pdf
    assert open_document(k, APP, "cccd", sealed) == pdf
    with pytest.raises(EnvelopeError):
        open_document(k, APP, "birth", sealed)
    with pytest.raises(EnvelopeError):
        open_document(new_application_key(), APP, "cccd", sealed)
    with pytest.raises(EnvelopeError):
        open_document(k, APP, "cccd", sealed[:10])


def test_each_seal_uses_fresh_randomness() -> None:
    gw = X25519PrivateKey.generate()
    k = new_application_key()
    a, b = seal_payload(k, APP, PLAIN, gw.public_key()), seal_payload(k, APP, PLAIN, gw.public_key())
    assert a["wrapped_key"] != b["wrapped_key"]
    assert a["ciphertext"] != b["ciphertext"]
    assert new_application_key() != new_application_key()

"""The envelope checked against an independent implementation from the primitives."""

from __future__ import annotations

import base64
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


def test_payload_sealed_independently_opens() -> None:
    gw = X25519PrivateKey.generate()
    k = os.urandom(32)
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    gw_pub = gw.public_key().public_bytes_raw()
    w = HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + gw_pub,
             info=b"dvc-kiosk/v1 wrap").derive(eph.exchange(gw.public_key()))
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

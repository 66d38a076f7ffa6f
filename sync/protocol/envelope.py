"""Payload privacy: the application's personal content sealed for the gateway only.

A random application key K encrypts the payload and each document (AES-256-GCM, bound to the
application id, and for documents to the doc id, by the AAD). K is wrapped for the gateway's
X25519 key with an ephemeral key pair, so after sealing the kiosk itself cannot read it back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync.protocol.canonical import canonical_json
from sync.protocol.keys import KeyFormatError, b64decode, b64encode

ALG: Final = "X25519-HKDF-SHA256-A256GCM"
WRAP_INFO: Final = b"dvc-kiosk/v1 wrap"
KEY_LEN: Final = 32
NONCE_LEN: Final = 12
TAG_LEN: Final = 16
# The smallest possible sealed document: nonce and tag around zero bytes.
SEALED_OVERHEAD: Final = NONCE_LEN + TAG_LEN


class EnvelopeError(ValueError):
    """A sealed payload or document does not open (wrong key, tampered, malformed)."""


def new_application_key() -> bytes:
    """A fresh random 256-bit application key K."""
    return os.urandom(KEY_LEN)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < SEALED_OVERHEAD:
        raise EnvelopeError("sealed data too short")
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_LEN], sealed[NONCE_LEN:], aad)
    except InvalidTag as exc:
        raise EnvelopeError("authentication failed") from exc


def _wrap_key(shared: bytes, epk: bytes, gateway_pub: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_LEN, salt=epk + gateway_pub, info=WRAP_INFO
    ).derive(shared)


def wrap_key(k: bytes, application_id: str, gateway_enc_pub: X25519PublicKey) -> str:
    """base64(epk ‖ nonce ‖ AES-256-GCM(W, nonce, K, aad=application_id))."""
    eph = X25519PrivateKey.generate()
    epk = eph.public_key().public_bytes_raw()
    gateway_raw = gateway_enc_pub.public_bytes_raw()
    w = _wrap_key(eph.exchange(gateway_enc_pub), epk, gateway_raw)
    return b64encode(epk + _seal(w, k, application_id.encode("utf-8")))


def unwrap_key(wrapped_b64: str, application_id: str, gateway_enc_priv: X25519PrivateKey) -> bytes:
    """K from a wrapped key; raises EnvelopeError when it is not for this gateway or id."""
    try:
        raw = b64decode(wrapped_b64)
    except KeyFormatError as exc:
        raise EnvelopeError("wrapped_key is not base64") from exc
    if len(raw) < KEY_LEN + SEALED_OVERHEAD:
        raise EnvelopeError("wrapped_key too short")
    epk = raw[:KEY_LEN]
    try:
        shared = gateway_enc_priv.exchange(X25519PublicKey.from_public_bytes(epk))
    except ValueError as exc:  # all-zero shared secret from a degenerate epk
        raise EnvelopeError("bad ephemeral key") from exc
    gateway_raw = gateway_enc_priv.public_key().public_bytes_raw()
    k = _open(_wrap_key(shared, epk, gateway_raw), raw[KEY_LEN:], application_id.encode("utf-8"))
    if len(k) != KEY_LEN:
        raise EnvelopeError("wrapped key has the wrong length")
    return k


def seal_payload(
    k: bytes, application_id: str, plaintext_obj: object, gateway_enc_pub: X25519PublicKey
) -> dict[str, str]:
    """The PUT body's ``payload``: {alg, wrapped_key, ciphertext}.

    ``plaintext_obj`` is ``{identity, answers, documents_meta}``; it is sealed as canonical JSON.
    """
    ciphertext = _seal(k, canonical_json(plaintext_obj), application_id.encode("utf-8"))
    return {
        "alg": ALG,
        "wrapped_key": wrap_key(k, application_id, gateway_enc_pub),
        "ciphertext": b64encode(ciphertext),
    }


def open_payload_with_key(k: bytes, payload: Mapping[str, object], application_id: str) -> object:
    """The plaintext object of a payload given K (the gateway after unwrapping)."""
    ciphertext = payload.get("ciphertext")
    if not isinstance(ciphertext, str):
        raise EnvelopeError("payload.ciphertext missing")
    try:
        raw = b64decode(ciphertext)
    except KeyFormatError as exc:
        raise EnvelopeError("ciphertext is not base64") from exc
    plaintext = _open(k, raw, application_id.encode("utf-8"))
    try:
        return json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError("payload plaintext is not JSON") from exc


def open_payload(
    payload: Mapping[str, object], application_id: str, gateway_enc_priv: X25519PrivateKey
) -> object:
    """The plaintext object of a sealed payload; raises EnvelopeError if it does not open."""
    if payload.get("alg") != ALG:
        raise EnvelopeError(f"unknown alg {payload.get('alg')!r}")
    wrapped = payload.get("wrapped_key")
    if not isinstance(wrapped, str):
        raise EnvelopeError("payload.wrapped_key missing")
    k = unwrap_key(wrapped, application_id, gateway_enc_priv)
    return open_payload_with_key(k, payload, application_id)


def document_aad(application_id: str, doc_id: str) -> bytes:
    return f"{application_id}/{doc_id}".encode()


def seal_document(k: bytes, application_id: str, doc_id: str, pdf_bytes: bytes) -> bytes:
    """The encrypted document file: nonce ‖ AES-256-GCM(K, nonce, pdf, aad=app_id/doc_id)."""
    return _seal(k, pdf_bytes, document_aad(application_id, doc_id))


def open_document(k: bytes, application_id: str, doc_id: str, sealed: bytes) -> bytes:
    """The PDF bytes of a sealed document; raises EnvelopeError if it does not open."""
    return _open(k, sealed, document_aad(application_id, doc_id))

"""USB bundle names and the detached signatures of bundle manifests and ACK files.

Both signatures are over bytes that travel on a USB stick and must verify offline: the kiosk
signs the manifest.json bytes as written; the gateway signs the canonical JSON of the ACK
object without its ``signature`` field.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.canonical import canonical_json
from sync.protocol.keys import b64encode
from sync.protocol.signing import SignatureError, verify_signature

BUNDLE_PREFIX = "dvc-bundle-"
MANIFEST_NAME = "manifest.json"
MANIFEST_SIG_NAME = "manifest.sig"
SIGNATURE_FIELD = "signature"


def bundle_dir_name(kiosk_id: str, from_seq: int, to_seq: int) -> str:
    return f"{BUNDLE_PREFIX}{kiosk_id}-{from_seq}-{to_seq}"


def sign_bundle_manifest(key: Ed25519PrivateKey, manifest_bytes: bytes) -> str:
    """The content of manifest.sig: base64 Ed25519 over the manifest.json bytes."""
    return b64encode(key.sign(manifest_bytes))


def verify_bundle_manifest(public: Ed25519PublicKey, manifest_bytes: bytes, sig: str) -> None:
    verify_signature(public, sig, manifest_bytes)


def sign_ack(key: Ed25519PrivateKey, ack: Mapping[str, object]) -> dict[str, object]:
    """The ACK object with its ``signature`` over the canonical JSON of the rest."""
    body = {k: v for k, v in ack.items() if k != SIGNATURE_FIELD}
    signed = dict(body)
    signed[SIGNATURE_FIELD] = b64encode(key.sign(canonical_json(body)))
    return signed


def verify_ack(public: Ed25519PublicKey, ack: Mapping[str, object]) -> None:
    """Raise SignatureError unless the ACK object carries the gateway's valid signature."""
    sig = ack.get(SIGNATURE_FIELD)
    if not isinstance(sig, str):
        raise SignatureError("ACK has no signature")
    body = {k: v for k, v in ack.items() if k != SIGNATURE_FIELD}
    verify_signature(public, sig, canonical_json(body))

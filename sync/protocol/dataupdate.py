"""Signed data updates (the procedure catalog, the holiday calendar) from the gateway.

An update is a self-contained JSON envelope, signed by the gateway's Ed25519 key over the
canonical JSON of the envelope without ``signature`` (like a bundle ACK), so it is valid on its
own: over the link, on disk, or carried on a USB stick.

    {kind, serial, version, published_at, sha256, content_b64, signature}

``serial`` grows by one with each publication of a kind; a kiosk never goes back to a lower or
equal serial (a replayed old update is refused). ``sha256`` is of the content bytes (the data
file exactly as the kiosk will load it); ``version`` is the content's own version string.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.protocol.canonical import canonical_json
from sync.protocol.heartbeat import VERSION_RE
from sync.protocol.times import is_utc

KINDS = ("catalog", "holidays")
MAX_CONTENT = 512 * 1024  # base64 in a JSON answer stays under the client's 1 MiB answer cap
FIELDS = frozenset({"kind", "serial", "version", "published_at", "sha256", "content_b64",
                    "signature"})


class UpdateError(ValueError):
    """Not a valid, correctly signed update."""


@dataclass(frozen=True)
class DataUpdate:
    kind: str
    serial: int
    version: str
    published_at: str
    content: bytes

    def unsigned(self) -> dict[str, object]:
        return {"kind": self.kind, "serial": self.serial, "version": self.version,
                "published_at": self.published_at,
                "sha256": hashlib.sha256(self.content).hexdigest(),
                "content_b64": base64.b64encode(self.content).decode("ascii")}

    def signed_json(self, key: Ed25519PrivateKey) -> bytes:
        body = self.unsigned()
        signature = key.sign(canonical_json(body))
        return canonical_json({**body, "signature": base64.b64encode(signature).decode("ascii")})


def verify_update(raw: bytes, gateway_key: Ed25519PublicKey) -> DataUpdate:
    """The update in ``raw`` if it is well formed and signed by the gateway; UpdateError if not."""
    try:
        obj = json.loads(raw)
    except ValueError as exc:
        raise UpdateError("not JSON") from exc
    if not isinstance(obj, dict) or set(obj) != FIELDS:
        raise UpdateError(f"an update has exactly the fields {sorted(FIELDS)}")
    signature_b64 = obj.pop("signature")
    try:
        signature = base64.b64decode(str(signature_b64), validate=True)
        gateway_key.verify(signature, canonical_json(obj))
    except (binascii.Error, InvalidSignature, ValueError) as exc:
        raise UpdateError("not signed by the gateway") from exc
    kind, serial, version = obj["kind"], obj["serial"], obj["version"]
    if kind not in KINDS:
        raise UpdateError(f"unknown kind {kind!r}")
    if not isinstance(serial, int) or isinstance(serial, bool) or serial < 1:
        raise UpdateError("serial must be an integer >= 1")
    if not isinstance(version, str) or not VERSION_RE.match(version):
        raise UpdateError("bad version")
    if not isinstance(obj["published_at"], str) or not is_utc(obj["published_at"]):
        raise UpdateError("bad published_at")
    try:
        content = base64.b64decode(str(obj["content_b64"]), validate=True)
    except binascii.Error as exc:
        raise UpdateError("content is not base64") from exc
    if len(content) > MAX_CONTENT or hashlib.sha256(content).hexdigest() != obj["sha256"]:
        raise UpdateError("content does not match its sha256")
    return DataUpdate(kind, serial, version, obj["published_at"], content)

"""tus-style upload checksums: ``sha256 <base64 digest>``."""

from __future__ import annotations

import base64
import binascii
import hashlib

ALGORITHM = "sha256"


def checksum_header(data: bytes) -> str:
    """The Upload-Checksum value for a chunk."""
    return f"{ALGORITHM} {base64.b64encode(hashlib.sha256(data).digest()).decode('ascii')}"


def checksum_header_from_hex(sha256_hex: str) -> str:
    """The Upload-Checksum-Full value for a document whose manifest hash is ``sha256_hex``."""
    return f"{ALGORITHM} {base64.b64encode(bytes.fromhex(sha256_hex)).decode('ascii')}"


def parse_checksum(value: str) -> bytes:
    """The raw SHA-256 digest of a checksum header; ValueError if malformed or not sha256."""
    algorithm, _, b64 = value.strip().partition(" ")
    if algorithm.lower() != ALGORITHM:
        raise ValueError(f"unsupported checksum algorithm {algorithm!r}")
    try:
        digest = base64.b64decode(b64.strip().encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError("checksum is not base64") from exc
    if len(digest) != hashlib.sha256().digest_size:
        raise ValueError("checksum is not a SHA-256 digest")
    return digest

"""Canonical JSON (RFC 8785 / JCS) for the protocol's subset of JSON.

Hashes and signatures are computed over these bytes, so the kiosk, the agent and any gateway
must produce the same bytes for the same document. The subset (strings, integers, booleans,
null, arrays, objects with ASCII keys) is exactly where JCS equals "sorted keys, no spaces,
UTF-8, no escapes of non-ASCII"; anything outside it is refused rather than guessed at.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping

# JCS serialises numbers as IEEE doubles: integers beyond 2**53 would not round-trip.
MAX_SAFE_INTEGER = 2**53 - 1
MANIFEST_FIELD = "manifest_sha256"


class CanonicalJsonError(ValueError):
    """The value holds something outside the protocol's JSON subset."""


def _check(value: object, path: str) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalJsonError(f"{path}: integer outside the safe range")
        return
    if isinstance(value, float):
        raise CanonicalJsonError(f"{path}: floats are not part of the protocol")
    if isinstance(value, str):
        _check_string(value, path)
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise CanonicalJsonError(f"{path}: object keys must be ASCII strings")
            _check(item, f"{path}.{key}")
        return
    raise CanonicalJsonError(f"{path}: {type(value).__name__} is not JSON")


def _check_string(value: str, path: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJsonError(f"{path}: lone surrogate in string") from exc
    if not unicodedata.is_normalized("NFC", value):
        raise CanonicalJsonError(f"{path}: string is not NFC")


def canonical_json(obj: object) -> bytes:
    """The canonical bytes of ``obj``; raises CanonicalJsonError outside the subset."""
    _check(obj, "$")
    text = json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256, the form of every digest in the protocol."""
    return hashlib.sha256(data).hexdigest()


def manifest_sha256(body: Mapping[str, object]) -> str:
    """SHA-256 of the canonical JSON of the PUT body without its ``manifest_sha256`` field.

    The field is dropped if present so callers can pass either the draft or the full body.
    """
    without = {k: v for k, v in body.items() if k != MANIFEST_FIELD}
    return sha256_hex(canonical_json(without))

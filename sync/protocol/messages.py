"""Typed builders and parsers for the protocol's JSON bodies, used by both sides.

The PUT body is the heart: the kiosk builds it once at sealing and keeps the canonical bytes;
the gateway parses and validates it the same way, so both agree on what is "the same manifest".
Parsers are strict (unknown fields refused) because the manifest hash covers every field.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sync.protocol.canonical import (
    MANIFEST_FIELD,
    CanonicalJsonError,
    canonical_json,
    manifest_sha256,
)
from sync.protocol.envelope import ALG, SEALED_OVERHEAD
from sync.protocol.times import is_utc

# Ids that appear in URLs and file names: letters, digits, "_", "-", "." (not leading).
SAFE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


class MessageError(ValueError):
    """A body does not follow the protocol; ``field`` names where (for the problem detail)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ApplicationState(StrEnum):
    PENDING = "pending"
    RECEIVED = "received"
    PROCESSING = "processing"
    NEEDS_MORE_DOCUMENTS = "needs_more_documents"
    READY_FOR_PICKUP = "ready_for_pickup"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


def is_application_id(text: str) -> bool:
    """A UUID in its canonical lower-case hyphenated form (the idempotency key)."""
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def is_safe_id(text: str) -> bool:
    return bool(SAFE_ID_RE.match(text))


def _obj(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise MessageError(field, "must be an object")
    return value


def _str(obj: Mapping[str, object], key: str, prefix: str = "") -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise MessageError(prefix + key, "must be a non-empty string")
    return value


def _int(obj: Mapping[str, object], key: str, minimum: int, prefix: str = "") -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise MessageError(prefix + key, f"must be an integer >= {minimum}")
    return value


def _utc(obj: Mapping[str, object], key: str, prefix: str = "") -> str:
    value = _str(obj, key, prefix)
    if not is_utc(value):
        raise MessageError(prefix + key, "must be ISO 8601 UTC like 2026-01-31T08:00:00Z")
    return value


def _exact_keys(obj: Mapping[str, object], keys: set[str], field: str) -> None:
    extra = set(obj) - keys
    missing = keys - set(obj)
    if extra:
        raise MessageError(field, f"unknown fields {sorted(extra)}")
    if missing:
        raise MessageError(field, f"missing fields {sorted(missing)}")


@dataclass(frozen=True)
class DocumentEntry:
    """One document of the manifest; size and sha256 are of the encrypted file."""

    doc_id: str
    kind: str
    pages: int
    size: int
    sha256: str
    mime: str = "application/pdf"

    def to_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "pages": self.pages,
            "size": self.size,
            "sha256": self.sha256,
            "mime": self.mime,
        }

    @classmethod
    def from_dict(cls, value: object, field: str = "documents[]") -> DocumentEntry:
        obj = _obj(value, field)
        _exact_keys(obj, {"doc_id", "kind", "pages", "size", "sha256", "mime"}, field)
        p = field + "."
        doc_id = _str(obj, "doc_id", p)
        if not is_safe_id(doc_id):
            raise MessageError(p + "doc_id", "letters, digits, _ - . only (max 64)")
        sha = _str(obj, "sha256", p)
        if not HEX64_RE.match(sha):
            raise MessageError(p + "sha256", "must be 64 lower-case hex digits")
        return cls(
            doc_id=doc_id,
            kind=_str(obj, "kind", p),
            pages=_int(obj, "pages", 1, p),
            size=_int(obj, "size", SEALED_OVERHEAD, p),
            sha256=sha,
            mime=_str(obj, "mime", p),
        )


@dataclass(frozen=True)
class OtpConfirmation:
    otp_verified_at: str
    method: Literal["otp"] = "otp"

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "otp_verified_at": self.otp_verified_at}


@dataclass(frozen=True)
class KioskCodeConfirmation:
    shown_at: str
    method: Literal["kiosk_code"] = "kiosk_code"

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "shown_at": self.shown_at}


Confirmation = OtpConfirmation | KioskCodeConfirmation


def confirmation_from_dict(value: object, field: str = "confirmation") -> Confirmation:
    obj = _obj(value, field)
    method = obj.get("method")
    if method == "otp":
        _exact_keys(obj, {"method", "otp_verified_at"}, field)
        return OtpConfirmation(_utc(obj, "otp_verified_at", field + "."))
    if method == "kiosk_code":
        _exact_keys(obj, {"method", "shown_at"}, field)
        return KioskCodeConfirmation(_utc(obj, "shown_at", field + "."))
    raise MessageError(field + ".method", 'must be "otp" or "kiosk_code"')


@dataclass(frozen=True)
class SealedPayload:
    alg: str
    wrapped_key: str
    ciphertext: str

    def to_dict(self) -> dict[str, object]:
        return {"alg": self.alg, "wrapped_key": self.wrapped_key, "ciphertext": self.ciphertext}

    @classmethod
    def from_dict(cls, value: object, field: str = "payload") -> SealedPayload:
        obj = _obj(value, field)
        _exact_keys(obj, {"alg", "wrapped_key", "ciphertext"}, field)
        alg = _str(obj, "alg", field + ".")
        if alg != ALG:
            raise MessageError(field + ".alg", f"must be {ALG}")
        return cls(
            alg=alg,
            wrapped_key=_str(obj, "wrapped_key", field + "."),
            ciphertext=_str(obj, "ciphertext", field + "."),
        )


PUT_FIELDS = {
    "application_id",
    "kiosk_id",
    "kiosk_seq",
    "application_code",
    "procedure_code",
    "catalog_version",
    "confirmed_at",
    "confirmation",
    "payload",
    "documents",
    MANIFEST_FIELD,
}


@dataclass(frozen=True)
class ApplicationManifest:
    """The PUT /v1/applications/{id} body. ``catalog_version`` is a string."""

    application_id: str
    kiosk_id: str
    kiosk_seq: int
    application_code: str
    procedure_code: str
    catalog_version: str
    confirmed_at: str
    confirmation: Confirmation
    payload: SealedPayload
    documents: tuple[DocumentEntry, ...]

    def body_without_hash(self) -> dict[str, object]:
        return {
            "application_id": self.application_id,
            "kiosk_id": self.kiosk_id,
            "kiosk_seq": self.kiosk_seq,
            "application_code": self.application_code,
            "procedure_code": self.procedure_code,
            "catalog_version": self.catalog_version,
            "confirmed_at": self.confirmed_at,
            "confirmation": self.confirmation.to_dict(),
            "payload": self.payload.to_dict(),
            "documents": [d.to_dict() for d in self.documents],
        }

    @property
    def manifest_sha256(self) -> str:
        return manifest_sha256(self.body_without_hash())

    def to_body(self) -> dict[str, object]:
        body = self.body_without_hash()
        body[MANIFEST_FIELD] = manifest_sha256(body)
        return body

    def to_json(self) -> bytes:
        """The canonical bytes the kiosk stores as ``manifest_json`` and sends verbatim."""
        return canonical_json(self.to_body())

    def document(self, doc_id: str) -> DocumentEntry | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)


def parse_put_body(value: object, expected_application_id: str | None = None) -> ApplicationManifest:
    """Validate a PUT body (as parsed JSON); raise MessageError naming the first bad field.

    Checks the manifest hash too, so a body that parses is exactly the manifest it claims.
    """
    obj = _obj(value, "$")
    _exact_keys(obj, PUT_FIELDS, "$")
    application_id = _str(obj, "application_id")
    if not is_application_id(application_id):
        raise MessageError("application_id", "must be a lower-case UUID")
    if expected_application_id is not None and application_id != expected_application_id:
        raise MessageError("application_id", "does not match the URL")
    kiosk_id = _str(obj, "kiosk_id")
    if not is_safe_id(kiosk_id):
        raise MessageError("kiosk_id", "letters, digits, _ - . only (max 64)")
    docs_value = obj.get("documents")
    if not isinstance(docs_value, list):
        raise MessageError("documents", "must be an array")
    documents = tuple(
        DocumentEntry.from_dict(d, f"documents[{i}]") for i, d in enumerate(docs_value)
    )
    if len({d.doc_id for d in documents}) != len(documents):
        raise MessageError("documents", "doc_id values must be unique")
    manifest = ApplicationManifest(
        application_id=application_id,
        kiosk_id=kiosk_id,
        kiosk_seq=_int(obj, "kiosk_seq", 1),
        application_code=_str(obj, "application_code"),
        procedure_code=_str(obj, "procedure_code"),
        catalog_version=_str(obj, "catalog_version"),
        confirmed_at=_utc(obj, "confirmed_at"),
        confirmation=confirmation_from_dict(obj.get("confirmation")),
        payload=SealedPayload.from_dict(obj.get("payload")),
        documents=documents,
    )
    claimed = obj.get(MANIFEST_FIELD)
    try:
        actual = manifest.manifest_sha256
    except CanonicalJsonError as exc:
        raise MessageError("$", str(exc)) from exc
    if claimed != actual:
        raise MessageError(MANIFEST_FIELD, "does not match the canonical JSON of the body")
    return manifest


def parse_json_object(body: bytes, field: str = "$") -> Mapping[str, object]:
    """A request/response body that must be one JSON object."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MessageError(field, "body is not JSON") from exc
    except RecursionError as exc:  # thousands of [ or {: not a message either
        raise MessageError(field, "body is nested too deep") from exc
    return _obj(value, field)


@dataclass(frozen=True)
class RatingItem:
    rating_id: str
    at: str
    procedure_code: str
    score: int

    def to_dict(self) -> dict[str, object]:
        return {
            "rating_id": self.rating_id,
            "at": self.at,
            "procedure_code": self.procedure_code,
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, value: object, field: str = "items[]") -> RatingItem:
        obj = _obj(value, field)
        _exact_keys(obj, {"rating_id", "at", "procedure_code", "score"}, field)
        p = field + "."
        score = _int(obj, "score", 1, p)
        if score > 3:
            raise MessageError(p + "score", "must be 1..3")
        return cls(
            rating_id=_str(obj, "rating_id", p),
            at=_utc(obj, "at", p),
            procedure_code=_str(obj, "procedure_code", p),
            score=score,
        )

"""RFC 9457 problem details with the protocol's stable codes and retryable flag."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from sync.protocol.canonical import canonical_json

TYPE_PREFIX = "urn:dvc-kiosk:problem:"
CONTENT_TYPE = "application/problem+json"


class ProblemCode(StrEnum):
    """Codes named by gateway-api.md, plus the generic ones a gateway needs for the rest."""

    CLOCK_SKEW = "clock_skew"
    REPLAYED = "replayed"  # the same signed request twice within the skew window
    KIOSK_UNKNOWN = "kiosk_unknown"
    BAD_SIGNATURE = "bad_signature"
    FORBIDDEN = "forbidden"
    VALIDATION = "validation"
    MANIFEST_CONFLICT = "manifest_conflict"
    IN_PROGRESS = "in_progress"
    DOCUMENTS_MISSING = "documents_missing"
    DOCUMENT_HASH = "document_hash"
    OFFSET_MISMATCH = "offset_mismatch"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    CHUNK_TOO_LARGE = "chunk_too_large"
    UPLOAD_GONE = "upload_gone"
    NOT_FOUND = "not_found"
    OTP_INVALID = "otp_invalid"
    OTP_LOCKED = "otp_locked"
    TOKEN_INVALID = "token_invalid"  # noqa: S105 (a problem code, not a secret)
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    METHOD_NOT_ALLOWED = "method_not_allowed"


class ProblemFormatError(ValueError):
    """A body claimed to be a problem but is not one."""


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    title: str
    retryable: bool
    detail: str = ""
    # Extension member of 409 documents_missing: which documents the gateway still lacks.
    missing_documents: tuple[str, ...] = ()

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.code

    def to_dict(self) -> dict[str, object]:
        obj: dict[str, object] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "retryable": self.retryable,
            "detail": self.detail,
        }
        if self.missing_documents:
            obj["missing_documents"] = list(self.missing_documents)
        return obj

    def to_json(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, obj: object) -> Problem:
        if not isinstance(obj, dict):
            raise ProblemFormatError("problem is not an object")
        status, code = obj.get("status"), obj.get("code")
        retryable, title = obj.get("retryable"), obj.get("title", "")
        detail = obj.get("detail", "")
        if not isinstance(status, int) or isinstance(status, bool):
            raise ProblemFormatError("problem.status must be an integer")
        if not isinstance(code, str) or not isinstance(retryable, bool):
            raise ProblemFormatError("problem.code and problem.retryable are required")
        if not isinstance(title, str) or not isinstance(detail, str):
            raise ProblemFormatError("problem.title and detail are strings")
        missing = obj.get("missing_documents", [])
        if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
            raise ProblemFormatError("problem.missing_documents must be a list of strings")
        return cls(
            status=status,
            code=code,
            title=title,
            retryable=retryable,
            detail=detail,
            missing_documents=tuple(missing),
        )

    @classmethod
    def from_json(cls, body: bytes) -> Problem:
        try:
            obj = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ProblemFormatError("problem body is not JSON") from exc
        return cls.from_dict(obj)

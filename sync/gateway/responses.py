"""What a handler returns: a response not yet signed nor written."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn

from sync.protocol import headers as h
from sync.protocol.canonical import canonical_json
from sync.protocol.problem import Problem, ProblemCode

_TITLES: dict[str, str] = {
    ProblemCode.CLOCK_SKEW: "Clock skew too large",
    ProblemCode.KIOSK_UNKNOWN: "Unknown kiosk",
    ProblemCode.BAD_SIGNATURE: "Bad request signature",
    ProblemCode.FORBIDDEN: "Not this kiosk's resource",
    ProblemCode.VALIDATION: "Invalid request",
    ProblemCode.MANIFEST_CONFLICT: "Same application id, different manifest",
    ProblemCode.IN_PROGRESS: "Being handled right now",
    ProblemCode.DOCUMENTS_MISSING: "Documents missing",
    ProblemCode.DOCUMENT_HASH: "Document hash mismatch",
    ProblemCode.OFFSET_MISMATCH: "Upload offset mismatch",
    ProblemCode.CHECKSUM_MISMATCH: "Chunk checksum mismatch",
    ProblemCode.CHUNK_TOO_LARGE: "Chunk too large",
    ProblemCode.UPLOAD_GONE: "Upload gone",
    ProblemCode.NOT_FOUND: "Not found",
    ProblemCode.OTP_INVALID: "Wrong or expired code",
    ProblemCode.OTP_LOCKED: "Too many wrong codes",
    ProblemCode.TOKEN_INVALID: "VNeID token not accepted",
    ProblemCode.RATE_LIMITED: "Too many requests",
    ProblemCode.UNAVAILABLE: "Service unavailable",
    ProblemCode.INTERNAL: "Internal error",
    ProblemCode.METHOD_NOT_ALLOWED: "Method not allowed",
}


class Signing(StrEnum):
    GATEWAY = "gateway"  # every real answer
    NONE = "none"  # the scripted captive portal
    FORGED = "forged"  # scripted: a well-formed signature by nobody's key


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    signing: Signing = Signing.GATEWAY
    drop: bool = False  # close the connection without answering (scripted lost response)


def json_response(status: int, obj: object, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {h.CONTENT_TYPE: h.JSON, **(headers or {})}, canonical_json(obj))


def problem(
    status: int,
    code: str,
    retryable: bool,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
    missing_documents: tuple[str, ...] = (),
) -> Response:
    p = Problem(
        status=status,
        code=code,
        title=_TITLES.get(code, code),
        retryable=retryable,
        detail=detail,
        missing_documents=missing_documents,
    )
    return Response(status, {h.CONTENT_TYPE: h.PROBLEM_JSON, **(headers or {})}, p.to_json())


def empty(status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(status, dict(headers or {}))


class Refusal(Exception):  # noqa: N818 (it is not an error of the gateway: it is an answer)
    """Raised deep in a handler to answer with a problem; the dispatcher writes it."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def refuse(
    status: int,
    code: str,
    retryable: bool,
    detail: str = "",
    *,
    headers: dict[str, str] | None = None,
) -> NoReturn:
    raise Refusal(problem(status, code, retryable, detail, headers=headers))


STORAGE_RETRY_AFTER_S = 30


def unavailable(detail: str, headers: dict[str, str] | None = None) -> Response:
    """503: a part the gateway depends on (the object store) is down; nothing was lost and
    the same request may be sent again after Retry-After."""
    return problem(503, ProblemCode.UNAVAILABLE, True, detail,
                   headers={h.RETRY_AFTER: str(STORAGE_RETRY_AFTER_S), **(headers or {})})

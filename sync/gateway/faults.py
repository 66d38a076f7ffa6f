"""Scripted fault mode: canned answers applied to the next matching requests.

A test arms a script (for example "the next PUT answers 503 with Retry-After: 7, then the one
after that is processed but its answer is lost"); each entry is used once per match, in order.
Entries that do not match a request stay queued for later requests.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum

from sync.protocol.problem import ProblemCode


class FaultKind(StrEnum):
    STATUS = "status"  # answer a canned (signed) problem with this status, do nothing
    PASSTHROUGH = "passthrough"  # handle for real (the 201 / 200 entries of a script)
    REPLAY = "replay"  # handle for real twice and answer the second time (a 200 replay)
    DROP_RESPONSE = "drop_response"  # handle for real, then cut the connection: answer lost
    CAPTIVE_PORTAL = "captive_portal"  # 200 text/html, unsigned, nothing handled
    BAD_SIGNATURE = "bad_signature"  # handle for real, but sign with the wrong key


# The code and retryable flag a canned status answers with.
CANNED: dict[int, tuple[str, bool]] = {
    400: (ProblemCode.VALIDATION, False),
    401: (ProblemCode.BAD_SIGNATURE, False),
    403: (ProblemCode.FORBIDDEN, False),
    404: (ProblemCode.NOT_FOUND, False),
    409: (ProblemCode.IN_PROGRESS, True),
    410: (ProblemCode.UPLOAD_GONE, False),
    413: (ProblemCode.CHUNK_TOO_LARGE, True),
    422: (ProblemCode.VALIDATION, False),
    423: (ProblemCode.IN_PROGRESS, True),
    429: (ProblemCode.RATE_LIMITED, True),
    460: (ProblemCode.CHECKSUM_MISMATCH, True),
    500: (ProblemCode.INTERNAL, True),
    502: (ProblemCode.UNAVAILABLE, True),
    503: (ProblemCode.UNAVAILABLE, True),
    504: (ProblemCode.UNAVAILABLE, True),
}


@dataclass(frozen=True)
class Fault:
    """One scripted answer.

    ``method`` (e.g. "PUT") and ``path`` (a regular expression searched in the request path)
    choose which requests it applies to; None matches any. ``code`` overrides the problem
    code of a canned status (e.g. 422 ``manifest_conflict``).
    """

    kind: FaultKind
    status: int = 0
    retry_after: int | None = None
    method: str | None = None
    path: str | None = None
    code: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path is None or re.search(self.path, path) is not None

    @classmethod
    def answer(
        cls,
        status: int,
        *,
        retry_after: int | None = None,
        method: str | None = None,
        path: str | None = None,
        code: str | None = None,
    ) -> Fault:
        """A canned problem answer; 429 and 503 get ``Retry-After: 1`` unless told."""
        if retry_after is None and status in (429, 503):
            retry_after = 1
        return cls(FaultKind.STATUS, status, retry_after, method, path, code)

    @classmethod
    def passthrough(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        return cls(FaultKind.PASSTHROUGH, method=method, path=path)

    @classmethod
    def replay(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        return cls(FaultKind.REPLAY, method=method, path=path)

    @classmethod
    def drop_response(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        return cls(FaultKind.DROP_RESPONSE, method=method, path=path)

    @classmethod
    def captive_portal(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        return cls(FaultKind.CAPTIVE_PORTAL, method=method, path=path)

    @classmethod
    def bad_signature(cls, *, method: str | None = None, path: str | None = None) -> Fault:
        return cls(FaultKind.BAD_SIGNATURE, method=method, path=path)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "status": self.status,
            "retry_after": self.retry_after,
            "method": self.method,
            "path": self.path,
            "code": self.code,
        }

    @classmethod
    def from_dict(cls, obj: object) -> Fault:
        """From the /_control/faults JSON; raises ValueError when malformed."""
        if not isinstance(obj, dict):
            raise ValueError("a fault is an object")
        kind = FaultKind(str(obj.get("kind", FaultKind.STATUS)))
        status = obj.get("status", 0)
        retry_after = obj.get("retry_after")
        method, path, code = obj.get("method"), obj.get("path"), obj.get("code")
        if not isinstance(status, int) or (kind is FaultKind.STATUS and status not in CANNED):
            raise ValueError(f"status must be one of {sorted(CANNED)}")
        if retry_after is not None and not isinstance(retry_after, int):
            raise ValueError("retry_after must be an integer")
        for name, value in (("method", method), ("path", path), ("code", code)):
            if value is not None and not isinstance(value, str):
                raise ValueError(f"{name} must be a string")
        if kind is FaultKind.STATUS:
            return cls.answer(
                status,
                retry_after=retry_after,
                method=method,
                path=path,
                code=code,
            )
        return cls(kind, status, retry_after, method, path, code)


class FaultScript:
    """Thread-safe queue of faults; ``take`` removes and returns the first that matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self._used: list[tuple[str, str, Fault]] = []

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._queue.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(self._queue)

    def used(self) -> tuple[tuple[str, str, Fault], ...]:
        """(method, path, fault) of every fault applied so far, in order."""
        with self._lock:
            return tuple(self._used)

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._queue):
                if fault.matches(method, path):
                    del self._queue[i]
                    self._used.append((method, path, fault))
                    return fault
            return None

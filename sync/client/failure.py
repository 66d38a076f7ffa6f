"""What a failed exchange with the gateway means for the agent.

The classification is the heart of "one bad record never blocks the queue": each HTTP answer
(or its absence) maps to exactly one thing the agent does next. Keeping it a pure function of
(status, problem code) makes it testable without a network.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    RETRY = "retry"                        # transient: back off and try again, forever
    PAUSE_QUEUE = "pause_queue"            # auth refused: nothing will pass, say so to staff
    QUARANTINE = "quarantine"              # this application is bad; the queue goes on
    SMALLER_CHUNKS = "smaller_chunks"      # 413 on a PATCH
    RESEND_CHUNK = "resend_chunk"          # 460 checksum mismatch in transit
    RESYNC_OFFSET = "resync_offset"        # 409 offset mismatch: HEAD, then resume
    RESTART_DOCUMENT = "restart_document"  # 404/410 upload gone: create it again
    REUPLOAD_DOCUMENT = "reupload_document"  # 422 document_hash: the gateway reset to 0


@dataclass(frozen=True)
class Failure:
    """One failed exchange. ``status`` is None when no trustworthy answer came back."""

    action: Action
    status: int | None
    code: str
    detail: str
    retry_after_s: float | None = None

    def describe(self) -> str:
        where = "no link" if self.status is None else f"HTTP {self.status}"
        return f"{where} {self.code}: {self.detail}".strip()


class GatewayError(Exception):
    """Raised by the client; carries the classified failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.describe())
        self.failure = failure


def no_link(detail: str) -> Failure:
    """Network error, timeout, or an answer not signed by the gateway (captive portal)."""
    return Failure(Action.RETRY, None, "no_link", detail)


def classify(status: int, code: str, *, during_upload: bool) -> Action:
    """Map an HTTP status and problem code to the agent's next move.

    ``during_upload`` separates a PATCH's 409 (offset mismatch) from PUT/commit's 409
    (in_progress / documents_missing, both worth a retry).
    """
    match status:
        case 401 | 403:
            # clock_skew: the clock is learnt from the refusal; replayed: re-signed with a new Date
            action = Action.RETRY if code in ("clock_skew", "replayed") else Action.PAUSE_QUEUE
        case 413 if during_upload:
            action = Action.SMALLER_CHUNKS
        case 460:
            action = Action.RESEND_CHUNK
        case 404 | 410 if during_upload:
            action = Action.RESTART_DOCUMENT
        case 409 if during_upload and code != "in_progress":
            action = Action.RESYNC_OFFSET
        case 422 if code == "document_hash":
            action = Action.REUPLOAD_DOCUMENT
        case 408 | 409 | 423 | 425 | 429:
            action = Action.RETRY
        case _ if 400 <= status < 500:
            action = Action.QUARANTINE
        case _:
            action = Action.RETRY  # 5xx and anything unforeseen: never drop data on a guess
    return action

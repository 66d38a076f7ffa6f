"""What happened to one application in one attempt: the agent's only vocabulary for it."""

from __future__ import annotations

from dataclasses import dataclass

from sync.client.failure import Failure


@dataclass(frozen=True)
class Sent:
    receipt_no: str | None
    state: str


@dataclass(frozen=True)
class Quarantined:
    reason: str


@dataclass(frozen=True)
class RetryLater:
    """Transient: the queue backs off (Retry-After honoured) and tries again."""

    failure: Failure


@dataclass(frozen=True)
class QueuePaused:
    """Auth refused: nothing else will pass either; staff must be told."""

    failure: Failure


@dataclass(frozen=True)
class LeaseLost:
    holder: str


Outcome = Sent | Quarantined | RetryLater | QueuePaused | LeaseLost

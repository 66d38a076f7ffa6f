"""Status lookup that cannot list strangers' applications.

Application codes are sequential and their check digit is public, so anyone can type
``K01-000001-9``, ``K01-000002-4``... at the kiosk. A typed code therefore shows only where the
application is (its state). The masked name, the officer's note and the appointment date are shown
only to whoever holds the slip: its QR carries the code *and* a random lookup token (96 random
bits, kept only in the store and on the paper; see :mod:`kiosk.domain.lookup_code`). And lookups
are rate-limited (:class:`LookupLimiter`), so walking through the codes takes hours, not seconds.

Qt-free: the citizen UI calls :func:`look_up` off its thread and words the answer.
"""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.lookup_code import QR_SCHEME, parse_lookup_text, slip_qr_text
from kiosk.store.applications import SealedRecord, find_by_code
from kiosk.store.db import Store
from kiosk.store.schema import ApplicationState

__all__ = ["QR_SCHEME", "LookupAnswer", "LookupKind", "LookupLimiter", "look_up", "slip_qr_text"]


class LookupKind(StrEnum):
    FULL = "full"  # the slip's QR: code and token match
    STATE_ONLY = "state_only"  # a typed (or bare) code: the state, nothing about the person
    NOT_FOUND = "not_found"
    INVALID = "invalid"  # not a code (or a mistyped one: the check digit fails)
    THROTTLED = "throttled"  # too many lookups: wait ``wait_s`` seconds


@dataclass(frozen=True)
class LookupAnswer:
    kind: LookupKind
    code: str = ""
    record: SealedRecord | None = None  # FULL only
    state: ApplicationState | None = None  # FULL and STATE_ONLY
    gateway_state: str | None = None  # FULL and STATE_ONLY
    wait_s: int = 0  # THROTTLED only


class LookupLimiter:
    """At most ``per_minute`` lookups in any minute and ``per_hour`` in any hour, for the kiosk
    as a whole (a kiosk cannot tell people apart). Time from an injected monotonic clock."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic, *, per_minute: int = 6,
                 per_hour: int = 60) -> None:
        self._clock = monotonic
        self._windows = ((60.0, per_minute), (3600.0, per_hour))
        self._times: deque[float] = deque()

    def wait_s(self) -> int:
        """Seconds to wait before the next lookup is allowed (0: now)."""
        now = self._clock()
        while self._times and now - self._times[0] >= 3600.0:
            self._times.popleft()
        wait = 0.0
        for span, limit in self._windows:
            recent = [t for t in self._times if now - t < span]
            if len(recent) >= limit:
                wait = max(wait, recent[-limit] + span - now)
        return int(wait + 0.999)

    def take(self) -> int:
        """Count one lookup if allowed and return 0; else the seconds to wait (nothing counted)."""
        wait = self.wait_s()
        if wait == 0:
            self._times.append(self._clock())
        return wait


def look_up(store: Store, text: str, limiter: LookupLimiter) -> LookupAnswer:
    """Answer one lookup (blocking: call it off the GUI thread)."""
    parsed = parse_lookup_text(text)
    if parsed is None:
        return LookupAnswer(LookupKind.INVALID)
    code, token = parsed
    wait = limiter.take()
    if wait:
        return LookupAnswer(LookupKind.THROTTLED, code, wait_s=wait)
    record = find_by_code(store, code)
    if record is None:
        return LookupAnswer(LookupKind.NOT_FOUND, code)
    if token is not None:
        if record.lookup_token is None or not hmac.compare_digest(
            record.lookup_token.encode("ascii", "replace"), token.encode("ascii", "replace")
        ):
            return LookupAnswer(LookupKind.NOT_FOUND, code)  # a forged QR learns nothing more
        return LookupAnswer(LookupKind.FULL, code, record, record.state, record.gateway_state)
    return LookupAnswer(LookupKind.STATE_ONLY, code, None, record.state, record.gateway_state)

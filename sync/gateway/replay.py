"""The reference gateway's replay cache: a signed request is accepted once.

A request's signature covers its method, target, Date and body hash, and the gateway accepts a
Date up to 15 minutes off its clock. Within that window a recorded request could be sent again
(an OTP request: another SMS and a reset code; a wrong OTP: one more step to the lock). Ed25519
signatures are deterministic, so the signature itself is the request's fingerprint: it is kept
for twice the skew window (a Date 15 minutes ahead stays valid for 30 minutes of our clock) and
a second arrival is refused. The kiosk signs a deliberate repeat with a later Date.

In memory, per process: a restart forgets the last half hour (the idempotent endpoints make a
replay harmless anyway; the cache protects the OTP endpoints and the heartbeat).
"""

from __future__ import annotations

import heapq
import threading

MAX_ENTRIES = 200_000  # a busy province for half an hour; beyond, the oldest go first


class ReplayCache:
    def __init__(self, window_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self._keep_s = 2 * window_s
        self._max = max_entries
        self._seen: dict[str, float] = {}
        self._expiry: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def first_time(self, signature: str, now: float) -> bool:
        """True (and remembered) the first time a signature is seen within the window."""
        with self._lock:
            self._forget(now)
            if signature in self._seen:
                return False
            until = now + self._keep_s
            self._seen[signature] = until
            heapq.heappush(self._expiry, (until, signature))
            return True

    def _forget(self, now: float) -> None:
        while self._expiry and (self._expiry[0][0] <= now or len(self._seen) > self._max):
            _, signature = heapq.heappop(self._expiry)
            self._seen.pop(signature, None)

    def __len__(self) -> int:
        return len(self._seen)

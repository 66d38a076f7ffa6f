"""Capped, jittered exponential backoff with an injected clock and random source.

A commune link may be down for days: the agent retries transient failures forever, so the
waits must be bounded (cap) and spread out (full jitter) so that a province's kiosks do not
all hammer the gateway the second it comes back. The clock and the random source are passed
in so that tests can drive time without sleeping.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

BASE_S = 1.0
CAP_S = 300.0


@dataclass
class Backoff:
    """Decides how long to wait after the n-th consecutive failure.

    ``retry_after_s`` from a 429/503 answer wins over the computed delay (the server knows its
    load) but is still capped, so a misconfigured gateway cannot park the kiosk for a week.
    """

    clock: Callable[[], float]
    rand: Callable[[], float] = field(default=random.random)
    base_s: float = BASE_S
    cap_s: float = CAP_S
    failures: int = 0
    not_before: float = 0.0

    def delay_for(self, failures: int) -> float:
        """Full jitter: uniform in [base/2, min(cap, base * 2**failures)]."""
        ceiling = min(self.cap_s, self.base_s * (2.0 ** min(failures, 30)))
        floor = min(self.base_s / 2.0, ceiling)
        return floor + (ceiling - floor) * self.rand()

    def failed(self, retry_after_s: float | None = None) -> float:
        """Record a failure; return the delay chosen and remember when the next try may happen."""
        delay = self.delay_for(self.failures)
        if retry_after_s is not None:
            delay = min(self.cap_s, max(0.0, retry_after_s))
        self.failures += 1
        self.not_before = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        """Any success proves the link: start again from the shortest wait."""
        self.reset()

    def reset(self) -> None:
        """Forget failures (after a success, or when staff press "send now")."""
        self.failures = 0
        self.not_before = 0.0

    def remaining(self) -> float:
        """Seconds still to wait before the next attempt (0 when one may go now)."""
        return max(0.0, self.not_before - self.clock())

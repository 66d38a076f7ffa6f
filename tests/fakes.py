"""The test doubles shared by the whole suite: one clock for seconds, one for wall-clock datetimes.

Every module that needs a clock it can move by hand takes it from here (the suite once had nine
FakeClock classes, each with its own attribute name and start).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

FIXED_START = 1_795_000_000.0
"""2026-11-18 08:53 UTC: a fixed moment after the build, for clocks nothing real compares with."""


class FakeClock:
    """Seconds since the epoch that move only when the test moves them, or when code waits on it.

    Pass it where the code takes ``clock: Callable[[], float]``; give it ``wait`` too where the
    code sleeps through an injected waiter (the agent's backoff): waiting then costs no real time
    and is recorded in ``waits``.
    """

    def __init__(self, start: float = FIXED_START) -> None:
        self.now = start
        self.waits: list[float] = []

    @classmethod
    def from_real_time(cls) -> FakeClock:
        """A clock starting at the real time: for code that meets a real peer (a gateway on its
        own clock checks the Date of signed requests), then moved by hand."""
        return cls(time.time())

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


class FakeWallClock:
    """An aware datetime that moves only when the test moves it (``now =`` or ``advance``)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a wall clock gives aware datetimes")
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

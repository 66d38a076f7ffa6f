"""A clock testers can move on (`kiosk ctl clock +SECONDS`, the dev dock), for simulated kiosks.

Both the wall clock (confirmation time, appointment dates, queue-ticket days) and the monotonic
clock (idle timeout) move together, so "come back tomorrow" and "walk away for two minutes" can
be tried without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class ShiftableClock:
    def __init__(self, wall: Callable[[], datetime] = lambda: datetime.now(UTC),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._offset = 0.0
        self._lock = threading.Lock()

    def shift(self, seconds: float) -> float:
        """Move both clocks on (never back: time only moves forward); returns the total shift."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset

    def now(self) -> datetime:
        return self._wall() + timedelta(seconds=self._offset)

    def monotonic(self) -> float:
        return self._monotonic() + self._offset

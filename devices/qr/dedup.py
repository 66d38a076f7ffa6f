"""Duplicate-read suppression: a card held under the camera is one read, not thirty a second."""

from __future__ import annotations

from collections.abc import Callable


class DuplicateFilter:
    """Passes a payload once, then again only after it has been out of sight for ``window_s``.

    Every sighting refreshes the payload's time, so a card left in front of the camera stays
    one read however long it stays; taking it away and showing it again later reads it again.
    """

    def __init__(self, window_s: float, clock: Callable[[], float]) -> None:
        self._window_s = window_s
        self._clock = clock
        self._last_seen: dict[bytes, float] = {}

    def admit(self, payload: bytes) -> bool:
        """True when the payload should be handed on; records the sighting either way."""
        now = self._clock()
        self._last_seen = {p: t for p, t in self._last_seen.items() if now - t <= self._window_s}
        fresh = payload not in self._last_seen
        self._last_seen[payload] = now
        return fresh

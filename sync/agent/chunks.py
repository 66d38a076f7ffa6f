"""Chunk size that follows the link: 64 KiB on 2G, up to 1 MiB on a good line.

Small chunks lose little when a link drops (at most one chunk is resent) but pay a request's
overhead each; large ones are efficient but a cut costs more and a slow link may time out. So
the size aims at a chunk taking about ``target_s`` on the measured rate, halves on a cut or a
413, and never leaves [64 KiB, min(1 MiB, the gateway's X-Max-Chunk)].
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_CHUNK = 64 * 1024
MAX_CHUNK = 1024 * 1024
TARGET_S = 4.0


@dataclass
class ChunkSizer:
    size: int = MIN_CHUNK
    ceiling: int = MAX_CHUNK
    floor: int = MIN_CHUNK
    target_s: float = TARGET_S
    rate_bps: float | None = None  # last measured bytes/s

    def limit(self, gateway_max: int) -> None:
        """Apply the gateway's published X-Max-Chunk (it may be below our floor)."""
        self.ceiling = max(1, min(MAX_CHUNK, gateway_max))
        self.floor = min(MIN_CHUNK, self.ceiling)
        self.size = self._clamp(self.size)

    def _clamp(self, n: int) -> int:
        return max(self.floor, min(self.ceiling, n))

    def observe(self, nbytes: int, seconds: float) -> None:
        """A chunk of ``nbytes`` was acknowledged after ``seconds``: aim the next one."""
        if nbytes <= 0:
            return
        self.rate_bps = nbytes / max(seconds, 1e-3)
        ideal = int(self.rate_bps * self.target_s)
        # Grow at most 2x per chunk so one lucky measurement cannot overshoot a 2G link.
        self.size = self._clamp(min(ideal, self.size * 2))

    def shrink(self) -> None:
        """A cut or a 413: halve."""
        self.size = self._clamp(self.size // 2)

    def too_large(self, sent: int) -> None:
        """413: the gateway refused ``sent`` bytes; never try that much again on this link."""
        self.ceiling = max(1, min(self.ceiling, sent // 2))
        self.floor = min(self.floor, self.ceiling)
        self.size = self._clamp(sent // 2)

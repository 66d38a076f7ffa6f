"""The reference gateway's replay cache: a signed request is accepted once.

A request's signature covers its method, target, Date and body hash, and the gateway accepts a
Date up to 15 minutes off its clock. Within that window a recorded request could be sent again
(an OTP request: another SMS and a reset code; a wrong OTP: one more step to the lock). Ed25519
signatures are deterministic, so the signature itself is the request's fingerprint: it is kept
until its Date leaves the window (Date + 15 minutes, plus a minute for the clocks of several
gateway hosts) and a second arrival is refused. The kiosk signs a deliberate repeat with a later
Date. After that the request is refused for its Date anyway (401 ``clock_skew``).

Two kinds, one question (``first_time``):

- ``ReplayCache``: in memory, for the embedded SQLite gateway (one process). A restart forgets
  the last quarter hour (the idempotent endpoints make a replay harmless anyway; the cache
  protects the OTP endpoints and the heartbeat).
- ``SharedReplayCache``: in the PostgreSQL database every gateway process shares (gunicorn
  workers, several ``python -m sync.gateway``), so a request replayed to another process is
  refused as it is by the same one. One row per signature (SHA-256 of it, the primary key) with
  its expiry; ``INSERT ... ON CONFLICT`` says in one autocommitted statement, atomically across
  processes, whether it is new. It does not take the gateway's write lock (reads stay parallel).
  Expired rows are swept in bounded batches by whichever process comes by. The table is
  UNLOGGED (no WAL per request): PostgreSQL empties it after a crash or on a failover to a
  standby, which forgets at most the last quarter hour, as a restart of one process forgets its
  in-memory cache; a clean restart of PostgreSQL keeps it.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sync.gateway.store import GatewayStore

MAX_ENTRIES = 200_000  # a busy province for a quarter hour; beyond, the oldest go first
CLOCKS_MARGIN_S = 60.0  # kept this much past the window: other gateway hosts' clocks may lag
SWEEP_EVERY_S = 30.0  # a process sweeps expired rows at most this often...
SWEEP_BATCH = 2_000  # ...this many at a time (again at the next request while batches are full)

SHARED_SCHEMA = """
CREATE UNLOGGED TABLE IF NOT EXISTS seen_signatures (
    digest     BLOB PRIMARY KEY,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_signatures_by_expiry ON seen_signatures (expires_at);
"""


class SeenSignatures(Protocol):
    def first_time(self, signature: str, now: float, date: float) -> bool:
        """True (and remembered) the first time ``signature`` (of a request dated ``date``,
        already checked to be within the window of ``now``) is seen."""
        ...


class ReplayCache:
    """In memory, one process (the embedded SQLite gateway)."""

    def __init__(self, window_s: float, max_entries: int = MAX_ENTRIES) -> None:
        self._window_s = window_s
        self._max = max_entries
        self._seen: dict[str, float] = {}
        self._expiry: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def first_time(self, signature: str, now: float, date: float) -> bool:
        with self._lock:
            self._forget(now)
            if signature in self._seen:
                return False
            until = date + self._window_s + CLOCKS_MARGIN_S
            self._seen[signature] = until
            heapq.heappush(self._expiry, (until, signature))
            return True

    def _forget(self, now: float) -> None:
        while self._expiry and (self._expiry[0][0] < now or len(self._seen) > self._max):
            _, signature = heapq.heappop(self._expiry)
            self._seen.pop(signature, None)

    def __len__(self) -> int:
        return len(self._seen)


class SharedReplayCache:
    """In the database the gateway processes share (PostgreSQL)."""

    def __init__(self, store: GatewayStore, window_s: float, *,
                 sweep_every_s: float = SWEEP_EVERY_S, sweep_batch: int = SWEEP_BATCH) -> None:
        self._store = store
        self._window_s = window_s
        self._sweep_every_s = sweep_every_s
        self._sweep_batch = sweep_batch
        self._next_sweep = float("-inf")
        self._sweeping = threading.Lock()
        with store.tx() as conn:  # the write lock: processes starting together create it once
            conn.executescript(SHARED_SCHEMA)

    def first_time(self, signature: str, now: float, date: float) -> bool:
        digest = hashlib.sha256(signature.encode("ascii", "replace")).digest()
        until = date + self._window_s + CLOCKS_MARGIN_S
        with self._store.read() as conn:  # one statement, autocommitted: no write lock needed
            cur = conn.execute(
                "INSERT INTO seen_signatures (digest, expires_at) VALUES (?, ?) "
                "ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at "
                "WHERE seen_signatures.expires_at < ?",  # an expired row not yet swept
                (digest, until, now))
            new = cur.rowcount == 1
        self._maybe_sweep(now)
        return new

    def _maybe_sweep(self, now: float) -> None:
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            swept = self.sweep(now)
            # a full batch: more are waiting, the next request sweeps again
            self._next_sweep = now if swept >= self._sweep_batch else now + self._sweep_every_s
        finally:
            self._sweeping.release()

    def sweep(self, now: float) -> int:
        """Delete at most one batch of rows expired at ``now``; how many were deleted. Rows
        another process is deleting at the same moment are skipped, not waited for."""
        with self._store.read() as conn:
            cur = conn.execute(
                "DELETE FROM seen_signatures WHERE digest IN (SELECT digest FROM seen_signatures "
                "WHERE expires_at < ? ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED)",
                (now, self._sweep_batch))
            return max(0, cur.rowcount)

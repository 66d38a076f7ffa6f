"""The clock guard of a running kiosk: evidence read from its store, its data and its build
(see :mod:`kiosk.clock_trust`)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.build_info import build_time
from kiosk.clock_trust import ClockGuard, time_of_version
from kiosk.store.db import Store
from sync.api import UPDATE_KINDS, UpdateLayout


def data_time(data_dir: Path) -> float | None:
    """The newest ``published_at`` the gateway signed on the catalog/holiday updates applied (a
    version label such as "2026.12-..." is not used: a catalog may be named for next month)."""
    times: list[float | None] = []
    layout = UpdateLayout(data_dir)
    for kind in UPDATE_KINDS:
        try:
            applied = layout.applied(kind)
        except (OSError, ValueError):
            applied = None
        if applied is not None:
            times.append(time_of_version(applied.published_at))
    known = [t for t in times if t is not None]
    return max(known) if known else None


def store_clock_guard(store: Store, *, data_dir: Path, now: Callable[[], float] = time.time) -> ClockGuard:
    def read_state(key: str) -> str | None:
        try:
            rows = store.query("SELECT value FROM sync_state WHERE key = ?", (key,))
        except sqlite3.Error:
            return None
        return None if not rows else rows[0][0]

    def last_seal_time() -> float | None:
        rows = store.query("SELECT MAX(confirmed_at) FROM applications")
        return time_of_version(rows[0][0]) if rows and rows[0][0] else None

    return ClockGuard(read_state=read_state, last_seal_time=last_seal_time,
                      build_time=build_time(), data_time=data_time(data_dir), now=now)

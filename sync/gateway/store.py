"""One SQLite connection shared by the handler threads, serialised by a lock.

The reference gateway favours obviously-correct over fast: every transaction holds the lock
and runs BEGIN IMMEDIATE, so no two handlers ever interleave their reads and writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sync.gateway.db import SCHEMA, open_db
from sync.gateway.sql import PgConnection, is_postgres_url, open_postgres


class GatewayStore:
    """``database_url`` ``postgresql://...`` puts the rows in PostgreSQL (several gateway
    processes may share it; uploaded files stay under ``data_dir``, which they share too);
    otherwise SQLite in ``data_dir`` (the embedded default)."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.postgres = is_postgres_url(database_url)
        if self.postgres:
            assert database_url is not None
            data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = open_postgres(database_url, SCHEMA)
        else:
            self._conn = open_db(data_dir)
        self._lock = threading.RLock()

    def try_lock(self, key: str) -> bool:
        """A lock on ``key`` across gateway processes (PostgreSQL: an advisory lock; SQLite:
        one process per database, the in-process locks suffice)."""
        conn: object = self._conn
        if not isinstance(conn, PgConnection):
            return True
        with self._lock:
            return conn.try_lock(key)

    def unlock(self, key: str) -> None:
        conn: object = self._conn
        if isinstance(conn, PgConnection):
            with self._lock:
                conn.unlock(key)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; rolled back if the block raises."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def kiosk_key(self, kiosk_id: str) -> str | None:
        with self.read() as conn:
            row = conn.execute(
                "SELECT public_key FROM kiosks WHERE kiosk_id = ?", (kiosk_id,)
            ).fetchone()
        return None if row is None else str(row["public_key"])


def next_counter(conn: sqlite3.Connection, name: str) -> int:
    """Increment and return a named counter (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1",
        (name,),
    )
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    return int(row["value"])

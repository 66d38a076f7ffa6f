"""The gateway's rows: SQLite (one connection shared by the handler threads, serialised by a
lock) or PostgreSQL (a pool of connections per process, lent one to a thread at a time).

The reference gateway favours obviously-correct over fast: every write transaction runs
BEGIN IMMEDIATE (SQLite) or takes the one advisory write lock (PostgreSQL), so no two writers
ever interleave, in one process or across processes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sync.gateway.db import SCHEMA, open_db
from sync.gateway.private import private_dir
from sync.gateway.sql import PgConnection, is_postgres_url, open_pool

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

DEFAULT_POOL_SIZE = 8  # connections per gateway process (PostgreSQL's default limit is 100)
ENV_POOL_SIZE = "DVC_GATEWAY_DB_POOL"


class _Lent(threading.local):
    """This thread's borrowed PostgreSQL connection, how deep it is borrowed, and the upload
    locks it holds (a session advisory lock lives on its connection, so the thread keeps that
    connection, and uses it for everything else, until the last lock is released)."""

    conn: PgConnection | None = None
    depth: int = 0
    locks: int = 0
    sessions: int = 0  # inside a request: keep the connection, once borrowed, to its end


class DatabaseUnavailableError(Exception):
    """No database connection within the pool's timeout (PostgreSQL down, unreachable, or every
    connection busy): the request may be sent again later."""


class GatewayStore:
    """``database_url`` ``postgresql://...`` puts the rows in PostgreSQL (several gateway
    processes may share it); otherwise SQLite in ``data_dir`` (the embedded default).
    ``pool_size``: the most PostgreSQL connections this process opens."""

    def __init__(self, data_dir: Path, database_url: str | None = None,
                 pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self.data_dir = data_dir
        self.postgres = is_postgres_url(database_url)
        self._lock = threading.RLock()
        self._pool: ConnectionPool[Any] | None = None
        self._lent = _Lent()
        if self.postgres:
            assert database_url is not None
            private_dir(data_dir)
            self._pool = open_pool(database_url, SCHEMA, max(1, pool_size))
        else:
            self._sqlite = open_db(data_dir)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """SQLite's one connection under the lock, or a pooled PostgreSQL connection lent to this
        thread (the one it already has, if it has one: a thread never waits for a second)."""
        if self._pool is None:
            with self._lock:
                yield self._sqlite
            return
        lent = self._lent
        if lent.conn is None:
            from psycopg_pool import PoolTimeout

            try:
                lent.conn = PgConnection(self._pool.getconn())
            except PoolTimeout as exc:
                raise DatabaseUnavailableError(str(exc)) from exc
        lent.depth += 1
        try:
            yield cast(sqlite3.Connection, lent.conn)  # the desks' dialect (sync.gateway.sql)
        finally:
            lent.depth -= 1
            self._give_back_if_free()

    def _give_back_if_free(self) -> None:
        lent = self._lent
        if lent.conn is not None and lent.depth == 0 and lent.locks == 0 and lent.sessions == 0:
            conn, lent.conn = lent.conn, None
            assert self._pool is not None
            self._pool.putconn(conn.pg)

    @contextmanager
    def session(self) -> Iterator[None]:
        """One request's use of the database: on PostgreSQL the connection the thread borrows
        at its first statement stays lent to it until the request ends (one pool check per
        request, not one per statement group; a request that needs no database, /v1/ping,
        borrows none); on SQLite nothing (its one connection is taken group by group)."""
        if self._pool is None:
            yield
            return
        lent = self._lent
        lent.sessions += 1
        try:
            yield
        finally:
            lent.sessions -= 1
            self._give_back_if_free()

    def try_lock(self, key: str) -> bool:
        """A lock on ``key`` across gateway processes (PostgreSQL: a session advisory lock;
        SQLite: one process per database, the in-process locks suffice)."""
        if self._pool is None:
            return True
        with self._connection() as conn:
            taken = cast(PgConnection, conn).try_lock(key)
            if taken:
                self._lent.locks += 1
        return taken

    def unlock(self, key: str) -> None:
        if self._pool is None:
            return
        lent = self._lent
        assert lent.conn is not None, "unlock without try_lock"
        assert lent.locks > 0, "unlock without try_lock"
        try:
            if not (lent.conn.pg.closed or lent.conn.pg.broken):
                lent.conn.unlock(key)
        finally:
            lent.locks -= 1
            self._give_back_if_free()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            return
        with self._lock:
            self._sqlite.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; rolled back if the block raises."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._connection() as conn:
            yield conn

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

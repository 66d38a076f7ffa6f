"""The gateway's database: SQLite (embedded default) or PostgreSQL (a province, several processes).

The desks speak one small SQL dialect, SQLite's as written in ``db.SCHEMA`` and the modules:
``?`` placeholders, ``INSERT OR IGNORE``, ``INSERT OR REPLACE``, ``REAL``/``BLOB``/``INTEGER``
columns, rows read by column name or position. ``PgConnection`` runs the same statements on
PostgreSQL (psycopg 3) by translating them, so every desk works unchanged on either.

Cross-process guarantees on PostgreSQL: every write transaction first takes one transaction-level
advisory lock (the equivalent of SQLite's ``BEGIN IMMEDIATE``: one writer at a time across all
gateway processes), so a read-then-insert (de-duplication, commit, offsets) is atomic across
processes exactly as it is across threads; ``try_lock`` gives a session-level advisory lock per
key (an upload being PATCHed) so two processes never write one upload at the same time.

Each gateway process keeps a pool of connections (psycopg_pool, ``open_pool``): reads of
different requests run side by side, writers queue in PostgreSQL on the advisory lock.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

WRITE_LOCK_ID = 0x6476_634B  # "dvcK": the one writer-at-a-time lock
POOL_TIMEOUT_S = 10.0  # a request waits this long for a connection, then 503 (retryable)
# INSERT OR REPLACE needs the conflict target in PostgreSQL: the primary key of each table.
PRIMARY_KEYS = {
    "otps": ("application_id",),
    "otp_codes": ("application_id",),
    "vneid_tokens": ("token",),
}
_INSERT_OR = re.compile(
    r"INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)(.*)$",
    re.IGNORECASE | re.DOTALL)


def is_postgres_url(url: str | None) -> bool:
    return url is not None and url.startswith(("postgresql://", "postgres://"))


def translate(sql: str) -> str:
    """One statement of the SQLite dialect in PostgreSQL's."""
    out = sql.replace("%", "%%").replace("?", "%s")
    match = _INSERT_OR.match(out.strip())
    if match is not None:
        kind, table, cols, rest = match.groups()
        head = f"INSERT INTO {table} ({cols}){rest.rstrip().rstrip(';')}"
        if kind.upper() == "IGNORE":
            out = f"{head} ON CONFLICT DO NOTHING"
        else:
            keys = PRIMARY_KEYS[table]
            names = [c.strip() for c in cols.split(",")]
            sets = ", ".join(f"{c} = excluded.{c}" for c in names if c not in keys)
            out = f"{head} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    return out


def translate_schema(schema: str) -> list[str]:
    """SQLite DDL as PostgreSQL statements (types widened: INTEGER is BIGINT)."""
    statements = [s.strip() for s in re.sub(r"--[^\n]*", "", schema).split(";")]
    out = []
    for statement in statements:
        if not statement:
            continue
        pg = re.sub(r"\bREAL\b", "DOUBLE PRECISION", statement)
        pg = re.sub(r"\bBLOB\b", "BYTEA", pg)
        out.append(re.sub(r"\bINTEGER\b", "BIGINT", pg))
    return out


class Row:
    """A row readable by column name and by position, like ``sqlite3.Row``."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: Sequence[str], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._names.index(key)]

    def keys(self) -> list[str]:
        return list(self._names)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)


class _Cursor:
    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Row]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class PgConnection:
    """The subset of ``sqlite3.Connection`` the desks use, on one PostgreSQL connection borrowed
    from the gateway's pool. Not thread-safe: GatewayStore lends it to one thread at a time.

    A connection lost (database restarted, network cut) is found by the pool's check when it is
    next borrowed, and replaced (``pool_check``); a loss met in the middle of a request fails that
    request (retryable 500: the kiosk tries again), and a transaction is gone with its
    connection, so nothing half-done remains."""

    def __init__(self, pg: psycopg.Connection[Any]) -> None:
        import psycopg  # only a province's gateway needs it (extra "gateway-postgres")

        self.pg = pg
        self._integrity_error: type[Exception] = psycopg.errors.IntegrityError
        self._in_tx = False

    def _run(self, query: str | bytes, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        if self.pg.closed or self.pg.broken:
            raise sqlite3.OperationalError("database connection lost")
        try:
            return self.pg.execute(query, tuple(params))
        except self._integrity_error as exc:  # what the desks catch, as on SQLite
            raise sqlite3.IntegrityError(str(exc)) from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Cursor:
        text = sql.strip().upper()
        if text in ("BEGIN IMMEDIATE", "BEGIN"):
            self._run("BEGIN")
            self._in_tx = True
            self._run("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_ID,))
            return _Cursor([], 0)
        if text in ("COMMIT", "ROLLBACK"):
            try:
                if not (self.pg.closed or self.pg.broken):
                    self.pg.execute(text)
                elif text == "COMMIT":
                    raise sqlite3.OperationalError("database connection lost before COMMIT")
            finally:
                self._in_tx = False
            return _Cursor([], 0)
        if text.startswith("CREATE "):
            self.executescript(sql)
            return _Cursor([], 0)
        cur = self._run(translate(sql).encode("utf-8"), params)
        if cur.description is None:
            return _Cursor([], cur.rowcount)
        names = [d.name for d in cur.description]
        return _Cursor([Row(names, _values(r)) for r in cur.fetchall()], cur.rowcount)

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> _Cursor:
        with self.pg.cursor() as cur:
            cur.executemany(translate(sql).encode("utf-8"), [tuple(p) for p in seq])
            return _Cursor([], cur.rowcount)

    def executescript(self, script: str) -> None:
        for statement in translate_schema(script):
            self._run(statement.encode("utf-8"))

    def try_lock(self, key: str) -> bool:
        row = self._run("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))",
                        (key,)).fetchone()
        return bool(row and row[0])

    def unlock(self, key: str) -> None:
        self._run("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))


def pool_check(pg: psycopg.Connection[Any]) -> None:
    """The pool's check of a connection it lends: a lost one is logged and replaced."""
    try:
        pg.execute("")
    except Exception:
        log.warning("database connection lost: connecting again")
        raise


def open_pool(url: str, schema: str, max_size: int) -> ConnectionPool[Any]:
    """A pool of up to ``max_size`` connections to ``url`` (the tables created first)."""
    from psycopg_pool import ConnectionPool

    pool: ConnectionPool[Any] = ConnectionPool(
        url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, open=True,
        check=pool_check, timeout=POOL_TIMEOUT_S, name="dvc-gateway")
    try:
        with pool.connection() as pg:
            conn = PgConnection(pg)
            with _schema_lock(conn):
                conn.executescript(schema)
    except BaseException:
        pool.close()
        raise
    return pool


def _values(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


@contextmanager
def _schema_lock(conn: PgConnection) -> Iterator[None]:
    """Two processes starting at once must not both create the same tables."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")

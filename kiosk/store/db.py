"""Opening the store: one SQLite file in WAL mode with ``synchronous=FULL``, migrated on open.

WAL lets the sync agent read while the kiosk seals; ``synchronous=FULL`` makes a commit that has
returned survive a power cut, which is what "the slip prints only after the row is on disk"
relies on. Every write goes through :meth:`Store.write` (``BEGIN IMMEDIATE``), so the write lock
is taken up front and an environment failure surfaces as :class:`StoreUnavailable`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.store import core, seqmark
from kiosk.store.core import iso_utc, parse_iso_utc, utc_now
from kiosk.store.errors import StoreTooNewError, classify
from kiosk.store.files import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, ensure_dir, make_private
from kiosk.store.health import check_before_open, check_integrity, damaged_store
from kiosk.store.schema import DOCS_DIRNAME, MIGRATIONS, SCHEMA_VERSION

Clock = Callable[[], datetime]

DEFAULT_BUSY_TIMEOUT_MS = core.BUSY_TIMEOUT_MS

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_MS",
    "Clock",
    "Store",
    "connect",
    "iso_utc",
    "migrate",
    "open_store",
    "parse_iso_utc",
    "utc_now",
]


class Store:
    """An open store: the connection, its data directory and its clock.

    One connection, usable from any thread: a lock serialises its use, so a worker thread may
    seal while the UI thread lists. Close it (or use it as a context manager). Write through
    :meth:`write` (one transaction per call).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock) -> None:
        self.conn = conn
        self.path = path
        self.data_dir = path.parent
        self.docs_dir = path.parent / DOCS_DIRNAME
        self.clock = clock
        self._lock = threading.RLock()
        self._seq_noted = 0

    def now_text(self) -> str:
        """The injected clock's time in the store's format."""
        return iso_utc(self.clock())

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on normal exit, rolled back otherwise.

        Environment failures (disk full, read-only, busy, I/O) are re-raised as
        ``StoreUnavailable``; bugs propagate unchanged.
        """
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                unavailable = classify(exc)
                if unavailable is not None and unavailable is not exc:
                    raise unavailable from exc
                raise
            # after the commit: a kiosk_seq it made real goes to the mark file (never raises)
            self._seq_noted = seqmark.note_committed(self.conn, self._seq_noted)

    @contextmanager
    def write_lock(self) -> Iterator[sqlite3.Connection]:
        """This store's lock without a transaction, for helpers that run their own (purge)."""
        with self._lock:
            yield self.conn

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        """All rows of one read (rows addressable by column name)."""
        with self._lock:
            try:
                return list(self.conn.execute(sql, params).fetchall())
            except sqlite3.OperationalError as exc:
                unavailable = classify(exc)
                if unavailable is not None:
                    raise unavailable from exc
                raise

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file forward to ``target`` in one transaction; returns the version found.

    A file already at ``target`` is only read, so opening never waits for another process's
    write lock (the agent opens while the kiosk seals). ``target`` below the current version
    exists for tests that build an old file.
    """
    found = _user_version(conn)
    if found > SCHEMA_VERSION:
        raise StoreTooNewError(f"store schema {found} is newer than this kiosk's {SCHEMA_VERSION}")
    if found >= target:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _user_version(conn)  # another process may have migrated meanwhile
        for version in range(found, target):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        if target > found:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def connect(path: Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A raw connection with the store's pragmas (see :func:`kiosk.store.core.connect`)."""
    return core.connect(path, busy_timeout_ms=busy_timeout_ms)


DATA_DIR_MODE = 0o711
"""The data folder: others may pass through (node_exporter reads ``metrics/``) but not list it;
the database, ``docs/``, ``keys/`` and the rest inside are the kiosk user's only."""


def _prepare_private_files(path: Path) -> None:
    """Create the data folder and an empty database file with private modes (whatever the
    umask), and tighten the modes an older kiosk left (0644 database, 0755 ``docs/``)."""
    folder = path.parent
    if not folder.is_dir():
        ensure_dir(folder.parent)
        with suppress(FileExistsError):
            folder.mkdir(mode=DATA_DIR_MODE)
            folder.chmod(DATA_DIR_MODE)
    if not path.exists():
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        make_private(folder / name)
    make_private(folder / DOCS_DIRNAME, PRIVATE_DIR_MODE)


def open_store(
    path: Path,
    *,
    clock: Clock = utc_now,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    target_version: int = SCHEMA_VERSION,
    check: bool = True,
) -> Store:
    """Open (creating if needed), check and migrate the store at ``path``.

    Documents live beside it in ``<path's folder>/docs``. Before anything is written,
    ``check`` refuses (``StoreRefusedError``, one line for the technician, nothing changed) a
    store that is missing or empty while documents exist, that fails ``PRAGMA integrity_check``,
    or whose kiosk_seq mark is unreadable. Raises ``StoreUnavailable`` when the environment
    prevents it (read-only, disk full, locked) and ``StoreTooNewError`` for a newer file.
    """
    if check:
        check_before_open(path)
    try:
        _prepare_private_files(path)
        conn = connect(path, busy_timeout_ms)
    except (sqlite3.DatabaseError, OSError) as exc:
        unavailable = classify(exc, path.parent)
        if unavailable is not None:
            raise unavailable from exc
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            raise damaged_store(path, str(exc)) from exc
        raise
    try:
        if check:
            check_integrity(conn, path)
        migrate(conn, target_version)
    except BaseException as exc:
        conn.close()
        unavailable = classify(exc, path.parent)
        if unavailable is not None:
            raise unavailable from exc
        raise
    store = Store(conn, path, clock)
    store._seq_noted = seqmark.note_committed(conn)  # an upgraded kiosk's first mark
    return store

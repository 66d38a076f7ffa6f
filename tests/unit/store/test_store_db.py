"""Opening, pragmas, migrations from an old file, and the two kinds of errors."""

from __future__ import annotations

import errno
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import (
    SCHEMA_VERSION,
    Store,
    StoreTooNewError,
    StoreUnavailable,
    Unavailability,
    open_store,
)
from kiosk.store.core import BUSY_TIMEOUT_MS
from kiosk.store.db import connect
from kiosk.store.errors import classify
from kiosk.store.schema import MIGRATIONS

RATING = "INSERT INTO ratings(rating_id, at, score) VALUES (?, '2025-01-01T00:00:00Z', ?)"


def _pragma(store: Store, name: str) -> object:
    return store.query(f"PRAGMA {name}")[0][0]


def test_store_is_wal_full_sync_with_foreign_keys_and_current_schema(store: Store) -> None:
    assert _pragma(store, "journal_mode") == "wal"
    assert _pragma(store, "synchronous") == 2  # FULL
    assert _pragma(store, "foreign_keys") == 1
    assert _pragma(store, "user_version") == SCHEMA_VERSION
    assert _pragma(store, "busy_timeout") == BUSY_TIMEOUT_MS  # one timeout for every process
    assert _pragma(store, "secure_delete") == 1


def _columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: sorted(r[1] for r in conn.execute(f"PRAGMA table_info({t})")) for t in tables}


def test_a_version_1_file_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with open_store(path, target_version=1) as old:
        assert _pragma(old, "user_version") == 1
        with old.write() as conn:
            conn.execute("UPDATE counters SET value = 7 WHERE name = 'kiosk_seq'")
            conn.execute(
                "INSERT INTO applications VALUES ('a1', 7, 'TQ1-7', 'HT-KT', '1', 'Lê T.', "
                "'2025-01-02T03:04:05Z', '2025-01-03', 'queued', '{}', 'ab', NULL, NULL, NULL, "
                "NULL, '2025-01-02T03:04:05Z', '2025-01-02T03:04:05Z')"
            )
            conn.execute(
                "INSERT INTO documents VALUES ('a1', 'd1', 'cccd', 1, 10, 'cd', 'application/pdf', "
                "'docs/a1/d1')"
            )
            conn.execute("INSERT INTO ratings VALUES ('r1', '2025-01-02T03:04:05Z', NULL, 3)")

    with open_store(path) as migrated:
        assert _pragma(migrated, "user_version") == SCHEMA_VERSION
        app = migrated.query("SELECT * FROM applications")[0]
        assert (app["kiosk_seq"], app["state"], app["attempts"], app["damaged_reason"]) == (
            7,
            "queued",
            0,
            None,
        )
        assert migrated.query("SELECT upload_offset FROM documents")[0][0] == 0
        assert migrated.query("SELECT sent_at FROM ratings")[0][0] is None
        assert migrated.query("SELECT value FROM counters")[0][0] == 7
        migrated_columns = _columns(migrated.conn)

    fresh_conn = connect(tmp_path / "fresh.sqlite3")
    try:
        fresh_conn.execute("BEGIN")
        for version in MIGRATIONS:
            for statement in version:
                fresh_conn.execute(statement)
        fresh_conn.execute("COMMIT")
        assert _columns(fresh_conn) == migrated_columns
    finally:
        fresh_conn.close()


def test_reopening_a_current_file_changes_nothing(store_path: Path) -> None:
    with open_store(store_path) as first:
        first.conn.execute(RATING, ("r", 2))
    with open_store(store_path) as second:
        assert second.query("SELECT count(*) FROM ratings")[0][0] == 1
        assert _pragma(second, "user_version") == SCHEMA_VERSION


def test_a_file_from_a_newer_kiosk_is_refused(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreTooNewError):
        open_store(store_path)


def test_a_lock_held_too_long_is_unavailable_not_a_bug(store_path: Path) -> None:
    with open_store(store_path) as holder, open_store(store_path, busy_timeout_ms=20) as other:
        with holder.write(), pytest.raises(StoreUnavailable) as caught, other.write():
            pass
        assert caught.value.reason is Unavailability.BUSY
        assert "locked" in str(caught.value)
        with other.write() as conn:  # free again once the holder commits
            conn.execute(RATING, ("r", 1))


def test_a_bug_propagates_unchanged_and_rolls_back(store: Store) -> None:
    def insert_twice() -> None:
        with store.write() as conn:
            conn.execute(RATING, ("r", 1))
            conn.execute(RATING, ("r", 1))

    with pytest.raises(sqlite3.IntegrityError):
        insert_twice()
    assert store.query("SELECT count(*) FROM ratings")[0][0] == 0
    assert not store.conn.in_transaction


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, Unavailability.DISK_FULL),
        (errno.EROFS, Unavailability.READ_ONLY),
        (errno.EIO, Unavailability.IO_ERROR),
    ],
)
def test_os_errors_of_the_environment_are_classified(code: int, reason: Unavailability) -> None:
    found = classify(OSError(code, "boom"))
    assert found is not None
    assert found.reason is reason


def test_other_errors_are_bugs() -> None:
    assert classify(OSError(errno.ENOENT, "gone")) is None
    assert classify(ValueError("x")) is None
    assert classify(sqlite3.OperationalError("no such table: x")) is None


def test_a_read_only_database_is_unavailable_not_a_bug(store: Store) -> None:
    store.conn.execute("PRAGMA query_only = 1")  # what a read-only remount looks like to SQLite
    with pytest.raises(StoreUnavailable) as caught, store.write() as conn:
        conn.execute(RATING, ("r", 1))
    assert caught.value.reason is Unavailability.READ_ONLY
    assert str(caught.value).startswith("the kiosk's storage is read-only")


def test_the_schema_module_sync_imports_pulls_in_no_qt_and_no_sync() -> None:
    code = (
        "import sys, kiosk.store.schema; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'sync', 'devices')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"

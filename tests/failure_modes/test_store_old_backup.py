"""A store restored from an old backup knows fewer applications than docs/ holds: refuse.

The newer applications' documents would otherwise look orphaned and be removed. The kiosk
refuses to start with one line for the technician and changes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.failure_modes.store_cli import (
    documents_snapshot,
    kiosk,
    kiosk_with_applications,
    one_line,
    store_file,
)


def _backup(db: Path, to: Path) -> None:
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def test_an_old_backup_refuses_to_start_and_keeps_newer_documents(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 1)
    db = store_file(config)
    _backup(db, tmp_path / "backup.sqlite3")
    assert kiosk(config, "sim", "submit", "--count", "3", "--seed", "2").returncode == 0
    before = documents_snapshot(config)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _backup(tmp_path / "backup.sqlite3", db)

    done = kiosk(config, "sim", "submit", "--count", "1", "--seed", "3")

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "docs" in line
    assert "nothing was changed" in line
    assert documents_snapshot(config) == before

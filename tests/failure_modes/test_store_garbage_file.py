"""A kiosk.sqlite3 that is garbage or truncated (a failing SD card) refuses to start, one line.

Before the fix the kiosk died with a ``sqlite3.DatabaseError`` traceback (or, worse, worked on
a half-readable file); ``kiosk sync status`` and the agent (``kiosk sync once``) did the same.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.failure_modes.store_cli import (
    checkpoint,
    documents_snapshot,
    kiosk,
    kiosk_with_applications,
    one_line,
    store_file,
)


def _garbage(db: Path) -> None:
    db.write_bytes(os.urandom(64 * 1024))


def _truncated(db: Path) -> None:
    checkpoint(db)
    raw = db.read_bytes()
    db.write_bytes(raw[: len(raw) // 2])


def _scribbled(db: Path) -> None:
    """A page in the middle overwritten: the header is fine, the b-tree is not."""
    checkpoint(db)
    raw = bytearray(db.read_bytes())
    page = 4096
    assert len(raw) >= 4 * page
    raw[2 * page : 3 * page] = os.urandom(page)
    db.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    "damage", [_garbage, _truncated, _scribbled], ids=["garbage", "truncated", "scribbled"]
)
@pytest.mark.parametrize(
    "command",
    [("sim", "submit", "--count", "1"), ("sync", "status"), ("sync", "once")],
    ids=["submit", "status", "agent"],
)
def test_a_damaged_store_file_is_refused_in_one_line(
    tmp_path: Path, damage: object, command: tuple[str, ...]
) -> None:
    config = kiosk_with_applications(tmp_path, 3)
    db = store_file(config)
    assert callable(damage)
    damage(db)
    before_docs, before_db = documents_snapshot(config), db.read_bytes()

    done = kiosk(config, *command)

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "kiosk.sqlite3" in line
    assert documents_snapshot(config) == before_docs
    assert db.read_bytes() == before_db

"""``kiosk sync status`` on an empty (0-byte) or missing kiosk.sqlite3: one line, exit 2, the
file left as it was (the status tool never creates or initialises a store).

Before the fix: ``sqlite3.OperationalError: no such table: sync_state`` traceback, and the empty
file was turned into an empty database that the kiosk then took for a new store.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import kiosk, one_line, write_config


def test_status_on_an_empty_store_file(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db = tmp_path / "data" / "kiosk.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"")

    done = kiosk(config, "sync", "status")

    assert done.returncode == 2, done.stdout + done.stderr
    assert "empty" in one_line(done.stderr)
    assert db.read_bytes() == b""
    assert sorted(p.name for p in db.parent.iterdir()) == ["kiosk.sqlite3"]


def test_status_on_a_missing_store_file(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "data").mkdir()

    done = kiosk(config, "sync", "status")

    assert done.returncode == 2, done.stdout + done.stderr
    assert "does not exist yet" in one_line(done.stderr)
    assert list((tmp_path / "data").iterdir()) == []

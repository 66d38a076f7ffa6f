"""A zero-length kiosk.sqlite3 (a bad copy, a full disk at the wrong moment) must not cost a
single sealed document: the kiosk refuses to start, says what to do, and touches nothing.

Before the fix, ``kiosk sim submit`` on such a file created a fresh store and its start-up sweep
deleted every document folder it did not know (all of them), then reused K01-000001-9.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import (
    documents_snapshot,
    kiosk,
    kiosk_with_applications,
    one_line,
    store_file,
)


def test_an_empty_store_file_refuses_to_start_and_keeps_every_document(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 3)
    before = documents_snapshot(config)
    assert len({name.split("/")[0] for name in before}) == 3
    db = store_file(config)
    db.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    done = kiosk(config, "sim", "submit", "--count", "1")

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "kiosk.sqlite3" in line
    assert "3" in line
    assert "nothing was changed" in line
    assert documents_snapshot(config) == before
    assert db.stat().st_size == 0  # not even the empty file was written to

"""A kiosk_seq is never handed out twice, even when the database is replaced.

A technician who moves a broken store and its documents aside starts a fresh kiosk.sqlite3; the
next application must continue after the last code ever printed, or the gateway refuses it
(``422 kiosk_seq 1 is already used``) and the citizen's slip code collides with another's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.failure_modes.store_cli import data_dir, kiosk, kiosk_with_applications, store_file


def test_a_replaced_store_continues_the_sequence(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 3)
    data = data_dir(config)
    shutil.move(data / "docs", tmp_path / "docs-moved-aside")
    db = store_file(config)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)

    done = kiosk(config, "sim", "submit", "--count", "1")

    assert done.returncode == 0, done.stderr
    assert "K01-000004-" in done.stdout, done.stdout
    assert "K01-000001-" not in done.stdout

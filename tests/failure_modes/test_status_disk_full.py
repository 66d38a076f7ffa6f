"""``kiosk sync status`` on a full disk: one line saying the disk is full and what to do, exit 2.

On a real (small tmpfs) filesystem filled to the last byte: SQLite cannot create its
shared-memory file and says "disk I/O error"; before the fix that came out as a traceback.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import (
    documents_snapshot,
    fill,
    kiosk,
    kiosk_with_applications,
    one_line,
    small_disk,
)


def test_status_on_a_full_disk_says_so_in_one_line(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        config = kiosk_with_applications(disk, 1)
        before = documents_snapshot(config)
        for leftover in (disk / "data").glob("kiosk.sqlite3-*"):
            leftover.unlink()
        fill(disk)

        done = kiosk(config, "sync", "status")

        assert done.returncode == 2, done.stdout + done.stderr
        line = one_line(done.stderr)
        assert "disk is full" in line
        assert "free space" in line
        assert documents_snapshot(config) == before

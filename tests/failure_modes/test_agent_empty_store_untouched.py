"""The sync agent and staff's requeue leave a zero-length kiosk.sqlite3 exactly as it is.

Found by booting the appliance on a lost database (test_damaged_store_under_systemd.py): the
kiosk refused and touched nothing, but ``kiosk sync run`` (kiosk-sync.service, started beside
it) opened the 0-byte file with SQLite, whose ``PRAGMA journal_mode = WAL`` wrote a new empty
database into it (4 096 bytes), then refused it as "a new, empty database" while saying "nothing
was changed". The technician's evidence (a 0-byte file: the disk lost it) was overwritten, and a
later look could no longer tell a lost file from a replaced one. ``kiosk sync retry`` did the
same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.failure_modes.store_cli import (
    documents_snapshot,
    kiosk,
    kiosk_with_applications,
    one_line,
    store_file,
)


@pytest.mark.parametrize("command", [("sync", "once"), ("sync", "retry", "K01-000001-9"),
                                     ("sync", "status"), ("export", "--to", "stick", "--same-disk")])
def test_an_empty_store_is_refused_and_left_empty(tmp_path: Path, command: tuple[str, ...]) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    before = documents_snapshot(config)
    db = store_file(config)
    db.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (tmp_path / "stick").mkdir()

    done = kiosk(config, *(str(tmp_path / "stick") if arg == "stick" else arg for arg in command))

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr or done.stdout)  # sync retry answers staff on stdout
    assert "is empty (0 bytes)" in line, line
    assert db.stat().st_size == 0  # not even the empty file was written to
    assert not Path(f"{db}-wal").exists()
    assert documents_snapshot(config) == before
    assert list((tmp_path / "stick").iterdir()) == []

"""A missing kiosk.sqlite3 while sealed documents exist: even a technician's unrelated command
(``kiosk admin set-pin staff``) must refuse and leave every document (exported ones included).

Before the fix, set-pin opened the store, which created an empty one, and the sweep deleted all
document folders.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import (
    data_dir,
    documents_snapshot,
    kiosk,
    kiosk_with_applications,
    one_line,
    store_file,
)


def test_a_missing_store_refuses_set_pin_and_keeps_every_document(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 3)
    (tmp_path / "usb").mkdir()
    export = kiosk(config, "export", "--to", str(tmp_path / "usb"), "--same-disk")
    assert export.returncode == 0, export.stderr
    before = documents_snapshot(config)
    db = store_file(config)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    pins = data_dir(config) / "keys" / "pins.json"
    pins_before = pins.read_bytes() if pins.exists() else None

    done = kiosk(config, "admin", "set-pin", "staff", stdin="135790\n")

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "kiosk.sqlite3" in line
    assert "nothing was changed" in line
    assert documents_snapshot(config) == before
    assert not db.exists()
    assert (pins.read_bytes() if pins.exists() else None) == pins_before

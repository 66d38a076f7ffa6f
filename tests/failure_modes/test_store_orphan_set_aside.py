"""A folder the database does not know (a power cut between the file writes and the commit) is
moved aside, never deleted, and staff see it in ``kiosk sync status``.

Before the fix the start-up sweep ``rmtree``'d it: had the database been the part that went
wrong, that folder was the only copy of a citizen's application.
"""

from __future__ import annotations

from pathlib import Path

from tests.failure_modes.store_cli import data_dir, kiosk, kiosk_with_applications


def test_an_unknown_folder_is_set_aside_and_shown_to_staff(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    orphan = data_dir(config) / "docs" / "0b7e2a4c-0000-4000-8000-00000000abcd"
    orphan.mkdir()
    (orphan / "don").write_bytes(b"encrypted bytes of a seal whose row never committed")

    done = kiosk(config, "sim", "submit", "--count", "1", "--seed", "7")
    assert done.returncode == 0, done.stderr

    assert not orphan.exists()
    kept = list((data_dir(config) / "quarantine").rglob("don"))
    assert len(kept) == 1
    assert kept[0].read_bytes() == b"encrypted bytes of a seal whose row never committed"
    assert kept[0].parent.name == orphan.name
    status = kiosk(config, "sync", "status")
    assert status.returncode == 0, status.stderr
    assert "set aside: 1 file(s)" in status.stdout
    assert "quarantine" in status.stdout

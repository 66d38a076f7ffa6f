"""``kiosk export --to`` with no USB stick there must not report an export that stayed on the kiosk.

Staff type ``kiosk export --to /media/usbstick`` and walk away with the stick. Before: with no
stick mounted, /media/usbstick is only the empty mount point on the kiosk's own disk (the kiosk's
sandbox may write there), so the bundle was written to the kiosk's disk, the applications were
marked exported and the command said "exported 3 applications"; and a folder that did not exist
at all was created (``mkdir -p``), again on the kiosk's disk. Now the command refuses, in one
line, a folder that does not exist and one on the same disk as the kiosk's data (unless
``--same-disk`` says that is meant), and nothing is written or marked.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.failure_modes.store_cli import kiosk, kiosk_with_applications, one_line


def queue(config: Path) -> dict[str, int]:
    done = kiosk(config, "sync", "status", "--json")
    assert done.returncode == 0, done.stderr
    counts: dict[str, int] = json.loads(done.stdout)["queue"]
    return counts


def test_a_folder_that_does_not_exist_is_refused_and_not_made(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    before = queue(config)
    stick = tmp_path / "media" / "usbstick"

    done = kiosk(config, "export", "--to", str(stick))

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr or done.stdout)
    assert str(stick) in line
    assert "plug" in line
    assert not stick.exists()
    assert not stick.parent.exists()
    assert queue(config) == before


def test_an_empty_mount_point_on_the_kiosks_own_disk_is_refused(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    before = queue(config)
    mount_point = tmp_path / "usbstick"  # no stick mounted: a folder on the kiosk's disk
    mount_point.mkdir()

    done = kiosk(config, "export", "--to", str(mount_point))

    assert done.returncode == 2, done.stdout + done.stderr
    line = one_line(done.stderr or done.stdout)
    assert "kiosk's own disk" in line
    assert "--same-disk" in line
    assert list(mount_point.iterdir()) == []
    assert queue(config) == before


def test_the_same_disk_when_it_is_meant(tmp_path: Path) -> None:
    config = kiosk_with_applications(tmp_path, 2)
    folder = tmp_path / "carry"
    folder.mkdir()

    done = kiosk(config, "export", "--to", str(folder), "--same-disk")

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("exported 2 applications"), done.stdout
    assert sum(1 for p in folder.iterdir() if p.name.startswith("dvc-bundle-")) == 1

"""What the kiosk writes is its own: the store 0600, document folders 0700, slip images 0600.

Before the fix kiosk.sqlite3 and the slip images were 0644 and the document folders 0755: any
local account (a support login, a compromised service) could copy every sealed application and
read every printed code. Run through the real CLI in a child process, as the kiosk runs.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

from kiosk.store import open_store

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _kiosk(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, "--config", str(config), *args], capture_output=True, text=True,
                          timeout=120, check=False)


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n', "utf-8")
    return config


def test_the_store_and_sealed_documents_are_private(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert _kiosk(config, "sim", "submit", "--count", "2").returncode == 0
    data = tmp_path / "data"

    assert _mode(data / "kiosk.sqlite3") == 0o600
    for extra in ("kiosk.sqlite3-wal", "kiosk.sqlite3-shm"):
        if (data / extra).exists():
            assert _mode(data / extra) == 0o600
    assert _mode(data / "docs") == 0o700
    folders = list((data / "docs").iterdir())
    assert len(folders) == 2
    for folder in folders:
        assert _mode(folder) == 0o700
        for document in folder.iterdir():
            assert _mode(document) == 0o600
    assert _mode(data) & 0o044 == 0  # others may pass through to metrics/, never list


def test_slip_images_are_private(tmp_path: Path) -> None:
    config = _config(tmp_path)
    done = _kiosk(config, "devices", "test", "printer")
    assert done.returncode == 0, done.stderr
    slips = list((tmp_path / "data" / "printed").glob("*.png"))
    assert slips
    for slip in slips:
        assert _mode(slip) == 0o600
    assert _mode(tmp_path / "data" / "printed") == 0o700


def test_an_older_kiosks_open_modes_are_tightened(tmp_path: Path) -> None:
    db = tmp_path / "data" / "kiosk.sqlite3"
    open_store(db).close()
    db.chmod(0o644)
    (tmp_path / "data" / "docs").mkdir(mode=0o755)
    (tmp_path / "data" / "docs").chmod(0o755)
    open_store(db).close()
    assert _mode(db) == 0o600
    assert _mode(tmp_path / "data" / "docs") == 0o700


def test_store_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    import os

    from kiosk.store.files import atomic_write, ensure_dir

    old = os.umask(0)
    try:
        ensure_dir(tmp_path / "a" / "b")
        written = atomic_write(tmp_path / "keys", "pins.json", b"{}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a") == 0o700
    assert _mode(tmp_path / "a" / "b") == 0o700
    assert _mode(tmp_path / "keys") == 0o700
    assert _mode(written) == 0o600

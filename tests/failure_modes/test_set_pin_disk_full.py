"""``kiosk admin set-pin`` on a full disk: one line, exit 2, and the old PIN still works.

Two ways: ENOSPC injected at the write boundary (portable), and a real small tmpfs filled to the
last byte (needs root; skipped elsewhere). Before the fix: an ``OSError: [Errno 28]`` traceback.
"""

from __future__ import annotations

import errno
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.admin import pin as pin_module
from kiosk.admin.pin import PinGuard, PinOutcome, Role
from tests.failure_modes.store_cli import fill, kiosk, one_line, small_disk, write_config


@pytest.fixture(autouse=True)
def _keep_umask() -> Iterator[None]:
    """``kiosk.cli.main`` sets the process umask (077), as the kiosk does; put it back."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def test_enospc_on_the_pin_file_keeps_the_old_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("135790\n"))
    assert cli.main(["--config", str(config), "admin", "set-pin", "staff"]) == 0
    capsys.readouterr()

    def full(directory: Path, name: str, data: bytes) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(directory / name))

    monkeypatch.setattr(pin_module, "atomic_write", full)
    monkeypatch.setattr("sys.stdin", io.StringIO("864213\n"))

    assert cli.main(["--config", str(config), "admin", "set-pin", "staff"]) == 2

    line = one_line(capsys.readouterr().err)
    assert "not changed" in line
    assert "disk is full" in line
    monkeypatch.undo()  # room again: the PIN file still holds the old PIN
    guard = PinGuard(tmp_path / "data" / "keys" / "pins.json", time.time)
    assert guard.check(Role.STAFF, "135790").outcome is PinOutcome.ACCEPTED


def test_set_pin_on_a_really_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        config = write_config(disk)
        assert kiosk(config, "admin", "set-pin", "staff", stdin="135790\n").returncode == 0
        fill(disk)

        done = kiosk(config, "admin", "set-pin", "staff", stdin="864213\n")

        assert done.returncode == 2, done.stdout + done.stderr
        assert "disk is full" in one_line(done.stderr)
        (disk / "filler").unlink()  # room again: the PIN file still holds the old PIN
        guard = PinGuard(disk / "data" / "keys" / "pins.json", time.time)
        assert guard.check(Role.STAFF, "135790").outcome is PinOutcome.ACCEPTED

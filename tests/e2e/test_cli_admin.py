"""Technician/staff CLI: set a PIN from standard input; retry refuses an unknown application."""

import subprocess
import sys
import time
from pathlib import Path

from kiosk.admin.pin import PinGuard, PinOutcome, Role

KIOSK = [sys.executable, "-m", "kiosk.cli"]


def _kiosk(config: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, "--config", str(config), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def test_set_pin_stores_a_hash_that_checks(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n', "utf-8")
    done = _kiosk(config, "admin", "set-pin", "staff", stdin="135790\n")
    assert done.returncode == 0, done.stderr
    guard = PinGuard(tmp_path / "data/keys/pins.json", time.time)
    assert guard.check(Role.STAFF, "135790").outcome is PinOutcome.ACCEPTED
    assert "135790" not in (tmp_path / "data/keys/pins.json").read_text("utf-8")
    weak = _kiosk(config, "admin", "set-pin", "technician", stdin="12\n")
    assert weak.returncode == 2
    assert "6 to 12 digits" in weak.stderr


def test_retry_of_an_unknown_application_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n', "utf-8")
    assert _kiosk(config, "sim", "submit", "--count", "1").returncode == 0
    refused = _kiosk(config, "sync", "retry", "K01-000099-0")
    assert refused.returncode == 2
    assert "retry refused" in refused.stdout

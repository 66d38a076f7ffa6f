"""A kiosk that refuses to start says why at journald's error priority (issue 10 items 10, 11).

The one-line refusals (a damaged or missing store, an invalid configuration, a kiosk with no
gateway) are what a technician needs first after a bad boot, and they were plain lines on
stderr: journald filed them at the unit's default priority (info), so ``journalctl -p err``
showed nothing however the kiosk failed. Under journald (``JOURNAL_STREAM`` set) each line now
starts with ``<3>``, the sd-daemon prefix journald turns into PRIORITY=3; on a terminal the line is
as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.failure_modes.store_cli import write_config
from tests.support.journal import run_as_journald


def kiosk(config: Path, *args: str, journal: bool) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "kiosk.cli", "--config", str(config), *args]
    if journal:
        return run_as_journald(argv, os.environ, timeout=120)
    clean = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, env=clean)


def test_a_refused_store_is_an_error_in_the_journal(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    db = tmp_path / "data" / "kiosk.sqlite3"
    db.parent.mkdir()
    db.write_bytes(b"")

    done = kiosk(config, "sync", "status", journal=True)

    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("<3>kiosk: "), line
    assert "empty" in line
    assert db.read_bytes() == b""


def test_an_invalid_configuration_is_an_error_in_the_journal_on_every_line(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[paths]\ndata_dir = "data"\n[devices.printer]\nbackend = "laser"\n'
                      'paper_mm = 12\n', "utf-8")

    done = kiosk(config, "sync", "status", journal=True)

    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) >= 2, done.stderr  # what is wrong, then each key
    assert all(line.startswith("<3>") for line in lines), lines
    assert "devices.printer.backend" in done.stderr


def test_on_a_terminal_the_line_has_no_prefix(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    (tmp_path / "data").mkdir()

    done = kiosk(config, "sync", "status", journal=False)

    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("kiosk: "), line


def test_a_journal_stream_inherited_by_a_redirected_child_is_not_trusted(tmp_path: Path) -> None:
    """A unit's child whose stderr goes to a file or pipe (a test run, a log file) inherits
    JOURNAL_STREAM: its lines must stay plain there."""
    config = write_config(tmp_path)
    (tmp_path / "data").mkdir()
    env = {**os.environ, "JOURNAL_STREAM": "8:12345"}
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config", str(config), "sync",
                           "status"], capture_output=True, text=True, timeout=120, check=False,
                          env=env)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("kiosk: "), line

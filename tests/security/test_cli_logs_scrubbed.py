"""Issue 10 item 10: every kiosk process logs through the one scrubbed JSON set-up, short commands too.

Before: only the UI, the agent and the gateway called ``kiosk.logs.configure()``. A short command
(``kiosk sync status``, ``kiosk system update`` under kiosk-update.service, ``kiosk export`` ...)
logged through Python's last-resort handler: a plain line with whatever the message held (a name,
an ID, a raw QR), no priority for journald, and an uncaught exception printed its traceback and
message raw.

A real ``kiosk`` process is run, with one of its command handlers replaced by code that logs (or
raises) with a citizen in the message, as a careless library or future change could.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.journal import run_as_journald

QR = "079165001234|025123456|Huỳnh Thị Ánh|12031965|Nữ|12 Lê Lợi, phường Bến Nghé|01012021"
PERSONAL = ("079165001234", "Huỳnh Thị Ánh", "12 Lê Lợi", "12031965")
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import logging, sys
import kiosk.cli
from kiosk.commands import sync_cmd

QR = {qr!r}

def status(args, config):
    logging.getLogger("sync.agent").warning("could not read the card %s of Huỳnh Thị Ánh", QR)
    if {crash!r}:
        raise RuntimeError("bad card " + QR)
    return 0

sync_cmd.status = status
sys.exit(kiosk.cli.main(["--demo-defaults", "sync", "status"]))
"""


def run_kiosk(tmp_path: Path, *, crash: bool, journal: bool) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    argv = [sys.executable, "-c", SCRIPT.format(qr=QR, crash=crash)]
    if journal:
        return run_as_journald(argv, env, cwd=str(tmp_path))
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path,
                          check=False)


def records(stderr: str) -> list[tuple[str, dict[str, object]]]:
    """(priority prefix, JSON object) of each line; fails on a line that is not one."""
    out = []
    for line in stderr.splitlines():
        prefix, _, rest = line.partition(">")
        assert prefix.startswith("<"), f"not a journald line: {line!r}"
        out.append((prefix + ">", json.loads(rest)))
    return out


def test_a_short_command_logs_scrubbed_json_lines_with_priorities(tmp_path: Path) -> None:
    proc = run_kiosk(tmp_path, crash=False, journal=True)
    assert proc.returncode == 0, proc.stderr
    assert not [p for p in PERSONAL if p in proc.stderr], proc.stderr
    lines = records(proc.stderr)
    assert [(prio, rec["level"]) for prio, rec in lines] == [("<4>", "warning")], lines
    assert lines[0][1]["logger"] == "sync.agent"


def test_an_uncaught_exception_in_a_short_command_is_logged_by_type_not_as_a_traceback(
        tmp_path: Path) -> None:
    proc = run_kiosk(tmp_path, crash=True, journal=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert not [p for p in PERSONAL if p in proc.stderr], proc.stderr
    *logged, said = proc.stderr.splitlines()
    assert said.startswith("<3>kiosk: internal error (RuntimeError)"), said  # for the technician
    crash = [rec for prio, rec in records("\n".join(logged)) if prio == "<2>"]
    assert len(crash) == 1, proc.stderr
    assert "RuntimeError" in json.dumps(crash[0])


def test_on_a_terminal_the_lines_are_scrubbed_json_without_a_priority(tmp_path: Path) -> None:
    proc = run_kiosk(tmp_path, crash=False, journal=False)
    assert proc.returncode == 0, proc.stderr
    assert not [p for p in PERSONAL if p in proc.stderr], proc.stderr
    (line,) = proc.stderr.splitlines()
    assert json.loads(line)["level"] == "warning"

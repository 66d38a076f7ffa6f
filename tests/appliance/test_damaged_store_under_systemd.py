"""Issue 10 item 1 on the appliance: a kiosk whose database was lost comes up refusing, not empty.

As a commune kiosk meets it: three applications sealed while the link is down (the only copy of
those citizens' papers is on this kiosk), then the disk loses ``kiosk.sqlite3``'s contents (0
bytes) and the kiosk boots again. Under a real systemd as PID 1 with the shipped units (booted as
test_under_systemd.py does):

- kiosk.service refuses at every start, with one line at error priority (``journalctl -p err``
  tells the technician what happened and what to do), hits its start limit, and OnFailure= puts
  the out-of-service screen (kiosk-safe-mode.service) up instead of a kiosk that would hand out
  application codes from 1 again;
- kiosk-sync.service refuses as well, at error priority, and keeps retrying without touching
  anything;
- nothing is changed: every document file is byte for byte where it was, the store file is
  still 0 bytes, nothing is set aside;
- the technician restores the database from the backup, clears the failure and starts the
  kiosk: Welcome again, and when the link returns the agent delivers all three, once.

Changed for the test only: restart delays (not limits) are short so the start limit is reached
in seconds, and the UIs run offscreen without cage (as test_under_systemd.py's drop-in does).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT
from tests.appliance.test_under_systemd import (
    DEADLINE_S,
    PORT,
    Container,
    _install,
    _queue,
    _show,
    _wait,
    _wait_queue,
    booted,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="booting systemd in namespaces needs root"),
    pytest.mark.skipif(not Path("/lib/systemd/systemd").exists(), reason="systemd is not installed"),
    pytest.mark.skipif(shutil.which("unshare") is None or shutil.which("nsenter") is None,
                       reason="util-linux unshare/nsenter"),
]

DATA = "/var/lib/dvc-kiosk/data"


def _documents(c: Container) -> str:
    """Every file under docs/ with its hash (what the citizens' applications are)."""
    return c.sh(f"cd {DATA}/docs && find . -type f -print0 | sort -z | xargs -0 sha256sum").stdout


def _errors(c: Container, unit: str) -> str:
    return c.run("journalctl", "--no-pager", "-o", "cat", "-p", "err", "-u", unit).stdout


def test_a_lost_database_at_boot_refuses_and_keeps_every_document(tmp_path: Path) -> None:
    with booted(tmp_path) as c:
        _install(c)
        c.sh("""
            printf '%s\\n' '[Service]' 'RestartSec=200ms' \
                > /etc/systemd/system/kiosk.service.d/zz-fast-restart.conf
            printf '%s\\n' '[Service]' 'RestartSec=1' \
                > /etc/systemd/system/kiosk-sync.service.d/zz-fast-restart.conf
            mkdir -p /etc/systemd/system/kiosk-safe-mode.service.d
            printf '%s\\n' '[Service]' 'ExecStart=' \
                'ExecStart=/opt/dvc-kiosk/.venv/bin/kiosk run --safe-mode' 'ExecStop=' \
                'Environment=QT_QPA_PLATFORM=offscreen' \
                > /etc/systemd/system/kiosk-safe-mode.service.d/zz-offscreen.conf
            systemctl daemon-reload
            systemctl stop dvc-test-gateway.service
        """)
        c.run("systemctl", "start", "kiosk-sync.service", "kiosk.service", timeout=DEADLINE_S + 30)
        sealed = c.kiosk("sim", "submit", "--count", "3", "--seed", "5")
        assert "sealed 3" in sealed.stdout, sealed.stdout
        assert sum(_queue(c).values()) == 3
        documents = _documents(c)
        assert documents.count("\n") >= 3, documents
        c.run("systemctl", "stop", "kiosk.service", "kiosk-sync.service", timeout=DEADLINE_S)
        c.sh(f"mkdir /root/backup && cp -a {DATA}/kiosk.sqlite3* /root/backup/")  # last night's

        # the disk loses the database's contents; the kiosk boots again
        c.sh(f"truncate -s 0 {DATA}/kiosk.sqlite3; rm -f {DATA}/kiosk.sqlite3-wal {DATA}/kiosk.sqlite3-shm")
        c.run("systemctl", "start", "--no-block", "kiosk-sync.service", "kiosk.service")
        _wait(c, "kiosk-safe-mode.service", "ActiveState", "active")
        kiosk = _show(c, "kiosk.service", "ActiveState", "Result", "NRestarts")
        assert kiosk["ActiveState"] == "failed", kiosk
        assert kiosk["Result"] in ("start-limit-hit", "exit-code"), kiosk
        errors = _errors(c, "kiosk.service")
        print(errors)
        assert "kiosk.sqlite3 is empty (0 bytes) but" in errors, errors
        assert "restore kiosk.sqlite3 from a backup" in errors
        deadline = time.monotonic() + DEADLINE_S
        while "kiosk.sqlite3 is empty" not in _errors(c, "kiosk-sync.service"):
            assert time.monotonic() < deadline, _errors(c, "kiosk-sync.service")
        # nothing was changed
        assert _documents(c) == documents
        assert c.run("stat", "-c", "%s", f"{DATA}/kiosk.sqlite3").stdout.strip() == "0"
        assert c.run("test", "-e", f"{DATA}/quarantine", check=False).returncode != 0

        # the technician restores the backup and starts the kiosk again; the link comes back
        c.run("systemctl", "stop", "kiosk-sync.service", "kiosk-safe-mode.service",
              timeout=DEADLINE_S)
        c.sh(f"cp -a /root/backup/kiosk.sqlite3* {DATA}/")
        c.run("systemctl", "reset-failed", "kiosk.service")
        c.run("systemctl", "start", "kiosk-sync.service", "kiosk.service", timeout=DEADLINE_S + 30)
        assert _show(c, "kiosk.service", "StatusText")["StatusText"] == "Welcome screen shown"
        c.run("systemd-run", "--unit=dvc-test-gateway-2", "--quiet", f"{REPO_ROOT}/.venv/bin/kiosk",
              "gateway", "serve", "--host", "127.0.0.1", "--port", str(PORT), "--data", "/srv/gw")
        c.kiosk("sync", "now")
        _wait_queue(c, {"acked": 3})
        assert _documents(c) == documents  # kept until the retention purge, 30 days on

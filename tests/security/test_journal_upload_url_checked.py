"""`kiosk system journal-upload --url URL` checks the collector's URL as the gateway's is checked
(issue 10 item 5): https anywhere, plain http only to a loopback host, a real host and port, and
nothing that could end the drop-in's line.

Before, any text was written into /etc/systemd/journal-upload.conf.d/dvc-kiosk.conf as it came,
exit 0: a plain-http collector across the network (the journal in clear, and the client
certificate the module promises never used), "http://a b" or a port of 99999 (a drop-in
systemd-journal-upload cannot use, found only when logs stop arriving), and a URL carrying a
newline wrote lines of its own into the drop-in (``ServerKeyFile=...``). Now: one line saying
what is wrong, exit 2, nothing written. Real CLI in a child process, staging root in tmp.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

KIOSK = [sys.executable, "-m", "kiosk.cli", "--demo-defaults"]
DROP_IN = Path("etc/systemd/journal-upload.conf.d/dvc-kiosk.conf")


def _journal_upload(root: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, "system", "journal-upload", "--url", url, "--root", str(root)],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("url", [
    "http://logs.tinh.example:19532",  # the journal in clear across the network
    "http://127.evil.example:19532",  # looks loopback, is not
    "https://logs.tinh.example:19532\nServerKeyFile=/tmp/attacker.key",
    "https://logs.tinh.example:19532 ServerKeyFile=/tmp/attacker.key",
    "http://a b",
    "https://logs.tinh.example:99999",
    "logs.tinh.example:19532",
    "https://",
    "ftp://logs.tinh.example",
    "https://user:secret@logs.tinh.example:19532",
])
def test_a_bad_collector_url_is_refused_and_nothing_written(tmp_path: Path, url: str) -> None:
    done = _journal_upload(tmp_path, url)
    assert done.returncode == 2, (done.stdout, done.stderr)
    out = (done.stdout + done.stderr).strip()
    assert "Traceback" not in out
    assert len(out.splitlines()) == 1, out
    assert "collector" in out
    assert not (tmp_path / DROP_IN).exists()


@pytest.mark.parametrize("url", [
    "https://logs.tinh.example:19532",
    "https://[2001:db8::1]:19532",
    "http://127.0.0.1:19532",  # a collector on the kiosk itself (tests, a local relay)
    "http://[::1]:19532",
])
def test_a_good_collector_url_is_written(tmp_path: Path, url: str) -> None:
    done = _journal_upload(tmp_path, url)
    assert done.returncode == 0, (done.stdout, done.stderr)
    text = (tmp_path / DROP_IN).read_text("utf-8")
    assert f"URL={url}\n" in text
    assert sum(line.startswith("ServerKeyFile=") for line in text.splitlines()) == 1

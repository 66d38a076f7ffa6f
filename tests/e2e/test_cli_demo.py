"""`make run` twice in a row (issue 11 item 8): the second `kiosk demo` on the same output folder
used to time out waiting for "done" because the first left the link online and the session took
the OTP path. Each run now plays on a fresh demo kiosk: both runs finish the same session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def _demo(out: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_CONFIG"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "demo", "--out", str(out),
         "--lang", "vi", "--theme", "default", "--text-size", "0"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_demo_runs_twice_on_the_same_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [_demo(out), _demo(out)]
    sent: list[int] = []
    for n, run in enumerate(runs, 1):
        assert run.returncode == 0, (n, run.stdout[-2000:], run.stderr[-3000:])
        assert f"demo kiosk data: {(out / 'kiosk-data').resolve()} (made afresh)" in run.stdout
        # the same session both times: the first application of a fresh kiosk ...
        assert "application code: K01-000001-9" in run.stdout, (n, run.stdout)
        assert "QR reads back: DVCK1:K01-000001-9:" in run.stdout
        found = re.search(r"^link online: sent (\d+), quarantined 0$", run.stdout, re.M)
        assert found is not None, (n, run.stdout)
        sent.append(int(found.group(1)))
    assert sent[0] >= 1
    assert sent[1] == sent[0]  # ... and nothing the first run left behind is sent again
    assert (out / "slip.png").is_file()

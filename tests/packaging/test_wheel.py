"""The wheel works outside the checkout (issue 11 item 1, "Must show"): ``packaging/wheel-check.sh``
(what ``make wheel-check`` runs) builds the wheel from the tracked files, installs it with the
locked runtime versions into a fresh venv in a temporary folder, deletes its copy of the source
and runs from there ``kiosk --version``, ``kiosk devices decode-qr``, ``kiosk demo`` (screenshots
and the slip image) and ``kiosk run --simulate`` up to Welcome. It exits non-zero at the first
thing missing; this test reads its report too."""

from __future__ import annotations

import os
import subprocess

import pytest

from kiosk.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def test_wheel_runs_kiosk_demo_outside_the_checkout() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PY": str(REPO_ROOT / ".venv/bin/python")}
    env.pop("KIOSK_CONFIG", None)
    result = subprocess.run(["packaging/wheel-check.sh"], cwd=REPO_ROOT, env=env, capture_output=True,
                            text=True, timeout=600, check=False)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-6000:]
    for shown in ("from a built package", "079165001234", "application code:",
                  "slip image", "Welcome shown", "wheel check passed"):
        assert shown in report, f"not shown: {shown}\n{report[-6000:]}"
    assert str(REPO_ROOT) not in report.split("== kiosk --version", 1)[1].split("== kiosk devices", 1)[0]

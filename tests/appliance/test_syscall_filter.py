"""The units' ``SystemCallFilter=`` is measured, not assumed: the kiosk (Qt Quick with its QML JIT,
the store, the sync agent over HTTP) plays a whole session, and speech-dispatcher speaks, under
exactly the filter their units declare, with every other system call killing the process (see
syscall_filter.py: libseccomp and the installed systemd's own syscall groups)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.paths import REPO_ROOT, SYSTEMD_DIR
from kiosk.speech import self_test_speaker
from tests.appliance import syscall_filter
from tests.support.speechd import DAEMON, SAMPLE_RATE, real_speechd

pytestmark = pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                                reason="systemd-analyze names the syscall groups")
HARNESS = Path(syscall_filter.__file__)


def unit_filter(unit: str) -> list[str]:
    """The ``SystemCallFilter=`` lines of a shipped unit, in order."""
    text = (SYSTEMD_DIR / unit).read_text("utf-8")
    return re.findall(r"^SystemCallFilter=(.+)$", text, re.M)


def test_every_long_running_unit_filters_system_calls() -> None:
    for unit in ("kiosk.service", "kiosk-safe-mode.service", "kiosk-sync.service",
                 "kiosk-speech.service"):
        # the UI units add mincore(): Mesa's EGL on Wayland (under cage) calls it (test_cage.py)
        extra = ["mincore"] if unit in ("kiosk.service", "kiosk-safe-mode.service") else []
        assert unit_filter(unit) == ["@system-service", *extra], unit
        assert "\nSystemCallErrorNumber=EPERM\n" in (SYSTEMD_DIR / unit).read_text("utf-8")


def test_the_groups_are_systemds_own() -> None:
    service = syscall_filter.allowed(["@system-service"])
    assert {"openat", "mmap", "mprotect", "socket", "connect", "ioctl", "clone"} <= service
    assert not {"mount", "reboot", "init_module", "ptrace", "kexec_load", "swapon"} & service
    assert "socket" not in syscall_filter.allowed(["@system-service", "~@network-io"])


def _demo_under(filters: list[str], out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, str(HARNESS), *filters, "--",
         sys.executable, "-m", "kiosk.cli", "demo", "--out", str(out),
         "--lang", "vi", "--theme", "default", "--text-size", "0"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_the_kiosk_plays_a_whole_session_under_its_units_filter(tmp_path: Path) -> None:
    filters = unit_filter("kiosk.service")
    result = _demo_under(filters, tmp_path / "out")
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    assert "system calls allowed (@system-service" in result.stderr
    assert "application code: K01-" in result.stdout
    assert "link online: sent" in result.stdout  # the agent's HTTP exchange ran too
    assert len(list((tmp_path / "out").glob("*.png"))) > 10


@pytest.mark.slow
def test_a_filter_without_what_the_kiosk_needs_kills_it(tmp_path: Path) -> None:
    """The check above can fail: take the network calls away and the kernel kills the kiosk."""
    result = _demo_under([*unit_filter("kiosk.service"), "~@network-io"], tmp_path / "out")
    assert result.returncode == -signal.SIGSYS, (result.returncode, result.stderr[-2000:])
    assert "application code" not in result.stdout


def test_safe_mode_shows_its_screen_under_its_units_filter() -> None:
    code = ("import sys; from kiosk.ui.safe_mode import run_safe_mode; "
            "sys.exit(run_safe_mode('vi', quit_after_ms=3000))")
    result = subprocess.run(
        [sys.executable, str(HARNESS), *unit_filter("kiosk-safe-mode.service"), "--",
         sys.executable, "-c", code],
        cwd=REPO_ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True,
        text=True, timeout=120, check=False)
    assert result.returncode == 0, (result.returncode, result.stderr[-3000:])
    assert "system calls allowed (@system-service" in result.stderr


@pytest.mark.skipif(DAEMON is None, reason="speech-dispatcher is not installed")
def test_speech_dispatcher_speaks_under_its_units_filter(tmp_path: Path) -> None:
    prefix = [sys.executable, str(HARNESS), *unit_filter("kiosk-speech.service"), "--"]
    with real_speechd(tmp_path, prefix=prefix) as sd:
        report = self_test_speaker(sd.socket, timeout_s=20.0)
        samples = sd.audio_samples()
    assert report.passed, report.detail
    assert len(samples) > SAMPLE_RATE
    assert max(abs(s) for s in samples) > 3000

"""The suite's retry past the SANE test backend's deadlock retries that hang and nothing else."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from devices.scanner.sane import SaneScanner
from devices.scanner.sane_test_backend import settings_for_test_backend
from devices.status import DeviceStatus
from tests.support.sane_batch import ATTEMPTS, scan_batch

REAL = shutil.which("scanimage")
pytestmark = pytest.mark.skipif(REAL is None, reason="sane-utils missing")


def _scanimage(tmp_path: Path, first_runs: str, hangs: int) -> tuple[SaneScanner, Path]:
    """A scanimage that does ``first_runs`` for its first ``hangs`` calls, then the real one."""
    calls = tmp_path / "calls"
    script = tmp_path / "scanimage"
    script.write_text(
        "#!/bin/sh\n"
        f'echo x >> "{calls}"\n'
        f'if [ "$(wc -l < "{calls}")" -le {hangs} ]; then {first_runs}; fi\n'
        f'exec "{REAL}" "$@"\n',
        encoding="ascii",
    )
    script.chmod(0o755)
    return SaneScanner(replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(script))), calls


def test_a_hung_batch_is_scanned_again(tmp_path: Path) -> None:
    scanner, calls = _scanimage(tmp_path, "exec sleep 30", hangs=1)
    outcome = scan_batch(scanner, timeout_s=1.0)
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 10
    assert len(calls.read_text().splitlines()) == 2


def test_a_backend_that_keeps_hanging_is_given_up(tmp_path: Path) -> None:
    scanner, calls = _scanimage(tmp_path, "exec sleep 30", hangs=99)
    outcome = scan_batch(scanner, timeout_s=0.5)
    assert outcome.status is DeviceStatus.ERROR
    assert len(calls.read_text().splitlines()) == ATTEMPTS


def test_any_other_failure_is_not_retried(tmp_path: Path) -> None:
    scanner, calls = _scanimage(
        tmp_path, "echo 'scanimage: sane_read: Document feeder jammed' >&2; exit 1", hangs=99
    )
    outcome = scan_batch(scanner, timeout_s=5.0)
    assert outcome.status is DeviceStatus.JAMMED
    assert len(calls.read_text().splitlines()) == 1

"""Feeder empty: nothing in the feeder is its own status (the kiosk asks the citizen to put the
pages in), while running out after the last page is the normal end of a batch."""

from __future__ import annotations

import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from devices.scanner.sane import SaneScanner
from devices.scanner.sane_test_backend import settings_for_test_backend
from devices.status import DeviceStatus
from tests.support.sane_batch import scan_batch

REAL_SCANIMAGE = shutil.which("scanimage")
pytestmark = pytest.mark.skipif(REAL_SCANIMAGE is None, reason="sane-utils missing")


def _empty_until_loaded(tmp_path: Path, loaded_marker: Path) -> Path:
    """scanimage as it behaves with an empty feeder (the failure comes from sane_start, exit
    SANE_STATUS_NO_DOCS), and like the real one once the marker file exists."""
    script = tmp_path / "scanimage"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ -e "{loaded_marker}" ]; then exec "{REAL_SCANIMAGE}" "$@"; fi\n'
        'echo "Scanning infinity pages, incrementing by 1, numbering from 1" >&2\n'
        'echo "Scanning page 1" >&2\n'
        'echo "scanimage: sane_start: Document feeder out of documents" >&2\n'
        "exit 7\n",
        encoding="ascii",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_an_empty_feeder_is_reported_and_a_loaded_one_scans(tmp_path: Path) -> None:
    loaded = tmp_path / "loaded"
    fake = _empty_until_loaded(tmp_path, loaded)
    scanner = SaneScanner(replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(fake)))

    empty = scanner.scan(source="feeder", dpi=200, timeout_s=30)
    assert empty.status is DeviceStatus.FEEDER_EMPTY
    assert empty.pages == ()
    assert empty.detail == "sane_start: Document feeder out of documents"

    loaded.touch()  # the citizen puts the pages in
    full = scan_batch(scanner)
    assert full.status is DeviceStatus.READY
    assert len(full.pages) == 10


def test_no_documents_from_the_real_backend(tmp_path: Path) -> None:
    settings = settings_for_test_backend(tmp_path / "sane", fault="SANE_STATUS_NO_DOCS")
    outcome = SaneScanner(settings).scan(source="feeder", dpi=200, timeout_s=30)
    assert outcome.status is DeviceStatus.FEEDER_EMPTY
    assert outcome.pages == ()


def test_running_out_after_the_last_page_is_a_complete_batch(tmp_path: Path) -> None:
    # The test backend's feeder holds 10 sheets; scanimage then stops on "out of documents".
    outcome = scan_batch(SaneScanner(settings_for_test_backend(tmp_path / "sane")))
    assert outcome.status is DeviceStatus.READY
    assert len(outcome.pages) == 10

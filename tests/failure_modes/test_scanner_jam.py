"""Scanner jam: the pages read before the jam are kept, the status says what happened, and the
same scanner works again once the sheet is taken out. No hardware: SANE's test backend, and a
thin stand-in ``scanimage`` where the test backend cannot jam mid-batch."""

from __future__ import annotations

import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from devices.imaging import PageKind, pages_to_pdf, process_page
from devices.scanner.sane import SaneScanner
from devices.scanner.sane_test_backend import settings_for_test_backend
from devices.status import DeviceStatus
from tests.support.sane_batch import scan_batch

REAL_SCANIMAGE = shutil.which("scanimage")
pytestmark = pytest.mark.skipif(REAL_SCANIMAGE is None, reason="sane-utils missing")


def _jamming_scanimage(tmp_path: Path, good_pages: int, cleared_marker: Path) -> Path:
    """Real scanimage for ``good_pages`` sheets, then the jam exactly as scanimage reports it
    (sane_strstatus text, SANE_STATUS_JAMMED as exit code) until the marker file exists."""
    script = tmp_path / "scanimage"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ -e "{cleared_marker}" ]; then exec "{REAL_SCANIMAGE}" "$@"; fi\n'
        f'"{REAL_SCANIMAGE}" "$@" --batch-count={good_pages} || exit $?\n'
        'echo "scanimage: sane_read: Document feeder jammed" >&2\n'
        "exit 6\n",
        encoding="ascii",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_jam_mid_batch_keeps_the_pages_before_it(tmp_path: Path) -> None:
    cleared = tmp_path / "cleared"
    fake = _jamming_scanimage(tmp_path, 2, cleared)
    scanner = SaneScanner(replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(fake)))

    outcome = scan_batch(scanner)

    assert outcome.status is DeviceStatus.JAMMED
    assert len(outcome.pages) == 2
    assert "jammed" in outcome.detail
    # The kept pages are whole scans that still make a document.
    processed = [process_page(p, outcome.dpi) for p in outcome.pages]
    assert all(p is not None and p.kind is PageKind.BILEVEL for p in processed)
    assert pages_to_pdf(outcome.pages, outcome.dpi).startswith(b"%PDF-")


def test_the_same_scanner_works_again_after_the_jam_is_cleared(tmp_path: Path) -> None:
    cleared = tmp_path / "cleared"
    fake = _jamming_scanimage(tmp_path, 1, cleared)
    scanner = SaneScanner(replace(settings_for_test_backend(tmp_path / "sane"), scanimage=str(fake)))
    assert scanner.scan(dpi=100, timeout_s=30).status is DeviceStatus.JAMMED

    cleared.touch()  # the clerk opens the feeder and takes the sheet out
    again = scan_batch(scanner, dpi=100)

    assert again.status is DeviceStatus.READY
    assert len(again.pages) == 10


def test_a_jam_on_the_first_sheet_from_the_real_backend(tmp_path: Path) -> None:
    settings = settings_for_test_backend(tmp_path / "sane", fault="SANE_STATUS_JAMMED")
    outcome = SaneScanner(settings).scan(dpi=200, timeout_s=30)
    assert outcome.status is DeviceStatus.JAMMED
    assert outcome.pages == ()
    assert outcome.detail == "sane_read: Document feeder jammed"
